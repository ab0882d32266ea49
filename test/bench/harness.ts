// The benchmark as a library: runs the plan (every contender on the same scenarios, links and server
// cost, in one run), the client-CPU phase, the bundle build, activation in code-server and the
// webview benchmark, then builds the report. `run.ts` is the CLI around it; the unit test calls it
// with a tiny plan.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TYPICAL_COST, type CostModel } from '../emulator';
import { measureActivation, type ActivationResult } from './activation';
import { measureCalibratedRatios } from './calibratedRatios';
import { measureInstructionsPlacement } from './instructionsPlacement';
import { belowFloorMarkdown, measureBelowFloor } from './belowFloor';
import { codeActionSummary, measureCodeActions, notMeasured, type CodeActionLatencyResult } from './codeActionLatency';
import { buildAndMeasureBundles } from './bundleSizes';
import type { ContenderId } from './contenders/contender';
import { CONTENDER_ORDER, CONTENDERS } from './contenders/registry';
import { measureCpu, type CpuReport } from './cpuCost';
import { childProcessPool, inProcessPool, loopDelayMonitor, type EmulatorPool } from './emulatorPool';
import { findings } from './findings';
import { LINKS, type LinkName } from './links';
import { finishMachineInfo, machineInfo } from './machine';
import { jobsOf, runJobs, runModelledJobs, type BenchPlan, type Job, type LinkExecution, type LinkPlan } from './matrix';
import { bytesChartSvg, type ChartSeries } from './report/bytesChart';
import { markdownReport } from './report/markdown';
import type { BenchReport, BundleReport } from './reportTypes';
import type { RunRecord } from './runRecord';
import { MAIN_SCENARIOS, type ScenarioName } from './scenarioFormat';
import { buildScenarios, writeScenarioFiles } from './scenarios/generate';
import { summarize } from './summarize';
import { runWebviewStreaming, type WebviewStreamingResult } from './webviewResults';

export const RESULTS_DIR = path.join(__dirname, 'results');

export interface BenchOptions {
  reps: number;
  quick: boolean;
  /** Default: the plan for `reps` (see defaultPlan). */
  links?: LinkPlan[];
  contenders?: ContenderId[];
  emulator: 'child' | 'in-process';
  /** The calibrated (virtual-time) ratios. Default true. */
  calibrated?: boolean;
  cpu: boolean;
  bundles: boolean;
  activation: boolean;
  /** Code-action latency in the activation's code-server (default: with `activation`). */
  codeActions?: boolean;
  webview: boolean;
  /** Write report.json, REPORT.md and the chart into `resultsDir`. */
  write: boolean;
  resultsDir: string;
  command: string;
  log: (line: string) => void;
  /** WebSocket runs at once on the modelled links (see matrix.ts). Default WS_CONCURRENCY. */
  wsConcurrency?: number;
  /** Tokens for the webview streaming benchmark (default WEBVIEW_TOKENS). */
  webviewTokens?: number;
  /** Issue 16: instructions as `instructions` vs a developer message on a GPT-6.2-like model (default on). */
  instructionsPlacement?: boolean;
  /** Early tool start + speculative prefill vs ResponsesWS and the sequential floor (on when true; `npm run bench` sets it). */
  belowFloor?: boolean;
}

export const WS_CONCURRENCY = 3;

/**
 * Loopback runs cost real CPU only and go fast (one at a time: their times are CPU), so every scenario
 * runs there; the modelled links cost
 * real waiting (the stateless contenders pay the server's full prefill on every request), so mobile
 * gets the two scenarios that tell most: the long agent run and plain chat.
 */
export function defaultPlan(reps: number, quick: boolean): LinkPlan[] {
  if (quick) {
    return [
      { link: 'loopback', scenarios: [...MAIN_SCENARIOS], reps: 1, concurrency: 1 },
      { link: 'broadband', scenarios: ['chat-5'], reps: 1, concurrency: 64 },
    ];
  }
  return [
    { link: 'loopback', scenarios: [...MAIN_SCENARIOS], reps, concurrency: 1 },
    { link: 'broadband', scenarios: ['refactor-50', 'bugfix-20', 'chat-5'], reps, concurrency: 64 },
    // refactor-50 on mobile is in the calibrated (modelled) figures; its wall-clock run would add minutes.
    { link: 'mobile', scenarios: ['bugfix-20', 'chat-5'], reps, concurrency: 64 },
  ];
}

const COST_ASSUMPTIONS: Record<keyof CostModel, string> = {
  uncachedTokenMs: 'prefill latency per input token not cached (≈8,700 tokens/s): published time to first token of long prompts (GPT-4.1: ~15 s for 128k tokens; Anthropic: 11.5 s for 100k)',
  cachedTokenMs: "latency per cached input token, a fifth of uncached: OpenAI's prompt caching 'reduces latency by up to 80%', Anthropic 2.4 s for 100k cached; same rate for prompt-cache and connection-cache hits",
  httpRequestMs: "overhead of an HTTP request, calibrated: OpenAI's alpha demo saves 281 ms per request (20.2 s → 14.3 s over 21 requests) with prompt caching on both sides",
  warmContinuationMs: 'overhead of a continuation on a warm socket (assumption)',
  coldRequestMs: 'overhead of a socket request that cannot use the connection cache (full input or hydration) (assumption)',
};

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const phasesMs: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    options.log(`[bench] ${name}…`);
    try {
      return await work();
    } finally {
      phasesMs[name] = performance.now() - t0;
      options.log(`[bench] ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  const machine = machineInfo();
  if (options.write) {
    const written = writeScenarioFiles();
    if (written.length > 0) options.log(`[bench] regenerated scenarios: ${written.join(', ')}`);
  }
  const scenarios = buildScenarios();
  const plan: BenchPlan = {
    links: options.links ?? defaultPlan(options.reps, options.quick),
    contenders: options.contenders ?? [...CONTENDER_ORDER],
    chatOnly: ['holdfast-ws-cold'],
  };
  const makePool = (): Promise<EmulatorPool> => (options.emulator === 'child' ? childProcessPool() : Promise.resolve(inProcessPool()));

  const runs: RunRecord[] = [];
  const linkExecutions: LinkExecution[] = [];
  const onDone = (r: RunRecord): void => {
    options.log(
      `  ${r.link} ${r.scenario} ${CONTENDERS[r.contender].label} #${r.rep}: ${r.ok ? `${(r.endToEndMs / 1000).toFixed(2)} s, sent ${Math.round(r.totals.bytesSentWire / 1024)} KB wire / ${Math.round(r.totals.bytesSentPayload / 1024)} KB payload` : `FAILED ${r.error}`}`,
    );
  };
  const execute = async (linkPlans: LinkPlan[], modelledLinks: boolean): Promise<void> => {
    const clientDelay = loopDelayMonitor();
    // One emulator process per link: a link's runs share its event loop, never another link's.
    const pools = new Map<LinkName, EmulatorPool>();
    try {
      for (const lp of linkPlans) pools.set(lp.link, await makePool());
      for (const pool of pools.values()) await pool.takeLoopDelay();
      const t0 = performance.now();
      const jobs = linkPlans.flatMap((lp) => jobsOf(plan, lp));
      const poolFor = (job: Job): EmulatorPool => pools.get(job.link)!;
      const done = modelledLinks
        ? await runModelledJobs(poolFor, scenarios, jobs, Math.max(...linkPlans.map((l) => l.concurrency)), options.wsConcurrency ?? WS_CONCURRENCY, onDone)
        : await runJobs(poolFor, scenarios, jobs, 1, onDone);
      runs.push(...done);
      const clientLoop = clientDelay();
      for (const lp of linkPlans) {
        linkExecutions.push({
          link: lp.link,
          wallMs: performance.now() - t0,
          concurrency: modelledLinks ? Math.min(lp.concurrency, jobs.length) : 1,
          socketConcurrency: modelledLinks ? options.wsConcurrency ?? WS_CONCURRENCY : 1,
          clientLoopDelay: clientLoop,
          emulatorLoopDelay: await pools.get(lp.link)!.takeLoopDelay(),
        });
      }
    } finally {
      for (const pool of pools.values()) await pool.dispose();
    }
  };
  const loopback = plan.links.filter((l) => l.link === 'loopback');
  const modelled = plan.links.filter((l) => l.link !== 'loopback');
  if (loopback.length) await phase('loopback runs (one at a time)', () => execute(loopback, false));
  if (modelled.length) await phase(`${modelled.map((l) => l.link).join(' + ')} runs (side by side)`, () => execute(modelled, true));

  const calibrated = options.calibrated === false ? null : await phase('calibrated ratios (virtual time)', async () => {
    const pool = await makePool();
    try {
      return await measureCalibratedRatios(pool, scenarios);
    } finally {
      await pool.dispose();
    }
  });

  let cpu: CpuReport | null = null;
  if (options.cpu) {
    cpu = await phase('client CPU', async () => {
      const pool = await makePool();
      try {
        return await measureCpu(pool, scenarios, runs, plan.contenders.filter((c) => c !== 'holdfast-ws-cold'), options.quick ? 1 : options.reps);
      } finally {
        await pool.dispose();
      }
    });
  }

  const { bundles, activation, codeActions, webviewStreaming } = await extensionPhases(options, phase);

  const instructionsPlacement =
    options.instructionsPlacement === false ? null : await phase('instructions placement (GPT-6.2-like)', () => measureInstructionsPlacement(options.quick ? 5 : 20));

  const belowFloor =
    options.belowFloor !== true ? null : await phase('below the sequential floor (early tools, prefill)', () => measureBelowFloor(options.quick ? 1 : options.reps, options.log));

  const summaries = summarize(runs, scenarios);
  const scenarioFacts = ([...new Set(runs.map((r) => r.scenario))] as ScenarioName[]).map((name) => {
    const ok = runs.find((r) => r.scenario === name && r.ok);
    const scenario = scenarios[name];
    return {
      name,
      summary: scenario.bench.summary,
      requests: ok?.totals.requests ?? 0,
      toolCalls: scenario.steps.reduce((n, s) => n + (s.calls?.length ?? 0), 0),
      finalContextBytes: ok ? (ok.client[ok.client.length - 1]?.contextBytes ?? 0) : 0,
      prompts: scenario.bench.prompts.length,
    };
  });
  const report: BenchReport = {
    schema: 1,
    machine: finishMachineInfo(machine),
    options: { reps: options.reps, quick: options.quick, emulator: options.emulator === 'child' ? 'child process' : 'in process', command: options.command },
    durationMs: performance.now() - started,
    phasesMs,
    assumptions: {
      links: (Object.keys(LINKS) as LinkName[]).filter((l) => plan.links.some((p) => p.link === l)).map((l) => ({ name: l, link: LINKS[l].link, cost: LINKS[l].cost ?? null, assumption: LINKS[l].assumption })),
      costModel: (Object.keys(TYPICAL_COST) as Array<keyof CostModel>).map((name) => ({ name, value: TYPICAL_COST[name], assumption: COST_ASSUMPTIONS[name] })),
      modelTokensPerSecond: scenarios['refactor-50'].tokensPerSecond ?? 2000,
      tokenRule: 'Tokens are the emulator\'s: ceil(UTF-8 bytes / 4) + 4 per item; instructions and tools count on every request.',
      notes: [
        'Every request gets OpenAI\'s prompt caching (prefixes of 1,024+ tokens, 128-token steps), HTTP included; a socket continuation reads its exact prefix from the connection cache. The wall-clock runs use a fast model (the scenarios\' pace); the calibrated section models the default model (150 tokens/s, 40 hidden reasoning tokens per response) and the sensitivity to the pace.',
        'Holdfast WS opens and warms its socket at activation (before the prompt): that work is reported as activation work and its bytes are included in its totals, but it is not part of its end-to-end time — that is the point of warming. Every other contender does nothing before the first prompt.',
        'Bytes sent are the emulator\'s socket counters: "on the wire" is after permessage-deflate and includes HTTP headers and the upgrade; "before compression" is the JSON payload. Per-request wire bytes include a connection\'s handshake in its first request.',
        'Modelled-link runs (broadband, mobile) run side by side: the HTTP runs all at once (their time is almost all the emulator\'s prefill timers), the WebSocket runs a few at a time (permessage-deflate inflates and deflates every event on libuv\'s shared thread pool; a dozen concurrent streams queue behind each other and distort first-token times by a second). Loopback runs one run at a time. The emulators run in child processes (one per link); event-loop delays below show how busy the machine was.',
        'The floor is computed, not measured: per request one RTT, the uncompressed bytes the protocol requires (instructions, tools, model, previous_response_id, new items) over the uplink, a warm continuation\'s server cost and the output at the model\'s pace; no handshake, no download of the event stream, no client CPU.',
      ],
    },
    scenarios: scenarioFacts,
    contenders: plan.contenders.map((id) => ({ id, label: CONTENDERS[id].label, description: CONTENDERS[id].description })),
    summaries,
    linkExecutions,
    findings: findings(summaries, cpu),
    calibrated,
    cpu,
    bundles,
    activation,
    codeActions,
    webviewStreaming,
    instructionsPlacement,
    belowFloor,
    runs,
  };
  if (options.write) writeReport(report, options.resultsDir);
  return report;
}

type Phase = <T>(name: string, work: () => Promise<T> | T) => Promise<T>;

interface ExtensionFigures {
  bundles: BundleReport | null;
  activation: ActivationResult | null;
  codeActions: CodeActionLatencyResult | null;
  webviewStreaming: WebviewStreamingResult | null;
}

/**
 * One production build in a scratch folder serves the bundle sizes, activation (its .vsix) and the
 * webview streaming benchmark (its dist/webview: the production bundle, not the repository's dev build).
 */
async function extensionPhases(options: BenchOptions, phase: Phase): Promise<ExtensionFigures> {
  const figures: ExtensionFigures = { bundles: null, activation: null, codeActions: null, webviewStreaming: null };
  if (!options.bundles && !options.activation && !options.webview) return figures;
  const built = await phase('production build + .vsix', () => buildAndMeasureBundles());
  try {
    if (options.bundles || options.activation) {
      figures.bundles = {
        ok: built.ok,
        note: built.ok ? `Production build of the working tree (npm run package in a scratch folder, ${(built.buildMs / 1000).toFixed(1)} s), so it includes uncommitted work.` : `build failed: ${built.error ?? ''}`,
        files: built.files,
        vsixBytes: built.vsixBytes,
      };
    }
    if (options.activation) await activationPhase(options, phase, built.vsixPath, figures);
    else if (options.bundles) figures.activation = { measured: false, note: `not measured (${options.quick ? 'skipped in --quick' : 'skipped: --no-activation'})`, activationMs: [], lines: [] };
    if (options.webview) {
      figures.webviewStreaming = built.webviewDir
        ? await phase('webview streaming benchmark', () => runWebviewStreaming(options.resultsDir, { distDir: built.webviewDir as string, ...(options.webviewTokens ? { tokens: options.webviewTokens } : {}) }))
        : { status: 'failed', note: `not run: the production build failed (${built.error ?? ''})`, durationMs: 0, data: null };
    }
  } finally {
    built.dispose();
  }
  return figures;
}

async function activationPhase(options: BenchOptions, phase: Phase, vsixPath: string | null, figures: ExtensionFigures): Promise<void> {
  const wantCodeActions = options.codeActions ?? true;
  let codeActions: CodeActionLatencyResult | null = null;
  figures.activation = await phase(wantCodeActions ? 'activation + code actions in code-server' : 'activation in code-server', () =>
    measureActivation(
      vsixPath,
      2,
      wantCodeActions
        ? async (live) => {
            codeActions = await measureCodeActions(live);
          }
        : undefined,
    ),
  );
  figures.codeActions = codeActions ?? notMeasured(wantCodeActions ? `not measured (${figures.activation.note})` : 'not measured (skipped: --no-code-actions)');
  options.log(`[bench] ${codeActionSummary(figures.codeActions)}`);
}

export function chartSeries(report: BenchReport): { series: ChartSeries[]; link: LinkName | null } {
  const colors: Record<ContenderId, string> = {
    'holdfast-ws': '#1a7f37',
    'holdfast-ws-cold': '#54aeff',
    'holdfast-http': '#cf222e',
    'holdfast-http-store': '#bf8700',
    'openai-ws': '#8250df',
  };
  const link = (['broadband', 'loopback', 'mobile'] as LinkName[]).find((l) => report.runs.some((r) => r.ok && r.link === l && r.scenario === 'refactor-50')) ?? null;
  if (!link) return { series: [], link: null };
  const series: ChartSeries[] = [];
  // Drawn in this order, Holdfast last and thickest: where lines coincide (Holdfast and ResponsesWS
  // send the same deltas) the subject stays visible.
  const floor = report.summaries.find((s) => s.link === link && s.scenario === 'refactor-50')?.floor;
  if (floor) series.push({ label: 'floor (uncompressed)', color: '#57606a', values: floor.requests.map((r) => r.bytes), dash: '2 3' });
  const drawOrder: ContenderId[] = ['holdfast-http', 'holdfast-http-store', 'openai-ws', 'holdfast-ws-cold', 'holdfast-ws'];
  for (const id of drawOrder) {
    const run = report.runs.find((r) => r.ok && r.link === link && r.scenario === 'refactor-50' && r.contender === id);
    if (!run) continue;
    const width = id === 'holdfast-ws' ? 3 : 1.5;
    const compressed = run.totals.bytesSentWire < run.totals.bytesSentPayload * 0.8;
    if (compressed) series.push({ label: `${CONTENDERS[id].label}, before compression`, color: colors[id], values: run.requests.map((q) => q.payloadBytes), dash: '6 4', width });
    series.push({ label: `${CONTENDERS[id].label}${compressed ? ', on the wire' : ''}`, color: colors[id], values: run.requests.map((q) => q.wireBytes), width });
  }
  return { series, link };
}

export function writeReport(report: BenchReport, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  // The driver's samples (`client`) fed the floor and the CPU figures already in the report; the
  // per-request records keep the sizes and times, so the file stays a few hundred KB.
  // Each run on one line: readable at the top, diffable per run, and a third of the size.
  const runs = report.runs.map(({ client: _client, ...run }) => JSON.stringify(run));
  const top = JSON.stringify({ ...report, runs: '\u0000runs' }, null, 1).replace('"\\u0000runs"', `[\n${runs.join(',\n')}\n]`);
  fs.writeFileSync(path.join(dir, 'report.json'), `${top}\n`);
  const { series, link } = chartSeries(report);
  const svg = bytesChartSvg(
    'Bytes sent per request over a refactor-50 run',
    link ? `${link} link, repetition 1; per-request wire bytes include a connection's handshake in its first request; Holdfast's warm-up (at activation) is not shown` : 'refactor-50 was not run',
    series,
    'Coinciding lines are equal: Holdfast WS and openai ResponsesWS send the same deltas; before compression, deltas are the floor.',
  );
  fs.writeFileSync(path.join(dir, 'refactor-50-bytes.svg'), svg);
  fs.writeFileSync(path.join(dir, 'REPORT.md'), markdownReport(report) + (report.belowFloor ? `\n${belowFloorMarkdown(report.belowFloor)}` : ''));
}
