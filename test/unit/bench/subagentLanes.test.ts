// The subagents-on-lanes benchmark in miniature (issue 17): both runs complete with three answered
// subagents and the report prints. No timing assertion: the bench reports the ratio, it does not judge it.
import { describe, expect, it } from 'vitest';
import { formatSubagentLanes, measureSubagentLanes } from '../../bench/subagentLanes';

describe('subagents on lanes benchmark', () => {
  it('runs three subagents in parallel and one after another, and prints the ratio', async () => {
    const report = await measureSubagentLanes({ reps: 1, tokensPerSecond: 0, rttMs: 0 });
    expect(report.runs.map((r) => [r.parallel, r.answered])).toEqual([
      [true, 3],
      [false, 3],
    ]);
    expect(Number.isFinite(report.ratio)).toBe(true);
    expect(formatSubagentLanes(report)).toContain('Sequential / parallel (subagents)');
  }, 60_000);
});
