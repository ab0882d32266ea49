// Client cost: CPU time in the host process per request (at ~100 KB and ~300 KB of context) and per
// text delta. How: the emulator runs in a child process (emulatorPool), so process.cpuUsage() in this
// process counts only the client — building the request, serialising it, permessage-deflate (ws
// compresses on libuv's thread pool, which cpuUsage includes), reading and parsing every event — and
// nothing else runs here meanwhile. Per request, the samples come from the loopback runs (one run at a
// time, no modelled delays, the model unpaced); per delta, from a dedicated long answer fed into the
// chat presenter.
import { runBenchMain } from './outerTimeout';
import { userMessage } from '../../src/protocol/items';
import { ChatPresenter } from '../../src/ui/chatPresenter';
import { createWsSocketFactory } from '../../src/transport/socket';
import type { ContenderClient, ContenderId, EmulatorEndpoint } from './contenders/contender';
import { holdfastWsWith } from './contenders/holdfast';
import { CONTENDERS } from './contenders/registry';
import { childProcessPool, type EmulatorPool } from './emulatorPool';
import { currentLoadAverage, loadLine } from './machine';
import type { RunRecord } from './runRecord';
import type { BenchScenario, ScenarioName } from './scenarioFormat';
import { buildScenarios } from './scenarios/generate';
import { spread, type Spread } from './summaryStats';

/** Context windows: requests whose transcript is within ±15% of the target count for that target. */
export const CPU_TARGETS_KB = [100, 300] as const;
const WINDOW = 0.15;

export interface CpuPerRequest {
  targetKb: number;
  /** CPU ms per request over every request in the window, all repetitions. */
  cpuMs: Spread;
}

export interface CpuPerDelta {
  textDeltas: number;
  /** Messages the presenter posted for those deltas (its per-frame coalescing), unpaced run. */
  posts: number;
  /** CPU µs per text delta with the model unpaced (a burst: many events per socket read), over repetitions. */
  cpuUsPerDelta: Spread;
  /** The same with the model paced at PACED_TOKENS_PER_SECOND (one event per message, the client wakes per few events). */
  pacedCpuUsPerDelta: Spread;
}

export interface ContenderCpu {
  contender: ContenderId;
  perRequest: CpuPerRequest[];
  perDelta: CpuPerDelta | null;
  error?: string;
}

export interface CpuReport {
  method: string;
  contenders: ContenderCpu[];
  /** The pace of the paced per-delta figure (tokens/s; one text delta per token). */
  pacedTokensPerSecond: number;
  /**
   * Same run, same scenario: Holdfast WS with `ws`'s own permessage-deflate inflation (three zlib jobs
   * on libuv's thread pool per message) instead of its synchronous inflater.
   */
  baseline: { label: string; perDelta: CpuPerDelta | null; error?: string } | null;
}

/** The fast-model pace of the contract's §7 (bursts of 4,000 tokens/s). */
export const PACED_TOKENS_PER_SECOND = 4000;

export const CPU_METHOD =
  'process.cpuUsage() (user + system, every thread of the bench process, so permessage-deflate on the libuv pool counts) around each request. ' +
  'The emulator runs in a child process and nothing else runs in the measured process meanwhile. ' +
  'Per request: every request of the loopback refactor-50 runs (one run at a time, model unpaced) whose transcript is within ±15% of the target size, all repetitions. ' +
  'Per delta: one long answer (text-stream scenario) fed into src/ui/chatPresenter.ts (per-frame coalescing and validation, up to the post to the webview, which is counted but not performed); ' +
  'CPU of that whole request divided by its text deltas, after one unmeasured warm-up run; once unpaced (burst) and once paced at ' +
  `${PACED_TOKENS_PER_SECOND.toLocaleString('en-US')} tokens/s. The baseline row is Holdfast WS with ws's own inflation, measured in the same run.`;

export async function measureCpu(
  pool: EmulatorPool,
  scenarios: Record<ScenarioName, BenchScenario>,
  loopbackRuns: readonly RunRecord[],
  contenders: readonly ContenderId[],
  reps: number,
): Promise<CpuReport> {
  const results: ContenderCpu[] = [];
  const textStream = scenarios['text-stream'];
  for (const contender of contenders) {
    const perRequest = perRequestFromRuns(loopbackRuns.filter((r) => r.ok && r.link === 'loopback' && r.scenario === 'refactor-50' && r.contender === contender));
    try {
      results.push({ contender, perRequest, perDelta: await measurePerDelta(pool, textStream, (endpoint) => CONTENDERS[contender].create(endpoint), reps) });
    } catch (error) {
      results.push({ contender, perRequest, perDelta: null, error: errorText(error) });
    }
  }
  let baseline: CpuReport['baseline'] = null;
  if (contenders.includes('holdfast-ws')) {
    const label = "Holdfast WS with ws's inflation (baseline)";
    const wsInflate = createWsSocketFactory({ syncInflate: false });
    try {
      baseline = { label, perDelta: await measurePerDelta(pool, textStream, (endpoint) => holdfastWsWith(endpoint, wsInflate), reps) };
    } catch (error) {
      baseline = { label, perDelta: null, error: errorText(error) };
    }
  }
  return { method: CPU_METHOD, contenders: results, pacedTokensPerSecond: PACED_TOKENS_PER_SECOND, baseline };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function perRequestFromRuns(runs: readonly RunRecord[]): CpuPerRequest[] {
  return CPU_TARGETS_KB.map((kb) => {
    const samples = runs.flatMap((r) => r.client.filter((q) => Math.abs(q.contextBytes / 1024 - kb) <= kb * WINDOW).map((q) => q.cpuMs));
    return { targetKb: kb, cpuMs: spread(samples) };
  });
}

type MakeClient = (endpoint: EmulatorEndpoint) => ContenderClient;

async function measurePerDelta(pool: EmulatorPool, scenario: BenchScenario, makeClient: MakeClient, reps: number): Promise<CpuPerDelta> {
  const burst: number[] = [];
  const paced: number[] = [];
  let textDeltas = 0;
  let posts = 0;
  // Repetition 0 warms the JIT up (the presenter's code has not run yet in this process) and is dropped.
  for (let rep = 0; rep <= reps; rep++) {
    const measured = await measureTextStream(pool, scenario, makeClient, 0);
    const pacedRun = await measureTextStream(pool, scenario, makeClient, PACED_TOKENS_PER_SECOND);
    if (rep === 0) continue;
    burst.push(measured.cpuUsPerDelta);
    paced.push(pacedRun.cpuUsPerDelta);
    textDeltas = measured.textDeltas;
    posts = measured.posts;
  }
  return { textDeltas, posts, cpuUsPerDelta: spread(burst), pacedCpuUsPerDelta: spread(paced) };
}

async function measureTextStream(pool: EmulatorPool, scenario: BenchScenario, makeClient: MakeClient, tokensPerSecond: number): Promise<{ cpuUsPerDelta: number; textDeltas: number; posts: number }> {
  const emulator = await pool.start({ scenario, pingIntervalMs: 0, tokensPerSecond });
  const client = makeClient({ ...emulator.endpoint, modelsRemote: true });
  let posts = 0;
  const presenter = new ChatPresenter({ post: () => (posts += 1) });
  try {
    await client.activate();
    const prompt = scenario.bench.prompts[0] ?? '';
    presenter.handle({ type: 'turnStarted', turnId: 'turn-1', userText: prompt });
    posts = 0;
    const before = process.cpuUsage();
    const result = await client.request({
      fullInput: [userMessage(prompt)],
      newItems: [userMessage(prompt)],
      onTextDelta: (itemId, text) => presenter.handle({ type: 'textDelta', turnId: 'turn-1', blockId: itemId, delta: text }),
    });
    presenter.flush();
    const cpu = process.cpuUsage(before);
    if (result.textDeltas === 0) throw new Error('no text deltas streamed');
    return { cpuUsPerDelta: (cpu.user + cpu.system) / result.textDeltas, textDeltas: result.textDeltas, posts };
  } finally {
    presenter.dispose();
    await client.close();
    await emulator.close();
  }
}

/** `tsx test/bench/cpuCost.ts [reps]`: the per-delta figures alone (Holdfast WS, its baseline, SSE), in a minute. */
async function main(): Promise<void> {
  const reps = Math.max(1, Number(process.argv[2]) || 2);
  const loadAtStart = currentLoadAverage();
  const pool = await childProcessPool();
  try {
    const report = await measureCpu(pool, buildScenarios(), [], ['holdfast-ws', 'holdfast-http'], reps);
    const rows = [...report.contenders.map((c) => ({ label: CONTENDERS[c.contender].label, perDelta: c.perDelta, error: c.error })), ...(report.baseline ? [report.baseline] : [])];
    for (const row of rows) {
      const d = row.perDelta;
      console.log(d ? `${row.label}: burst ${d.cpuUsPerDelta.median.toFixed(1)} µs, paced ${d.pacedCpuUsPerDelta.median.toFixed(1)} µs per text delta (${d.textDeltas} deltas)` : `${row.label}: ${row.error ?? 'n/a'}`);
    }
    console.log(loadLine(loadAtStart, currentLoadAverage()));
  } finally {
    await pool.dispose();
  }
}

if (require.main === module) runBenchMain('bench:cpu', 10 * 60_000, main);
