/**
 * Following the stream like people expect: the conversation sticks to the bottom while an answer
 * grows, unless the user scrolled up to read; then a "Jump to latest" button appears, and scrolling
 * back down (or the button, or sending a prompt) follows again.
 *
 * Growth is watched with a ResizeObserver on the content, not by the code that adds it, so every way
 * the transcript can grow (a streamed block, a card, the footer, "Stopped", a block laid out late by
 * content-visibility) keeps the last line in view. Only a scroll the user makes upwards stops the
 * following; the scrolls this class makes, a card scrolled into view and the browser's clamping never do.
 */
import { element, icon } from './dom';

/** Within this many pixels of the end counts as "at the bottom". */
const AT_BOTTOM_PX = 24;
/** A scroll this soon after the user's wheel, touch or key is theirs (smooth scrolling runs on for a while). */
const USER_SCROLL_MS = 1000;

export class StickToBottom {
  readonly jumpButton: HTMLButtonElement;
  private following = true;
  private lastTop = 0;
  private settling = false;
  private userInputAt = -Infinity;
  private pointerDown = false;

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
      this.userInputAt = performance.now();
      if (event.deltaY < 0 && this.distanceFromBottom() > 1) this.stopFollowing();
    }, { passive: true });
    // Only the user's own scrolling (wheel, touch, keys, the scroll bar) stops the following; a card
    // scrolled into view or focus moving to a button does not.
    const userInput = () => (this.userInputAt = performance.now());
    scroller.addEventListener('touchmove', userInput, { passive: true });
    scroller.addEventListener('keydown', userInput);
    scroller.addEventListener('pointerdown', (event) => {
      // On the scroll bar itself (a click on the content targets what was clicked).
      if (event.target !== scroller) return;
      this.pointerDown = true;
      userInput();
    });
    window.addEventListener('pointerup', () => (this.pointerDown = false));
    const observer = new ResizeObserver(() => this.keepUp());
    observer.observe(content);
    observer.observe(scroller);
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
    this.settleSoon();
  }

  /**
   * Looks again two frames later: a layout change that ends at the size the observer last reported
   * (something shrank and grew back between two frames) is never reported, but may have moved the end.
   */
  private settleSoon(): void {
    if (this.settling) return;
    this.settling = true;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        this.settling = false;
        if (this.following && this.distanceFromBottom() > 1) this.scrollToEnd();
        this.updateButton();
      }),
    );
  }

  private distanceFromBottom(): number {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight;
  }

  private onScroll(): void {
    const top = this.scroller.scrollTop;
    const byUser = this.pointerDown || performance.now() - this.userInputAt < USER_SCROLL_MS;
    if (this.distanceFromBottom() <= AT_BOTTOM_PX) this.following = true;
    else if (byUser && top < this.lastTop - 1) this.following = false;
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
    // For tests and for anyone inspecting the view: whether it follows the stream now.
    this.scroller.dataset['following'] = String(this.following);
  }
}
