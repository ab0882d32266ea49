/**
 * How a proposal is drawn over the lines it replaces, without touching the document: which old lines
 * are removed, and which new lines show after which old line. Pure.
 */

export interface ProposalLayout {
  /** New lines shown before the region's first line (inserted above everything that stays). */
  leading: string[];
  /** One entry per old line: removed or kept, and the new lines shown after it. */
  lines: Array<{ removed: boolean; inserted: string[] }>;
  added: number;
  removed: number;
}

type Op = { kind: 'equal' | 'remove'; oldIndex: number } | { kind: 'insert'; text: string };

/** Longest-common-subsequence line diff; beyond `maxCells` it degrades to "all removed, all added". */
export function diffLines(oldLines: readonly string[], newLines: readonly string[], maxCells = 4_000_000): Op[] {
  const n = oldLines.length;
  const m = newLines.length;
  // Common prefix and suffix first: most edits touch a few lines in the middle.
  let prefix = 0;
  while (prefix < n && prefix < m && oldLines[prefix] === newLines[prefix]) prefix++;
  let suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && oldLines[n - 1 - suffix] === newLines[m - 1 - suffix]) suffix++;
  const ops: Op[] = [];
  for (let i = 0; i < prefix; i++) ops.push({ kind: 'equal', oldIndex: i });
  const a = oldLines.slice(prefix, n - suffix);
  const b = newLines.slice(prefix, m - suffix);
  if ((a.length + 1) * (b.length + 1) > maxCells) {
    a.forEach((_, i) => ops.push({ kind: 'remove', oldIndex: prefix + i }));
    b.forEach((text) => ops.push({ kind: 'insert', text }));
  } else {
    const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        ops.push({ kind: 'equal', oldIndex: prefix + i });
        i++;
        j++;
      } else if (i < a.length && (j >= b.length || table[i + 1]![j]! >= table[i]![j + 1]!)) {
        ops.push({ kind: 'remove', oldIndex: prefix + i });
        i++;
      } else {
        ops.push({ kind: 'insert', text: b[j]! });
        j++;
      }
    }
  }
  for (let i = n - suffix; i < n; i++) ops.push({ kind: 'equal', oldIndex: i });
  return ops;
}

export function layoutProposal(oldLines: readonly string[], newLines: readonly string[]): ProposalLayout {
  const layout: ProposalLayout = {
    leading: [],
    lines: oldLines.map(() => ({ removed: false, inserted: [] })),
    added: 0,
    removed: 0,
  };
  let anchor = -1;
  for (const op of diffLines(oldLines, newLines)) {
    if (op.kind === 'insert') {
      (anchor < 0 ? layout.leading : layout.lines[anchor]!.inserted).push(op.text);
      layout.added++;
    } else {
      anchor = op.oldIndex;
      if (op.kind === 'remove') {
        layout.lines[op.oldIndex]!.removed = true;
        layout.removed++;
      }
    }
  }
  return layout;
}
