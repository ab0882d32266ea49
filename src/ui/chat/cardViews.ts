/**
 * Display events → the view objects the webview renders (turns, tool, approval, edit and steer cards,
 * error cards), each clipped to the protocol's bounds. Pure; where a card goes is the display model's
 * business (`displayModel.ts`).
 */
import { type ApprovalView, type EditCardView, type ErrorView, Limits, type SteerView, type SubagentView, type ToolCardView, type TurnView } from '../../protocol/webview';
import { clipId, clipText, hunksWithCounts } from './clipping';
import type { DisplayEventOf } from './displayEvents';

export function startedTurnView(event: DisplayEventOf<'turnStarted'>): TurnView {
  return {
    id: clipId(event.turnId),
    userText: clipText(event.userText, Limits.userText),
    attachments: (event.attachments ?? []).slice(0, Limits.attachments).map((a) => ({ ...a })),
    items: [],
    status: 'running',
  };
}

/** A review entry: shown like a finished turn (never running, so the composer stays a composer). */
export function reviewEntryView(event: DisplayEventOf<'reviewEntry'>): TurnView {
  return { id: clipId(event.turnId), userText: clipText(event.title, Limits.userText), attachments: [], items: [], status: 'done', kind: 'review' };
}

export function runningToolCard(event: DisplayEventOf<'toolCallStarted'>): ToolCardView {
  const card: ToolCardView = {
    id: clipId(event.callId),
    name: event.name.slice(0, Limits.shortText),
    title: (event.title ?? event.name).slice(0, Limits.shortText),
    status: 'running',
  };
  if (event.target !== undefined) card.target = event.target.slice(0, Limits.path);
  if (event.background) card.background = true;
  return card;
}

/** A running background card with its latest output (the end of it, if longer than a card holds). */
export function liveToolCard(running: ToolCardView, event: DisplayEventOf<'toolCallOutput'>): ToolCardView {
  return { ...running, liveOutput: event.tail.slice(-Limits.toolOutput) };
}

/** The finished card; `elapsedMs` counts when the event has no duration of its own. */
export function finishedToolCard(running: ToolCardView, event: DisplayEventOf<'toolCallFinished'>, elapsedMs: number): ToolCardView {
  const { liveOutput: _shownWhileRunning, ...rest } = running;
  const card: ToolCardView = { ...rest, status: event.status, durationMs: Math.max(0, event.durationMs ?? elapsedMs) };
  if (event.outputSummary !== undefined) card.output = clipText(event.outputSummary, Limits.toolOutput);
  return card;
}

/** The delegate card with one subagent's nested card added or changed (clipped to the protocol's bounds). */
export function withSubagent(card: ToolCardView, patch: DisplayEventOf<'subagent'>['subagent']): ToolCardView {
  const subagents = [...(card.subagents ?? [])];
  const at = subagents.findIndex((s) => s.id === clipId(patch.id));
  const previous: SubagentView = at >= 0 ? subagents[at]! : { id: clipId(patch.id), index: 1, title: '', status: 'running', toolCalls: 0 };
  const next: SubagentView = { ...previous };
  if (patch.index !== undefined) next.index = Math.min(16, Math.max(1, Math.floor(patch.index)));
  if (patch.title !== undefined) next.title = patch.title.slice(0, Limits.shortText);
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.activity !== undefined) next.activity = patch.activity.slice(0, Limits.shortText);
  if (patch.toolCalls !== undefined) next.toolCalls = patch.toolCalls;
  if (patch.durationMs !== undefined) next.durationMs = Math.max(0, patch.durationMs);
  if (at >= 0) subagents[at] = next;
  else if (subagents.length < 8) subagents.push(next);
  return { ...card, subagents };
}

export function commandApprovalCard(event: DisplayEventOf<'approvalRequested'>): ApprovalView {
  const card: ApprovalView = {
    id: clipId(event.approvalId),
    kind: event.approvalKind,
    command: clipText(event.command, Limits.command) || '(empty)',
    parts: (event.parts ?? []).slice(0, 100).map((part) => clipText(part, Limits.command)),
    cwd: event.cwd.slice(0, Limits.path),
    canAllowAlways: event.canAllowAlways,
    state: 'pending',
  };
  if (event.sandbox) {
    const { runsIn, network, grants, suggested } = event.sandbox;
    card.sandbox = { runsIn, network, grants: [...grants], ...(suggested ? { suggested } : {}) };
  }
  if (event.reason !== undefined) card.reason = clipText(event.reason, Limits.errorText);
  return card;
}

export function reviewCard(event: DisplayEventOf<'reviewRequested'>): ApprovalView {
  const diff = hunksWithCounts(event.hunks);
  return {
    id: clipId(event.approvalId),
    kind: 'review',
    path: event.path.slice(0, Limits.path) || '(unknown)',
    change: event.change,
    added: diff.added,
    removed: diff.removed,
    hunks: diff.hunks,
    truncated: diff.truncated,
    state: 'pending',
  };
}

export function questionCard(event: DisplayEventOf<'questionRequested'>): ApprovalView {
  const card: ApprovalView = {
    id: clipId(event.approvalId),
    kind: 'question',
    topic: event.topic,
    message: clipText(event.message, Limits.errorText) || '(no question)',
    continueLabel: event.continueLabel.slice(0, Limits.shortText) || 'Continue',
    stopLabel: event.stopLabel.slice(0, Limits.shortText) || 'Stop',
    state: 'pending',
  };
  if (event.detail) card.detail = clipText(event.detail, Limits.errorText);
  return card;
}

export function appliedEditCard(event: DisplayEventOf<'editApplied'>): EditCardView {
  const diff = hunksWithCounts(event.hunks);
  return {
    id: clipId(event.editId),
    path: event.path.slice(0, Limits.path) || '(unknown)',
    change: event.change ?? 'modified',
    added: diff.added,
    removed: diff.removed,
    hunks: diff.hunks,
    truncated: diff.truncated,
    state: event.kept ? 'kept' : 'applied',
  };
}

export function resolvedEditCard(applied: EditCardView, event: DisplayEventOf<'editResolved'>): EditCardView {
  const card: EditCardView = { ...applied, state: event.state };
  if (event.message !== undefined) card.message = clipText(event.message, Limits.errorText);
  return card;
}

export function steerView(event: DisplayEventOf<'steer'>): SteerView {
  const steer: SteerView = { id: clipId(event.steerId), text: clipText(event.text, Limits.userText), status: event.status };
  if (event.reason !== undefined) steer.reason = clipText(event.reason, Limits.errorText);
  return steer;
}

export function errorCard(id: string, event: DisplayEventOf<'error' | 'notice'>): ErrorView {
  const error: ErrorView = {
    id,
    message: clipText(event.message, Limits.errorText),
    actions: event.type === 'error' ? [...new Set(event.actions ?? [])].slice(0, 4) : [],
  };
  if (event.type === 'notice') error.tone = 'notice';
  return error;
}
