/**
 * Where each line of a proposal is drawn. Decorations cannot add lines to an editor, so the new lines
 * go in a column to the right of the old ones, one new line per row: a replacement starts on the row
 * of the first line it replaces, an insertion on the row of the line it goes before, and a block that
 * is longer than the rows it replaces continues on the rows below (pushing later blocks down); near
 * the end of the document it starts higher so that it fits. Rows count from the region's first line.
 * Pure.
 */
import type { ProposalLayout } from './lineDiff';

export interface AddedRow {
  row: number;
  text: string;
}

export interface ProposalRows {
  /** Rows whose old line the proposal removes. */
  removed: number[];
  /** One entry per new line, in order; rows may run past the region. */
  added: AddedRow[];
  /** The row for the status note: the region's last row, or the first one below it that is free; undefined when none is. */
  noteRow: number | undefined;
}

/**
 * `rowsAvailable`: lines from the region's first line to the end of the document (at least the region);
 * `rowsAbove`: lines above the region, which a block may move up into (negative rows) to fit.
 */
export function proposalRows(layout: ProposalLayout, rowsAvailable: number, rowsAbove = 0): ProposalRows {
  const lastRow = Math.max(1, rowsAvailable) - 1;
  const removed: number[] = [];
  const added: AddedRow[] = [];
  let nextFree = 0 - rowsAbove;
  const place = (anchor: number, lines: readonly string[]) => {
    if (lines.length === 0) return;
    let row = Math.max(nextFree, Math.min(Math.max(anchor, nextFree), lastRow + 1 - lines.length));
    for (const text of lines) added.push({ row: Math.min(row++, lastRow), text });
    nextFree = row;
  };
  place(0, layout.leading);
  let runStart: number | undefined;
  layout.lines.forEach((line, row) => {
    if (line.removed) {
      removed.push(row);
      runStart ??= row;
    }
    // New lines after a removed run replace it (they start on its first row); after a kept line they
    // are inserted before the next row.
    if (line.inserted.length > 0) place(line.removed ? runStart! : row + 1, line.inserted);
    if (!line.removed) runStart = undefined;
  });
  const regionEnd = Math.max(0, layout.lines.length - 1);
  const taken = new Set(added.map((entry) => entry.row));
  let noteRow = regionEnd;
  while (taken.has(noteRow) && noteRow <= lastRow) noteRow++;
  return { removed, added, noteRow: noteRow <= lastRow ? noteRow : undefined };
}
