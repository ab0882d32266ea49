/**
 * An answer block that grows while the model streams. Finished markdown blocks are rendered once and
 * never touched again; only the open tail is live:
 *  - inside a top-level code fence, new text is appended to a text node (no parsing at all) and the
 *    block is highlighted once when the fence closes;
 *  - otherwise the tail (one paragraph, list or table, bounded by the boundary scanner) is re-rendered.
 * So the cost of a batch depends on the batch and the tail, not on how long the answer already is.
 * Text is appended at once; the DOM is updated by `render()`, which the view calls once per frame.
 */
import { element } from './dom';
import { decorateCodeBlocks } from './codeBlocks';
import { renderMarkdown } from './markdown';
import { MarkdownBoundaryScanner } from './markdownBoundaries';

export interface StreamingMarkdownOptions {
  /** Called with each finished block's plain text (for the screen-reader live region). */
  onBlockFinished?(text: string): void;
}

export class StreamingMarkdown {
  readonly element: HTMLDivElement;
  private readonly tailElement: HTMLDivElement;
  /** Source not yet rendered as finished blocks; offsets in the scanner are relative to it. */
  private tail = '';
  private scanner = new MarkdownBoundaryScanner();
  /** The code element of an open fence at the start of the tail, fed by appending text. */
  private liveCode: { text: Text; through: number } | undefined;
  private renderedTailLength = -1;
  private finished = false;
  private totalLength = 0;

  constructor(
    className: string,
    private readonly options: StreamingMarkdownOptions = {},
  ) {
    this.element = element('div', { class: `markdown ${className}` });
    this.tailElement = element('div', { class: 'tail', 'aria-busy': 'true' });
    this.element.append(this.tailElement);
  }

  get length(): number {
    return this.totalLength;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  append(text: string): void {
    if (this.finished || text.length === 0) return;
    this.tail += text;
    this.totalLength += text.length;
    this.scanner.scan(this.tail);
  }

  /** The stream for this block ended: render the tail as a finished block. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.render();
  }

  /** Brings the DOM up to date with the text appended so far. Cheap when nothing changed. */
  render(): void {
    // A fresh scan after a commit may find further finished blocks in what remains; a few rounds
    // settle it (each round only rescans the remaining tail).
    for (let round = 0; round < 4; round++) {
      const boundary = this.finished ? this.tail.length : this.scanner.safeBoundary;
      if (boundary <= 0) break;
      this.commit(boundary);
    }
    if (this.finished) {
      this.tailElement.remove();
      return;
    }
    if (this.tail.length === this.renderedTailLength) return;
    this.renderedTailLength = this.tail.length;

    const fence = this.scanner.openFence;
    if (fence && fence.topLevel && fence.start === 0) {
      this.renderLiveCode(fence.contentStart, fence.language);
      return;
    }
    this.liveCode = undefined;
    const fragment = renderMarkdown(this.tail);
    this.tailElement.replaceChildren(fragment);
  }

  private renderLiveCode(contentStart: number, language: string): void {
    if (this.liveCode) {
      this.liveCode.text.appendData(this.tail.slice(this.liveCode.through));
      this.liveCode.through = this.tail.length;
      return;
    }
    const text = document.createTextNode(this.tail.slice(contentStart));
    const code = element('code');
    code.append(text);
    const pre = element('pre', { 'data-lang': language });
    pre.append(code);
    const block = element('div', { class: 'code-block streaming' });
    if (language) block.append(element('div', { class: 'code-toolbar' }, language));
    block.append(pre);
    this.tailElement.replaceChildren(block);
    this.liveCode = { text, through: this.tail.length };
  }

  /** Renders `tail[0, boundary)` once as finished blocks and keeps the rest as the tail. */
  private commit(boundary: number): void {
    const source = this.tail.slice(0, boundary);
    this.tail = this.tail.slice(boundary);
    this.rescan();
    this.liveCode = undefined;
    this.renderedTailLength = -1;
    this.tailElement.replaceChildren();
    if (source.trim() === '') return;
    const fragment = renderMarkdown(source);
    decorateCodeBlocks(fragment);
    if (this.options.onBlockFinished) {
      const text = fragment.textContent ?? '';
      if (text.trim() !== '') this.options.onBlockFinished(text);
    }
    // Each finished chunk is its own box that the browser may skip styling and laying out while it is
    // off screen (content-visibility), so a long answer costs no more per frame than a short one.
    const block = element('div', { class: 'md-block' });
    block.append(fragment);
    this.element.insertBefore(block, this.tailElement);
    settleAfterLayout(block);
  }

  private rescan(): void {
    // The scanner's offsets pointed into the old tail; a fresh scan of what remains is cheap because
    // after a cut only the lines since it are left.
    this.scanner = new MarkdownBoundaryScanner();
    this.scanner.scan(this.tail);
  }
}

/** Lets a chunk be skipped while off screen once it has been laid out (two frames: its size is then remembered). */
function settleAfterLayout(block: HTMLElement): void {
  requestAnimationFrame(() => requestAnimationFrame(() => block.classList.add('settled')));
}
