/**
 * The fault campaign, in full: `npm run test:faults -- [--runs 500] [--seed 1] [--only-run K] [--quiet]`.
 * Prints a summary table and, for each failing run, the command that replays it. Exit code 1 on any
 * violation. Run with `node --expose-gc` (the npm script does) to measure memory against a baseline.
 */
import { describePlan, formatSummary, replayCommand, runCampaign } from './faultCampaign';

function parse(argv: string[]): { runs: number; seed: number; onlyRun: number | undefined; quiet: boolean } {
  const out = { runs: 500, seed: 1, onlyRun: undefined as number | undefined, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} needs a non-negative integer`);
      return v;
    };
    if (flag === '--runs') out.runs = value();
    else if (flag === '--seed') out.seed = value();
    else if (flag === '--only-run') out.onlyRun = value();
    else if (flag === '--quiet') out.quiet = true;
    else throw new Error(`unknown option ${flag} (use --runs N --seed S --only-run K --quiet)`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  const summary = await runCampaign({
    seed: args.seed,
    runs: args.runs,
    onlyRun: args.onlyRun,
    gc,
    onRun: (verdict, done) => {
      const bad = verdict.violations.length > 0;
      if (bad || !args.quiet || args.onlyRun !== undefined) {
        process.stdout.write(`${bad ? 'FAIL' : 'ok  '} ${describePlan(verdict.plan)} → ${verdict.outcome} (${Math.round(verdict.durationMs)} ms)\n`);
      } else if (done % 50 === 0) {
        process.stdout.write(`… ${done} runs\n`);
      }
      if (bad) {
        for (const problem of verdict.violations) process.stdout.write(`       - ${problem}\n`);
        process.stdout.write(`       replay: ${replayCommand(verdict.plan.seed, verdict.plan.run)}\n`);
      }
    },
  });
  process.stdout.write(`\n${formatSummary(summary)}\n`);
  process.exit(summary.violations.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`fault campaign: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
