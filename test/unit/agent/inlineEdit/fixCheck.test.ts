import { describe, expect, it } from 'vitest';
import type { DiagnosticInfo } from '../../../../src/agent/inlineEdit/diagnosticPrompts';
import { describeFixVerdict, judgeFix } from '../../../../src/agent/inlineEdit/fixCheck';

const at = (message: string, line: number, extra: Partial<DiagnosticInfo> = {}): DiagnosticInfo => ({
  message,
  severity: 'error',
  source: 'ts',
  code: '2322',
  startLine: line,
  startCharacter: 13,
  endLine: line,
  endCharacter: 18,
  ...extra,
});
const target = at("Type 'string' is not assignable to type 'number'.", 6);
const other = at("Cannot find name 'x'.", 20, { code: '2304' });

describe('judging an accepted fix from the diagnostics', () => {
  it('fixed: the target is gone and nothing new is wrong (problems the file already had are named)', () => {
    expect(judgeFix([target], [target], [])).toEqual({ status: 'fixed', others: [] });
    expect(judgeFix([target], [target, other], [other])).toEqual({ status: 'fixed', others: [other] });
    expect(describeFixVerdict({ status: 'fixed', others: [] }, 'one', true).text).toBe('Holdfast: fixed.');
    expect(describeFixVerdict({ status: 'fixed', others: [other] }, 'one', true).text).toBe('Holdfast: fixed. 1 other problem in this file is still reported.');
  });

  it('never "fixed" when the fix brought a new error: it says which', () => {
    const fresh = at("Cannot find name 'greet'.", 7, { code: '2304' });
    const verdict = judgeFix([target], [target], [fresh]);
    expect(verdict).toEqual({ status: 'newProblems', problems: [fresh] });
    const words = describeFixVerdict(verdict, 'one', true);
    expect(words).toEqual({ text: "Holdfast: the problem is gone, but the fix brought a new error: Cannot find name 'greet' (line 8).", warning: true });
    expect(words.text).not.toMatch(/fixed/);
  });

  it('a target reported at a new place is still failing; at its old place it may be the stale report', () => {
    const moved = { ...target, startLine: 7, endLine: 7 };
    expect(judgeFix([target], [target], [moved])).toEqual({ status: 'stillFailing', problems: [moved] });
    expect(judgeFix([target], [target], [target])).toEqual({ status: 'unknown', problems: [target] });
    expect(describeFixVerdict({ status: 'stillFailing', problems: [moved] }, 'one', true).text).toBe(
      "Holdfast: still failing: Type 'string' is not assignable to type 'number' (line 8).",
    );
    expect(describeFixVerdict({ status: 'unknown', problems: [target] }, 'one', false).text).toBe(
      "Holdfast: still failing: Type 'string' is not assignable to type 'number' (line 7) (the language features did not re-check the file in time).",
    );
  });

  it('one of two identical problems fixed leaves the other; fix-all wants none left', () => {
    const twin = { ...target, startLine: 9, endLine: 9 };
    expect(judgeFix([target], [target, twin], [twin]).status).toBe('fixed');
    expect(judgeFix([target, twin], [target, twin], [twin]).status).toBe('unknown');
    expect(describeFixVerdict({ status: 'fixed', others: [] }, 'all', true).text).toBe('Holdfast: fixed — no problems left in this file.');
    expect(describeFixVerdict({ status: 'stillFailing', problems: [twin, other] }, 'all', true).text).toMatch(/^Holdfast: still failing \(2 problems left\): /);
  });
});
