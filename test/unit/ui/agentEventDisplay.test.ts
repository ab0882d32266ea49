import { describe, expect, it } from 'vitest';
import type { AgentEvent, TurnMetrics, TurnOutcome } from '../../../src/agent/events';
import type { JournalEntry } from '../../../src/tools/editJournal';
import type { RequestMetrics } from '../../../src/transport/modelClient';
import { type DisplayContext, displayEventsOf, KEY_REMOVED_NOTICE, type QueuedSteer } from '../../../src/ui/chat/agentEventDisplay';

/**
 * Agent event → chat display events, case by case: each agent event type has a test that pins what
 * the chat shows for it (or that it shows nothing), with the context the controller would give.
 */

const entry: JournalEntry = { turnId: 't1', callId: 'c1', path: '/ws/src/a.ts', display: 'src/a.ts', before: 'one\ntwo\n', after: 'one\nTWO\n', at: 0 };
const created: JournalEntry = { ...entry, path: '/ws/src/new.ts', display: 'src/new.ts', before: undefined, after: 'x\n' };

function context(overrides: Partial<DisplayContext> & { steers?: Record<string, QueuedSteer>; offered?: string[]; edits?: Map<JournalEntry, string> } = {}): DisplayContext {
  const { steers = {}, offered = [], edits = new Map([[entry, 'edit-0']]), ...rest } = overrides;
  return {
    shownSessionId: 's1',
    runningTurnId: 't1',
    nextAttachments: [],
    nextUserText: undefined,
    steeringViewId: undefined,
    steer: (id) => steers[id],
    offersApproval: (id) => offered.includes(id),
    editCardId: (e) => edits.get(e),
    ...rest,
  };
}

function metrics(perRequest: RequestMetrics[] = [], totalMs = 1_234): TurnMetrics {
  return {
    requests: perRequest.length,
    toolRounds: 0,
    toolCalls: 0,
    modelMs: 0,
    toolMs: 0,
    totalMs,
    usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    bytesSent: 0,
    statelessBytes: 0,
    recoveries: 0,
    perRequest,
  };
}

function finished(outcome: TurnOutcome, sessionId = 's1'): AgentEvent {
  return { type: 'turnFinished', sessionId, turnId: 't1', outcome, metrics: metrics() };
}

describe('displayEventsOf: turns', () => {
  it('turnStarted in the shown session starts the turn with the prompt’s attachments; a retry (no text) is labelled', () => {
    const attachments = [{ kind: 'file' as const, path: 'src/a.ts' }];
    expect(displayEventsOf({ type: 'turnStarted', sessionId: 's1', turnId: 't1', userText: 'fix it' }, context({ nextAttachments: attachments }))).toEqual([
      { type: 'turnStarted', turnId: 't1', userText: 'fix it', attachments },
    ]);
    expect(displayEventsOf({ type: 'turnStarted', sessionId: 's1', turnId: 't2', userText: '' }, context())).toEqual([
      { type: 'turnStarted', turnId: 't2', userText: '↻ Retry', attachments: [] },
    ]);
  });

  it('turnStarted shows the user’s own line for a prompt the host wrote (Explain), not the prompt with its <selection> block', () => {
    const prompt = 'Explain this problem:\nerror at line 3\n\n<selection>\nconst x: number = "a";\n</selection>';
    const shown = displayEventsOf({ type: 'turnStarted', sessionId: 's1', turnId: 't1', userText: prompt }, context({ nextUserText: 'Explain this problem on line 3 of src/a.ts: bad' }));
    expect(shown).toEqual([{ type: 'turnStarted', turnId: 't1', userText: 'Explain this problem on line 3 of src/a.ts: bad', attachments: [] }]);
  });

  it('turnStarted and turnFinished of another session show nothing', () => {
    expect(displayEventsOf({ type: 'turnStarted', sessionId: 'other', turnId: 't1', userText: 'x' }, context())).toEqual([]);
    expect(displayEventsOf(finished({ kind: 'failed', error: { kind: 'networkError', message: 'down' } }, 'other'), context())).toEqual([]);
  });

  it('turnFinished: completed is done with its requests and wall time; cancelled is cancelled; neither gets an error card', () => {
    const request = { transport: 'websocket', bytesSent: 10 } as RequestMetrics;
    const event: AgentEvent = { type: 'turnFinished', sessionId: 's1', turnId: 't1', outcome: { kind: 'completed', text: 'ok' }, metrics: metrics([request], 900) };
    expect(displayEventsOf(event, context())).toEqual([{ type: 'turnFinished', turnId: 't1', status: 'done', requests: [request], totalMs: 900 }]);
    expect(displayEventsOf(finished({ kind: 'cancelled' }), context())).toEqual([{ type: 'turnFinished', turnId: 't1', status: 'cancelled', requests: [], totalMs: 1_234 }]);
    expect(displayEventsOf(finished({ kind: 'incomplete', reason: 'steered', text: '' }), context()).map((e) => e.type)).toEqual(['turnFinished']);
  });

  it('turnFinished: a failure is an error card with its actions before the failed end', () => {
    expect(displayEventsOf(finished({ kind: 'failed', error: { kind: 'networkError', message: 'socket closed' } }), context())).toEqual([
      { type: 'error', turnId: 't1', message: 'The connection failed: socket closed', actions: ['retry', 'switchToHttp', 'testConnection'] },
      { type: 'turnFinished', turnId: 't1', status: 'failed', requests: [], totalMs: 1_234 },
    ]);
    const auth = displayEventsOf(finished({ kind: 'failed', error: { kind: 'authFailed', message: 'bad key' } }), context());
    expect(auth[0]).toMatchObject({ type: 'error', actions: ['setApiKey', 'testConnection'] });
  });

  it('turnFinished: a budget pause or an early stop is done, with a Retry card', () => {
    const paused = displayEventsOf(finished({ kind: 'budgetPaused', budget: 'tokens', used: 10, limit: 10 }), context());
    expect(paused).toEqual([
      { type: 'error', turnId: 't1', message: 'Paused: this turn reached its token budget (10 of 10). Retry continues it.', actions: ['retry'] },
      { type: 'turnFinished', turnId: 't1', status: 'done', requests: [], totalMs: 1_234 },
    ]);
    expect(displayEventsOf(finished({ kind: 'incomplete', reason: 'max_output_tokens', text: 'par' }), context())[0]).toEqual({
      type: 'error',
      turnId: 't1',
      message: 'The answer stopped early (max_output_tokens).',
      actions: ['retry'],
    });
  });
});

describe('displayEventsOf: text', () => {
  it('textDelta keeps the turn, the item id as the block and the delta', () => {
    expect(displayEventsOf({ type: 'textDelta', turnId: 't1', itemId: 'msg_1', delta: 'Hel' }, context())).toEqual([{ type: 'textDelta', turnId: 't1', blockId: 'msg_1', delta: 'Hel' }]);
  });

  it('reasoningDelta is text on the reasoning channel, in a block apart from the answer of the same item', () => {
    expect(displayEventsOf({ type: 'reasoningDelta', turnId: 't1', itemId: 'rs_1', delta: 'think' }, context())).toEqual([
      { type: 'textDelta', turnId: 't1', blockId: 'r-rs_1', delta: 'think', channel: 'reasoning' },
    ]);
  });

  it('userTextRedacted is a notice on its turn', () => {
    expect(displayEventsOf({ type: 'userTextRedacted', turnId: 't1' }, context())).toEqual([{ type: 'notice', turnId: 't1', message: KEY_REMOVED_NOTICE }]);
    expect(displayEventsOf({ type: 'userTextRedacted', turnId: 't1', steerId: 'st1' }, context())).toEqual([{ type: 'notice', turnId: 't1', message: KEY_REMOVED_NOTICE }]);
  });
});

describe('displayEventsOf: tools', () => {
  it('toolCallStarted is titled by tool name and targets its path, else its argument summary; unknown tools keep their name', () => {
    expect(displayEventsOf({ type: 'toolCallStarted', turnId: 't1', callId: 'c1', name: 'read_file', argsSummary: '{"path":"a.ts"}', path: 'src/a.ts' }, context())).toEqual([
      { type: 'toolCallStarted', turnId: 't1', callId: 'c1', name: 'read_file', title: 'Read file', target: 'src/a.ts' },
    ]);
    expect(displayEventsOf({ type: 'toolCallStarted', turnId: 't1', callId: 'c2', name: 'run_command', argsSummary: 'npm test', path: undefined }, context())).toEqual([
      { type: 'toolCallStarted', turnId: 't1', callId: 'c2', name: 'run_command', title: 'Run command', target: 'npm test' },
    ]);
    expect(displayEventsOf({ type: 'toolCallStarted', turnId: 't1', callId: 'c3', name: 'mystery', argsSummary: '', path: undefined }, context())[0]).toMatchObject({ title: 'mystery' });
  });

  it('toolCallFinished: ok is done, cancelled is cancelled, every other status failed; output summary and duration kept', () => {
    const finishedWith = (status: 'ok' | 'error' | 'refused' | 'denied' | 'cancelled') =>
      displayEventsOf({ type: 'toolCallFinished', turnId: 't1', callId: 'c1', name: 'read_file', status, durationMs: 42, outputSummary: 'out', path: undefined }, context());
    expect(finishedWith('ok')).toEqual([{ type: 'toolCallFinished', turnId: 't1', callId: 'c1', status: 'done', outputSummary: 'out', durationMs: 42 }]);
    expect(finishedWith('cancelled')[0]).toMatchObject({ status: 'cancelled' });
    for (const status of ['error', 'refused', 'denied'] as const) expect(finishedWith(status)[0]).toMatchObject({ status: 'failed' });
  });
});

describe('displayEventsOf: approvals', () => {
  it('approvalRequested shows nothing: the card comes with the approvals port’s call', () => {
    expect(displayEventsOf({ type: 'approvalRequested', turnId: 't1', approvalId: 'a1', request: { kind: 'runTask', label: 'build', alwaysAllowRules: undefined } }, context({ offered: ['a1'] }))).toEqual([]);
  });

  it('approvalResolved updates an offered card: allowed, denied, or cancelled when its turn no longer runs', () => {
    const resolved = (answer: 'allowOnce' | 'alwaysAllow' | 'deny', running: string | undefined) =>
      displayEventsOf({ type: 'approvalResolved', turnId: 't1', approvalId: 'a1', answer }, context({ offered: ['a1'], runningTurnId: running }));
    expect(resolved('allowOnce', 't1')).toEqual([{ type: 'approvalResolved', turnId: 't1', approvalId: 'a1', outcome: 'allowedOnce' }]);
    expect(resolved('alwaysAllow', 't1')[0]).toMatchObject({ outcome: 'allowedAlways' });
    expect(resolved('deny', 't1')[0]).toMatchObject({ outcome: 'denied' });
    expect(resolved('deny', undefined)[0]).toMatchObject({ outcome: 'cancelled' });
    // Stop pressed while the card waited: the turn still runs as the event arrives, but nobody answered.
    const stopped = displayEventsOf({ type: 'approvalResolved', turnId: 't1', approvalId: 'a1', answer: 'deny', cancelled: true }, context({ offered: ['a1'], runningTurnId: 't1' }));
    expect(stopped[0]).toMatchObject({ outcome: 'cancelled' });
  });

  it('approvalResolved for a card the view was never offered (asked in a modal) shows nothing', () => {
    expect(displayEventsOf({ type: 'approvalResolved', turnId: 't1', approvalId: 'a9', answer: 'allowOnce' }, context({ offered: ['a1'] }))).toEqual([]);
  });
});

describe('displayEventsOf: edits', () => {
  it('editApplied of the shown session is an edit card with its id, path, change and diff hunks', () => {
    const [card] = displayEventsOf({ type: 'editApplied', turnId: 't1', entry, reviewed: false }, context());
    expect(card).toMatchObject({ type: 'editApplied', turnId: 't1', editId: 'edit-0', path: 'src/a.ts', change: 'modified' });
    expect(card?.type === 'editApplied' && card.hunks.flatMap((h) => h.lines)).toEqual([
      { kind: 'context', text: 'one' },
      { kind: 'remove', text: 'two' },
      { kind: 'add', text: 'TWO' },
    ]);
    expect(displayEventsOf({ type: 'editApplied', turnId: 't1', entry: created, reviewed: false }, context({ edits: new Map([[created, 'edit-3']]) }))[0]).toMatchObject({ editId: 'edit-3', change: 'created' });
  });

  it('editApplied of an edit kept in its review is a kept card: one review, one Keep', () => {
    const [card] = displayEventsOf({ type: 'editApplied', turnId: 't1', entry, reviewed: true }, context());
    expect(card).toMatchObject({ type: 'editApplied', editId: 'edit-0', kept: true });
    const [plain] = displayEventsOf({ type: 'editApplied', turnId: 't1', entry, reviewed: false }, context());
    expect(plain).not.toHaveProperty('kept');
  });

  it('editApplied that is not in the shown session’s journal shows nothing', () => {
    expect(displayEventsOf({ type: 'editApplied', turnId: 't1', entry: created, reviewed: false }, context())).toEqual([]);
  });
});

describe('displayEventsOf: steering', () => {
  it('steerQueued is a queued line under the view’s id when the view is steering, else one made from the agent’s', () => {
    expect(displayEventsOf({ type: 'steerQueued', turnId: 't1', steerId: 'st1', text: 'only unit tests' }, context({ steeringViewId: 'v-7' }))).toEqual([
      { type: 'steer', turnId: 't1', steerId: 'v-7', text: 'only unit tests', status: 'queued' },
    ]);
    expect(displayEventsOf({ type: 'steerQueued', turnId: 't1', steerId: 'st1', text: 'x' }, context())[0]).toMatchObject({ steerId: 'steer-st1' });
  });

  it('steerDelivered updates the queued line: delivered, or next turn when it was kept for later; unknown steers show nothing', () => {
    const steers = { st1: { viewId: 'v-7', turnId: 't1', text: 'only unit tests' } };
    expect(displayEventsOf({ type: 'steerDelivered', turnId: 't2', steerId: 'st1', via: 'afterTools' }, context({ steers }))).toEqual([
      { type: 'steer', turnId: 't1', steerId: 'v-7', text: 'only unit tests', status: 'delivered' },
    ]);
    expect(displayEventsOf({ type: 'steerDelivered', turnId: 't1', steerId: 'st1', via: 'keptInTranscript' }, context({ steers }))[0]).toMatchObject({ status: 'nextTurn' });
    expect(displayEventsOf({ type: 'steerDelivered', turnId: 't1', steerId: 'nope', via: 'stream' }, context({ steers }))).toEqual([]);
  });

  it('the rest of the receipt: waiting with why, answered, unknown with why, refused (failed) with why; effort notes', () => {
    const steers = { st1: { viewId: 'v-7', turnId: 't1', text: 'only unit tests' } };
    const line = { type: 'steer', turnId: 't1', steerId: 'v-7', text: 'only unit tests' };
    expect(displayEventsOf({ type: 'steerWaiting', turnId: 't1', steerId: 'st1', why: 'w' }, context({ steers }))).toEqual([{ ...line, status: 'pending', reason: 'w' }]);
    expect(displayEventsOf({ type: 'steerAnswered', turnId: 't1', steerId: 'st1' }, context({ steers }))).toEqual([{ ...line, status: 'answered' }]);
    expect(displayEventsOf({ type: 'steerUnknown', turnId: 't1', steerId: 'st1', text: 'only unit tests', why: 'u' }, context({ steers }))).toEqual([{ ...line, status: 'unknown', reason: 'u' }]);
    expect(displayEventsOf({ type: 'steerReturned', turnId: 't1', steerId: 'st1', text: 'only unit tests', why: 'r' }, context({ steers }))).toEqual([{ ...line, status: 'failed', reason: 'r' }]);
    expect(displayEventsOf({ type: 'steerAnswered', turnId: 't1', steerId: 'nope' }, context({ steers }))).toEqual([]);
    expect(displayEventsOf({ type: 'effortChanged', turnId: 't1', effort: 'high', via: 'configurationUpdate', note: 'n' }, context())).toEqual([{ type: 'notice', turnId: 't1', message: 'n' }]);
  });
});

describe('displayEventsOf: events the chat does not show', () => {
  it('modelRecovering (the response is sent again) replaces the fragment it had streamed', () => {
    expect(displayEventsOf({ type: 'modelRecovering', turnId: 't1', reason: 'socket closed', attempt: 1 }, context())).toEqual([{ type: 'responseResent', turnId: 't1' }]);
  });

  it('requestStarted, assistantMessage, budgetPaused and sessionSaveFailed show nothing', () => {
    const quiet: AgentEvent[] = [
      { type: 'requestStarted', turnId: 't1', index: 0 },
      { type: 'assistantMessage', turnId: 't1', itemId: 'm1', text: 'done' },
      { type: 'budgetPaused', turnId: 't1', budget: 'toolRounds', used: 2, limit: 2 },
      { type: 'sessionSaveFailed', sessionId: 's1', message: 'disk full' },
    ];
    for (const event of quiet) expect(displayEventsOf(event, context()), event.type).toEqual([]);
  });
});
