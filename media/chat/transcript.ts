/**
 * The conversation: turns, each with the user's prompt and what the agent did, in order. It renders a
 * whole session from a snapshot and then applies incremental messages: deltas append to streaming
 * blocks (rendered once per animation frame), cards are upserted by id.
 */
import type {
  AttachmentView,
  DeltaEntry,
  ErrorView,
  HostToWebviewOf,
  SessionTranscriptView,
  SteerView,
  TurnFooterView,
  TurnItemView,
  TurnStatus,
  TurnView,
} from '../../src/protocol/webview';
import type { Announcer } from './announcer';
import { approvalAnnouncement, renderApprovalCard } from './approvalCard';
import { element, icon } from './dom';
import { renderEditCard } from './editCard';
import { errorAnnouncement, renderErrorCard } from './errorCard';
import { renderTurnFooter } from './footer';
import { renderSteerLine } from './steerLine';
import { StreamingMarkdown } from './streamingMessage';
import { keepOpenFolds, renderToolCard } from './toolCards';

interface TurnDom {
  id: string;
  root: HTMLElement;
  assistant: HTMLElement;
  status: HTMLElement;
  blocks: Map<string, StreamingMarkdown>;
  /** Cards by `${kind}:${id}` so a later version replaces the element in place. */
  cards: Map<string, HTMLElement>;
}

export function attachmentLabel(attachment: AttachmentView): string {
  return attachment.kind === 'file' ? attachment.path : `${attachment.path}:${attachment.startLine}-${attachment.endLine}`;
}

export class Transcript {
  readonly element = element('div', { class: 'transcript', 'data-testid': 'transcript' });
  private readonly turns = new Map<string, TurnDom>();
  private readonly dirty = new Set<StreamingMarkdown>();
  private frame: number | undefined;

  constructor(
    private readonly announcer: Announcer,
    /** Called after the DOM grew, so the view can keep following the stream. */
    private readonly onDidGrow: () => void,
  ) {}

  get runningTurnId(): string | undefined {
    let running: string | undefined;
    for (const turn of this.turns.values()) if (turn.root.dataset['status'] === 'running') running = turn.id;
    return running;
  }

  get turnCount(): number {
    return this.turns.size;
  }

  /** Renders a session from scratch (snapshot). Finished blocks are rendered once, not streamed. */
  showSession(session: SessionTranscriptView | undefined): void {
    this.cancelFrame();
    this.dirty.clear();
    this.turns.clear();
    this.element.replaceChildren();
    for (const turn of session?.turns ?? []) this.addTurn(turn, false);
  }

  turnStarted(turn: TurnView): void {
    const existing = this.turns.get(turn.id);
    if (existing) {
      // A retry reuses the turn id: the old attempt is replaced.
      existing.root.remove();
      this.turns.delete(turn.id);
    }
    this.addTurn(turn, true);
    this.onDidGrow();
  }

  deltas(message: HostToWebviewOf<'deltas'>): void {
    const turn = this.turns.get(message.turnId);
    if (!turn) return;
    for (const entry of message.items) this.appendDelta(turn, entry);
    this.scheduleRender();
  }

  upsertCard(turnId: string, key: string, rendered: HTMLElement): void {
    const turn = this.turns.get(turnId);
    if (!turn) return;
    const existing = turn.cards.get(key);
    if (existing) {
      const hadFocus = existing.contains(document.activeElement);
      existing.replaceWith(rendered);
      if (hadFocus) rendered.querySelector<HTMLElement>('button, [tabindex]')?.focus();
    } else {
      this.finishOpenBlocks(turn);
      turn.assistant.append(rendered);
    }
    turn.cards.set(key, rendered);
    this.onDidGrow();
  }

  toolCard(message: HostToWebviewOf<'toolCard'>): void {
    const rendered = renderToolCard(message.card);
    keepOpenFolds(this.turns.get(message.turnId)?.cards.get(`tool:${message.card.id}`), rendered);
    this.upsertCard(message.turnId, `tool:${message.card.id}`, rendered);
  }

  approval(message: HostToWebviewOf<'approval'>): void {
    const key = `approval:${message.card.id}`;
    const isNew = !this.turns.get(message.turnId)?.cards.has(key);
    this.upsertCard(message.turnId, key, renderApprovalCard(message.card));
    this.refreshWaiting(message.turnId);
    if (isNew && message.card.state === 'pending') {
      this.announcer.announce(approvalAnnouncement(message.card));
      // A question the user must answer is brought into view (even when they scrolled up to read).
      if (message.card.kind !== 'command' && message.card.kind !== 'task') this.turns.get(message.turnId)?.cards.get(key)?.scrollIntoView?.({ block: 'nearest' });
    }
  }

  editCard(message: HostToWebviewOf<'editCard'>): void {
    this.upsertCard(message.turnId, `edit:${message.card.id}`, renderEditCard(message.card));
  }

  /** Sends a steer's text again (its outcome was unknown); set by the view. */
  resendSteer: ((text: string) => void) | undefined;

  steer(turnId: string, steer: SteerView): void {
    this.upsertCard(turnId, `steer:${steer.id}`, renderSteerLine(steer, this.resendSteer));
  }

  /** Shows an error in its turn; returns false when the turn is unknown (the caller shows a banner). */
  error(turnId: string | undefined, error: ErrorView): boolean {
    if (turnId === undefined || !this.turns.has(turnId)) return false;
    this.upsertCard(turnId, `error:${error.id}`, renderErrorCard(error, turnId));
    this.announcer.announce(errorAnnouncement(error));
    return true;
  }

  turnFinished(turnId: string, status: Exclude<TurnStatus, 'running'>, footer: TurnFooterView | undefined): void {
    const turn = this.turns.get(turnId);
    if (!turn) return;
    this.finishOpenBlocks(turn);
    this.setStatus(turn, status, footer);
    if (status === 'cancelled') this.announcer.announce('Stopped.');
    this.onDidGrow();
  }

  /** A card of the running turn that waits for the user's answer (approval, review, question), if any. */
  pendingCard(): HTMLElement | undefined {
    const running = this.runningTurnId;
    const turn = running === undefined ? undefined : this.turns.get(running);
    return turn?.assistant.querySelector<HTMLElement>('.approval-card[data-state="pending"]') ?? undefined;
  }

  /** "Working…" while the agent works, "Waiting for you" while a card of the turn waits for an answer. */
  private refreshWaiting(turnId: string): void {
    const turn = this.turns.get(turnId);
    if (!turn || turn.root.dataset['status'] !== 'running') return;
    const waiting = turn.assistant.querySelector('.approval-card[data-state="pending"]') !== null;
    const label = turn.status.querySelector('.working-label');
    if (label) label.textContent = waiting ? 'Waiting for you' : 'Working…';
    const glyph = turn.status.querySelector('.working > .codicon');
    if (glyph) glyph.className = waiting ? 'codicon codicon-bell' : 'codicon codicon-loading codicon-modifier-spin';
    turn.status.querySelector('.working')?.classList.toggle('waiting', waiting);
  }

  /** Renders every block that got text since the last frame. Called by the frame scheduler. */
  renderNow(): void {
    this.cancelFrame();
    if (this.dirty.size === 0) return;
    for (const block of this.dirty) block.render();
    this.dirty.clear();
    this.onDidGrow();
  }

  // ── building ───────────────────────────────────────────────────────────────────────────────────

  private addTurn(view: TurnView, live: boolean): void {
    const root = element('section', {
      class: 'turn',
      'data-turn-id': view.id,
      'data-testid': 'turn',
      'data-status': view.status,
      'aria-label': `Turn ${this.turns.size + 1}`,
    });
    const isReview = view.kind === 'review';
    if (isReview) {
      root.classList.add('review-entry');
      root.setAttribute('aria-label', `Review: ${view.userText.slice(0, 200)}`);
    }
    // A review entry is not a prompt: it says what (an inline edit, a fix) proposes the changes below.
    const user = isReview
      ? element('div', { class: 'review-origin', 'data-testid': 'review-entry', role: 'heading', 'aria-level': '3' })
      : element('div', { class: 'user-message', 'data-testid': 'user-message' });
    if (isReview) user.append(icon('git-compare'));
    user.append(element('div', { class: 'user-text' }, view.userText));
    if (view.attachments.length > 0) {
      const chips = element('div', { class: 'attachments' });
      for (const attachment of view.attachments) {
        const chip = element('button', { type: 'button', class: 'attachment-chip link file-link', 'data-file': attachment.path, title: `Open ${attachment.path}` });
        chip.append(icon(attachment.kind === 'file' ? 'file' : 'selection'), document.createTextNode(attachmentLabel(attachment)));
        chips.append(chip);
      }
      user.append(chips);
    }
    const assistant = element('div', { class: 'assistant', 'data-testid': 'assistant-message' });
    const status = element('div', { class: 'turn-status' });
    root.append(user, assistant, status);
    const turn: TurnDom = { id: view.id, root, assistant, status, blocks: new Map(), cards: new Map() };
    this.turns.set(view.id, turn);
    this.element.append(root);
    for (const item of view.items) this.addItem(turn, item, live);
    this.setStatus(turn, view.status, view.footer);
  }

  private addItem(turn: TurnDom, item: TurnItemView, live: boolean): void {
    switch (item.kind) {
      case 'markdown':
      case 'reasoning': {
        const block = this.openBlock(turn, item.id, item.kind, live);
        block.append(item.text);
        // A finished turn's blocks are final; a running turn's last block keeps streaming.
        if (turn.root.dataset['status'] === 'running') block.render();
        else block.finish();
        return;
      }
      case 'tool':
        return this.upsertCard(turn.id, `tool:${item.card.id}`, renderToolCard(item.card));
      case 'approval':
        return this.upsertCard(turn.id, `approval:${item.card.id}`, renderApprovalCard(item.card));
      case 'edit':
        return this.upsertCard(turn.id, `edit:${item.card.id}`, renderEditCard(item.card));
      case 'steer':
        return this.upsertCard(turn.id, `steer:${item.steer.id}`, renderSteerLine(item.steer, this.resendSteer));
      case 'error':
        this.upsertCard(turn.id, `error:${item.error.id}`, renderErrorCard(item.error, turn.id));
        return;
    }
  }

  private appendDelta(turn: TurnDom, entry: DeltaEntry): void {
    const block = turn.blocks.get(entry.blockId) ?? this.openBlock(turn, entry.blockId, entry.kind ?? 'markdown', true);
    block.append(entry.text);
    this.dirty.add(block);
  }

  private openBlock(turn: TurnDom, id: string, kind: 'markdown' | 'reasoning', live: boolean): StreamingMarkdown {
    this.finishOpenBlocks(turn);
    const block = new StreamingMarkdown(kind === 'reasoning' ? 'reasoning-text' : 'answer', {
      onBlockFinished: live && kind === 'markdown' ? (text) => this.announcer.announce(text) : undefined,
    });
    turn.blocks.set(id, block);
    if (kind === 'markdown') block.element.dataset['blockId'] = id; // what a pin refers to (pins.ts)
    if (kind === 'reasoning') {
      const details = element('details', { class: 'reasoning', 'data-testid': 'reasoning' });
      details.append(element('summary', {}, 'Reasoning'), block.element);
      turn.assistant.append(details);
    } else {
      turn.assistant.append(block.element);
    }
    return block;
  }

  /** Text blocks end when anything else is added after them or the turn ends. */
  private finishOpenBlocks(turn: TurnDom): void {
    for (const block of turn.blocks.values()) {
      if (block.isFinished) continue;
      block.finish();
      this.dirty.delete(block);
    }
  }

  private setStatus(turn: TurnDom, status: TurnStatus, footer: TurnFooterView | undefined): void {
    turn.root.dataset['status'] = status;
    turn.root.setAttribute('aria-busy', status === 'running' ? 'true' : 'false');
    turn.status.replaceChildren();
    if (status === 'running') {
      const working = element('span', { class: 'working', 'data-testid': 'turn-working' });
      working.append(icon('loading'), element('span', { class: 'working-label' }, 'Working…'));
      working.firstElementChild?.classList.add('codicon-modifier-spin');
      turn.status.append(working);
      this.refreshWaiting(turn.id);
    } else if (status === 'cancelled') {
      turn.status.append(element('span', { class: 'stopped' }, 'Stopped'));
    }
    if (footer) turn.status.append(renderTurnFooter(footer));
  }

  private scheduleRender(): void {
    if (this.frame !== undefined) return;
    // A hidden document gets no animation frames; render at once there so nothing waits.
    if (document.hidden) {
      this.renderNow();
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.renderNow();
    });
  }

  private cancelFrame(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
  }
}
