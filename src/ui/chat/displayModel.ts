/**
 * The display model of the active session: its turns and, in each, the blocks and cards the view
 * shows, within the protocol's limits (turns per session, items per turn). Each display event updates
 * the model and returns the messages that tell the view; a reloaded view gets `view()` whole.
 */
import type { Clock } from '../../common/clock';
import {
  type ApprovalView,
  type DeltaEntry,
  type EditCardView,
  type HostToWebview,
  Limits,
  type SessionTotalsView,
  type SessionTranscriptView,
  type SteerView,
  type ToolCardView,
  type TurnItemView,
  type TurnView,
} from '../../protocol/webview';
import {
  appliedEditCard,
  commandApprovalCard,
  errorCard,
  finishedToolCard,
  liveToolCard,
  questionCard,
  resolvedEditCard,
  reviewCard,
  reviewEntryView,
  runningToolCard,
  startedTurnView,
  steerView,
  withSubagent,
} from './cardViews';
import { clipId } from './clipping';
import type { PendingText } from './deltaCoalescer';
import type { ChatDisplayEvent, DisplayEventOf } from './displayEvents';
import { footerFromRequests, footerTimeSavedMs } from './turnFooter';

/** The note on a turn whose stream broke and whose answer was sent again (the fragment is gone). */
export const RESENT_NOTE = 'Reconnected — the answer was resent.';

interface TurnState {
  view: TurnView;
  startedAt: number;
  blocks: Map<string, Extract<TurnItemView, { kind: 'markdown' | 'reasoning' }>>;
  tools: Map<string, { card: ToolCardView; startedAt: number }>;
  approvals: Map<string, ApprovalView>;
  edits: Map<string, EditCardView>;
  steers: Map<string, SteerView>;
}

type Messages = HostToWebview[];

export class ChatDisplayModel {
  private session: { id: string; title: string; totals: SessionTotalsView } = { id: 'session', title: 'New session', totals: emptyTotals() };
  private readonly turns: TurnState[] = [];
  private readonly turnsById = new Map<string, TurnState>();
  private errorCounter = 0;

  constructor(private readonly clock: Clock) {}

  get sessionId(): string {
    return this.session.id;
  }

  /** Makes `view` the model (a session shown, switched to, or restored). */
  load(view: SessionTranscriptView): void {
    this.session = { id: view.id, title: view.title, totals: { ...view.totals } };
    this.turns.length = 0;
    this.turnsById.clear();
    for (const turn of view.turns) this.adoptTurn(structuredClone(turn));
  }

  /** The whole model, as the view and the saved session take it. */
  view(): SessionTranscriptView {
    return { id: this.session.id, title: this.session.title, turns: this.turns.map((turn) => turn.view), totals: this.session.totals };
  }

  /** Applies one event (text deltas go through `appendText`); returns what to post, in order. */
  apply(event: Exclude<ChatDisplayEvent, { type: 'textDelta' }>): Messages {
    switch (event.type) {
      case 'turnStarted':
        return this.startTurn(event);
      case 'reviewEntry':
        return this.reviewEntry(event);
      case 'toolCallStarted':
        return this.toolStarted(event);
      case 'toolCallFinished':
        return this.toolFinished(event);
      case 'toolCallOutput':
        return this.toolOutput(event);
      case 'approvalRequested':
        return this.showApproval(event.turnId, commandApprovalCard(event));
      case 'reviewRequested':
        return this.showApproval(event.turnId, reviewCard(event));
      case 'questionRequested':
        return this.showApproval(event.turnId, questionCard(event));
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
      case 'responseResent':
        return this.responseResent(event);
      case 'subagent':
        return this.subagent(event);
      case 'error':
      case 'notice':
        return this.error(event);
    }
  }

  /**
   * Drops the text the broken response streamed (the blocks after the turn's last card: a response's
   * text comes before its tool calls' cards) and adds the note once per turn. Returns what changed (nothing when
   * nothing had streamed);
   * the presenter sends the view a fresh snapshot for it, as no message removes a block.
   */
  private responseResent(event: DisplayEventOf<'responseResent'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return [];
    const items = turn.view.items;
    let start = items.length;
    while (start > 0 && (items[start - 1]!.kind === 'markdown' || items[start - 1]!.kind === 'reasoning')) start--;
    if (start === items.length) return []; // nothing had streamed: nothing to replace, nothing to say
    for (const dropped of items.splice(start)) if (dropped.kind === 'markdown' || dropped.kind === 'reasoning') turn.blocks.delete(dropped.id);
    const noted = items.some((item) => item.kind === 'error' && item.error.message === RESENT_NOTE);
    if (!noted) this.error({ type: 'notice', turnId: event.turnId, message: RESENT_NOTE });
    return [{ type: 'turnStarted', turn: turn.view }];
  }

  /**
   * Folds coalesced text into its turn's blocks (opening blocks as needed) and returns the entries of
   * one `deltas` message: the kind only on a block's first entry, long text split into `deltaText` chunks.
   */
  appendText(turnId: string, pending: readonly PendingText[]): DeltaEntry[] {
    const turn = this.turnsById.get(turnId);
    if (!turn) return []; // text for a turn the view never saw (switched away): nothing to show
    const items: DeltaEntry[] = [];
    for (const entry of pending) {
      const existing = turn.blocks.get(entry.blockId);
      const isNew = existing === undefined;
      if (isNew && !canAddItem(turn)) continue;
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
      for (let offset = 0; offset < text.length; offset += Limits.deltaText) {
        const chunk = text.slice(offset, offset + Limits.deltaText);
        items.push(isNew && offset === 0 ? { blockId: entry.blockId, text: chunk, kind: entry.kind } : { blockId: entry.blockId, text: chunk });
      }
    }
    return items;
  }

  private startTurn(event: DisplayEventOf<'turnStarted'>): Messages {
    const view = startedTurnView(event);
    const existing = this.turnsById.get(view.id);
    if (existing) {
      // A retry reuses the turn id: start it over in place.
      this.turns.splice(this.turns.indexOf(existing), 1);
      this.turnsById.delete(view.id);
    }
    this.addTurn(view);
    this.session.totals = { ...this.session.totals, turns: this.session.totals.turns + 1 };
    return [{ type: 'turnStarted', turn: view }];
  }

  /** Not counted as a turn; the same entry again is not duplicated. */
  private reviewEntry(event: DisplayEventOf<'reviewEntry'>): Messages {
    const view = reviewEntryView(event);
    if (this.turnsById.has(view.id)) return [];
    this.addTurn(view);
    return [{ type: 'turnStarted', turn: view }];
  }

  private toolStarted(event: DisplayEventOf<'toolCallStarted'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return [];
    const card = runningToolCard(event);
    if (!this.placeItem(turn, turn.tools.has(card.id), { kind: 'tool', card })) return [];
    turn.tools.set(card.id, { card, startedAt: this.clock.now() });
    return [{ type: 'toolCard', turnId: turn.view.id, card }];
  }

  private toolOutput(event: DisplayEventOf<'toolCallOutput'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    const entry = turn?.tools.get(clipId(event.callId));
    if (!turn || !entry || entry.card.status !== 'running') return [];
    entry.card = liveToolCard(entry.card, event);
    replaceItem(turn, { kind: 'tool', card: entry.card });
    return [{ type: 'toolCard', turnId: turn.view.id, card: entry.card }];
  }

  private toolFinished(event: DisplayEventOf<'toolCallFinished'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    const entry = turn?.tools.get(clipId(event.callId));
    if (!turn || !entry) return [];
    entry.card = finishedToolCard(entry.card, event, this.clock.now() - entry.startedAt);
    replaceItem(turn, { kind: 'tool', card: entry.card });
    return [{ type: 'toolCard', turnId: turn.view.id, card: entry.card }];
  }

  /** A subagent's nested card changed: the delegate call's card carries it. */
  private subagent(event: DisplayEventOf<'subagent'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    const entry = turn?.tools.get(clipId(event.callId));
    if (!turn || !entry) return [];
    entry.card = withSubagent(entry.card, event.subagent);
    replaceItem(turn, { kind: 'tool', card: entry.card });
    return [{ type: 'toolCard', turnId: turn.view.id, card: entry.card }];
  }

  /** Adds (or replaces, same id) an approval card in its turn. */
  private showApproval(turnId: string, card: ApprovalView): Messages {
    const turn = this.turnsById.get(turnId);
    if (!turn || !this.placeItem(turn, turn.approvals.has(card.id), { kind: 'approval', card })) return [];
    turn.approvals.set(card.id, card);
    return [{ type: 'approval', turnId: turn.view.id, card }];
  }

  private approvalResolved(event: DisplayEventOf<'approvalResolved'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    const previous = turn?.approvals.get(clipId(event.approvalId));
    if (!turn || !previous) return [];
    const card: ApprovalView = { ...previous, state: event.outcome };
    turn.approvals.set(card.id, card);
    replaceItem(turn, { kind: 'approval', card });
    return [{ type: 'approval', turnId: turn.view.id, card }];
  }

  private editApplied(event: DisplayEventOf<'editApplied'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return [];
    const card = appliedEditCard(event);
    if (!this.placeItem(turn, turn.edits.has(card.id), { kind: 'edit', card })) return [];
    turn.edits.set(card.id, card);
    return [{ type: 'editCard', turnId: turn.view.id, card }];
  }

  private editResolved(event: DisplayEventOf<'editResolved'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    const previous = turn?.edits.get(clipId(event.editId));
    if (!turn || !previous) return [];
    const card = resolvedEditCard(previous, event);
    turn.edits.set(card.id, card);
    replaceItem(turn, { kind: 'edit', card });
    return [{ type: 'editCard', turnId: turn.view.id, card }];
  }

  private steer(event: DisplayEventOf<'steer'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return [];
    const steer = steerView(event);
    if (!this.placeItem(turn, turn.steers.has(steer.id), { kind: 'steer', steer })) return [];
    turn.steers.set(steer.id, steer);
    return [{ type: 'steerStatus', turnId: turn.view.id, steer }];
  }

  private finishTurn(event: DisplayEventOf<'turnFinished'>): Messages {
    const turn = this.turnsById.get(event.turnId);
    if (!turn) return [];
    const totalMs = Math.max(0, event.totalMs ?? this.clock.now() - turn.startedAt);
    const footer = event.requests && event.requests.length > 0 ? footerFromRequests(event.requests, totalMs) : undefined;
    turn.view.status = event.status;
    if (footer) turn.view.footer = footer;
    else delete turn.view.footer;
    cancelOpenCards(turn);
    if (footer) {
      const totals = this.session.totals;
      this.session.totals = {
        turns: totals.turns,
        bytesSent: totals.bytesSent + footer.bytesSent,
        statelessBytes: totals.statelessBytes + footer.statelessBytes,
        timeSavedMs: (totals.timeSavedMs ?? 0) + footerTimeSavedMs(footer),
      };
    }
    return [
      footer ? { type: 'turnFinished', turnId: turn.view.id, status: event.status, footer } : { type: 'turnFinished', turnId: turn.view.id, status: event.status },
      { type: 'sessionTotals', totals: this.session.totals },
    ];
  }

  /** An error or notice card: in its turn when there is room, otherwise on its own. */
  private error(event: DisplayEventOf<'error' | 'notice'>): Messages {
    const error = errorCard(`error-${++this.errorCounter}`, event);
    const turn = event.turnId === undefined ? undefined : this.turnsById.get(event.turnId);
    if (turn && canAddItem(turn)) {
      turn.view.items.push({ kind: 'error', error });
      return [{ type: 'error', turnId: turn.view.id, error }];
    }
    return [{ type: 'error', error }];
  }

  /** Adds a new turn, dropping the oldest beyond the limit. */
  private addTurn(view: TurnView): void {
    this.adoptTurn(view);
    while (this.turns.length > Limits.turnsPerSession) {
      const dropped = this.turns.shift();
      if (dropped) this.turnsById.delete(dropped.view.id);
    }
  }

  private adoptTurn(view: TurnView): void {
    const state: TurnState = { view, startedAt: this.clock.now(), blocks: new Map(), tools: new Map(), approvals: new Map(), edits: new Map(), steers: new Map() };
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

  /** Replaces the item with the same id, or adds it when there is room; false when it has no place. */
  private placeItem(turn: TurnState, known: boolean, item: CardItem): boolean {
    if (known) replaceItem(turn, item);
    else if (canAddItem(turn)) turn.view.items.push(item);
    else return false;
    return true;
  }
}

type CardItem = Extract<TurnItemView, { kind: 'tool' | 'approval' | 'edit' | 'steer' }>;

function emptyTotals(): SessionTotalsView {
  return { turns: 0, bytesSent: 0, statelessBytes: 0, timeSavedMs: 0 };
}

function canAddItem(turn: TurnState): boolean {
  return turn.view.items.length < Limits.itemsPerTurn;
}

function itemId(item: TurnItemView): string | undefined {
  if (item.kind === 'steer') return item.steer.id;
  return item.kind === 'tool' || item.kind === 'approval' || item.kind === 'edit' ? item.card.id : undefined;
}

/** Replaces the last item of the same kind and id (a card's new state). */
function replaceItem(turn: TurnState, next: CardItem): void {
  const items = turn.view.items;
  const id = itemId(next);
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index]!;
    if (item.kind === next.kind && itemId(item) === id) {
      items[index] = next;
      return;
    }
  }
}

/** Cards still waiting when the turn ends can no longer be answered; running tools were cut short. */
function cancelOpenCards(turn: TurnState): void {
  for (const [id, approval] of turn.approvals) {
    if (approval.state !== 'pending') continue;
    const card: ApprovalView = { ...approval, state: 'cancelled' };
    turn.approvals.set(id, card);
    replaceItem(turn, { kind: 'approval', card });
  }
  for (const entry of turn.tools.values()) {
    if (entry.card.status !== 'running') continue;
    entry.card = { ...entry.card, status: 'cancelled' };
    replaceItem(turn, { kind: 'tool', card: entry.card });
  }
}
