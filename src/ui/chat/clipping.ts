/**
 * Clipping to the webview protocol's bounds (`Limits`), in one place, so a runaway tool output, answer
 * or diff can never produce a message the webview would reject.
 */
import { type DiffHunk, Limits } from '../../protocol/webview';

const TRUNCATION_MARK = '\n… (truncated for display) …\n';

/** Clips text to `max` characters, keeping the head and the tail (the end of a log matters most). */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= TRUNCATION_MARK.length * 2) return text.slice(0, max);
  const keep = max - TRUNCATION_MARK.length;
  const head = Math.ceil(keep / 2);
  return text.slice(0, head) + TRUNCATION_MARK + text.slice(text.length - (keep - head));
}

/** An id the view accepts: never empty, at most `Limits.id` characters. */
export function clipId(id: string): string {
  return id.length === 0 ? '_' : id.slice(0, Limits.id);
}

/** Each hunk's header, lines and line text bounded; the number of hunks is left to `hunksWithCounts`. */
export function clipHunks(hunks: readonly DiffHunk[]): DiffHunk[] {
  return hunks.map((hunk) => ({
    header: hunk.header.slice(0, Limits.shortText),
    lines: hunk.lines.slice(0, Limits.diffLines).map((line) => ({ kind: line.kind, text: line.text.slice(0, Limits.diffLineText) })),
  }));
}

/** Bounds hunks for the view and counts added/removed lines over all of them. */
export function hunksWithCounts(hunks: readonly DiffHunk[]): { hunks: DiffHunk[]; added: number; removed: number; truncated: boolean } {
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.kind === 'add') added++;
      else if (line.kind === 'remove') removed++;
    }
  }
  const truncated = hunks.length > Limits.diffHunks || hunks.some((hunk) => hunk.lines.length > Limits.diffLines);
  return { hunks: clipHunks(hunks.slice(0, Limits.diffHunks)), added, removed, truncated };
}
