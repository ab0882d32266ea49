// Client cost: CPU time in the host process per request (at ~100 KB and ~300 KB of context) and per
// text delta. How: the emulator runs in a child process (emulatorPool), so process.cpuUsage() in this
// process counts only the client — building the request, serialising it, permessage-deflate (ws
// compresses on libuv's thread pool, which cpuUsage includes), reading and parsing every event — and
// nothing else runs here meanwhile. Per request, the samples come from the loopback runs (one run at a
// time, no modelled delays, the model unpaced); per delta, from a dedicated long answer fed into the
// chat presenter.
import { userMessage } from '../../src/protocol/items';
import { ChatPresenter } from '../../src/ui/chatPresenter';
import type { ContenderId } from './contenders/contender';
import { CONTENDERS } from './contenders/registry';
import type { EmulatorPool } from './emulatorPool';
import type { RunRecord } from './runRecord';
import type { BenchScenario, ScenarioName } from './scenarioFormat';
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
  /** Messages the presenter posted for those deltas (its per-frame coalescing). */
  posts: number;
  /** CPU µs per text delta, over repetitions. */
  cpuUsPerDelta: Spread;
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
}

export const CPU_METHOD =
  'process.cpuUsage() (user + system, every thread of the bench process, so permessage-deflate on the libuv pool counts) around each request. ' +
  'The emulator runs in a child process and nothing else runs in the measured process meanwhile. ' +
  'Per request: every request of the loopback refactor-50 runs (one run at a time, model unpaced) whose transcript is within ±15% of the target size, all repetitions. ' +
  'Per delta: one long answer (text-stream scenario, unpaced) fed into src/ui/chatPresenter.ts (per-frame coalescing and validation, up to the post to the webview, which is counted but not performed); ' +
  'CPU of that whole request divided by its text deltas, after one unmeasured warm-up run.';

export async function measureCpu(
  pool: EmulatorPool,
  scenarios: Record<ScenarioName, BenchScenario>,
  loopbackRuns: readonly RunRecord[],
  contenders: readonly ContenderId[],
  reps: number,
): Promise<CpuReport> {
  const results: ContenderCpu[] = [];
  for (const contender of contenders) {
    const perRequest = perRequestFromRuns(loopbackRuns.filter((r) => r.ok && r.link === 'loopback' && r.scenario === 'refactor-50' && r.contender === contender));
    try {
      results.push({ contender, perRequest, perDelta: await measurePerDelta(pool, scenarios['text-stream'], contender, reps) });
    } catch (error) {
      results.push({ contender, perRequest, perDelta: null, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { method: CPU_METHOD, contenders: results };
}

function perRequestFromRuns(runs: readonly RunRecord[]): CpuPerRequest[] {
  return CPU_TARGETS_KB.map((kb) => {
    const samples = runs.flatMap((r) => r.client.filter((q) => Math.abs(q.contextBytes / 1024 - kb) <= kb * WINDOW).map((q) => q.cpuMs));
    return { targetKb: kb, cpuMs: spread(samples) };
  });
}

async function measurePerDelta(pool: EmulatorPool, scenario: BenchScenario, contender: ContenderId, reps: number): Promise<CpuPerDelta> {
  const perDelta: number[] = [];
  let textDeltas = 0;
  let posts = 0;
  // Repetition 0 warms the JIT up (the presenter's code has not run yet in this process) and is dropped.
  for (let rep = 0; rep <= reps; rep++) {
    const measured = await measureTextStream(pool, scenario, contender);
    if (rep === 0) continue;
    perDelta.push(measured.cpuUsPerDelta);
    textDeltas = measured.textDeltas;
    posts = measured.posts;
  }
  return { textDeltas, posts, cpuUsPerDelta: spread(perDelta) };
}

async function measureTextStream(pool: EmulatorPool, scenario: BenchScenario, contender: ContenderId): Promise<{ cpuUsPerDelta: number; textDeltas: number; posts: number }> {
  const emulator = await pool.start({ scenario, pingIntervalMs: 0, tokensPerSecond: 0 });
  const client = CONTENDERS[contender].create({ ...emulator.endpoint, modelsRemote: true });
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
