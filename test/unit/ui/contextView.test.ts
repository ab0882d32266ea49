/**
 * The chat's side of issue 16, without VS Code: a restored conversation shows each message once (the
 * copies made for the model when it compacted are not shown again) and a notice where compaction
 * happened and what it cost; the context panel posts the meter (valid against the protocol) and takes
 * pins only for prompts and answer blocks the view shows.
 */
import { describe, expect, it } from 'vitest';
import type { ContextChange } from '../../../src/agent/context/contextKeeper';
import type { Pin } from '../../../src/agent/context/sessionContext';
import { Emitter } from '../../../src/common/event';
import { userMessage } from '../../../src/protocol/items';
import { ContextMeterView, type HostToWebview, type SessionTranscriptView } from '../../../src/protocol/webview';
import { ContextPanel, meterViewOf } from '../../../src/ui/chat/contextPanel';
import { conversationViewOf } from '../../../src/ui/chat/conversationView';
import type { CompactOutcome } from '../../../src/transport/modelClient';
import { FakeModelClient, respond, say, usage } from '../../fakes/fakeModelClient';
import { agentOn } from '../agent/context/contextHarness';

const COMPACTION = { type: 'compaction' as const, id: 'cmp_1', encrypted_content: 'c3VtbWFyeQ==' };

function compactingModel(): FakeModelClient {
  const model = new FakeModelClient();
  model.compact = async (): Promise<CompactOutcome> => ({ kind: 'compacted', output: [userMessage('one'), COMPACTION], usage: usage(20_000, 1_000), bytesSent: 10, totalMs: 1 });
  return model;
}

describe('a compacted conversation, restored', () => {
  it('shows every prompt once and a notice where it was compacted, with its cost', async () => {
    const model = compactingModel();
    const h = agentOn(model, { model: 'gpt-5.2' });
    model.script(respond([say('answer one')]), respond([say('answer two')]));
    await h.agent.runTurn(h.session, { text: 'one' });
    h.agent.context.pin(h.session, { id: 'x', role: 'user', text: 'one' });
    await h.agent.context.compact(h.session, h.session.turns[0]!.id, 'manual');
    await h.agent.runTurn(h.session, { text: 'two' });

    const view = conversationViewOf(h.session, undefined);
    expect(view.turns.map((t) => t.userText)).toEqual(['one', 'two']);
    const first = view.turns[0]!.items;
    expect(first.filter((item) => item.kind === 'steer')).toEqual([]);
    const notice = first.find((item) => item.kind === 'error');
    expect(notice?.kind === 'error' && notice.error).toMatchObject({ tone: 'notice', actions: [] });
    expect(notice?.kind === 'error' && notice.error.message).toMatch(/^Holdfast compacted the conversation \(Compact Now\) \(about .* tokens\); cost ≈ \$0\.0\d+\./);
    expect(view.turns[1]!.items).toEqual([{ kind: 'markdown', id: expect.any(String), text: 'answer two' }]);
  });
});

describe('the context panel', () => {
  function panel(turns: SessionTranscriptView['turns']) {
    const posted: HostToWebview[] = [];
    const refused: string[] = [];
    const pins: Pin[] = [];
    const changes = new Emitter<ContextChange>();
    const h = agentOn(new FakeModelClient(), { model: 'gpt-5.2' });
    const contextPanel = new ContextPanel({
      agentHost: {
        contextStatus: async () => h.agent.context.status(h.session),
        setPinned: async (pin, pinned) => {
          if (pinned) pins.push(pin);
          return true;
        },
        pins: async () => pins,
        onDidChangeContext: changes.event,
      },
      shownSessionId: () => 's1',
      transcript: () => ({ id: 's1', title: 't', turns, totals: { turns: turns.length, bytesSent: 0, statelessBytes: 0 } }),
      post: (message) => posted.push(message),
      refuse: (what) => refused.push(what),
    });
    return { contextPanel, posted, refused, pins, changes, h };
  }

  it('posts the meter after a snapshot and on changes of the shown session only, valid against the protocol', async () => {
    const { contextPanel, posted, changes, h } = panel([]);
    await contextPanel.publish();
    expect(posted.map((m) => m.type)).toEqual(['contextMeter', 'pins']);
    const status = h.agent.context.status(h.session);
    changes.fire({ sessionId: 'other', status });
    changes.fire({ sessionId: 's1', status: { ...status, usedTokens: 1234.6, totals: { ...status.totals, costUsd: null } } });
    expect(posted.map((m) => m.type)).toEqual(['contextMeter', 'pins', 'contextMeter']);
    const meter = posted[2]!.type === 'contextMeter' ? posted[2]!.meter : undefined;
    expect(ContextMeterView.parse(meter)).toMatchObject({ usedTokens: 1235, windowTokens: 400_000, compactAtTokens: 320_000, compactionMode: 'socket', session: { costUsd: null } });
    expect(meterViewOf(status).windowSource).toBe('table');
  });

  it('pins a prompt or an answer block the view shows, with the text shown; anything else is refused', async () => {
    const { contextPanel, posted, refused, pins } = panel([
      { id: 't1', userText: 'use tabs', attachments: [], status: 'done', items: [{ kind: 'markdown', id: 'b1', text: 'Tabs it is.' }] },
      { id: 'r1', userText: 'Inline edit', attachments: [], status: 'done', items: [], kind: 'review' },
    ]);
    await contextPanel.pin({ type: 'pinMessage', turnId: 't1', pinned: true });
    await contextPanel.pin({ type: 'pinMessage', turnId: 't1', blockId: 'b1', pinned: true });
    await contextPanel.pin({ type: 'pinMessage', turnId: 't1', blockId: 'nope', pinned: true });
    await contextPanel.pin({ type: 'pinMessage', turnId: 'forged', pinned: true });
    await contextPanel.pin({ type: 'pinMessage', turnId: 'r1', pinned: true });
    expect(pins).toEqual([
      { id: 't1', role: 'user', text: 'use tabs' },
      { id: 't1/b1', role: 'assistant', text: 'Tabs it is.' },
    ]);
    expect(refused).toHaveLength(3);
    expect(posted.at(-1)).toEqual({ type: 'pins', pinned: ['t1', 't1/b1'] });
  });
});
