// Issue 16 / protocol §8: where the agent's reusable instructions go, measured. On a GPT-6.2-like
// emulated model (top-level `instructions` are read after the input, so they are never part of a
// cached prefix) Holdfast's real agent runs the same scripted tool chain twice on the real transport:
// with its instructions as top-level `instructions` on every request (the old way) and as a leading
// developer message that rides `previous_response_id` (the default). Per step: the input tokens the
// server read, how many came from its cache, how many it had to process anew (uncached), the cache
// writes, and the bytes the client sent. `tsx test/bench/instructionsPlacement.ts [--steps N]`; the
// bench (`npm run bench`) runs it as a phase and puts the table in REPORT.md.
import { Agent } from '../../src/agent/agent';
import { type AgentSettings, defaultAgentSettings } from '../../src/agent/agentSettings';
import { buildInstructions } from '../../src/agent/instructions';
import { MemorySessionStorage, SessionStore } from '../../src/agent/sessionStore';
import { WorkspaceTransport } from '../../src/transport/workspaceTransport';
import { startEmulator, type Scenario } from '../emulator';
import { createToolHarness } from '../fakes/toolHarness';

export const PLACEMENT_MODEL = 'gpt-6.2';
export type Placement = AgentSettings['instructionsPlacement'];

export interface PlacementStep {
  inputTokens: number;
  cachedTokens: number;
  uncachedTokens: number;
  cacheWriteTokens: number;
  bytesSent: number;
}

export interface PlacementRun {
  placement: Placement;
  /** The warm-up (generate:false), a cache write of its own. */
  warmup: PlacementStep | undefined;
  steps: PlacementStep[];
  costUsd: number;
}

export interface PlacementReport {
  model: string;
  instructionsBytes: number;
  steps: number;
  runs: PlacementRun[];
}

/** A chain of `steps` tool calls (read_file), then an answer. */
function chainScenario(steps: number): Scenario {
  return {
    name: 'instructions-placement',
    tokensPerSecond: 0,
    fallback: 'fail',
    steps: [
      { id: 'call-0', when: { userText: 'placement: go' }, calls: [{ name: 'read_file', callId: 'call_0', arguments: { path: 'src/a.ts', start_line: null, end_line: null } }] },
      ...Array.from({ length: steps - 1 }, (_, i) => ({
        id: `call-${i + 1}`,
        when: { toolOutputs: [{ callId: `call_${i}` }] },
        calls: [{ name: 'read_file', callId: `call_${i + 1}`, arguments: { path: 'src/a.ts', start_line: null, end_line: null } }],
      })),
      { id: 'answer', when: { toolOutputs: [{ callId: `call_${steps - 1}` }] }, say: 'Read it; all good.' },
    ],
  };
}

async function runPlacement(placement: Placement, steps: number): Promise<PlacementRun> {
  const emulator = await startEmulator({ scenario: chainScenario(steps), pingIntervalMs: 0, tokensPerSecond: 0 });
  const tools = createToolHarness();
  tools.workspace.write('/ws/src/a.ts', 'export const a = 1;\n'.repeat(20));
  const transport = new WorkspaceTransport({ baseUrl: emulator.url, apiKey: async () => emulator.apiKey, transport: 'websocket' });
  const settings: AgentSettings = { ...defaultAgentSettings(), model: PLACEMENT_MODEL, instructionsPlacement: placement };
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions: undefined, settings: () => settings, clock: tools.clock });
  const bytes: number[] = [];
  transport.onDidMeasure((m) => bytes.push(m.bytesSent));
  try {
    await transport.warmUp(agent.warmupRequest());
    const outcome = await agent.runTurn(sessions.create(), { text: 'placement: go' });
    if (outcome.kind !== 'completed') throw new Error(`the ${placement} run ended ${JSON.stringify(outcome)}`);
    const records = emulator.stats().requests.filter((r) => r.transport === 'ws');
    const stepOf = (r: (typeof records)[number], i: number): PlacementStep => ({
      inputTokens: r.inputTokens,
      cachedTokens: r.cachedTokens,
      uncachedTokens: r.inputTokens - r.cachedTokens,
      cacheWriteTokens: r.cacheWriteTokens ?? 0,
      bytesSent: bytes[i] ?? 0,
    });
    const all = records.map(stepOf);
    const warmupAt = records.findIndex((r) => r.kind === 'warmup');
    return {
      placement,
      warmup: warmupAt >= 0 ? all[warmupAt] : undefined,
      steps: all.filter((_, i) => i !== warmupAt),
      costUsd: records.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
    };
  } finally {
    agent.dispose();
    transport.dispose();
    await emulator.close();
  }
}

export async function measureInstructionsPlacement(steps = 20): Promise<PlacementReport> {
  const runs = [await runPlacement('instructions', steps), await runPlacement('developerMessage', steps)];
  const instructionsBytes = new TextEncoder().encode(buildInstructions({ trusted: true, folderNames: ['ws'] })).length;
  return { model: PLACEMENT_MODEL, instructionsBytes, steps: steps + 1, runs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per run: the first request, the median of the later ones (the steady state), and the totals. */
export function placementRows(report: PlacementReport): string[][] {
  return report.runs.map((run) => {
    const later = run.steps.slice(1);
    const sum = (pick: (s: PlacementStep) => number): number => run.steps.reduce((total, s) => total + pick(s), 0);
    return [
      run.placement === 'instructions' ? 'top-level `instructions`' : 'leading developer message',
      String(run.steps[0]?.uncachedTokens ?? 0),
      String(median(later.map((s) => s.uncachedTokens))),
      String(median(later.map((s) => s.cacheWriteTokens))),
      String(median(later.map((s) => s.bytesSent))),
      String(sum((s) => s.uncachedTokens)),
      `$${run.costUsd.toFixed(4)}`,
    ];
  });
}

export const PLACEMENT_HEADER = ['instructions as', 'uncached input, step 1', 'uncached input per later step (median)', 'cache writes per later step (median)', 'bytes sent per later step (median)', 'uncached input, whole run', 'cost (emulator prices)'];

export function formatPlacement(report: PlacementReport): string {
  const rows = [PLACEMENT_HEADER, ...placementRows(report)];
  return [
    `${report.model} (instructions read after the input), Holdfast's agent, ${report.steps} requests (a chain of read_file calls), instructions ${report.instructionsBytes} B:`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

if (require.main === module) {
  const at = process.argv.indexOf('--steps');
  const steps = at >= 0 ? Number(process.argv[at + 1]) : 20;
  measureInstructionsPlacement(steps).then(
    (report) => console.log(formatPlacement(report)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
