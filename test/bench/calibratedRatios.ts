// The calibrated figures: every contender plays refactor-50 and bugfix-20 once against an emulator in
// virtual time (test/emulator/calibration.ts: the server time of the calibrated cost model and the
// default model's timing, recorded, not waited for), and each run's modelled end-to-end time is
// computed for the broadband and mobile links, for the default model pace and, from the same records,
// for a fast and a slow model. Deterministic and quick: nothing waits, nothing depends on this
// machine's load. The wall-clock runs of the other phases check these against real clients and timers.
import { runBenchMain } from './outerTimeout';
import type { RequestRecord } from '../emulator';
import { modelledRunMs, type ModelledRunOptions } from '../emulator/calibration';
import { TYPICAL_COST } from '../emulator/costModel';
import { DEFAULT_TIMING, FAST_TIMING } from '../emulator/modelProfiles';
import { runAgent } from './agentDriver';
import type { ContenderId } from './contenders/contender';
import { CONTENDERS } from './contenders/registry';
import type { EmulatorPool } from './emulatorPool';
import { LINKS, type LinkName } from './links';
import type { BenchScenario, ScenarioName } from './scenarioFormat';

export const CALIBRATED_SCENARIOS: readonly ScenarioName[] = ['refactor-50', 'bugfix-20'];
export const CALIBRATED_LINKS: readonly LinkName[] = ['broadband', 'mobile'];
const CONTENDERS_MODELLED: readonly ContenderId[] = ['holdfast-ws', 'holdfast-http', 'holdfast-http-store', 'openai-ws'];

/** Model paces (tokens/s): the default profile, §7's fast model, and GPT-5 as measured on OpenAI (80). */
export const PACES = { default: DEFAULT_TIMING.tokensPerSecond, fast: FAST_TIMING.tokensPerSecond, slow: 80 } as const;
export type PaceName = keyof typeof PACES;

export interface CalibratedFigure {
  scenario: ScenarioName;
  link: LinkName;
  pace: PaceName;
  tokensPerSecond: number;
  /** Modelled end-to-end ms per contender. */
  modelledMs: Partial<Record<ContenderId, number>>;
  /** Holdfast WS ÷ stateless HTTP and ÷ HTTP + previous_response_id. */
  vsHttp: number;
  vsHttpStore: number;
}

export interface CalibratedReport {
  method: string;
  figures: CalibratedFigure[];
  errors: string[];
}

export const CALIBRATED_METHOD =
  'Each contender plays the scenario once against an emulator in virtual time (server time recorded, not waited for) with the calibrated cost model ' +
  '(test/emulator/costModel.ts) and the default model timing (test/emulator/modelProfiles.ts: 150 tokens/s, 40 hidden reasoning tokens per response). ' +
  'Modelled end to end = per request one RTT + the request\'s wire bytes at the uplink rate + the recorded server time; plus the connection set-up (TLS) ' +
  'except for Holdfast WS, whose socket is opened and warmed at activation (its warm-up is not counted). Fast and slow: the same records with the model\'s time ' +
  '(hidden reasoning, output) scaled to 1,000 and 80 tokens/s. The calibration test pins the method to OpenAI\'s published alpha demo (26.1% saved, published ≈29%).';

export async function measureCalibratedRatios(pool: EmulatorPool, scenarios: Record<ScenarioName, BenchScenario>): Promise<CalibratedReport> {
  const figures: CalibratedFigure[] = [];
  const errors: string[] = [];
  for (const name of CALIBRATED_SCENARIOS) {
    const records = new Map<ContenderId, Awaited<ReturnType<typeof modelledRun>>>();
    for (const contender of CONTENDERS_MODELLED) {
      try {
        records.set(contender, await modelledRun(pool, scenarios[name], contender));
      } catch (error) {
        errors.push(`${name} ${contender}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const link of CALIBRATED_LINKS) {
      for (const pace of Object.keys(PACES) as PaceName[]) {
        const options: ModelledRunOptions = { link: LINKS[link].link, tls: true, paceScale: PACES[pace] / PACES.default };
        const modelledMs: Partial<Record<ContenderId, number>> = {};
        for (const [contender, requests] of records) modelledMs[contender] = modelledRunMs(requests, { ...options, connectionOpen: contender === 'holdfast-ws' });
        const ws = modelledMs['holdfast-ws'] ?? Number.NaN;
        figures.push({ scenario: name, link, pace, tokensPerSecond: PACES[pace], modelledMs, vsHttp: ws / (modelledMs['holdfast-http'] ?? Number.NaN), vsHttpStore: ws / (modelledMs['holdfast-http-store'] ?? Number.NaN) });
      }
    }
  }
  return { method: CALIBRATED_METHOD, figures, errors };
}

async function modelledRun(pool: EmulatorPool, scenario: BenchScenario, contender: ContenderId): Promise<RequestRecord[]> {
  const emulator = await pool.start({ scenario, pingIntervalMs: 0, cost: TYPICAL_COST, virtualTime: true, tokensPerSecond: PACES.default });
  const client = CONTENDERS[contender].create({ ...emulator.endpoint, modelsRemote: true });
  try {
    await runAgent(scenario, client);
    return (await emulator.stats()).requests;
  } finally {
    await client.close().catch(() => undefined);
    await emulator.close();
  }
}

/** `tsx test/bench/calibratedRatios.ts`: the calibrated figures alone (about a minute). */
async function main(): Promise<void> {
  const { childProcessPool } = await import('./emulatorPool');
  const { buildScenarios } = await import('./scenarios/generate');
  const pool = await childProcessPool();
  try {
    const report = await measureCalibratedRatios(pool, buildScenarios());
    for (const f of report.figures) {
      const s = (id: ContenderId): string => `${((f.modelledMs[id] ?? Number.NaN) / 1000).toFixed(1)} s`;
      console.log(`${f.scenario} ${f.link} ${f.pace} (${f.tokensPerSecond} tok/s): WS ${s('holdfast-ws')}, HTTP ${s('holdfast-http')}, HTTP+store ${s('holdfast-http-store')}, ResponsesWS ${s('openai-ws')} → ×${f.vsHttp.toFixed(2)} vs HTTP (${((1 - f.vsHttp) * 100).toFixed(1)}% saved), ×${f.vsHttpStore.toFixed(2)} vs HTTP+store`);
    }
    for (const e of report.errors) console.log(`error: ${e}`);
  } finally {
    await pool.dispose();
  }
}

if (require.main === module) runBenchMain('bench:calibrated', 5 * 60_000, main);
