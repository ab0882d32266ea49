// Subagents in the chat (issue 17): the agent's subagent events become nested cards inside their
// delegate call's tool card, each updated in place (same card id), valid for the webview's validator.
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/agent/events';
import { type HostToWebview, parseHostToWebview } from '../../../src/protocol/webview';
import { validateHostToWebview } from '../../../src/protocol/webviewValidate';
import { displayEventsOf, type DisplayContext } from '../../../src/ui/chat/agentEventDisplay';
import { ChatPresenter } from '../../../src/ui/chatPresenter';
import { ManualClock } from '../../fakes/manualClock';

const context: DisplayContext = {
  shownSessionId: 's1',
  runningTurnId: 't1',
  nextAttachments: [],
  nextUserText: undefined,
  steeringViewId: undefined,
  steer: () => undefined,
  offersApproval: () => false,
  editCardId: () => undefined,
};

describe('subagent cards', () => {
  it('nest in the delegate card and follow each subagent from start to report', () => {
    const posts: HostToWebview[] = [];
    const presenter = new ChatPresenter({ post: (m) => posts.push(m), clock: new ManualClock(), workspaceName: 'w', connection: { kind: 'warm', label: 'warm' }, onInvalidMessage: () => undefined });
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'use subagents' });
    presenter.handle({ type: 'toolCallStarted', turnId: 't1', callId: 'call_d', name: 'delegate', title: 'Subagents' });
    const events: AgentEvent[] = [
      { type: 'subagentStarted', turnId: 't1', callId: 'call_d', subagentId: 'call_d.1', index: 1, title: 'callers of X', mode: 'lanes' },
      { type: 'subagentStarted', turnId: 't1', callId: 'call_d', subagentId: 'call_d.2', index: 2, title: 'summarise a.ts', mode: 'lanes' },
      { type: 'subagentActivity', turnId: 't1', callId: 'call_d', subagentId: 'call_d.1', activity: 'search_text X' },
      { type: 'subagentFinished', turnId: 't1', callId: 'call_d', subagentId: 'call_d.2', status: 'answered', summary: 'a.ts exports alpha', toolCalls: 1, requests: 2, durationMs: 900 },
    ];
    for (const event of events) for (const shown of displayEventsOf(event, context)) presenter.handle(shown);

    const cards = posts.filter((p): p is Extract<HostToWebview, { type: 'toolCard' }> => p.type === 'toolCard');
    expect(cards).toHaveLength(5);
    for (const card of cards) {
      expect(parseHostToWebview(card).ok).toBe(true);
      expect(validateHostToWebview(card).ok).toBe(true);
    }
    expect(cards.at(-1)!.card).toMatchObject({
      id: 'call_d',
      status: 'running',
      subagents: [
        { id: 'call_d.1', index: 1, title: 'callers of X', status: 'running', activity: 'search_text X', toolCalls: 0 },
        { id: 'call_d.2', index: 2, title: 'summarise a.ts', status: 'answered', activity: 'a.ts exports alpha', toolCalls: 1, durationMs: 900 },
      ],
    });
  });
});
