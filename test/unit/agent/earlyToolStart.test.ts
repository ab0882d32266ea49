/**
 * Read-only calls start at their item's `itemDone`, while the response still streams (earlyToolStart.ts),
 * and the loop's invariants hold: no call runs twice, outputs in call order, nothing half done after a
 * failed or stopped response.
 */
import { describe, expect, it } from 'vitest';
import type { CancellationToken } from '../../../src/common/cancellation';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { EarlyToolStarts, PendingReads } from '../../../src/agent/earlyToolStart';
import type { FunctionCallItem, FunctionCallOutputItem, ResponseItem } from '../../../src/protocol/items';
import { FileReadTracker } from '../../../src/tools/fileReadTracker';
import type { ToolCallResult } from '../../../src/tools/toolRunner';
import { createAgentHarness } from '../../fakes/agentHarness';
import { callTool, metrics, respond, say, usage, type ScriptedStep } from '../../fakes/fakeModelClient';

const READ_A = callTool('c_a', 'read_file', { path: 'a.ts', start_line: null, end_line: null });
const READ_B = callTool('c_b', 'read_file', { path: 'b.ts', start_line: null, end_line: null });
const EDIT_A = callTool('c_e', 'apply_edit', { path: 'a.ts', edits: [{ old_text: 'one', new_text: 'two' }], content: null });

const outputs = (items: readonly ResponseItem[]): FunctionCallOutputItem[] => items.filter((i): i is FunctionCallOutputItem => i.type === 'function_call_output');

/** The harness with its tool runner watched: every run, with the token it got, in start order. */
function watchedHarness(options: Parameters<typeof createAgentHarness>[0] = {}) {
  const h = createAgentHarness(options);
  h.workspace.write('/ws/a.ts', 'one\n');
  h.workspace.write('/ws/b.ts', 'bee\n');
  const runs: Array<{ callId: string; token: CancellationToken; settled: boolean }> = [];
  const run = h.runner.run.bind(h.runner);
  h.runner.run = async (call, ctx) => {
    const record = { callId: call.call_id, token: ctx.token, settled: false };
    runs.push(record);
    try {
      return await run(call, ctx);
    } finally {
      record.settled = true;
    }
  };
  return { ...h, runs };
}

/**
 * A step that streams `items` (itemDone each), yields to let early starts begin, records how many tool
 * runs had started before it ended, then ends as `end` says.
 */
function streaming(items: ResponseItem[], seen: { runsBeforeEnd?: number }, runs: unknown[], end: 'completed' | 'failed' = 'completed'): ScriptedStep {
  return async (_request, options) => {
    for (const item of items) options.onEvent?.({ kind: 'itemDone', item });
    await new Promise((resolve) => setTimeout(resolve, 0));
    seen.runsBeforeEnd = runs.length;
    if (end === 'failed') return { kind: 'serverError', code: 'server_error', message: 'The model failed mid-response.', retryable: true };
    const tokens = usage(100, 20);
    return { kind: 'completed', responseId: 'resp_1', output: items, usage: tokens, metrics: metrics({ usage: tokens }) };
  };
}

describe('early tool start in the agent loop', () => {
  it('starts read-only calls before the response ends, runs each once and answers in call order', async () => {
    const h = watchedHarness();
    const seen: { runsBeforeEnd?: number } = {};
    h.model.script(streaming([READ_A, READ_B], seen, h.runs), respond([say('Both read.')]));
    const session = h.sessions.create();

    const outcome = await h.agent.runTurn(session, { text: 'read a and b' });

    expect(outcome).toEqual({ kind: 'completed', text: 'Both read.' });
    expect(seen.runsBeforeEnd).toBe(2);
    expect(h.runs.map((r) => r.callId)).toEqual(['c_a', 'c_b']);
    expect(outputs(session.items).map((o) => o.call_id)).toEqual(['c_a', 'c_b']);
    expect(outputs(session.items)[0]!.output).toContain('one');
    // Adopted early runs are shown as ordinary calls, one start and one finish each.
    expect(h.events.filter((e) => e.type === 'toolCallStarted').map((e) => (e as { callId: string }).callId)).toEqual(['c_a', 'c_b']);
    expect(h.events.filter((e) => e.type === 'toolCallFinished')).toHaveLength(2);
    // The reads reached the session once adopted: an edit of a.ts is now allowed.
    expect(session.reads.check('/ws/a.ts', 'one\n')).toBe('current');
  });

  it('never starts a read that follows a write in the same response early: it must see the write', async () => {
    const h = watchedHarness();
    const seen: { runsBeforeEnd?: number } = {};
    h.model.script(
      respond([READ_A]),
      streaming([EDIT_A, callTool('c_a2', 'read_file', { path: 'a.ts', start_line: null, end_line: null })], seen, h.runs),
      respond([say('Done.')]),
    );
    const session = h.sessions.create();

    await h.agent.runTurn(session, { text: 'edit a' });

    expect(seen.runsBeforeEnd).toBe(1); // only the first response's read had run
    expect(h.runs.map((r) => r.callId)).toEqual(['c_a', 'c_e', 'c_a2']);
    expect(outputs(session.items).find((o) => o.call_id === 'c_a2')!.output).toContain('two');
  });

  it('a response that fails after an early start leaves nothing behind: no output, no read, the run cancelled', async () => {
    const h = watchedHarness();
    const seen: { runsBeforeEnd?: number } = {};
    h.model.script(streaming([READ_A], seen, h.runs, 'failed'));
    const session = h.sessions.create();

    const outcome = await h.agent.runTurn(session, { text: 'read a' });

    expect(outcome.kind).toBe('failed');
    expect(seen.runsBeforeEnd).toBe(1);
    expect(h.runs[0]!.token.isCancellationRequested).toBe(true);
    expect(outputs(session.items)).toEqual([]);
    expect(session.items.some((i) => i.type === 'function_call')).toBe(false);
    expect(session.reads.check('/ws/a.ts', 'one\n')).toBe('unread');
    expect(h.eventTypes()).not.toContain('toolCallStarted');

    // Retry: the call comes again (same id, as after a resend) and runs once more, now for real, once.
    h.model.script(respond([READ_A]), respond([say('Read.')]));
    const retried = await h.agent.continueTurn(session);
    expect(retried).toEqual({ kind: 'completed', text: 'Read.' });
    expect(outputs(session.items).map((o) => o.call_id)).toEqual(['c_a']);
    expect(h.events.filter((e) => e.type === 'toolCallStarted')).toHaveLength(1);
  });

  it('a call whose arguments changed by the end of the response is run again with the final arguments', async () => {
    const h = watchedHarness();
    const final = callTool('c_a', 'read_file', { path: 'b.ts', start_line: null, end_line: null });
    h.model.script(async (_request, options) => {
      options.onEvent?.({ kind: 'itemDone', item: READ_A }); // an attempt the transport then resent
      await new Promise((resolve) => setTimeout(resolve, 0));
      const tokens = usage(100, 20);
      return { kind: 'completed', responseId: 'resp_1', output: [final], usage: tokens, metrics: metrics({ usage: tokens }) };
    }, respond([say('Read.')]));
    const session = h.sessions.create();

    await h.agent.runTurn(session, { text: 'read' });

    expect(h.runs.map((r) => r.callId)).toEqual(['c_a', 'c_a']);
    expect(h.runs[0]!.token.isCancellationRequested).toBe(true);
    expect(outputs(session.items)).toHaveLength(1);
    expect(outputs(session.items)[0]!.output).toContain('bee');
    expect(session.reads.check('/ws/a.ts', 'one\n')).toBe('unread');
  });

  it('Stop while an early run is going cancels it, and nothing of it is shown', async () => {
    const h = watchedHarness();
    const stop = new CancellationTokenSource();
    h.model.script(async (_request, options) => {
      options.onEvent?.({ kind: 'itemDone', item: READ_A });
      stop.cancel();
      return { kind: 'cancelled' };
    });
    const session = h.sessions.create();

    const outcome = await h.agent.runTurn(session, { text: 'read' }, stop.token);

    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(h.runs[0]!.token.isCancellationRequested).toBe(true);
    expect(h.eventTypes()).not.toContain('toolCallStarted');
  });

  it('a Stop as the response ends leaves no call, no output and no read behind', async () => {
    const h = watchedHarness();
    const stop = new CancellationTokenSource();
    h.model.script(async (_request, options) => {
      options.onEvent?.({ kind: 'itemDone', item: READ_A });
      options.onEvent?.({ kind: 'itemDone', item: EDIT_A });
      const tokens = usage(100, 20);
      stop.cancel();
      return { kind: 'completed', responseId: 'resp_1', output: [READ_A, EDIT_A], usage: tokens, metrics: metrics({ usage: tokens }) };
    });
    const session = h.sessions.create();

    await h.agent.runTurn(session, { text: 'read' }, stop.token);

    // The stopped response's calls never reach the transcript, so no output either; the early read is cancelled.
    expect(session.items.filter((i) => i.type === 'function_call' || i.type === 'function_call_output')).toEqual([]);
    expect(h.runs.map((r) => [r.callId, r.token.isCancellationRequested])).toEqual([['c_a', true]]);
    expect(session.reads.check('/ws/a.ts', 'one\n')).toBe('unread');
  });

  it('is off with earlyToolStart: false: calls start at the tool round only', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/a.ts', 'one\n');
    const runs: string[] = [];
    const run = h.runner.run.bind(h.runner);
    h.runner.run = (call, ctx) => (runs.push(call.call_id), run(call, ctx));
    const { Agent } = await import('../../../src/agent/agent');
    const agent = new Agent({ model: h.model, tools: h.runner, approvals: h.approvals, sessions: h.sessions, settings: () => h.settings, clock: h.clock, earlyToolStart: false });
    const seen: { runsBeforeEnd?: number } = {};
    h.model.script(streaming([READ_A], seen, runs), respond([say('ok')]));

    await agent.runTurn(h.sessions.create(), { text: 'read' });

    expect(seen.runsBeforeEnd).toBe(0);
    expect(runs).toEqual(['c_a']);
  });
});

describe('EarlyToolStarts', () => {
  const result = (call: FunctionCallItem): ToolCallResult => ({ callId: call.call_id, name: call.name, output: 'ok', status: 'ok', path: undefined, durationMs: 0 });

  it('hands an early run out once, and only for the same call', async () => {
    const started: string[] = [];
    const early = new EarlyToolStarts({ isReadOnly: () => true, run: async (call) => (started.push(call.call_id), result(call)) }, new CancellationTokenSource().token, new FileReadTracker());
    early.offer({ kind: 'itemDone', item: READ_A });
    early.offer({ kind: 'itemDone', item: READ_A }); // a duplicate item never starts a second run

    expect(started).toEqual(['c_a']);
    expect(early.take({ ...READ_A, arguments: '{}' })).toBeUndefined();
    await expect(early.take(READ_A)).resolves.toMatchObject({ callId: 'c_a' });
    expect(early.take(READ_A)).toBeUndefined();
    expect(early.started).toBe(1);
  });

  it('starts nothing after discard, and ignores everything but finished function calls', async () => {
    const started: string[] = [];
    const early = new EarlyToolStarts({ isReadOnly: () => true, run: async (call) => (started.push(call.call_id), result(call)) }, new CancellationTokenSource().token, new FileReadTracker());
    early.offer({ kind: 'toolCallStarted', itemId: 'fc', callId: 'c_x', name: 'read_file' });
    early.offer({ kind: 'itemDone', item: say('hi') });
    await early.discard();
    early.offer({ kind: 'itemDone', item: READ_B });

    expect(started).toEqual([]);
    expect(early.take(READ_B)).toBeUndefined();
  });

  it('pending reads reach the session tracker only when committed', () => {
    const session = new FileReadTracker();
    const pending = new PendingReads(session);
    pending.record('/ws/a.ts', 'one\n');
    expect(session.check('/ws/a.ts', 'one\n')).toBe('unread');
    pending.commit();
    expect(session.check('/ws/a.ts', 'one\n')).toBe('current');
  });
});
