/**
 * The input box. Enter sends, Shift+Enter is a new line, `@` completes workspace files, and the
 * current editor selection can be attached. While a turn runs it stays usable: what is sent then is
 * steering for the running turn (shown as "queued", then "delivered"), and Stop ends the turn.
 * Escape stops the turn too, but never while a card waits for the user's answer: stopping then would
 * answer the card for them, and a card is answered only by its own buttons.
 * The box is two lines tall at least and grows with its text (CSS `field-sizing`, measured otherwise).
 * The draft and its attachments survive the view being hidden or reloaded (view state).
 */
import type { AttachmentView, SteerView, WebviewToHost } from '../../src/protocol/webview';
import { element, icon, iconButton } from './dom';
import { MentionPopup } from './mentions';
import { updateViewState, viewState } from './state';
import { attachmentLabel } from './transcript';

/** The effort toggle's states for the next message (click cycles normal → think harder → faster). */
const EFFORT = {
  normal: { icon: 'dashboard', label: 'Effort: normal. Click for the next message to think harder (or, twice, to go faster).' },
  high: { icon: 'lightbulb', label: 'Effort: think harder, for the next message. Click for faster.' },
  low: { icon: 'zap', label: 'Effort: faster, for the next message. Click for normal.' },
} as const;

export interface ComposerCallbacks {
  send(message: WebviewToHost): void;
  /** The running turn, if any: Enter then steers it. */
  runningTurnId(): string | undefined;
  /** Shows the user's steering text at once, as queued. */
  showSteer(turnId: string, steer: SteerView): void;
  /** A card of the running turn that waits for the user's answer, if any. */
  pendingCard(): HTMLElement | undefined;
  /** Escape was pressed while `card` waits: point the user at it (it is not answered). */
  pointAtPendingCard(card: HTMLElement): void;
}

const IDLE_PLACEHOLDER = 'Ask Holdfast… (@ to add a file)';
const RUNNING_PLACEHOLDER = 'Steer the running turn… (Esc to stop)';
const WAITING_PLACEHOLDER = 'Answer the card above, or type to steer…';

const MAX_TEXT = 200_000;
/** A typing pause this long sends the draft to the host, which may prepare it (speculative prefill). */
const DRAFT_PAUSE_MS = 900;

export class Composer {
  readonly element = element('div', { class: 'composer' });
  private readonly input = element('textarea', {
    class: 'composer-input',
    rows: '2',
    'data-testid': 'composer-input',
    'aria-label': 'Message Holdfast. Enter to send, Shift+Enter for a new line, @ to mention a file.',
    placeholder: IDLE_PLACEHOLDER,
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-controls': 'mention-list',
    'aria-expanded': 'false',
    maxlength: String(MAX_TEXT),
  });
  private readonly chips = element('div', { class: 'attachments composer-attachments', 'aria-label': 'Attached context' });
  private readonly sendButton = iconButton('send', 'Send (Enter)', { 'data-testid': 'send-button', class: 'icon-button send' });
  private readonly stopButton = iconButton('debug-stop', 'Stop', { 'data-testid': 'stop-button', class: 'icon-button stop', hidden: '' });
  private readonly mentions: MentionPopup;
  private attachments: AttachmentView[] = [];
  private steerCounter = 0;
  /** "Think harder / faster" for the next message only; undefined: the base effort. */
  private effort: 'high' | 'low' | undefined;
  // An icon, not a word: the composer keeps its width for the text at 220 px.
  private readonly effortButton = iconButton(EFFORT.normal.icon, EFFORT.normal.label, { class: 'icon-button effort-toggle', 'data-testid': 'effort-toggle', 'aria-pressed': 'false' });
  /** Browsers without `field-sizing: content` get the height measured from the text. */
  private readonly measureHeight = !(typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content'));
  private readonly steerPrefix = `steer-${Date.now().toString(36)}-`;
  /** The quiet line about the draft's prefill (what it cost); the host words it. */
  private readonly note = element('div', { class: 'composer-note', 'data-testid': 'prefill-note', 'aria-live': 'off', hidden: '' });
  private draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly callbacks: ComposerCallbacks) {
    this.mentions = new MentionPopup(this.input, callbacks.send, (match, candidate) => {
      const before = this.input.value.slice(0, match.start);
      const after = this.input.value.slice(this.input.selectionStart ?? this.input.value.length);
      this.input.value = `${before}@${candidate.path} ${after}`;
      const caret = before.length + candidate.path.length + 2;
      this.input.setSelectionRange(caret, caret);
      this.attach({ kind: 'file', path: candidate.path });
      this.changed();
    });
    const attachSelection = iconButton('selection', 'Attach the editor selection', { 'data-testid': 'attach-selection' });
    attachSelection.addEventListener('click', () => callbacks.send({ type: 'attachSelection' }));
    const row = element('div', { class: 'composer-row' });
    const buttons = element('div', { class: 'composer-buttons' });
    this.effortButton.addEventListener('click', () => this.setEffort(this.effort === undefined ? 'high' : this.effort === 'high' ? 'low' : undefined));
    buttons.append(this.effortButton, attachSelection, this.stopButton, this.sendButton);
    row.append(this.input, buttons);
    this.element.append(this.mentions.element, this.chips, row, this.note);

    this.input.addEventListener('keydown', (event) => this.onKey(event));
    this.input.addEventListener('input', () => {
      this.changed();
      this.mentions.update();
    });
    this.input.addEventListener('click', () => this.mentions.update());
    this.input.addEventListener('blur', () => this.mentions.close());
    this.sendButton.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => this.stop());

    const saved = viewState();
    this.input.value = saved.draft;
    this.attachments = [...saved.attachments];
    this.drawChips();
    this.autosize();
    // Measured before the view had a size, the box would be 0 px tall: measure again once it has one.
    if (this.measureHeight) new ResizeObserver(() => this.autosize()).observe(this.element);
  }

  focus(): void {
    this.input.focus();
  }

  /** Puts `text` in the box to edit and send again (the prompt a rewind or fork cut off). */
  setDraft(text: string): void {
    this.input.value = text;
    this.autosize();
    updateViewState({ draft: text, attachments: this.attachments });
    this.focus();
  }

  /** Reflects whether a turn runs (the Stop button shows and Enter steers) and whether a card waits for an answer. */
  setRunning(running: boolean, waiting = false): void {
    this.stopButton.hidden = !running;
    this.sendButton.setAttribute('aria-label', running ? 'Send as steering (Enter)' : 'Send (Enter)');
    this.sendButton.title = running ? 'Send as steering (Enter)' : 'Send (Enter)';
    this.input.placeholder = running && waiting ? WAITING_PLACEHOLDER : running ? RUNNING_PLACEHOLDER : IDLE_PLACEHOLDER;
  }


  attach(attachment: AttachmentView): void {
    const key = attachmentLabel(attachment);
    if (this.attachments.some((existing) => attachmentLabel(existing) === key)) return;
    if (this.attachments.length >= 50) return;
    this.attachments.push(attachment);
    this.drawChips();
    this.changed();
  }

  /** The host's line about the draft's speculative prefill; empty hides it. */
  showPrefillNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
  }

  mentionResults(requestId: number, candidates: Parameters<MentionPopup['results']>[1]): void {
    this.mentions.results(requestId, candidates);
  }

  private onKey(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (this.mentions.handleKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.submit();
      return;
    }
    if (event.key === 'Escape' && this.callbacks.runningTurnId() !== undefined) {
      event.preventDefault();
      const card = this.callbacks.pendingCard();
      if (card) this.callbacks.pointAtPendingCard(card);
      else this.stop();
    }
  }

  /** A steer whose outcome was unknown, sent again (one click on its line): a steer while a turn runs, else the host makes it the next prompt. */
  resend(text: string): void {
    this.sendSteer(text, this.callbacks.runningTurnId());
  }

  /** A refused steer's words come back, unless the user is already typing something else. */
  restore(text: string): void {
    if (this.input.value.trim() !== '') return;
    this.input.value = text;
    this.changed();
    this.focus();
  }

  private setEffort(effort: 'high' | 'low' | undefined): void {
    this.effort = effort;
    const shown = EFFORT[effort ?? 'normal'];
    this.effortButton.replaceChildren(icon(shown.icon));
    this.effortButton.title = shown.label;
    this.effortButton.setAttribute('aria-label', shown.label);
    this.effortButton.setAttribute('aria-pressed', String(effort !== undefined));
  }

  private sendSteer(text: string, running: string | undefined): void {
    this.steerCounter++;
    const id = `${this.steerPrefix}${this.steerCounter}`;
    this.callbacks.send({ type: 'steer', id, text: text.slice(0, MAX_TEXT) });
    if (running !== undefined) this.callbacks.showSteer(running, { id, text, status: 'queued' });
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (text === '') return;
    const running = this.callbacks.runningTurnId();
    if (running !== undefined) {
      this.sendSteer(text, running);
    } else {
      this.callbacks.send({ type: 'sendPrompt', text: text.slice(0, MAX_TEXT), attachments: this.attachments, ...(this.effort ? { effort: this.effort } : {}) });
      this.attachments = [];
      this.drawChips();
      this.setEffort(undefined); // per message
    }
    this.input.value = '';
    this.mentions.close();
    this.changed();
    // The message is on its way: no draft to prepare until the user types again.
    if (this.draftTimer !== undefined) clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
  }

  private stop(): void {
    const turnId = this.callbacks.runningTurnId();
    this.callbacks.send(turnId === undefined ? { type: 'stop' } : { type: 'stop', turnId });
  }

  private changed(): void {
    this.autosize();
    updateViewState({ draft: this.input.value, attachments: this.attachments });
    this.scheduleDraftPause();
  }

  /** After a pause in typing with no turn running, the draft goes to the host (it decides whether to prepare it). */
  private scheduleDraftPause(): void {
    if (this.draftTimer !== undefined) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => {
      this.draftTimer = undefined;
      if (this.callbacks.runningTurnId() !== undefined) return;
      this.callbacks.send({ type: 'draftPaused', text: this.input.value.trim().slice(0, MAX_TEXT), attachments: this.attachments });
    }, DRAFT_PAUSE_MS);
  }

  private autosize(): void {
    if (!this.measureHeight) return;
    // Not laid out yet (the view is hidden or being created): keep the CSS minimum until it is.
    if (this.input.clientWidth === 0) return;
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 240)}px`;
  }

  private drawChips(): void {
    this.chips.replaceChildren();
    this.chips.hidden = this.attachments.length === 0;
    this.attachments.forEach((attachment, index) => {
      const chip = element('span', { class: 'attachment-chip' });
      chip.append(icon(attachment.kind === 'file' ? 'file' : 'selection'), element('span', {}, attachmentLabel(attachment)));
      const remove = iconButton('close', `Remove ${attachmentLabel(attachment)}`, { class: 'icon-button small' });
      remove.addEventListener('click', () => {
        this.attachments.splice(index, 1);
        this.drawChips();
        this.changed();
        this.input.focus();
      });
      chip.append(remove);
      this.chips.append(chip);
    });
  }
}
