/**
 * Agent event → what the chat view shows, as one pure function (`displayEventsOf`) over a table with
 * one row per agent event type, so adding an agent event is a compile error until someone decides how
 * (or whether) the chat shows it. What a row needs to know about the chat (the session shown, the
 * cards offered, the steers queued) comes in as `DisplayContext`; the controller keeps that state.
 */
import type { AgentEvent, TurnOutcome } from '../../agent/events';
import type { AttachmentView, SteerView } from '../../protocol/webview';
import type { JournalEntry } from '../../tools/editJournal';
import { outcomeOf } from './approvalCards';
import { clipHunks } from './clipping';
import { compactionNotice } from './compactionWording';
import { editChange, toolTitle } from './conversationView';
import type { ChatDisplayEvent } from './displayEvents';
import { editHunks } from './editHunks';
import { describeOutcome } from './failureWording';

/** The notice on a turn whose prompt (or steer) had an API key in it; the agent replaced the key before sending. */
export const KEY_REMOVED_NOTICE = 'Holdfast removed an API key from your message before sending it.';

/** A steer the agent queued, as the view knows it. */
export interface QueuedSteer {
  /** The view's id for it (the composer's), so the line it already shows is updated. */
  viewId: string;
  turnId: string;
  text: string;
}

/** What the mapping needs to know about the chat; read-only, the controller keeps it. */
export interface DisplayContext {
  /** The session the view shows: turns of other sessions are not shown. */
  readonly shownSessionId: string | undefined;
  /** The shown session's running turn, if any. */
  readonly runningTurnId: string | undefined;
  /** Attachments of the prompt being started, shown on its turn. */
  readonly nextAttachments: readonly AttachmentView[];
  /** What the user asked, when the prompt being started is longer than that (Explain's full prompt). */
  readonly nextUserText: string | undefined;
  /** The view's id for the steer being queued right now (the agent's `steerQueued` fires inside `steer()`). */
  readonly steeringViewId: string | undefined;
  steer(steerId: string): QueuedSteer | undefined;
  /** Whether the view shows an open card for this approval. */
  offersApproval(approvalId: string): boolean;
  /** The edit card id of a journal entry of the shown session; undefined when it is not one. */
  editCardId(entry: JournalEntry): string | undefined;
}

type Row<T extends AgentEvent['type']> = (event: Extract<AgentEvent, { type: T }>, context: DisplayContext) => ChatDisplayEvent[];

const NOTHING = (): ChatDisplayEvent[] => [];

const ROWS: { [T in AgentEvent['type']]: Row<T> } = {
  turnStarted: (event, context) =>
    event.sessionId !== context.shownSessionId
      ? []
      : [{ type: 'turnStarted', turnId: event.turnId, userText: userTextOf(event.userText, context), attachments: context.nextAttachments }],
  textDelta: (event) => [{ type: 'textDelta', turnId: event.turnId, blockId: event.itemId, delta: event.delta }],
  reasoningDelta: (event) => [{ type: 'textDelta', turnId: event.turnId, blockId: `r-${event.itemId}`, delta: event.delta, channel: 'reasoning' }],
  toolCallStarted: (event) => [
    {
      type: 'toolCallStarted',
      turnId: event.turnId,
      callId: event.callId,
      name: event.name,
      title: toolTitle(event.name),
      target: event.path ?? event.argsSummary,
      ...(event.background ? { background: true } : {}),
    },
  ],
  toolCallOutput: (event) => [{ type: 'toolCallOutput', turnId: event.turnId, callId: event.callId, tail: event.tail }],
  toolCallFinished: (event) => [
    {
      type: 'toolCallFinished',
      turnId: event.turnId,
      callId: event.callId,
      status: event.status === 'ok' ? 'done' : event.status === 'cancelled' ? 'cancelled' : 'failed',
      outputSummary: event.outputSummary,
      durationMs: event.durationMs,
    },
  ],
  // The card comes with the approvals port's call, which names the turn and the question.
  approvalRequested: NOTHING,
  approvalResolved: (event, context) =>
    context.offersApproval(event.approvalId)
      ? [{ type: 'approvalResolved', turnId: event.turnId, approvalId: event.approvalId, outcome: outcomeOf(event.answer, event.cancelled === true || context.runningTurnId !== event.turnId) }]
      : [],
  editApplied: (event, context) => {
    const editId = context.editCardId(event.entry);
    if (editId === undefined) return [];
    const { entry } = event;
    const card: ChatDisplayEvent = { type: 'editApplied', turnId: event.turnId, editId, path: entry.display, change: editChange(entry), hunks: clipHunks(editHunks(entry.before, entry.after)) };
    // Kept in its review already: the card shows it kept, and does not ask Keep again.
    return event.reviewed ? [{ ...card, kept: true }] : [card];
  },
  steerQueued: (event, context) => [
    { type: 'steer', turnId: event.turnId, steerId: context.steeringViewId ?? `steer-${event.steerId}`, text: event.text, status: 'queued' },
  ],
  userTextRedacted: (event) => [{ type: 'notice', turnId: event.turnId, message: KEY_REMOVED_NOTICE }],
  projectInstructions: (event) => [{ type: 'notice', turnId: event.turnId, message: event.summary }],
  steerDelivered: (event, context) => {
    const steer = context.steer(event.steerId);
    if (!steer) return [];
    return [{ type: 'steer', turnId: steer.turnId, steerId: steer.viewId, text: steer.text, status: event.via === 'keptInTranscript' ? 'nextTurn' : 'delivered' }];
  },
  steerWaiting: (event, context) => steerLine(event.steerId, context, 'pending', event.why),
  steerAnswered: (event, context) => steerLine(event.steerId, context, 'answered'),
  // Not resent on its own: the line offers the resend (one click in the view).
  steerUnknown: (event, context) => steerLine(event.steerId, context, 'unknown', event.why),
  // The view puts a live `failed` steer's text back in an empty composer.
  steerReturned: (event, context) => steerLine(event.steerId, context, 'failed', event.why),
  effortChanged: (event) => [{ type: 'notice', turnId: event.turnId, message: event.note }],
  turnFinished: (event, context) => (event.sessionId !== context.shownSessionId ? [] : turnEnd(event)),
  requestStarted: NOTHING,
  backgroundOutputQueued: NOTHING,
  backgroundWait: NOTHING,
  assistantMessage: NOTHING,
  // The response is sent again: the fragment it streamed is replaced, not shown twice.
  modelRecovering: (event) => [{ type: 'responseResent', turnId: event.turnId }],
  budgetPaused: NOTHING, // its question card comes through the approvals port
  sessionSaveFailed: NOTHING,
  // Subagents: nested cards in their delegate call's card.
  subagentStarted: (event) => [
    { type: 'subagent', turnId: event.turnId, callId: event.callId, subagent: { id: event.subagentId, index: event.index, title: event.title, status: 'running', activity: 'starting', toolCalls: 0 } },
  ],
  subagentActivity: (event) => [{ type: 'subagent', turnId: event.turnId, callId: event.callId, subagent: { id: event.subagentId, activity: event.activity } }],
  subagentFinished: (event) => [
    {
      type: 'subagent',
      turnId: event.turnId,
      callId: event.callId,
      subagent: { id: event.subagentId, status: event.status, activity: event.summary, toolCalls: event.toolCalls, durationMs: event.durationMs },
    },
  ],
  // The marker where compaction happened (in the turn it happened in, or after).
  compacted: (event, context) =>
    event.sessionId !== context.shownSessionId || event.turnId === undefined ? [] : [{ type: 'notice', turnId: event.turnId, message: compactionNotice(event.mark) }],
};

function steerLine(steerId: string, context: DisplayContext, status: SteerView['status'], reason?: string): ChatDisplayEvent[] {
  const steer = context.steer(steerId);
  if (!steer) return [];
  return [{ type: 'steer', turnId: steer.turnId, steerId: steer.viewId, text: steer.text, status, ...(reason !== undefined ? { reason } : {}) }];
}

/** The user's line of a turn: their own words for a prompt the host wrote (Explain), "↻ Retry" for a retry. */
function userTextOf(prompt: string, context: DisplayContext): string {
  if (prompt === '') return '↻ Retry';
  return context.nextUserText ?? prompt;
}

/** The display events for one agent event, in the order the view should show them (often none). */
export function displayEventsOf(event: AgentEvent, context: DisplayContext): ChatDisplayEvent[] {
  return (ROWS[event.type] as Row<AgentEvent['type']>)(event, context);
}

/** How a turn ended: an error card first when the outcome needs one, then the end of the turn. */
function turnEnd(event: Extract<AgentEvent, { type: 'turnFinished' }>): ChatDisplayEvent[] {
  const shown: ChatDisplayEvent[] = [];
  const failure = describeOutcome(event.outcome);
  if (failure) shown.push({ type: 'error', turnId: event.turnId, message: failure.message, actions: failure.actions });
  shown.push({ type: 'turnFinished', turnId: event.turnId, status: turnStatus(event.outcome), requests: event.metrics.perRequest, totalMs: event.metrics.totalMs });
  return shown;
}

function turnStatus(outcome: TurnOutcome): 'done' | 'cancelled' | 'failed' {
  return outcome.kind === 'cancelled' ? 'cancelled' : outcome.kind === 'failed' ? 'failed' : 'done';
}
