import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffLines } from '../../../../src/agent/inlineEdit/lineDiff';
import { editHunks } from '../../../../src/ui/chat/editHunks';
import { corpus } from './editCorpus';

/**
 * The line diff against GNU diff on a seeded corpus of real-looking edits to files of up to 5,000
 * lines: the same hunks (`diff -U0`), the same changed lines in the edit cards, and never a longer
 * script than GNU's on heavy rewrites. GNU diff runs as a child process.
 */
interface Hunk {
  header: string;
  lines: string[];
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-line-diff-'));
  expect(spawnSync('diff', ['--version'], { encoding: 'utf8' }).stdout, 'GNU diff is installed').toContain('GNU diffutils');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** GNU diff's -U0 hunks, headers with explicit counts (`@@ -5 +5 @@` → `@@ -5,1 +5,1 @@`). */
function gnuHunks(before: readonly string[], after: readonly string[]): Hunk[] {
  fs.writeFileSync(path.join(dir, 'before'), before.map((line) => `${line}\n`).join(''));
  fs.writeFileSync(path.join(dir, 'after'), after.map((line) => `${line}\n`).join(''));
  const run = spawnSync('diff', ['-U0', 'before', 'after'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(run.status, run.stderr).toBeLessThan(2);
  const hunks: Hunk[] = [];
  for (const line of run.stdout.split('\n').slice(2)) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (header) hunks.push({ header: `@@ -${header[1]},${header[2] ?? 1} +${header[3]},${header[4] ?? 1} @@`, lines: [] });
    else if (line.startsWith('+') || line.startsWith('-')) hunks.at(-1)!.lines.push(line);
  }
  return hunks;
}

/** Our -U0 hunks: each run of changed lines from `diffLines`, headed as unified diff heads them. */
function ourHunks(before: readonly string[], after: readonly string[]): Hunk[] {
  const hunks: Hunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  let open: { oldStart: number; newStart: number; lines: string[] } | undefined;
  const close = () => {
    if (!open) return;
    const removed = open.lines.filter((l) => l.startsWith('-')).length;
    const added = open.lines.length - removed;
    const start = (first: number, count: number) => (count === 0 ? first - 1 : first);
    hunks.push({ header: `@@ -${start(open.oldStart, removed)},${removed} +${start(open.newStart, added)},${added} @@`, lines: open.lines });
    open = undefined;
  };
  for (const op of diffLines(before, after)) {
    if (op.kind === 'equal') {
      close();
      oldLine++;
      newLine++;
      continue;
    }
    open ??= { oldStart: oldLine, newStart: newLine, lines: [] };
    if (op.kind === 'remove') {
      open.lines.push(`-${before[op.oldIndex]}`);
      oldLine++;
    } else {
      open.lines.push(`+${op.text}`);
      newLine++;
    }
  }
  close();
  return hunks;
}

const changedLines = (hunks: readonly Hunk[]) => hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0);
const text = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');

describe('line diff against GNU diff on a corpus of real-looking edits', () => {
  // 4 seeds × 5 sizes × 3 edit counts = 60 files.
  const cases = [1, 2, 3, 4].flatMap((seed) => corpus(seed, [50, 200, 1000, 2000, 5000], [1, 3, 10]).map((c) => ({ ...c, seed })));

  it.each(cases.map((c) => [`seed ${c.seed}, ${c.name}`, c] as const))('%s: the same hunks as diff -U0', (_name, c) => {
    const gnu = gnuHunks(c.before, c.after);
    const ours = ourHunks(c.before, c.after);
    expect(changedLines(ours)).toBe(changedLines(gnu));
    expect(ours).toEqual(gnu);
  });

  it('the edit cards show exactly the lines diff -U0 changes, three lines of context apart', () => {
    for (const c of cases) {
      const cards = editHunks(text(c.before), text(c.after));
      const shown = cards.flatMap((hunk) => hunk.lines.filter((line) => line.kind !== 'context').map((line) => `${line.kind === 'add' ? '+' : '-'}${line.text}`));
      expect(shown, `seed ${c.seed}, ${c.name}`).toEqual(gnuHunks(c.before, c.after).flatMap((hunk) => hunk.lines));
      for (const hunk of cards) {
        const [, oldCount, newCount] = /^@@ -\d+,(\d+) \+\d+,(\d+) @@$/.exec(hunk.header)!;
        expect(hunk.lines.filter((line) => line.kind !== 'add').length).toBe(Number(oldCount));
        expect(hunk.lines.filter((line) => line.kind !== 'remove').length).toBe(Number(newCount));
      }
    }
  });

  it('heavy rewrites: never a longer edit script than GNU diff', () => {
    for (const c of corpus(5, [50, 200, 1000, 2000], [30, 60])) {
      expect(changedLines(ourHunks(c.before, c.after)), c.name).toBeLessThanOrEqual(changedLines(gnuHunks(c.before, c.after)));
    }
  });

  it('10 scattered one-line edits in a 5,000-line file: 10 hunks, 20 changed lines, in the cards too', () => {
    const before = Array.from({ length: 5_000 }, (_, i) => `  const value${i} = compute(${i}, ${(i * 7) % 13});`);
    const after = [...before];
    for (let k = 1; k <= 10; k++) after[Math.floor((5_000 * k) / 11)] += ' // edited';
    const gnu = gnuHunks(before, after);
    expect([gnu.length, changedLines(gnu)]).toEqual([10, 20]);
    expect(ourHunks(before, after)).toEqual(gnu);
    const cards = editHunks(text(before), text(after));
    expect(cards).toHaveLength(10);
    expect(cards.flatMap((hunk) => hunk.lines).filter((line) => line.kind !== 'context')).toHaveLength(20);
  });
});
