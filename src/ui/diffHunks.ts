import { type DiffHunk, Limits } from '../protocol/webview';

export interface ParsedDiff {
  hunks: DiffHunk[];
  added: number;
  removed: number;
  /** True when hunks or lines were dropped to stay within the webview message bounds. */
  truncated: boolean;
}

/**
 * Turns a unified diff (as `diff -u` / git print it) into the hunks an edit card shows. File headers
 * (`---`, `+++`, `diff --git`, `index`) are skipped; counts cover the whole diff even when the display
 * is truncated, so the card's "+12 −3" stays honest.
 */
export function parseUnifiedDiff(text: string): ParsedDiff {
  const hunks: DiffHunk[] = [];
  let current: DiffHunk | undefined;
  let added = 0;
  let removed = 0;
  let shownLines = 0;
  let truncated = false;
  const maxShownLines = Limits.diffLines;

  for (const line of text.split('\n')) {
    if (line.startsWith('@@')) {
      if (hunks.length >= Limits.diffHunks) {
        truncated = true;
        current = undefined;
        continue;
      }
      current = { header: line.slice(0, Limits.shortText), lines: [] };
      hunks.push(current);
      continue;
    }
    if (current === undefined) continue;
    const marker = line[0];
    const kind = marker === '+' ? 'add' : marker === '-' ? 'remove' : marker === ' ' || line === '' ? 'context' : undefined;
    if (kind === undefined) continue; // "\ No newline at end of file" and the like
    if (kind === 'add') added++;
    if (kind === 'remove') removed++;
    if (shownLines >= maxShownLines || current.lines.length >= Limits.diffLines) {
      truncated = true;
      continue;
    }
    current.lines.push({ kind, text: line.slice(1, 1 + Limits.diffLineText) });
    shownLines++;
  }
  // A trailing empty "context" line comes from the final newline of the diff text, not from the file.
  const last = hunks[hunks.length - 1];
  const tail = last?.lines[last.lines.length - 1];
  if (last && tail && tail.kind === 'context' && tail.text === '' && text.endsWith('\n')) last.lines.pop();
  return { hunks, added, removed, truncated };
}
