/**
 * The fault campaign's async job (issue 17), bounded: a GPT-6-like model starts `npm test` in the
 * background and keeps reading; the job ends only once the turn waits for it, after its socket was
 * closed (the 60-minute limit), so it outlives the socket in every run; the campaign's faults (drops,
 * stalls, rejected reconnects, Stop, steers, …) hit the requests around it. Zero violations: the
 * output reaches the model once, the command runs once, the transcript matches the fault-free run.
 */
import { describe, expect, it } from 'vitest';
import { formatSummary, replayCommand, runCampaign } from '../../faults/faultCampaign';
import { ASYNC_JOB_SCENARIO } from '../../faults/scenarios';
import { showReport } from './reportOutput';

const SEED = 17;
const RUNS = 30;

describe('fault campaign: async jobs that outlive a socket (bounded)', () => {
  it(`${RUNS} seeded runs: nothing lost, nothing delivered or run twice, no hang`, async () => {
    const summary = await runCampaign({ seed: SEED, runs: RUNS, scenarios: [ASYNC_JOB_SCENARIO] });
    const report = formatSummary(summary);
    showReport(report);
    expect(summary.violations.map((v) => `${v.violations.join('; ')} — ${replayCommand(v.plan.seed, v.plan.run)}`), report).toEqual([]);
    expect(summary.runs, report).toBe(RUNS);
    expect(summary.outcomes['completed'] ?? 0, report).toBeGreaterThan(RUNS / 2);
  }, 180_000);
});
