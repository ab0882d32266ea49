/**
 * `@file` completion for the composer. Typing `@` plus a few characters asks the host for matching
 * workspace files (`mentionQuery`); the answer (`mentionResults`) fills a listbox that the keyboard
 * drives: ↑/↓ move, Enter/Tab pick, Escape closes. Answers to older queries are ignored.
 */
import type { MentionCandidate, WebviewToHost } from '../../src/protocol/webview';
import { element, icon } from './dom';

const MENTION_BEFORE_CARET = /(^|\s)@([^\s@]{0,200})$/;
const QUERY_DELAY_MS = 60;

export interface MentionMatch {
  /** Where the `@` is in the text. */
  start: number;
  query: string;
}

/** The `@query` the caret is in, if any. */
export function mentionAt(text: string, caret: number): MentionMatch | undefined {
  const match = MENTION_BEFORE_CARET.exec(text.slice(0, caret));
  if (!match) return undefined;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}

export class MentionPopup {
  readonly element = element('ul', { class: 'mentions', role: 'listbox', id: 'mention-list', 'aria-label': 'Files', hidden: '' });
  private requestId = 0;
  private candidates: MentionCandidate[] = [];
  private selected = 0;
  private match: MentionMatch | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly send: (message: WebviewToHost) => void,
    private readonly onPick: (match: MentionMatch, candidate: MentionCandidate) => void,
  ) {
    this.element.addEventListener('mousedown', (event) => {
      // Keep focus in the textarea; pick on mousedown so the blur does not close the list first.
      const option = (event.target as Element).closest<HTMLElement>('[role="option"]');
      if (!option) return;
      event.preventDefault();
      this.pick(Number(option.dataset['index']));
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Called on every input/caret move: opens, updates or closes the completion. */
  update(): void {
    const match = mentionAt(this.input.value, this.input.selectionStart ?? this.input.value.length);
    this.match = match;
    if (!match) {
      this.close();
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.requestId++;
      this.send({ type: 'mentionQuery', requestId: this.requestId, query: match.query });
    }, QUERY_DELAY_MS);
  }

  results(requestId: number, candidates: MentionCandidate[]): void {
    if (requestId !== this.requestId || !this.match) return;
    this.candidates = candidates;
    this.selected = 0;
    this.draw();
  }

  /** Handles a key while the list is open; returns true when it consumed it. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen || this.candidates.length === 0) return false;
    switch (event.key) {
      case 'ArrowDown':
        this.selected = (this.selected + 1) % this.candidates.length;
        this.draw();
        return true;
      case 'ArrowUp':
        this.selected = (this.selected - 1 + this.candidates.length) % this.candidates.length;
        this.draw();
        return true;
      case 'Enter':
      case 'Tab':
        this.pick(this.selected);
        return true;
      case 'Escape':
        this.close();
        return true;
      default:
        return false;
    }
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.candidates = [];
    this.element.hidden = true;
    this.element.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private pick(index: number): void {
    const candidate = this.candidates[index];
    const match = this.match;
    this.close();
    if (candidate && match) this.onPick(match, candidate);
  }

  private draw(): void {
    this.element.replaceChildren();
    if (this.candidates.length === 0) {
      this.close();
      return;
    }
    this.candidates.forEach((candidate, index) => {
      const option = element('li', {
        role: 'option',
        id: `mention-${index}`,
        'data-index': String(index),
        'aria-selected': String(index === this.selected),
        class: index === this.selected ? 'selected' : '',
      });
      const name = candidate.path.split('/').pop() ?? candidate.path;
      option.append(icon('file'), element('span', { class: 'mention-name' }, name));
      if (candidate.description) option.append(element('span', { class: 'mention-description' }, candidate.description));
      this.element.append(option);
    });
    this.element.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', `mention-${this.selected}`);
  }
}
