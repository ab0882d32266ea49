/**
 * Finds where a streaming markdown source can be cut into blocks that render the same on their own,
 * so finished blocks are rendered once and only the open tail is re-rendered. Pure (no DOM), scanned
 * incrementally: each complete line is looked at once, so the cost per delta stays constant however
 * long the answer grows.
 *
 * A cut is safe at:
 *  - the start of a non-indented line that follows a blank line (a new paragraph, list, heading…);
 *    indented lines after a blank line continue a list item, so no cut there;
 *  - the start and end of an ATX heading line;
 *  - the start of a non-indented opening code fence, and the end of its closing fence.
 * Blank lines inside a fence never cut. When a tail grows past `maxTailChars` without a safe cut (a
 * huge paragraph or list), the scanner cuts at a line start that is not a table row, trading a tiny
 * visual difference for bounded work.
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

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const HEADING = /^#{1,6}(\s|$)/;

export class MarkdownBoundaryScanner {
  /** Offset of the first line not yet scanned (just after the last '\n' seen). */
  private position = 0;
  private fence: { char: string; length: number; open: OpenFence } | undefined;
  private afterBlank = false;
  private lastLineStartCandidate = -1;
  /** Everything before this offset forms complete blocks. */
  safeBoundary = 0;

  constructor(private readonly maxTailChars = 16_384) {}

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
      this.scanLine(source, lineStart, newline);
      lineStart = newline + 1;
    }
    this.position = lineStart;
  }

  private scanLine(source: string, start: number, newline: number): void {
    const line = source.slice(start, newline).replace(/\r$/, '');
    const end = newline + 1;

    if (this.fence) {
      const match = FENCE.exec(line);
      if (match && match[2]![0] === this.fence.char && match[2]!.length >= this.fence.length && match[3]!.trim() === '') {
        const topLevel = this.fence.open.topLevel;
        this.fence = undefined;
        this.afterBlank = false;
        if (topLevel) this.safeBoundary = end;
      }
      return;
    }

    if (line.trim() === '') {
      this.afterBlank = true;
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
      return;
    }
    if (!indented && HEADING.test(line)) {
      this.cutAt(start);
      this.safeBoundary = end;
      this.afterBlank = false;
      return;
    }
    if (!indented && this.afterBlank) this.cutAt(start);
    this.afterBlank = false;

    if (!indented && line[0] !== '|') this.lastLineStartCandidate = start;
    if (end - this.safeBoundary > this.maxTailChars && this.lastLineStartCandidate > this.safeBoundary) {
      this.safeBoundary = this.lastLineStartCandidate;
    }
  }

  private cutAt(offset: number): void {
    if (offset > this.safeBoundary) this.safeBoundary = offset;
  }
}
