/**
 * An answer block that grows while the model streams. The boundary scanner cuts the text into blocks;
 * each finished block is rendered once and never touched again, and only the open tail is live:
 *  - inside a top-level code fence, new text is appended to a text node (no parsing at all) and the
 *    block is highlighted once when the fence closes;
 *  - otherwise the tail is re-rendered each frame while it fits the tail budget (renderBudget.ts),
 *    and beyond that shown as plain text, appended to, until it is cut or finished.
 * A block too long or too dense for its budget is shown as plain text for good; a table cut between
 * rows has its rows added to the same table, up to `MAX_TABLE_ROWS`. So the cost of a frame depends on the new text and a
 * bounded tail, not on how long or how pathological the answer is. Blocks that use a link reference
 * defined only later are rendered again when the answer finishes, so a finished answer looks the same
 * whether it streamed or came whole from a snapshot (a reload). Text is appended at once; the DOM is
 * updated by `render()`, which the view calls once per frame.
 */
import { decorateCodeBlocks } from './codeBlocks';
import { element } from './dom';
import { type MarkdownEnv, renderMarkdown } from './markdown';
import { MarkdownBoundaryScanner } from './markdownBoundaries';
import { PlainTextWriter, renderPlainText } from './plainText';
import { BLOCK_BUDGET, fitsMarkdownBudget, TAIL_BUDGET } from './renderBudget';

/** Rows one table holds before the rest continue in a new table (see `renderBlock`). */
const MAX_TABLE_ROWS = 200;

export interface StreamingMarkdownOptions {
  /** Called with each finished block's plain text (for the screen-reader live region). */
  onBlockFinished?(text: string): void;
}

/** A finished block rendered as markdown that may use a link reference defined after it. */
interface LinkingBlock {
  source: string;
  block: HTMLElement;
}

export class StreamingMarkdown {
  readonly element: HTMLDivElement;
  private readonly tailElement: HTMLDivElement;
  private source = '';
  /** `source[0, committed)` is rendered as finished blocks. */
  private committed = 0;
  private readonly scanner = new MarkdownBoundaryScanner();
  /** How many of the scanner's cuts have been committed. */
  private cutsCommitted = 0;
  /** The header of the table the uncommitted text continues (its cut fell between rows). */
  private tableHeader: string | undefined;
  /** The table the last finished block ended with: continued rows are added to it. */
  private lastTable: HTMLTableElement | undefined;
  /** Link references defined so far, shared by the blocks in order. */
  private readonly env: MarkdownEnv = { references: {} };
  private readonly linking: LinkingBlock[] = [];
  /** `linking[0, staleLinking)` were rendered before a reference they may use was defined. */
  private staleLinking = 0;
  /** The code element of an open fence at the start of the tail, fed by appending text. */
  private liveCode: { text: Text; through: number } | undefined;
  /** The tail shown as plain text (over its budget), fed by appending text. */
  private plainTail: { writer: PlainTextWriter; through: number } | undefined;
  private renderedTailLength = -1;
  private finished = false;

  constructor(
    className: string,
    private readonly options: StreamingMarkdownOptions = {},
  ) {
    this.element = element('div', { class: `markdown ${className}` });
    this.tailElement = element('div', { class: 'tail', 'aria-busy': 'true' });
    this.element.append(this.tailElement);
  }

  get length(): number {
    return this.source.length;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  append(text: string): void {
    if (this.finished || text.length === 0) return;
    this.source += text;
    this.scanner.scan(this.source);
  }

  /** The stream for this block ended: render the tail as a finished block. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.render();
  }

  /** Brings the DOM up to date with the text appended so far. Cheap when nothing changed. */
  render(): void {
    const cuts = this.scanner.cuts;
    while (this.cutsCommitted < cuts.length) {
      const cut = cuts[this.cutsCommitted++]!;
      this.commit(cut.offset);
      this.tableHeader = cut.tableHeader;
    }
    if (this.finished) {
      this.commit(this.source.length);
      this.renderStaleLinks();
      this.tailElement.remove();
      return;
    }
    if (this.source.length === this.renderedTailLength) return;
    this.renderedTailLength = this.source.length;
    this.renderTail(this.source.slice(this.committed));
  }

  private renderTail(tail: string): void {
    const fence = this.scanner.openFence;
    if (fence && fence.topLevel && fence.start === this.committed) {
      this.renderLiveCode(fence.contentStart, fence.language);
      return;
    }
    this.liveCode = undefined;
    if (!fitsMarkdownBudget(tail, TAIL_BUDGET)) {
      this.renderPlainTail(tail);
      return;
    }
    this.plainTail = undefined;
    // A preview: the tail may define references, which must not reach the finished blocks' env.
    const preview = { references: { ...this.env.references } };
    if (this.tableHeader === undefined) {
      this.tailElement.replaceChildren(renderMarkdown(tail, preview));
      return;
    }
    // Rows that continue a table: shown as a table of their own without the header, until committed.
    const fragment = renderMarkdown(this.tableHeader + tail, preview);
    fragment.querySelector('table > thead')?.remove();
    this.tailElement.replaceChildren(fragment);
  }

  private renderPlainTail(tail: string): void {
    if (this.plainTail) {
      this.plainTail.writer.write(this.source.slice(this.plainTail.through));
    } else {
      this.tailElement.replaceChildren();
      this.plainTail = { writer: new PlainTextWriter(this.tailElement), through: 0 };
      this.plainTail.writer.write(tail);
    }
    this.plainTail.through = this.source.length;
  }

  private renderLiveCode(contentStart: number, language: string): void {
    if (this.liveCode) {
      this.liveCode.text.appendData(this.source.slice(this.liveCode.through));
      this.liveCode.through = this.source.length;
      return;
    }
    const text = document.createTextNode(this.source.slice(contentStart));
    const code = element('code');
    code.append(text);
    const pre = element('pre', { 'data-lang': language });
    pre.append(code);
    const block = element('div', { class: 'code-block streaming' });
    if (language) block.append(element('div', { class: 'code-toolbar' }, language));
    block.append(pre);
    this.tailElement.replaceChildren(block);
    this.liveCode = { text, through: this.source.length };
  }

  /** Renders `source[committed, end)` once as a finished block. */
  private commit(end: number): void {
    const source = this.source.slice(this.committed, end);
    this.committed = end;
    this.liveCode = undefined;
    this.plainTail = undefined;
    this.renderedTailLength = -1;
    this.tailElement.replaceChildren();
    if (source.trim() === '') return;
    const { fragment, kind } = this.renderBlock(source);
    // Nothing left (rows that all went into the last table, which stays the one to continue).
    if (!fragment.firstElementChild && (fragment.textContent ?? '').trim() === '') return;
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
    this.lastTable = block.lastElementChild instanceof HTMLTableElement ? block.lastElementChild : undefined;
    if (kind === 'markdown' && source.includes('[')) this.linking.push({ source, block });
  }

  /**
   * The block as markdown (within budget), or as plain text (beyond); rows that continue the last
   * table are moved into it, and only what followed them (if the table ended here) is returned.
   */
  private renderBlock(source: string): { fragment: DocumentFragment; kind: 'markdown' | 'plain' } {
    if (!fitsMarkdownBudget(source, BLOCK_BUDGET)) return { fragment: renderPlainText(source), kind: 'plain' };
    const table = this.lastTable;
    if (this.tableHeader !== undefined && table && table.rows.length >= MAX_TABLE_ROWS) {
      // A table this long is continued as a new one, its header repeated: appending to it would make
      // the browser lay the whole table out again on every frame (column widths depend on every row).
      return { fragment: renderMarkdown(this.tableHeader + source, this.env), kind: 'markdown' };
    }
    if (this.tableHeader !== undefined && table) {
      const fragment = renderMarkdown(this.tableHeader + source, this.env);
      const continued = fragment.firstElementChild;
      if (continued instanceof HTMLTableElement) {
        const body = table.tBodies[0] ?? table.createTBody();
        for (const row of Array.from(continued.tBodies[0]?.rows ?? [])) body.append(row);
        continued.remove();
      }
      return { fragment, kind: 'markdown' };
    }
    const definedBefore = Object.keys(this.env.references ?? {}).length;
    const fragment = renderMarkdown(source, this.env);
    if (Object.keys(this.env.references ?? {}).length > definedBefore) this.staleLinking = this.linking.length;
    return { fragment, kind: 'markdown' };
  }

  /** Renders again, with every reference now known, the blocks that came before a definition. */
  private renderStaleLinks(): void {
    for (const { source, block } of this.linking.slice(0, this.staleLinking)) {
      const rendered = renderMarkdown(source, { references: { ...this.env.references } });
      decorateCodeBlocks(rendered);
      block.replaceChildren(rendered);
    }
    this.staleLinking = 0;
  }
}

/** Lets a chunk be skipped while off screen once it has been laid out (two frames: its size is then remembered). */
function settleAfterLayout(block: HTMLElement): void {
  requestAnimationFrame(() => requestAnimationFrame(() => block.classList.add('settled')));
}
