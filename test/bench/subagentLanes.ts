// Issue 17: three subagents on lanes of one socket against the same three one after another, in the
// same run, on the emulator's demo model at a model-like pace over a modelled link. Holdfast's real
// agent and transport; only `subagents.parallel` differs (the sequential run keeps the same lanes and
// forks, so the ratio is the concurrency alone). Reports numbers; it passes or fails on nothing.
// `tsx test/bench/subagentLanes.ts [--reps N] [--tps N] [--rtt-ms N]`
import { performance } from 'node:perf_hooks';
import { Agent } from '../../src/agent/agent';
import { type AgentSettings, defaultAgentSettings } from '../../src/agent/agentSettings';
import type { AgentEvent } from '../../src/agent/events';
import { MemorySessionStorage, SessionStore } from '../../src/agent/sessionStore';
import { defaultSubagentSettings } from '../../src/agent/subagents/subagentSettings';
import { WorkspaceTransport } from '../../src/transport/workspaceTransport';
import { startEmulator } from '../emulator';
import { createToolHarness } from '../fakes/toolHarness';
import { runBenchMain } from './outerTimeout';

export const SUBAGENT_PROMPT = 'Use subagents to summarise src/a.ts, src/b.ts and src/c.ts';

export interface SubagentBenchOptions {
  reps: number;
  tokensPerSecond: number;
  rttMs: number;
}

export interface SubagentRun {
  parallel: boolean;
  /** From the delegate call's start to its end (the subagents' wall time). */
  delegateMs: number;
  turnMs: number;
  answered: number;
}

export interface SubagentBenchReport {
  options: SubagentBenchOptions;
  runs: SubagentRun[];
  /** Median sequential delegate time over median parallel delegate time. */
  ratio: number;
}

function fileText(name: string): string {
  return Array.from({ length: 30 }, (_, i) => `export function ${name}${i}(x: number): number {\n  return x + ${i};\n}\n`).join('');
}

async function runOnce(parallel: boolean, options: SubagentBenchOptions): Promise<SubagentRun> {
  const emulator = await startEmulator({ scenario: 'default', pingIntervalMs: 0, tokensPerSecond: options.tokensPerSecond, link: { rttMs: options.rttMs } });
  const tools = createToolHarness();
  for (const name of ['a', 'b', 'c']) tools.workspace.write(`/ws/src/${name}.ts`, fileText(name));
  const transport = new WorkspaceTransport({ baseUrl: emulator.url, apiKey: async () => emulator.apiKey, transport: 'websocket' });
  const settings: AgentSettings = { ...defaultAgentSettings(), subagents: { ...defaultSubagentSettings(), parallel } };
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions: undefined, settings: () => settings, clock: tools.clock });
  let delegateStarted = 0;
  let delegateEnded = 0;
  let answered = 0;
  agent.onEvent((e: AgentEvent) => {
    if (e.type === 'toolCallStarted' && e.name === 'delegate') delegateStarted = performance.now();
    if (e.type === 'toolCallFinished' && e.name === 'delegate') delegateEnded = performance.now();
    if (e.type === 'subagentFinished' && e.status === 'answered') answered++;
  });
  try {
    await transport.warmUp(agent.warmupRequest());
    const started = performance.now();
    const outcome = await agent.runTurn(sessions.create(), { text: SUBAGENT_PROMPT });
    if (outcome.kind !== 'completed') throw new Error(`the ${parallel ? 'parallel' : 'sequential'} run ended ${JSON.stringify(outcome)}`);
    return { parallel, delegateMs: delegateEnded - delegateStarted, turnMs: performance.now() - started, answered };
  } finally {
    agent.dispose();
    transport.dispose();
    await emulator.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function measureSubagentLanes(options: Partial<SubagentBenchOptions> = {}): Promise<SubagentBenchReport> {
  const full: SubagentBenchOptions = { reps: options.reps ?? 3, tokensPerSecond: options.tokensPerSecond ?? 150, rttMs: options.rttMs ?? 40 };
  const runs: SubagentRun[] = [];
  // Alternating, so drift in the machine's load hits both alike.
  for (let i = 0; i < full.reps; i++) {
    runs.push(await runOnce(true, full));
    runs.push(await runOnce(false, full));
  }
  const of = (parallel: boolean) => median(runs.filter((r) => r.parallel === parallel).map((r) => r.delegateMs));
  return { options: full, runs, ratio: of(false) / of(true) };
}

export function formatSubagentLanes(report: SubagentBenchReport): string {
  const { options, runs } = report;
  const of = (parallel: boolean, key: 'delegateMs' | 'turnMs') => Math.round(median(runs.filter((r) => r.parallel === parallel).map((r) => r[key])));
  return [
    `Three subagents, demo model at ${options.tokensPerSecond} tokens/s, ${options.rttMs} ms RTT, ${options.reps} repetition(s), medians:`,
    '| | subagents (delegate call) | whole turn |',
    '|---|---:|---:|',
    `| on lanes, in parallel | ${of(true, 'delegateMs')} ms | ${of(true, 'turnMs')} ms |`,
    `| one after another | ${of(false, 'delegateMs')} ms | ${of(false, 'turnMs')} ms |`,
    `Sequential / parallel (subagents): ${report.ratio.toFixed(2)}×`,
  ].join('\n');
}

function argument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

if (require.main === module) {
  runBenchMain('bench:subagents', 5 * 60_000, async () => {
    const report = await measureSubagentLanes({ reps: argument('--reps'), tokensPerSecond: argument('--tps'), rttMs: argument('--rtt-ms') });
    console.log(formatSubagentLanes(report));
  });
}
