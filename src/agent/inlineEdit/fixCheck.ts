/**
 * Did an accepted fix fix what it was asked to? Judged from the file's diagnostics before the fix and
 * as the language features report them now, and said in words. Pure.
 *
 * A problem is the same problem when its severity, source, code and message are; a fix of one of two
 * identical problems leaves one. Until the language features re-check the file, the old report is
 * still there: a target still reported at exactly its old place may be that stale report, so the
 * verdict is `unknown` and the caller waits for the next report.
 */
import type { DiagnosticInfo } from './diagnosticPrompts';

export type FixVerdict =
  /** The targets are gone and nothing new is wrong; `others` are problems the file had and still has. */
  | { status: 'fixed'; others: DiagnosticInfo[] }
  /** The targets are gone, but the file has errors it did not have before. */
  | { status: 'newProblems'; problems: DiagnosticInfo[] }
  /** A target is reported again, somewhere new: the fix did not fix it. */
  | { status: 'stillFailing'; problems: DiagnosticInfo[] }
  /** A target is reported exactly as before: the old report, or the fix did not touch it. */
  | { status: 'unknown'; problems: DiagnosticInfo[] };

const identity = (d: DiagnosticInfo) => JSON.stringify([d.severity, d.source ?? '', d.code ?? '', d.message]);
const samePlace = (a: DiagnosticInfo, b: DiagnosticInfo) =>
  a.startLine === b.startLine && a.startCharacter === b.startCharacter && a.endLine === b.endLine && a.endCharacter === b.endCharacter;

function counts(diagnostics: readonly DiagnosticInfo[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const d of diagnostics) map.set(identity(d), (map.get(identity(d)) ?? 0) + 1);
  return map;
}

/** `targets`: what the fix was asked to fix; `before`: the file's diagnostics when it was asked; `now`: as reported now. */
export function judgeFix(targets: readonly DiagnosticInfo[], before: readonly DiagnosticInfo[], now: readonly DiagnosticInfo[]): FixVerdict {
  const beforeCounts = counts(before);
  const targetCounts = counts(targets);
  const nowCounts = counts(now);
  const remaining = [...targetCounts].filter(([key, fixed]) => (nowCounts.get(key) ?? 0) > Math.max(0, (beforeCounts.get(key) ?? fixed) - fixed));
  if (remaining.length > 0) {
    const keys = new Set(remaining.map(([key]) => key));
    const problems = now.filter((d) => keys.has(identity(d)));
    const asBefore = problems.every((d) => before.some((b) => identity(b) === identity(d) && samePlace(b, d)));
    return { status: asBefore ? 'unknown' : 'stillFailing', problems };
  }
  const seen = new Map(beforeCounts);
  const fresh = now.filter((d) => {
    const left = seen.get(identity(d)) ?? 0;
    seen.set(identity(d), left - 1);
    return left <= 0;
  });
  const newErrors = fresh.filter((d) => d.severity === 'error');
  if (newErrors.length > 0) return { status: 'newProblems', problems: newErrors };
  const targetKeys = new Set(targetCounts.keys());
  return { status: 'fixed', others: now.filter((d) => !targetKeys.has(identity(d)) && (d.severity === 'error' || d.severity === 'warning')) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const where = (d: DiagnosticInfo) => `${d.message.replace(/\.$/, '')} (line ${d.startLine + 1})`;

/**
 * The verdict in one message. `scope`: one problem (Fix) or all of a file's (Fix all). "Fixed" only
 * when the targets are gone and no new error came with the fix.
 */
export function describeFixVerdict(verdict: FixVerdict, scope: 'one' | 'all', rechecked: boolean): { text: string; warning: boolean } {
  const late = rechecked ? '' : ' (the language features did not re-check the file in time)';
  switch (verdict.status) {
    case 'fixed': {
      if (scope === 'all') return { text: `Holdfast: fixed — no problems left in this file${late}.`, warning: false };
      const others = verdict.others.length === 0 ? '' : ` ${plural(verdict.others.length, 'other problem')} in this file ${verdict.others.length === 1 ? 'is' : 'are'} still reported.`;
      return { text: `Holdfast: fixed${late}.${others}`, warning: false };
    }
    case 'newProblems': {
      const what = scope === 'one' ? 'the problem is gone' : 'those problems are gone';
      const first = verdict.problems[0]!;
      const count = verdict.problems.length === 1 ? 'a new error' : `${plural(verdict.problems.length, 'new error')}, the first`;
      return { text: `Holdfast: ${what}, but the fix brought ${count}: ${where(first)}${late}.`, warning: true };
    }
    case 'stillFailing':
    case 'unknown': {
      const left = scope === 'all' ? ` (${plural(verdict.problems.length, 'problem')} left)` : '';
      return { text: `Holdfast: still failing${left}: ${verdict.problems[0] ? where(verdict.problems[0]) : 'the problem is still reported'}${late}.`, warning: true };
    }
  }
}
