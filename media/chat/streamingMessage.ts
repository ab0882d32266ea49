/**
 * An answer block that grows while the model streams. The boundary scanner cuts the text into blocks;
 * each finished block is rendered once and never touched again, and only the open end after the last
 * cut is live (streamingTail.ts). A block is rendered as markdown within its budget (renderBudget.ts)
 * and as plain text beyond it; a table cut between rows has its rows added to the same table, up to
 * `MAX_TABLE_ROWS`. While the stream runs, rendering finished blocks stops after `FRAME_BUDGET_MS` per
 * frame: blocks still waiting are shown as plain text meanwhile and rendered in the next frames. So
 * the cost of a frame depends on the new text and a bounded amount of rendering, not on how long or
 * how pathological the answer is. Blocks that use a link reference defined only later are rendered
 * again when the answer finishes, so a finished answer looks the same whether it streamed or came
 * whole from a snapshot (a reload). Text is appended at once; the DOM is updated by `render()`,
 * which the view calls once per frame.
 */
import { decorateCodeBlocks } from './codeBlocks';
import { element } from './dom';
import { type MarkdownEnv, renderMarkdown } from './markdown';
import { MarkdownBoundaryScanner } from './markdownBoundaries';
import { renderPlainText } from './plainText';
import { BLOCK_BUDGET, fitsMarkdownBudget } from './renderBudget';
import { StreamingTail } from './streamingTail';

/** How long one streaming render may spend on finished blocks before leaving the rest to the next frame. */
const FRAME_BUDGET_MS = 10;
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
  private readonly tail = new StreamingTail();
  private source = '';
  private readonly scanner = new MarkdownBoundaryScanner();
  /** Blocks are numbered by the cut that ends them; `[0, committed)` are rendered. */
  private committed = 0;
  /** Plain-text stand-ins of cut blocks that wait to be rendered, by block number. */
  private readonly waiting = new Map<number, HTMLElement>();
  /** The table the last finished block ended with: continued rows are added to it. */
  private lastTable: HTMLTableElement | undefined;
  /** Link references defined so far, shared by the blocks in order. */
  private readonly env: MarkdownEnv = { references: {} };
  private readonly linking: LinkingBlock[] = [];
  /** `linking[0, staleLinking)` were rendered before a reference they may use was defined. */
  private staleLinking = 0;
  private finished = false;
  /** A render is asked for in the next frame (cut blocks are still waiting to be rendered). */
  private nextFrame = false;

  constructor(
    className: string,
    private readonly options: StreamingMarkdownOptions = {},
  ) {
    this.element = element('div', { class: `markdown ${className}` });
    this.element.append(this.tail.element);
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

  /**
   * Brings the DOM up to date with the text appended so far. Cheap when nothing changed. A finished
   * answer (a snapshot, too) renders all its blocks at once; a streaming one within the frame budget.
   */
  render(): void {
    const started = performance.now();
    const cuts = this.scanner.cuts;
    while (this.committed < cuts.length && (this.finished || performance.now() - started <= FRAME_BUDGET_MS)) this.commit(this.committed++);
    if (this.finished) {
      this.commit(cuts.length);
      this.renderStaleLinks();
      this.tail.element.remove();
      return;
    }
    for (let block = this.committed; block < cuts.length; block++) if (!this.waiting.has(block)) this.showWaiting(block);
    const behind = this.committed < cuts.length;
    if (behind) this.renderNextFrame();
    const lastCut = cuts[cuts.length - 1];
    this.tail.show(this.source, lastCut?.offset ?? 0, {
      fence: this.scanner.openFence,
      tableHeader: lastCut?.tableHeader,
      plainOnly: behind,
      references: this.env.references,
    });
  }

  private renderNextFrame(): void {
    if (this.nextFrame) return;
    this.nextFrame = true;
    requestAnimationFrame(() => {
      this.nextFrame = false;
      if (!this.finished) this.render();
    });
  }

  /** Block `index` runs from the cut before it (or the start) to its own cut (or the end of the text). */
  private bounds(index: number): { start: number; end: number; tableHeader: string | undefined } {
    const cuts = this.scanner.cuts;
    const before = cuts[index - 1];
    return { start: before?.offset ?? 0, end: cuts[index]?.offset ?? this.source.length, tableHeader: before?.tableHeader };
  }

  /** A cut block waiting to be rendered is shown as plain text in its place meanwhile. */
  private showWaiting(index: number): void {
    const { start, end } = this.bounds(index);
    const stand = element('div', { class: 'md-block' });
    stand.append(renderPlainText(this.source.slice(start, end)));
    this.element.insertBefore(stand, this.tail.element);
    this.waiting.set(index, stand);
  }

  /** Renders block `index` once, in its place. */
  private commit(index: number): void {
    const { start, end, tableHeader } = this.bounds(index);
    const place = this.waiting.get(index);
    this.waiting.delete(index);
    const source = this.source.slice(start, end);
    const { fragment, kind } = source.trim() === '' ? { fragment: document.createDocumentFragment(), kind: 'plain' as const } : this.renderBlock(source, tableHeader);
    // Nothing left (rows that all went into the last table, which stays the one to continue).
    if (!fragment.firstElementChild && (fragment.textContent ?? '').trim() === '') {
      place?.remove();
      return;
    }
    decorateCodeBlocks(fragment);
    if (this.options.onBlockFinished) {
      const text = fragment.textContent ?? '';
      if (text.trim() !== '') this.options.onBlockFinished(text);
    }
    // Each finished chunk is its own box that the browser may skip styling and laying out while it is
    // off screen (content-visibility), so a long answer costs no more per frame than a short one.
    const block = element('div', { class: 'md-block' });
    block.append(fragment);
    this.element.insertBefore(block, place ?? this.tail.element);
    place?.remove();
    settleAfterLayout(block);
    this.lastTable = block.lastElementChild instanceof HTMLTableElement ? block.lastElementChild : undefined;
    if (kind === 'markdown' && source.includes('[')) this.linking.push({ source, block });
  }

  /**
   * The block as markdown (within budget), or as plain text (beyond); rows that continue the last
   * table are moved into it, and only what followed them (if the table ended here) is returned.
   */
  private renderBlock(source: string, tableHeader: string | undefined): { fragment: DocumentFragment; kind: 'markdown' | 'plain' } {
    if (!fitsMarkdownBudget(source, BLOCK_BUDGET)) return { fragment: renderPlainText(source), kind: 'plain' };
    const table = this.lastTable;
    if (tableHeader !== undefined && table && table.rows.length >= MAX_TABLE_ROWS) {
      // A table this long is continued as a new one, its header repeated: appending to it would make
      // the browser lay the whole table out again on every frame (column widths depend on every row).
      return { fragment: renderMarkdown(tableHeader + source, this.env), kind: 'markdown' };
    }
    if (tableHeader !== undefined && table) {
      const fragment = renderMarkdown(tableHeader + source, this.env);
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
