/**
 * Following the stream like people expect: the conversation sticks to the bottom while an answer
 * grows, unless the user scrolled up to read; then a "Jump to latest" button appears, and scrolling
 * back down (or the button, or sending a prompt) follows again.
 *
 * Growth is watched with a ResizeObserver on the content, not by the code that adds it, so every way
 * the transcript can grow (a streamed block, a card, the footer, "Stopped", a block laid out late by
 * content-visibility) keeps the last line in view. Only a scroll the user makes upwards stops the
 * following; the scrolls this class makes, and the browser's clamping, never do.
 */
import { element, icon } from './dom';

/** Within this many pixels of the end counts as "at the bottom". */
const AT_BOTTOM_PX = 24;

export class StickToBottom {
  readonly jumpButton: HTMLButtonElement;
  private following = true;
  private lastTop = 0;

  constructor(
    private readonly scroller: HTMLElement,
    content: HTMLElement,
    /** Told after every scroll, to remember the position across reloads. */
    private readonly onDidScroll: (scrollTop: number, following: boolean) => void,
  ) {
    this.jumpButton = element('button', { type: 'button', class: 'jump-to-latest', 'data-testid': 'jump-to-latest', hidden: '' });
    this.jumpButton.append(icon('arrow-down'), document.createTextNode('Jump to latest'));
    this.jumpButton.addEventListener('click', () => this.follow());
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // A wheel turn upwards means "let me read", even before the scroll it causes arrives.
    scroller.addEventListener('wheel', (event) => {
      if (event.deltaY < 0 && this.distanceFromBottom() > 1) this.stopFollowing();
    }, { passive: true });
    const observer = new ResizeObserver(() => this.keepUp());
    observer.observe(content);
    observer.observe(scroller);
  }

  get isFollowing(): boolean {
    return this.following;
  }

  /** Sticks to the bottom from now on (a new turn, the button, a new session). */
  follow(): void {
    this.following = true;
    this.scrollToEnd();
    this.updateButton();
  }

  /** Restores a position the user left (a reload while they were reading further up). */
  restore(scrollTop: number): void {
    this.following = false;
    this.scroller.scrollTop = scrollTop;
    this.lastTop = this.scroller.scrollTop;
    this.updateButton();
  }

  /** Called after the transcript changed; the observer covers most growth, this covers the rest at once. */
  keepUp(): void {
    if (this.following) this.scrollToEnd();
    this.updateButton();
  }

  private scrollToEnd(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.lastTop = this.scroller.scrollTop;
  }

  private distanceFromBottom(): number {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight;
  }

  private onScroll(): void {
    const top = this.scroller.scrollTop;
    if (this.distanceFromBottom() <= AT_BOTTOM_PX) this.following = true;
    else if (top < this.lastTop - 1) this.following = false;
    this.lastTop = top;
    this.updateButton();
    this.onDidScroll(top, this.following);
  }

  private stopFollowing(): void {
    this.following = false;
    this.updateButton();
  }

  private updateButton(): void {
    this.jumpButton.hidden = this.following || this.distanceFromBottom() <= AT_BOTTOM_PX;
  }
}
