/**
 * The diff an edit card shows, computed from a journal entry's before/after text: unified-diff style
 * hunks with three lines of context (changes at most six unchanged lines apart share a hunk). The
 * line diff itself is `diffLines` (the `diff` package, with GNU diff's hunk boundaries). Pure.
 */
import { diffLines } from '../../agent/inlineEdit/lineDiff';
import type { DiffHunk } from '../../protocol/webview';

const CONTEXT = 3;

type Row = { kind: 'context' | 'add' | 'remove'; text: string; oldLine: number; newLine: number };

export function editHunks(before: string | undefined, after: string): DiffHunk[] {
  const oldLines = lines(before ?? '');
  const newLines = lines(after);
  const rows: Row[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const op of diffLines(oldLines, newLines)) {
    if (op.kind === 'insert') rows.push({ kind: 'add', text: op.text, oldLine, newLine: newLine++ });
    else if (op.kind === 'equal') rows.push({ kind: 'context', text: oldLines[op.oldIndex]!, oldLine: oldLine++, newLine: newLine++ });
    else rows.push({ kind: 'remove', text: oldLines[op.oldIndex]!, oldLine: oldLine++, newLine });
  }
  const hunks: DiffHunk[] = [];
  let index = 0;
  while (index < rows.length) {
    while (index < rows.length && rows[index]!.kind === 'context') index++;
    if (index >= rows.length) break;
    const start = Math.max(0, index - CONTEXT);
    let end = index;
    // Extend while changes are closer than 2 × context apart.
    for (;;) {
      while (end < rows.length && rows[end]!.kind !== 'context') end++;
      let next = end;
      while (next < rows.length && rows[next]!.kind === 'context') next++;
      if (next < rows.length && next - end <= CONTEXT * 2) {
        end = next;
        continue;
      }
      end = Math.min(rows.length, end + CONTEXT);
      break;
    }
    const slice = rows.slice(start, end);
    const first = slice[0]!;
    const oldCount = slice.filter((r) => r.kind !== 'add').length;
    const newCount = slice.filter((r) => r.kind !== 'remove').length;
    hunks.push({
      header: `@@ -${oldCount === 0 ? first.oldLine - 1 : first.oldLine},${oldCount} +${newCount === 0 ? first.newLine - 1 : first.newLine},${newCount} @@`,
      lines: slice.map((r) => ({ kind: r.kind, text: r.text })),
    });
    index = end;
  }
  return hunks;
}

/** Lines of a text; a final newline ends the last line rather than starting an empty one. */
function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (text.endsWith('\n')) all.pop();
  return all;
}
