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
  const removed = new Uint8Array(oldLines.length);
  const inserted = new Uint8Array(newLines.length);
  const { prefix, suffix } = commonEnds(oldLines, newLines);
  // The common ends are left out: they stay unchanged in the fallback, and changes are not slid into
  // them (GNU diff -U0 does not read them either).
  const a = oldLines.slice(prefix, oldLines.length - suffix);
  const b = newLines.slice(prefix, newLines.length - suffix);
  const middleRemoved = removed.subarray(prefix, prefix + a.length);
  const middleInserted = inserted.subarray(prefix, prefix + b.length);
  const changes = a.length === 0 || b.length === 0 ? undefined : diffArrays(a, b, { maxEditLength });
  if (changes) {
    let i = 0;
    let j = 0;
    for (const change of changes) {
      if (change.added) middleInserted.fill(1, j, (j += change.count));
      else if (change.removed) middleRemoved.fill(1, i, (i += change.count));
      else {
        i += change.count;
        j += change.count;
      }
    }
    slideGroups(a, middleRemoved, middleInserted);
    slideGroups(b, middleInserted, middleRemoved);
  } else {
    middleRemoved.fill(1);
    middleInserted.fill(1);
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
    if (i < oldLines.length && removed[i]) ops.push({ kind: 'remove', oldIndex: i++ });
    else if (j < newLines.length && inserted[j]) ops.push({ kind: 'insert', text: newLines[j++]! });
    else {
      ops.push({ kind: 'equal', oldIndex: i++ });
      j++;
    }
  }
  return ops;
}

/**
 * Among edit scripts of the same length, picks the one GNU diff shows. A group of changed lines whose
 * last line equals the unchanged line above it (or whose first equals the one below) can move by one
 * line without changing the script's meaning. Each group moves up as far as it can, merging with the
 * groups it meets, then down as far as it can, again merging; then back up to the lowest place where
 * it sits right after a change on the other side, if it passed one. Myers alone splits an inserted
 * block that starts like the line after it into pieces. `changed` flags the lines of `lines` (this
 * side), `other` the other side's; only `changed` moves.
 */
function slideGroups(lines: readonly string[], changed: Uint8Array, other: Uint8Array): void {
  // The other side's unchanged lines in order: the k-th unchanged line here matches the k-th there.
  const otherKept: number[] = [];
  other.forEach((flag, index) => {
    if (!flag) otherKept.push(index);
  });
  // True when the other side has a change just before its `kept`-th unchanged line.
  const otherChangeAt = (kept: number) => {
    const at = otherKept[kept] ?? other.length;
    return at > 0 && other[at - 1] === 1;
  };
  let start = 0;
  let keptBefore = 0;
  while (start < lines.length) {
    if (!changed[start]) {
      start++;
      keptBefore++;
      continue;
    }
    let end = start;
    while (end < lines.length && changed[end]) end++;
    let length: number;
    let aligned: number | undefined;
    do {
      length = end - start;
      while (start > 0 && lines[start - 1] === lines[end - 1]) {
        changed[--start] = 1;
        changed[--end] = 0;
        keptBefore--;
        while (start > 0 && changed[start - 1]) start--;
      }
      aligned = otherChangeAt(keptBefore) ? end : undefined;
      while (end < lines.length && lines[start] === lines[end]) {
        changed[start++] = 0;
        changed[end++] = 1;
        keptBefore++;
        while (end < lines.length && changed[end]) end++;
        if (otherChangeAt(keptBefore)) aligned = end;
      }
    } while (end - start !== length);
    while (aligned !== undefined && aligned < end) {
      changed[--start] = 1;
      changed[--end] = 0;
      keptBefore--;
    }
    start = end;
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
