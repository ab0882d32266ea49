// Turning "the file's lines before and after" into apply_edit's old_text → new_text pairs, each
// old_text real text of the file that occurs exactly once, as the tool demands.

export interface TextEdit {
  old_text: string;
  new_text: string;
}

interface Hunk {
  /** Old lines [oldStart, oldEnd) become new lines [newStart, newEnd). */
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** Changed regions between two line lists (longest common subsequence; files here are small). */
function hunks(before: readonly string[], after: readonly string[]): Hunk[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: Hunk | undefined;
  const close = () => {
    if (open) out.push({ ...open, oldEnd: i, newEnd: j });
    open = undefined;
  };
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      close();
      i++;
      j++;
    } else {
      open ??= { oldStart: i, oldEnd: i, newStart: j, newEnd: j };
      if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) j++;
      else i++;
    }
  }
  close();
  return out;
}

function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) count++;
  return count;
}

/**
 * The edits that turn `before` into `after`. Each hunk's old lines (plus neighbouring lines where
 * needed: a pure insertion is anchored on the line after it) form an old_text that occurs once in the file.
 */
export function lineEdits(before: readonly string[], after: readonly string[]): TextEdit[] {
  const file = before.join('\n');
  const text = (from: number, to: number, lines: readonly string[]) => lines.slice(from, to).join('\n');
  const grown = hunks(before, after).map((h) => {
    const g = { ...h };
    const unique = () => g.oldEnd > g.oldStart && text(g.oldStart, g.oldEnd, before).trim() !== '' && occurrences(file, text(g.oldStart, g.oldEnd, before)) === 1;
    while (!unique() && (g.oldEnd < before.length || g.oldStart > 0)) {
      // Grow downwards first (an insertion reads best anchored on what follows), then upwards. Lines
      // outside hunks are the same on both sides, so old and new ranges grow together.
      if (g.oldEnd < before.length) {
        g.oldEnd++;
        g.newEnd++;
      } else {
        g.oldStart--;
        g.newStart--;
      }
    }
    return g;
  });
  // Grown hunks that now touch are one edit (apply_edit refuses overlapping ones).
  const merged: Hunk[] = [];
  for (const h of grown) {
    const last = merged[merged.length - 1];
    if (last && h.oldStart <= last.oldEnd) {
      last.oldEnd = Math.max(last.oldEnd, h.oldEnd);
      last.newEnd = Math.max(last.newEnd, h.newEnd);
    } else merged.push({ ...h });
  }
  return merged.map((h) => ({ old_text: text(h.oldStart, h.oldEnd, before), new_text: text(h.newStart, h.newEnd, after) }));
}
