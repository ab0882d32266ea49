/**
 * The bounded part of the fault campaign (the full one: `npm run test:faults`, 500+ runs): a fixed
 * seed, a few dozen runs of agent scenarios on the real transport and the emulator with faults
 * injected at random points, and every invariant checked after each run (see test/faults).
 */
import { describe, expect, it } from 'vitest';
import { formatSummary, replayCommand, runCampaign } from '../../faults/faultCampaign';
import { mulberry32, runSeed } from '../../fakes/prng';
import { exposeGc } from '../../faults/exposeGc';
import { showReport } from './reportOutput';

const SEED = 9;
const RUNS = 30;

describe('fault campaign (bounded)', () => {
  it('the PRNG is seeded and reproducible', () => {
    const a = mulberry32(runSeed(7, 3));
    const b = mulberry32(runSeed(7, 3));
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(mulberry32(runSeed(7, 4))()).not.toBe(xs[0]);
  });

  it(`${RUNS} seeded runs with faults: nothing lost, nothing run twice, no hang, typed outcomes`, async () => {
    const gc = exposeGc();
    const summary = await runCampaign({ seed: SEED, runs: RUNS, gc });
    const report = formatSummary(summary);
    // The table is the message of any failing assertion (printed with HOLDFAST_TEST_REPORTS=1), and
    // each failing run names the command that replays it.
    showReport(report);
    expect(summary.violations.map((v) => `${v.violations.join('; ')} — ${replayCommand(v.plan.seed, v.plan.run)}`), report).toEqual([]);
    expect(summary.runs, report).toBe(RUNS);
    expect(Object.values(summary.faultsInjected).reduce((a, b) => a + b, 0), report).toBeGreaterThanOrEqual(RUNS * 0.8);
    expect(summary.outcomes['completed'] ?? 0, report).toBeGreaterThan(RUNS / 2);
    // Memory: after GC the heap returns near its baseline (generous: the emulators' and runs' garbage is gone).
    if (gc) expect(summary.memory.finalMb - summary.memory.baselineMb, report).toBeLessThan(40);
  }, 120_000);
});
