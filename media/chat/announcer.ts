/**
 * The screen-reader live region. Streamed text is announced a finished block at a time (not a token at
 * a time, which would be unlistenable), plus short notices: approvals needed, errors, turn done.
 */
import { element } from './dom';

const MAX_ANNOUNCEMENT = 1_000;
const KEPT = 5;

export class Announcer {
  readonly element = element('div', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'false', 'data-testid': 'live-region' });

  announce(text: string): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    this.element.append(element('p', {}, trimmed.length > MAX_ANNOUNCEMENT ? `${trimmed.slice(0, MAX_ANNOUNCEMENT)}…` : trimmed));
    while (this.element.childElementCount > KEPT) this.element.firstElementChild?.remove();
  }
}
