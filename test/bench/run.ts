// `npm run bench`: every contender on the same scripted work, links and server cost, in one run.
// Options: --reps N (default 3), --quick (smoke run), --in-process (emulators in this process),
// --timeout-min N (outer timeout; default 45, --quick 10), --no-calibrated, --no-cpu, --no-bundles, --no-activation, --no-code-actions, --no-webview, --no-below-floor, --webview-tokens N, --ws-concurrency N, --out DIR.
// Writes test/bench/results/{report.json,REPORT.md,refactor-50-bytes.svg}.
import * as path from 'node:path';
import { codeActionSummary } from './codeActionLatency';
import { RESULTS_DIR, runBench } from './harness';
import { loadLine } from './machine';
import { runBenchMain } from './outerTimeout';

interface Args {
  reps: number;
  quick: boolean;
  inProcess: boolean;
  off: Set<string>;
  out: string;
  timeoutMin: number | undefined;
  webviewTokens: number | undefined;
  wsConcurrency: number | undefined;
}

function parseArgs(argv: string[]): Args {
  let reps = 3;
  let webviewTokens: number | undefined;
  let timeoutMin: number | undefined;
  let wsConcurrency: number | undefined;
  let quick = false;
  let inProcess = false;
  let out = RESULTS_DIR;
  const off = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--reps') reps = Math.max(1, Number(argv[++i]) || 1);
    else if (arg.startsWith('--reps=')) reps = Math.max(1, Number(arg.slice(7)) || 1);
    else if (arg === '--quick') quick = true;
    else if (arg === '--in-process') inProcess = true;
    else if (arg === '--out') out = path.resolve(argv[++i] ?? RESULTS_DIR);
    else if (arg === '--webview-tokens') webviewTokens = Math.max(1000, Number(argv[++i]) || 0);
    else if (arg === '--timeout-min') timeoutMin = Math.max(1, Number(argv[++i]) || 1);
    else if (arg === '--ws-concurrency') wsConcurrency = Math.max(1, Number(argv[++i]) || 1);
    else if (arg.startsWith('--no-')) off.add(arg.slice(5));
    else throw new Error(`unknown option ${arg} (see the header of test/bench/run.ts)`);
  }
  return { reps: quick ? 1 : reps, quick, inProcess, off, out, timeoutMin, webviewTokens, wsConcurrency };
}

const args = parseArgs(process.argv.slice(2));

async function main(): Promise<number> {
  const report = await runBench({
    reps: args.reps,
    quick: args.quick,
    emulator: args.inProcess ? 'in-process' : 'child',
    calibrated: !args.off.has('calibrated'),
    cpu: !args.off.has('cpu'),
    bundles: !args.off.has('bundles'),
    activation: !args.quick && !args.off.has('activation'),
    codeActions: !args.off.has('code-actions'),
    webview: !args.quick && !args.off.has('webview'),
    belowFloor: !args.off.has('below-floor'),
    write: true,
    resultsDir: args.out,
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    log: (line) => console.log(line),
    ...(args.webviewTokens ? { webviewTokens: args.webviewTokens } : {}),
    ...(args.wsConcurrency ? { wsConcurrency: args.wsConcurrency } : {}),
  });
  console.log(`\n[bench] done in ${(report.durationMs / 1000).toFixed(1)} s → ${path.relative(process.cwd(), path.join(args.out, 'REPORT.md'))}`);
  for (const line of report.findings) console.log(`  - ${line}`);
  if (report.activation?.measured) console.log(`  - activation in VS Code: ${report.activation.activationMs.map((v, i) => `${v} ms${i === 0 ? ' (cold)' : ''}`).join(', ')}`);
  if (report.codeActions) console.log(`  - ${codeActionSummary(report.codeActions)}`);
  console.log(`  - ${loadLine(report.machine.loadAverage, report.machine.loadAverageEnd ?? report.machine.loadAverage)}`);
  const ok = report.runs.filter((r) => r.ok).length;
  return ok === 0 ? 1 : 0;
}

// Full runs take ~10 minutes on 2 shared cores; --quick about one.
runBenchMain('bench', (args.timeoutMin ?? (args.quick ? 10 : 45)) * 60_000, main);
