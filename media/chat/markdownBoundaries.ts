/**
 * Finds where a streaming markdown source can be cut into blocks that are rendered one at a time, so
 * finished blocks are rendered once and only the open tail is re-rendered. Pure (no DOM), scanned
 * incrementally: each complete line is looked at once, so the cost per delta stays constant however
 * long the answer grows. Cuts are absolute offsets and depend only on the text, so a whole answer
 * scanned at once (a reload) is cut exactly as it was while it streamed.
 *
 * A cut is safe (the blocks render the same apart as together) at:
 *  - the start of a non-indented line that follows a blank line (a new paragraph, list, heading…),
 *    except the next item of the same list: a loose list (`1. a⏎⏎2. b`) stays one list;
 *    indented lines after a blank line continue a list item, so no cut there;
 *  - the start and end of an ATX heading line;
 *  - the start of a non-indented opening code fence, and the end of its closing fence.
 * Blank lines inside a fence never cut. When a block grows past `maxTailChars` without a safe cut (a
 * huge paragraph or list) it is cut at a line start anyway, trading a small visual difference (a list
 * split in two) for bounded work. A table is cut between rows past `maxTableChars`; the cut carries
 * the table's header, so the view can add the next block's rows to the same table.
 */

export interface OpenFence {
  /** Offset of the opening fence line. */
  start: number;
  /** Offset just after the opening fence line: where the code begins. */
  contentStart: number;
  /** The fence's language (first word of the info string). */
  language: string;
  /** Whether the fence starts at column 0 (a top-level block the view may render live as code). */
  topLevel: boolean;
}

export interface Cut {
  offset: number;
  /** Set when the cut falls between table rows: the header and delimiter lines the rows belong to. */
  tableHeader?: string;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const HEADING = /^#{1,6}(\s|$)/;
const LIST_ITEM = /^([-+*]|\d{1,9}([.)]))(?:[ \t]|$)/;
const TABLE_DELIMITER = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
/** Lines that end a table (a quote, a list item, a thematic break, indented code). */
const ENDS_TABLE = /^(?: {4}|\t| {0,3}(?:>|[-+*][ \t]|\d{1,9}[.)][ \t]|(?:[-*_][ \t]*){3,}$))/;

/** What a list item's marker says about its list: `-`, `+`, `*` or the ordered delimiter `.` / `)`. */
function listKind(line: string): string | undefined {
  const match = LIST_ITEM.exec(line);
  return match ? (match[2] ?? match[1]) : undefined;
}

export class MarkdownBoundaryScanner {
  /** Offset of the first line not yet scanned (just after the last '\n' seen). */
  private position = 0;
  private fence: { char: string; length: number; open: OpenFence } | undefined;
  private afterBlank = false;
  /** The kind of the top-level list the text is in (see `listKind`), if any. */
  private list: string | undefined;
  /** The header of the table the text is in, if any. */
  private table: string | undefined;
  private previousLine = '';
  private candidate: Cut | undefined;
  /** Every cut so far, in order. */
  readonly cuts: Cut[] = [];
  /** Everything before this offset forms complete blocks that render the same on their own. */
  safeBoundary = 0;

  constructor(
    private readonly maxTailChars = 8_192,
    private readonly maxTableChars = 1_024,
  ) {}

  /** The fence the source ends inside, if any. */
  get openFence(): OpenFence | undefined {
    return this.fence?.open;
  }

  /** Scans the complete lines of `source` that were not scanned yet. `source` only ever grows. */
  scan(source: string): void {
    let lineStart = this.position;
    for (;;) {
      const newline = source.indexOf('\n', lineStart);
      if (newline < 0) break;
      this.scanLine(source.slice(lineStart, newline).replace(/\r$/, ''), lineStart, newline + 1);
      lineStart = newline + 1;
    }
    this.position = lineStart;
  }

  private scanLine(line: string, start: number, end: number): void {
    if (this.fence) return this.scanFenceLine(line, end);
    if (line.trim() === '') {
      this.afterBlank = true;
      this.table = undefined;
      this.previousLine = '';
      return;
    }
    const indented = line[0] === ' ' || line[0] === '\t';
    const fence = FENCE.exec(line);
    if (fence && !(fence[2]![0] === '`' && fence[3]!.includes('`'))) {
      const topLevel = fence[1]!.length === 0;
      if (topLevel) this.cutAt(start);
      this.fence = {
        char: fence[2]![0]!,
        length: fence[2]!.length,
        open: { start, contentStart: end, language: fence[3]!.trim().split(/\s+/)[0] ?? '', topLevel },
      };
      this.afterBlank = false;
      this.table = undefined;
      this.previousLine = '';
      if (topLevel) this.list = undefined;
      return;
    }
    if (!indented && HEADING.test(line)) {
      this.cutAt(start);
      this.cutAt(end);
      this.afterBlank = false;
      this.table = this.list = undefined;
      this.previousLine = '';
      return;
    }
    const kind = indented ? undefined : listKind(line);
    if (!indented && this.afterBlank && !(kind !== undefined && kind === this.list)) this.cutAt(start);
    if (!indented) this.list = kind ?? (this.afterBlank ? undefined : this.list);
    this.afterBlank = false;
    this.boundBlock(line, start, end, indented);
    this.previousLine = line;
  }

  private scanFenceLine(line: string, end: number): void {
    const fence = this.fence!;
    const match = FENCE.exec(line);
    if (match && match[2]![0] === fence.char && match[2]!.length >= fence.length && match[3]!.trim() === '') {
      this.fence = undefined;
      this.afterBlank = false;
      if (fence.open.topLevel) this.cutAt(end);
    }
  }

  /** Past the size limits without a safe cut, cuts at the last line start that allows it. */
  private boundBlock(line: string, start: number, end: number, indented: boolean): void {
    if (this.table !== undefined && ENDS_TABLE.test(line)) this.table = undefined;
    if (this.table !== undefined) {
      this.candidate = { offset: start, tableHeader: this.table };
    } else if (TABLE_DELIMITER.test(line) && this.previousLine.includes('|') && !indented) {
      // The header is the previous line: a cut may fall before it, never between it and this line.
      this.table = `${this.previousLine}\n${line}\n`;
      return;
    } else if (!indented && line[0] !== '|') {
      this.candidate = { offset: start };
    }
    const limit = this.table !== undefined ? this.maxTableChars : this.maxTailChars;
    const lastCut = this.cuts[this.cuts.length - 1]?.offset ?? 0;
    if (this.candidate && end - lastCut > limit && this.candidate.offset > lastCut) this.cutAt(this.candidate.offset, this.candidate.tableHeader);
  }

  private cutAt(offset: number, tableHeader?: string): void {
    const lastCut = this.cuts[this.cuts.length - 1]?.offset ?? 0;
    if (offset <= lastCut) return;
    this.cuts.push(tableHeader === undefined ? { offset } : { offset, tableHeader });
    if (tableHeader === undefined) this.safeBoundary = offset;
  }
}
