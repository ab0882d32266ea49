/**
 * The host side of the chat view, without `vscode`: it turns what the agent does (display events) into
 * validated webview messages and keeps the display model of the active session, so a webview that
 * reloads at any time gets a complete `snapshot` on `ready`.
 *
 * Text deltas are the hot path. They are coalesced per block and posted at most once per frame
 * (~16 ms); any other message first flushes what is pending, so the view sees events in the order they
 * happened. Everything is clipped to the protocol's bounds here, so a runaway tool output or answer can
 * never produce a message the webview would reject.
 */
import type { RequestMetrics } from '../transport/modelClient';
import {
  type ApprovalView,
  type AttachmentView,
  type ConnectionView,
  type DeltaEntry,
  type DiffHunk,
  type EditCardView,
  type ErrorAction,
  type ErrorView,
  HostToWebview,
  Limits,
  type SessionSummaryView,
  type SessionTotalsView,
  type SessionTranscriptView,
  type SteerView,
  type ToolCardView,
  type TurnFooterView,
  type TurnItemView,
  type TurnView,
} from '../protocol/webview';

// ── input: what the agent loop (or anything else) tells the chat view ───────────────────────────────

/**
 * Display events. Each maps one-to-one from an agent event; ids are the agent's (turn ids, the model's
 * item ids for blocks, call ids for tools), so the mapping is a `switch` with no lookups.
 */
export type ChatDisplayEvent =
  | { kind: 'turnStarted'; turnId: string; userText: string; attachments?: readonly AttachmentView[] }
  /** Answer or reasoning-summary text; `blockId` is stable per output item (e.g. the item id). */
  | { kind: 'textDelta'; turnId: string; blockId: string; text: string; channel?: 'answer' | 'reasoning' }
  | { kind: 'toolStarted'; turnId: string; callId: string; name: string; title?: string; target?: string }
  | {
      kind: 'toolFinished';
      turnId: string;
      callId: string;
      status: 'done' | 'failed' | 'cancelled';
      output?: string;
      /** Measured by the caller; otherwise the presenter's clock from `toolStarted`. */
      durationMs?: number;
    }
  | {
      kind: 'approvalRequested';
      turnId: string;
      approvalId: string;
      approvalKind: 'command' | 'task';
      command: string;
      parts?: readonly string[];
      cwd: string;
      reason?: string;
      canAllowAlways: boolean;
    }
  /** A change waiting for Keep / Discard; `hunks` as editHunks gives them (the presenter bounds them). */
  | {
      kind: 'reviewRequested';
      turnId: string;
      approvalId: string;
      path: string;
      change: 'modified' | 'created';
      hunks: readonly DiffHunk[];
    }
  /** A paused turn's question (budget, edit mismatches): Continue / Stop. */
  | {
      kind: 'questionRequested';
      turnId: string;
      approvalId: string;
      topic: 'budget' | 'editMismatches';
      message: string;
      detail?: string;
      continueLabel: string;
      stopLabel: string;
    }
  | {
      kind: 'approvalResolved';
      turnId: string;
      approvalId: string;
      outcome: 'allowedOnce' | 'allowedAlways' | 'denied' | 'cancelled';
    }
  /**
   * An entry that is not a prompt: the editor (an inline edit, a fix, "Apply to file") asks for a
   * review in the chat; `title` says what proposes the change. Its cards follow as `reviewRequested`.
   */
  | { kind: 'reviewEntry'; turnId: string; title: string }
  /** An edit landed (through WorkspaceEdit); `hunks` as editHunks gives them (the presenter bounds them). */
  | {
      kind: 'editApplied';
      turnId: string;
      editId: string;
      path: string;
      change?: EditCardView['change'];
      hunks: readonly DiffHunk[];
    }
  | { kind: 'editResolved'; turnId: string; editId: string; state: 'kept' | 'undone' | 'failed'; message?: string }
  | { kind: 'steer'; turnId: string; steerId: string; text: string; status: SteerView['status']; reason?: string }
  | {
      kind: 'turnFinished';
      turnId: string;
      status: 'done' | 'cancelled' | 'failed';
      /** Every model request the turn made, in order (RequestMetrics from the transport). */
      requests?: readonly RequestMetrics[];
      /** Wall time of the turn; otherwise the presenter's clock from `turnStarted`. */
      totalMs?: number;
    }
  | { kind: 'error'; turnId?: string; message: string; actions?: readonly ErrorAction[] }
  /** Something the host did for the user that they should know (an information card in the turn, not an error). */
  | { kind: 'notice'; turnId?: string; message: string };

/** Timers, injectable so tests run frames by hand. */
export interface FrameClock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemFrameClock: FrameClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ChatPresenterOptions {
  /** Delivers a message to the webview (ChatViewProvider.post); may drop it when no view is open. */
  post(message: HostToWebview): void;
  clock?: FrameClock;
  /** Minimum time between two delta posts. */
  frameMs?: number;
  /** Told about a message that failed validation (a presenter bug); it is not posted. */
  onInvalidMessage?(type: string, error: string): void;
  workspaceName?: string;
  connection?: ConnectionView;
}

const DEFAULT_FRAME_MS = 16;
/** The notice on a turn whose prompt (or steer) had an API key in it; the agent replaced the key before sending. */
export const KEY_REMOVED_NOTICE = 'Holdfast removed an API key from your message before sending it.';
const TRUNCATION_MARK = '\n… (truncated for display) …\n';

/** Clips text to `max` characters, keeping the head and the tail (the end of a log matters most). */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= TRUNCATION_MARK.length * 2) return text.slice(0, max);
  const keep = max - TRUNCATION_MARK.length;
  const head = Math.ceil(keep / 2);
  return text.slice(0, head) + TRUNCATION_MARK + text.slice(text.length - (keep - head));
}

function clipId(id: string): string {
  return id.length === 0 ? '_' : id.slice(0, Limits.id);
}

interface PendingEntry {
  blockId: string;
  kind: 'markdown' | 'reasoning';
  parts: string[];
  length: number;
}

interface TurnState {
  view: TurnView;
  startedAt: number;
  blocks: Map<string, Extract<TurnItemView, { kind: 'markdown' | 'reasoning' }>>;
  tools: Map<string, { card: ToolCardView; startedAt: number }>;
  approvals: Map<string, ApprovalView>;
  edits: Map<string, EditCardView>;
  steers: Map<string, SteerView>;
}

export class ChatPresenter {
  private readonly clock: FrameClock;
  private readonly frameMs: number;
  private connection: ConnectionView;
  private workspaceName: string;
  private sessions: SessionSummaryView[] = [];
  private session: { id: string; title: string; totals: SessionTotalsView };
  private readonly turns: TurnState[] = [];
  private readonly turnsById = new Map<string, TurnState>();

  private pendingTurnId: string | undefined;
  private pending: PendingEntry[] = [];
  private timer: unknown;
  private lastDeltaPostAt = Number.NEGATIVE_INFINITY;
  private errorCounter = 0;
  private disposed = false;

  constructor(private readonly options: ChatPresenterOptions) {
    this.clock = options.clock ?? systemFrameClock;
    this.frameMs = options.frameMs ?? DEFAULT_FRAME_MS;
    this.connection = options.connection ?? { kind: 'idle', label: 'not connected' };
    this.workspaceName = options.workspaceName ?? '';
    this.session = { id: 'session', title: 'New session', totals: emptyTotals() };
  }

  // ── the display events ─────────────────────────────────────────────────────────────────────────

  handle(event: ChatDisplayEvent): void {
    if (this.disposed) return;
    if (event.kind === 'textDelta') {
      this.queueDelta(event);
      return;
    }
    this.flush();
    switch (event.kind) {
      case 'turnStarted':
        return this.startTurn(event);
      case 'toolStarted':
        return this.toolStarted(event);
      case 'toolFinished':
        return this.toolFinished(event);
      case 'approvalRequested':
        return this.approvalRequested(event);
      case 'reviewRequested':
        return this.reviewRequested(event);
      case 'questionRequested':
        return this.questionRequested(event);
      case 'reviewEntry':
        return this.reviewEntry(event);
      case 'approvalResolved':
        return this.approvalResolved(event);
      case 'editApplied':
        return this.editApplied(event);
      case 'editResolved':
        return this.editResolved(event);
      case 'steer':
        return this.steer(event);
      case 'turnFinished':
        return this.finishTurn(event);
      case 'error':
        return this.error(event);
      case 'notice':
        return this.error({ kind: 'error', turnId: event.turnId, message: event.message }, 'notice');
    }
  }

  /** The transport state changed (the chip). */
  setConnection(connection: ConnectionView): void {
    this.connection = connection;
    this.flush();
    this.send({ type: 'connection', connection });
  }

  setWorkspaceName(name: string): void {
    this.workspaceName = name;
  }

  /** The session list changed without switching (a rename, a delete of another session). */
  setSessions(sessions: readonly SessionSummaryView[]): void {
    this.sessions = sessions.slice(0, Limits.sessions);
    this.flush();
    this.send({ type: 'sessions', sessions: this.sessions, activeSessionId: this.session.id });
  }

  /**
   * Makes `transcript` the active session (new, switched to, or restored after a restart) and sends the
   * view a fresh snapshot. A running turn in the transcript stays running only if events keep coming.
   */
  showSession(transcript: SessionTranscriptView, sessions?: readonly SessionSummaryView[]): void {
    this.dropPending();
    if (sessions) this.sessions = sessions.slice(0, Limits.sessions);
    this.session = { id: transcript.id, title: transcript.title, totals: { ...transcript.totals } };
    this.turns.length = 0;
    this.turnsById.clear();
    for (const turn of transcript.turns) this.adoptTurn(structuredClone(turn));
    this.send(this.snapshot());
  }

  /** The webview (re)loaded: everything it needs, pending text included. */
  onReady(): void {
    this.applyPending(false);
    this.send(this.snapshot());
  }

  /** A complete snapshot of what the view shows; pending deltas are folded in, not lost. */
  snapshot(): Extract<HostToWebview, { type: 'snapshot' }> {
    this.applyPending(false);
    return {
      type: 'snapshot',
      connection: this.connection,
      workspaceName: this.workspaceName.slice(0, 500),
      sessions: this.sessions,
      session: this.transcript(),
    };
  }

  /** The active session's display model, for the host to persist (it restores the view after a restart). */
  transcript(): SessionTranscriptView {
    return {
      id: this.session.id,
      title: this.session.title,
      turns: this.turns.map((turn) => turn.view),
      totals: this.session.totals,
    };
  }

  /** Posts pending deltas now (also called before every other message, to keep order). */
  flush(): void {
    this.applyPending(true);
  }

  dispose(): void {
    this.dropPending();
    this.disposed = true;
  }

  // ── deltas ─────────────────────────────────────────────────────────────────────────────────────

  private queueDelta(event: Extract<ChatDisplayEvent, { kind: 'textDelta' }>): void {
    if (event.text.length === 0) return;
    if (this.pendingTurnId !== undefined && this.pendingTurnId !== event.turnId) this.flush();
    this.pendingTurnId = event.turnId;
    const blockId = clipId(event.blockId);
    const kind = event.channel === 'reasoning' ? 'reasoning' : 'markdown';
    const last = this.pending[this.pending.length - 1];
    if (last && last.blockId === blockId && last.kind === kind) {
      last.parts.push(event.text);
      last.length += event.text.length;
    } else {
      this.pending.push({ blockId, kind, parts: [event.text], length: event.text.length });
      // A frame that interleaves more blocks than one message may carry goes out at once.
      if (this.pending.length >= Limits.deltaEntries) {
        this.flush();
        return;
      }
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.timer !== undefined) return;
    // Leading edge: after a quiet spell the first delta goes out on the next tick, not a frame later.
    const wait = Math.max(0, this.lastDeltaPostAt + this.frameMs - this.clock.now());
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private dropPending(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.pendingTurnId = undefined;
  }

  /** Folds pending text into the display model and, when `post`, sends it as one `deltas` message. */
  private applyPending(post: boolean): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const turnId = this.pendingTurnId;
    const pending = this.pending;
    this.pending = [];
    this.pendingTurnId = undefined;
    if (turnId === undefined || pending.length === 0) return;
    const turn = this.turnsById.get(turnId);
    if (!turn) return; // text for a turn the view never saw (switched away): nothing to show

    const items: DeltaEntry[] = [];
    for (const entry of pending) {
      const existing = turn.blocks.get(entry.blockId);
      const isNew = existing === undefined;
      if (isNew && !this.canAddItem(turn)) continue;
      const block = existing ?? { kind: entry.kind, id: entry.blockId, text: '' };
      if (isNew) {
        turn.blocks.set(entry.blockId, block);
        turn.view.items.push(block);
      }
      const room = Limits.blockText - block.text.length;
      if (room <= 0) continue;
      let text = entry.parts.length === 1 ? entry.parts[0]! : entry.parts.join('');
      if (text.length > room) text = text.slice(0, room);
      block.text += text;
      // One entry may carry at most `deltaText`; a huge frame is split, still in one message.
      for (let offset = 0; offset < text.length; offset += Limits.deltaText) {
        const chunk = text.slice(offset, offset + Limits.deltaText);
        items.push(isNew && offset === 0 ? { blockId: entry.blockId, text: chunk, kind: entry.kind } : { blockId: entry.blockId, text: chunk });
      }
    }
    if (!post || items.length === 0) return;
    this.lastDeltaPostAt = this.clock.now();
    for (let start = 0; start < items.length; start += Limits.deltaEntries) {
      this.send({ type: 'deltas', turnId, items: items.slice(start, start + Limits.deltaEntries) });
    }
  }

  // ── the other events ───────────────────────────────────────────────────────────────────────────

  private startTurn(event: Extract<ChatDisplayEvent, { kind: 'turnStarted' }>): void {
    const view: TurnView = {
      id: clipId(event.turnId),
      userText: clipText(event.userText, Limits.userText),
      attachments: (event.attachments ?? []).slice(0, Limits.attachments).map((a) => ({ ...a })),
      items: [],
      status: 'running',
    };
    const existing = this.turnsById.get(view.id);
    if (existing) {
      // A retry reuses the turn id: start it over in place.
      const index = this.turns.indexOf(existing);
      this.turns.splice(index, 1);
      this.turnsById.delete(view.id);
    }
    this.adoptTurn(view);
    while (this.turns.length > Limits.turnsPerSession) {
      const dropped = this.turns.shift();
      if (dropped) this.turnsById.delete(dropped.view.id);
    }
    this.session.totals = { ...this.session.totals, turns: this.session.totals.turns + 1 };
    this.send({ type: 'turnStarted', turn: view });
  }

  private toolStarted(event: Extract<ChatDisplayEvent, { kind: 'toolStarted' }>): void {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return;
    const card: ToolCardView = {
      id: clipId(event.callId),
      name: event.name.slice(0, Limits.shortText),
      title: (event.title ?? event.name).slice(0, Limits.shortText),
      status: 'running',
    };
    if (event.target !== undefined) card.target = event.target.slice(0, Limits.path);
    if (!turn.tools.has(card.id)) {
      if (!this.canAddItem(turn)) return;
      turn.view.items.push({ kind: 'tool', card });
    } else {
      this.replaceItem(turn, 'tool', card.id, { kind: 'tool', card });
    }
    turn.tools.set(card.id, { card, startedAt: this.clock.now() });
    this.send({ type: 'toolCard', turnId: turn.view.id, card });
  }

  private toolFinished(event: Extract<ChatDisplayEvent, { kind: 'toolFinished' }>): void {
    const turn = this.turnsById.get(event.turnId);
    const entry = turn?.tools.get(clipId(event.callId));
    if (!turn || !entry) return;
    const card: ToolCardView = {
      ...entry.card,
      status: event.status,
      durationMs: Math.max(0, event.durationMs ?? this.clock.now() - entry.startedAt),
    };
    if (event.output !== undefined) card.output = clipText(event.output, Limits.toolOutput);
    entry.card = card;
    this.replaceItem(turn, 'tool', card.id, { kind: 'tool', card });
    this.send({ type: 'toolCard', turnId: turn.view.id, card });
  }

  private approvalRequested(event: Extract<ChatDisplayEvent, { kind: 'approvalRequested' }>): void {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return;
    const card: ApprovalView = {
      id: clipId(event.approvalId),
      kind: event.approvalKind,
      command: clipText(event.command, Limits.command) || '(empty)',
      parts: (event.parts ?? []).slice(0, 100).map((part) => clipText(part, Limits.command)),
      cwd: event.cwd.slice(0, Limits.path),
      canAllowAlways: event.canAllowAlways,
      state: 'pending',
    };
    if (event.reason !== undefined) card.reason = clipText(event.reason, Limits.errorText);
    this.showApproval(turn, card);
  }

  private reviewRequested(event: Extract<ChatDisplayEvent, { kind: 'reviewRequested' }>): void {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return;
    const diff = hunksWithCounts(event.hunks);
    const card: ApprovalView = {
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
    this.showApproval(turn, card);
  }

  private questionRequested(event: Extract<ChatDisplayEvent, { kind: 'questionRequested' }>): void {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return;
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
    this.showApproval(turn, card);
  }

  /** Adds (or replaces, same id) an approval card in its turn and posts it. */
  private showApproval(turn: TurnState, card: ApprovalView): void {
    if (turn.approvals.has(card.id)) this.replaceItem(turn, 'approval', card.id, { kind: 'approval', card });
    else if (this.canAddItem(turn)) turn.view.items.push({ kind: 'approval', card });
    else return;
    turn.approvals.set(card.id, card);
    this.send({ type: 'approval', turnId: turn.view.id, card });
  }

  /** A review entry: shown like a finished turn (never running, so the composer stays a composer), not counted as one. */
  private reviewEntry(event: Extract<ChatDisplayEvent, { kind: 'reviewEntry' }>): void {
    const view: TurnView = {
      id: clipId(event.turnId),
      userText: clipText(event.title, Limits.userText),
      attachments: [],
      items: [],
      status: 'done',
      kind: 'review',
    };
    if (this.turnsById.has(view.id)) return;
    this.adoptTurn(view);
    while (this.turns.length > Limits.turnsPerSession) {
      const dropped = this.turns.shift();
      if (dropped) this.turnsById.delete(dropped.view.id);
    }
    this.send({ type: 'turnStarted', turn: view });
  }

  private approvalResolved(event: Extract<ChatDisplayEvent, { kind: 'approvalResolved' }>): void {
    const turn = this.turnsById.get(event.turnId);
    const previous = turn?.approvals.get(clipId(event.approvalId));
    if (!turn || !previous) return;
    const card: ApprovalView = { ...previous, state: event.outcome };
    turn.approvals.set(card.id, card);
    this.replaceItem(turn, 'approval', card.id, { kind: 'approval', card });
    this.send({ type: 'approval', turnId: turn.view.id, card });
  }

  private editApplied(event: Extract<ChatDisplayEvent, { kind: 'editApplied' }>): void {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return;
    const diff = hunksWithCounts(event.hunks);
    const card: EditCardView = {
      id: clipId(event.editId),
      path: event.path.slice(0, Limits.path) || '(unknown)',
      change: event.change ?? 'modified',
      added: diff.added,
      removed: diff.removed,
      hunks: diff.hunks,
      truncated: diff.truncated,
      state: 'applied',
    };
    if (turn.edits.has(card.id)) this.replaceItem(turn, 'edit', card.id, { kind: 'edit', card });
    else if (this.canAddItem(turn)) turn.view.items.push({ kind: 'edit', card });
    else return;
    turn.edits.set(card.id, card);
    this.send({ type: 'editCard', turnId: turn.view.id, card });
  }

  private editResolved(event: Extract<ChatDisplayEvent, { kind: 'editResolved' }>): void {
    const turn = this.turnsById.get(event.turnId);
    const previous = turn?.edits.get(clipId(event.editId));
    if (!turn || !previous) return;
    const card: EditCardView = { ...previous, state: event.state };
    if (event.message !== undefined) card.message = clipText(event.message, Limits.errorText);
    turn.edits.set(card.id, card);
    this.replaceItem(turn, 'edit', card.id, { kind: 'edit', card });
    this.send({ type: 'editCard', turnId: turn.view.id, card });
  }

  private steer(event: Extract<ChatDisplayEvent, { kind: 'steer' }>): void {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return;
    const steer: SteerView = { id: clipId(event.steerId), text: clipText(event.text, Limits.userText), status: event.status };
    if (event.reason !== undefined) steer.reason = clipText(event.reason, Limits.errorText);
    if (turn.steers.has(steer.id)) this.replaceItem(turn, 'steer', steer.id, { kind: 'steer', steer });
    else if (this.canAddItem(turn)) turn.view.items.push({ kind: 'steer', steer });
    else return;
    turn.steers.set(steer.id, steer);
    this.send({ type: 'steerStatus', turnId: turn.view.id, steer });
  }

  private finishTurn(event: Extract<ChatDisplayEvent, { kind: 'turnFinished' }>): void {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return;
    const totalMs = Math.max(0, event.totalMs ?? this.clock.now() - turn.startedAt);
    const footer = event.requests && event.requests.length > 0 ? footerFromRequests(event.requests, totalMs) : undefined;
    turn.view.status = event.status;
    if (footer) turn.view.footer = footer;
    else delete turn.view.footer;
    // Cards still waiting when the turn ends can no longer be answered.
    for (const [id, approval] of turn.approvals) {
      if (approval.state !== 'pending') continue;
      const card: ApprovalView = { ...approval, state: 'cancelled' };
      turn.approvals.set(id, card);
      this.replaceItem(turn, 'approval', id, { kind: 'approval', card });
    }
    for (const [id, entry] of turn.tools) {
      if (entry.card.status !== 'running') continue;
      entry.card = { ...entry.card, status: 'cancelled' };
      this.replaceItem(turn, 'tool', id, { kind: 'tool', card: entry.card });
    }
    if (footer) {
      const totals = this.session.totals;
      this.session.totals = {
        turns: totals.turns,
        bytesSent: totals.bytesSent + footer.bytesSent,
        statelessBytes: totals.statelessBytes + footer.statelessBytes,
        timeSavedMs: (totals.timeSavedMs ?? 0) + footerTimeSavedMs(footer),
      };
    }
    this.send(footer ? { type: 'turnFinished', turnId: turn.view.id, status: event.status, footer } : { type: 'turnFinished', turnId: turn.view.id, status: event.status });
    this.send({ type: 'sessionTotals', totals: this.session.totals });
  }

  private error(event: Extract<ChatDisplayEvent, { kind: 'error' }>, tone?: ErrorView['tone']): void {
    this.errorCounter++;
    const error: ErrorView = {
      id: `error-${this.errorCounter}`,
      message: clipText(event.message, Limits.errorText),
      actions: [...new Set(event.actions ?? [])].slice(0, 4),
    };
    if (tone) error.tone = tone;
    const turn = event.turnId === undefined ? undefined : this.turnsById.get(event.turnId);
    if (turn && this.canAddItem(turn)) {
      turn.view.items.push({ kind: 'error', error });
      this.send({ type: 'error', turnId: turn.view.id, error });
      return;
    }
    this.send({ type: 'error', error });
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────────

  private adoptTurn(view: TurnView): void {
    const state: TurnState = {
      view,
      startedAt: this.clock.now(),
      blocks: new Map(),
      tools: new Map(),
      approvals: new Map(),
      edits: new Map(),
      steers: new Map(),
    };
    for (const item of view.items) {
      if (item.kind === 'markdown' || item.kind === 'reasoning') state.blocks.set(item.id, item);
      else if (item.kind === 'tool') state.tools.set(item.card.id, { card: item.card, startedAt: state.startedAt });
      else if (item.kind === 'approval') state.approvals.set(item.card.id, item.card);
      else if (item.kind === 'edit') state.edits.set(item.card.id, item.card);
      else if (item.kind === 'steer') state.steers.set(item.steer.id, item.steer);
    }
    this.turns.push(state);
    this.turnsById.set(view.id, state);
  }

  private canAddItem(turn: TurnState): boolean {
    return turn.view.items.length < Limits.itemsPerTurn;
  }

  private replaceItem(turn: TurnState, kind: 'tool' | 'approval' | 'edit' | 'steer', id: string, next: TurnItemView): void {
    const items = turn.view.items;
    for (let index = items.length - 1; index >= 0; index--) {
      const item = items[index]!;
      if (item.kind !== kind) continue;
      const itemId = item.kind === 'steer' ? item.steer.id : item.kind === 'tool' || item.kind === 'approval' || item.kind === 'edit' ? item.card.id : undefined;
      if (itemId === id) {
        items[index] = next;
        return;
      }
    }
  }

  /** Validates and posts. An invalid message is a presenter bug: reported, never sent half-formed. */
  private send(message: HostToWebview): void {
    const checked = HostToWebview.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      this.options.onInvalidMessage?.(message.type, issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid');
      return;
    }
    this.options.post(checked.data);
  }
}

function emptyTotals(): SessionTotalsView {
  return { turns: 0, bytesSent: 0, statelessBytes: 0, timeSavedMs: 0 };
}

/** Bounds hunks for the view and counts added/removed lines over all of them. */
export function hunksWithCounts(hunks: readonly DiffHunk[]): { hunks: DiffHunk[]; added: number; removed: number; truncated: boolean } {
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.kind === 'add') added++;
      else if (line.kind === 'remove') removed++;
    }
  }
  const truncated = hunks.length > Limits.diffHunks || hunks.some((hunk) => hunk.lines.length > Limits.diffLines);
  const kept = hunks.slice(0, Limits.diffHunks).map((hunk) => ({
    header: hunk.header.slice(0, Limits.shortText),
    lines: hunk.lines.slice(0, Limits.diffLines).map((line) => ({ kind: line.kind, text: line.text.slice(0, Limits.diffLineText) })),
  }));
  return { hunks: kept, added, removed, truncated };
}

/** A footer's measured time saved (0 for footers saved before it was measured). */
export function footerTimeSavedMs(footer: Pick<TurnFooterView, 'connectSavedMs' | 'warmupSavedMs'>): number {
  return (footer.connectSavedMs ?? 0) + (footer.warmupSavedMs ?? 0);
}

function measuredMs(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Sums a turn's requests into its footer: the first token is the first request's, bytes add up. Time
 * saved is the first request's only (a stateless client's keep-alive would reuse its connection within
 * the turn too), and none over HTTP.
 */
export function footerFromRequests(requests: readonly RequestMetrics[], totalMs: number): TurnFooterView {
  const first = requests[0];
  const footer: TurnFooterView = {
    transport: requests.some((r) => r.transport === 'http') ? 'http' : 'websocket',
    totalMs,
    requests: requests.length,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    bytesSent: 0,
    statelessBytes: 0,
    recoveries: 0,
  };
  let reasoning = 0;
  for (const request of requests) {
    footer.bytesSent += request.bytesSent;
    footer.statelessBytes += request.statelessBytes;
    footer.recoveries += request.recoveries;
    if (request.usage) {
      footer.inputTokens += request.usage.inputTokens;
      footer.cachedTokens += request.usage.cachedTokens;
      footer.outputTokens += request.usage.outputTokens;
      reasoning += request.usage.reasoningTokens;
    }
  }
  if (reasoning > 0) footer.reasoningTokens = reasoning;
  if (first?.timeToFirstTokenMs !== undefined) footer.timeToFirstTokenMs = first.timeToFirstTokenMs;
  const overSocket = footer.transport === 'websocket' && first !== undefined;
  footer.connectSavedMs = overSocket ? measuredMs(first.connectAvoidedMs) : 0;
  footer.warmupSavedMs = overSocket ? measuredMs(first.warmupAvoidedMs) : 0;
  return footer;
}

/** A session as the store lists it (SessionSummary), or the active one as it is in memory. */
export interface SessionListEntry {
  id: string;
  title: string;
  updatedAt: number;
  /** Turns the session has; absent for an index entry written before turns were counted. */
  turns?: number;
}

/**
 * The session list the view shows: the store's summaries with their turn counts, and the active
 * session's live figures (it may have turns the store has not saved yet, or not be saved at all).
 * Bounded, clipped and ordered as the store gave them (newest first), the active one first when new.
 */
export function sessionSummaryViews(stored: readonly SessionListEntry[], active?: SessionListEntry): SessionSummaryView[] {
  const view = (entry: SessionListEntry, fallbackTitle: string): SessionSummaryView => ({
    id: clipId(entry.id),
    title: entry.title.slice(0, Limits.shortText) || fallbackTitle,
    updatedAt: Math.max(0, Math.floor(Number.isFinite(entry.updatedAt) ? entry.updatedAt : 0)),
    turns: Math.max(0, Math.floor(entry.turns ?? 0)),
  });
  const views = stored.map((entry) => view(entry, 'Untitled'));
  if (active) {
    const live = view(active, 'New chat');
    const index = views.findIndex((v) => v.id === live.id);
    if (index >= 0) views[index] = { ...views[index]!, turns: live.turns, updatedAt: Math.max(views[index]!.updatedAt, live.updatedAt) };
    else views.unshift(live);
  }
  return views.slice(0, Limits.sessions);
}
