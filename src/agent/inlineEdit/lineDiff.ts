/**
 * Line diffs for the inline-edit proposal and the chat's edit cards: the `diff` package's Myers diff
 * (`diffArrays`, lines compared exactly) with GNU diff's hunk boundaries, bounded so one huge rewrite
 * cannot stall the extension host; and how a proposal is drawn on top of it. Pure.
 */
import { diffArrays } from 'diff';

/**
 * Beyond this many inserted plus removed lines the diff gives up and reports the differing middle as
 * removed and re-added. Myers costs about the square of it: ~100 ms at 1,000 on a loaded 2-core
 * machine, while ordinary edits (even 10 scattered lines of a 5,000-line file) stay far below.
 */
export const MAX_EDIT_LENGTH = 1_000;

export type LineDiffOp = { kind: 'equal'; oldIndex: number } | { kind: 'remove'; oldIndex: number } | { kind: 'insert'; text: string };

/** The edit script from `oldLines` to `newLines`, in order; removals come before the insertions that replace them. */
export function diffLines(oldLines: readonly string[], newLines: readonly string[], maxEditLength = MAX_EDIT_LENGTH): LineDiffOp[] {
  // `removed[k + 1]` flags old line k and `inserted[k + 1]` new line k; the padding at each end stands
  // for the unchanged sentinels GNU diff keeps there.
  const removed = new Uint8Array(oldLines.length + 2);
  const inserted = new Uint8Array(newLines.length + 2);
  const { prefix, suffix } = commonEnds(oldLines, newLines);
  // The common ends are left out: they stay unchanged in the fallback, and changes are not slid into
  // them (GNU diff -U0 does not read them either).
  const a = oldLines.slice(prefix, oldLines.length - suffix);
  const b = newLines.slice(prefix, newLines.length - suffix);
  const middleRemoved = removed.subarray(prefix, prefix + a.length + 2);
  const middleInserted = inserted.subarray(prefix, prefix + b.length + 2);
  const changes = a.length === 0 || b.length === 0 ? undefined : diffArrays(a, b, { maxEditLength });
  if (changes) {
    let i = 1;
    let j = 1;
    for (const change of changes) {
      if (change.added) middleInserted.fill(1, j, (j += change.count));
      else if (change.removed) middleRemoved.fill(1, i, (i += change.count));
      else {
        i += change.count;
        j += change.count;
      }
    }
    shiftBoundaries(a, middleRemoved, middleInserted);
    shiftBoundaries(b, middleInserted, middleRemoved);
  } else {
    middleRemoved.fill(1, 1, a.length + 1);
    middleInserted.fill(1, 1, b.length + 1);
  }
  return opsFrom(oldLines, newLines, removed, inserted);
}

function commonEnds(oldLines: readonly string[], newLines: readonly string[]): { prefix: number; suffix: number } {
  const n = oldLines.length;
  const m = newLines.length;
  let prefix = 0;
  while (prefix < n && prefix < m && oldLines[prefix] === newLines[prefix]) prefix++;
  let suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && oldLines[n - 1 - suffix] === newLines[m - 1 - suffix]) suffix++;
  return { prefix, suffix };
}

function opsFrom(oldLines: readonly string[], newLines: readonly string[], removed: Uint8Array, inserted: Uint8Array): LineDiffOp[] {
  const ops: LineDiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && removed[i + 1]) ops.push({ kind: 'remove', oldIndex: i++ });
    else if (j < newLines.length && inserted[j + 1]) ops.push({ kind: 'insert', text: newLines[j++]! });
    else {
      ops.push({ kind: 'equal', oldIndex: i++ });
      j++;
    }
  }
  return ops;
}

/**
 * Among edit scripts of the same length, picks the one GNU diff shows: each run of changed lines is
 * slid to merge with its neighbours, else as far down as it goes, else back to where it lines up with
 * a change on the other side. Myers alone splits an inserted block that starts like the line after it
 * into pieces. A port of `shift_boundaries` (GNU diffutils, analyze.c); `changed[k + 1]` flags line k
 * of `lines`, `other` the other side's lines the same way.
 */
function shiftBoundaries(lines: readonly string[], changed: Uint8Array, other: Uint8Array): void {
  const end = lines.length + 1;
  const line = (k: number) => lines[k - 1];
  let i = 1;
  let j = 1;
  for (;;) {
    while (i < end && !changed[i]) {
      while (other[j++]);
      i++;
    }
    if (i === end) return;
    let start = i;
    while (changed[++i]);
    while (other[j]) j++;
    let runLength: number;
    let corresponding: number;
    do {
      runLength = i - start;
      while (start > 1 && line(start - 1) === line(i - 1)) {
        changed[--start] = 1;
        changed[--i] = 0;
        while (changed[start - 1]) start--;
        while (other[--j]);
      }
      corresponding = other[j - 1] ? i : end;
      while (i !== end && line(start) === line(i)) {
        changed[start++] = 0;
        changed[i++] = 1;
        while (changed[i]) i++;
        while (other[++j]) corresponding = i;
      }
    } while (runLength !== i - start);
    while (corresponding < i) {
      changed[--start] = 1;
      changed[--i] = 0;
      while (other[--j]);
    }
  }
}

/**
 * How a proposal is drawn over the lines it replaces, without touching the document: which old lines
 * are removed, and which new lines show after which old line.
 */
export interface ProposalLayout {
  /** New lines shown before the region's first line (inserted above everything that stays). */
  leading: string[];
  /** One entry per old line: removed or kept, and the new lines shown after it. */
  lines: Array<{ removed: boolean; inserted: string[] }>;
  added: number;
  removed: number;
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
