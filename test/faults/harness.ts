/**
 * Runs one agent scenario on the real transport (WorkspaceTransport) against a fresh emulator, with an
 * in-memory workspace, and collects everything the campaign's invariants look at: turn outcomes, the
 * transcript, the workspace, the edit journal, tool executions (agent events, terminal runs, applied
 * batches), what the emulator received, the stored session, transport logs and the flight recording.
 */
import { Agent } from '../../src/agent/agent';
import { defaultAgentSettings } from '../../src/agent/agentSettings';
import type { ChatSession } from '../../src/agent/chatSession';
import type { AgentEvent, TurnOutcome } from '../../src/agent/events';
import { agentRequestShape } from '../../src/agent/instructions';
import { MemorySessionStorage, SessionStore } from '../../src/agent/sessionStore';
import type { ResponseItem } from '../../src/protocol/items';
import { createToolServices } from '../../src/tools/createToolServices';
import { ManualClock } from '../fakes/manualClock';
import { MemoryDiagnostics } from '../fakes/memoryDiagnostics';
import { MemoryToolSettings } from '../fakes/memorySettings';
import { MemoryWorkspace } from '../fakes/memoryWorkspace';
import { ScriptedApprovals } from '../fakes/scriptedApprovals';
import { exited, ScriptedTasks, ScriptedTerminal } from '../fakes/scriptedProcesses';
import type { ApprovalAnswer, ApprovalRequest, ToolSettings } from '../../src/tools/ports';
import { ToolRunner } from '../../src/tools/toolRunner';
import { FrameRecorder } from '../../src/transport/frameRecorder';
import type { ModelRequest } from '../../src/transport/modelClient';
import { WorkspaceTransport, type WorkspaceTransportOptions } from '../../src/transport/workspaceTransport';
import { startEmulator, type Emulator, type EmulatorOptions, type EmulatorStats, type Fault } from '../emulator';
import type { CampaignScenario } from './scenarios';

export const WORKSPACE_ROOT = '/ws';

export interface RunHooks {
  /** Called with each agent event, before the harness records it (the campaign injects faults here). */
  onAgentEvent?: (event: AgentEvent, emu: Emulator, control: RunControl) => void;
  /** Called once the emulator is up, before anything else. */
  onEmulator?: (emu: Emulator) => void;
}

/** What a fault hook can do to the run, as the user would: press Stop, or type while the turn runs. */
export interface RunControl {
  stop(): void;
  steer(text: string): void;
}

export interface RunSetup {
  scenario: CampaignScenario;
  /**
   * Warm the socket (generate:false) before the first turn: `true` waits for the warm-up to finish,
   * `'concurrent'` sends the first prompt at once, while it runs (the user types during the warm-up).
   */
  warmUp?: boolean | 'concurrent';
  emulator?: EmulatorOptions;
  session?: Partial<WorkspaceTransportOptions>;
  tools?: Partial<ToolSettings>;
  approvals?: ApprovalAnswer | ((request: ApprovalRequest) => ApprovalAnswer);
  /** Keep a flight recording of the session. */
  record?: boolean;
  /** What the scripted terminal prints for every command (default: a passing test run). */
  terminalOutput?: string;
  hooks?: RunHooks;
  /** Give up after this long (the run is then reported as hung). Default 20 s. */
  timeoutMs?: number;
}

export interface RunRecord {
  hung: boolean;
  outcomes: TurnOutcome[];
  /** The transcript at the end (session.items). */
  transcript: ResponseItem[];
  /** The transcript as the session store holds it after the run. */
  storedTranscript: ResponseItem[] | undefined;
  storage: MemorySessionStorage;
  files: Record<string, string>;
  initialFiles: Record<string, string>;
  journal: Array<{ callId: string; path: string; before: string | undefined; after: string }>;
  appliedBatches: number;
  terminalRuns: string[];
  /** The command allow list after the run ("always allow" answers are appended to it). */
  allowedCommandsAfter: readonly string[];
  approvals: ApprovalRequest[];
  events: AgentEvent[];
  stats: EmulatorStats;
  /** Recv frames per request, in order (used to place stream faults). */
  eventsPerRequest: number[];
  logs: string[];
  recording: string | undefined;
  /** Every frame the emulator saw (JSONL, all connections, both directions). */
  framesJsonl: string;
  /** Emulator faults still armed at the end (they never found their opportunity). */
  pendingFaults: Fault[];
  durationMs: number;
  apiKey: string;
}

const TEST_OUTPUT = 'Test Files  1 passed (1)\n     Tests  3 passed (3)\n';

export function absolute(path: string): string {
  return `${WORKSPACE_ROOT}/${path}`;
}

export async function runScenario(setup: RunSetup): Promise<RunRecord> {
  const emu = await startEmulator({ scenario: setup.scenario.emulatorScenario, tokensPerSecond: 0, pingIntervalMs: 0, ...setup.emulator });
  const cleanups: Array<() => void> = [];
  try {
    return await runWith(emu, setup, cleanups);
  } finally {
    // Whatever happened (even a bug in the harness), nothing is left open to keep the process alive.
    for (const cleanup of cleanups.reverse()) cleanup();
    await emu.close();
  }
}

async function runWith(emu: Emulator, setup: RunSetup, cleanups: Array<() => void>): Promise<RunRecord> {
  const started = performance.now();
  setup.hooks?.onEmulator?.(emu);
  const logs: string[] = [];
  const recorder = setup.record ? new FrameRecorder() : undefined;
  const transport = new WorkspaceTransport({
    baseUrl: emu.url,
    apiKey: async () => emu.apiKey,
    transport: 'auto',
    connectTimeoutMs: 1000,
    idleTimeoutMs: 400,
    overloadBackoffMs: 10,
    maxRateLimitWaitMs: 5000,
    logger: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
    ...(recorder ? { recorder } : {}),
    ...setup.session,
  });
  cleanups.push(() => transport.dispose());

  const workspace = new MemoryWorkspace([WORKSPACE_ROOT]);
  for (const [path, text] of Object.entries(setup.scenario.files)) workspace.write(absolute(path), text);
  const initialFiles = workspace.snapshot();
  const settings = new MemoryToolSettings({ allowedCommands: ['npm test'], ...setup.tools });
  const terminal = new ScriptedTerminal(() => exited(0, setup.terminalOutput ?? TEST_OUTPUT));
  const backgroundJob = setup.scenario.asyncJobOutlivesSocket ? heldUntilTheTurnWaits(terminal, emu, setup.terminalOutput ?? TEST_OUTPUT) : undefined;
  const tasks = new ScriptedTasks([{ label: 'npm: test', source: 'npm', detail: 'vitest run' }], () => exited(0, TEST_OUTPUT));
  const clock = new ManualClock();
  const services = createToolServices({ workspace, diagnostics: new MemoryDiagnostics(), tasks, terminal, settings, clock, knownSecrets: () => [emu.apiKey] });
  const runner = new ToolRunner(services);
  const approvals = new ScriptedApprovals(setup.approvals ?? 'deny');
  const storage = new MemorySessionStorage();
  let ids = 0;
  const newId = (): string => `id_${++ids}`;
  const store = new SessionStore(storage, clock, newId);
  const agentSettings = { ...defaultAgentSettings(), ...(setup.scenario.model ? { model: setup.scenario.model } : {}) };
  const agent = new Agent({ model: transport, tools: runner, approvals, sessions: store, settings: () => agentSettings, clock, newId, toolCancelGraceMs: 200 });
  cleanups.push(() => agent.dispose());
  const events: AgentEvent[] = [];
  agent.onEvent((event) => {
    setup.hooks?.onAgentEvent?.(event, emu, { stop: () => agent.stop(), steer: (text) => void agent.steer(text) });
    if (event.type === 'backgroundWait') backgroundJob?.release();
    events.push(event);
  });

  const session: ChatSession = store.create();
  const outcomes: TurnOutcome[] = [];
  const run = async (): Promise<void> => {
    let warming: Promise<unknown> = Promise.resolve();
    if (setup.warmUp) {
      const shape = agentRequestShape(agentSettings, { trusted: true, folderNames: workspace.folders.map((f) => f.name) });
      const request: ModelRequest = { ...shape, input: [] };
      warming = transport.warmUp(request);
      if (setup.warmUp !== 'concurrent') await warming;
    }
    for (const prompt of setup.scenario.prompts) {
      const outcome = await agent.runTurn(session, { text: prompt });
      outcomes.push(outcome);
      if (outcome.kind !== 'completed') break;
    }
    await warming;
  };

  let hung = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      hung = true;
      resolve();
    }, setup.timeoutMs ?? 20_000);
  });
  try {
    await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  if (hung) agent.stop();

  const stats = emu.stats();
  const eventsPerRequest = countEventsPerRequest(emu);
  const stored = await store.load(session.id);
  const record: RunRecord = {
    hung,
    outcomes,
    transcript: [...session.items],
    storedTranscript: stored ? [...stored.items] : undefined,
    storage,
    files: workspace.snapshot(),
    initialFiles,
    journal: session.journal.toJSON().map((e) => ({ callId: e.callId, path: e.path, before: e.before, after: e.after })),
    appliedBatches: workspace.appliedBatches.length,
    terminalRuns: terminal.runs.map((r) => r.command),
    allowedCommandsAfter: settings.read().allowedCommands,
    approvals: [...approvals.requests],
    events,
    stats,
    eventsPerRequest,
    logs,
    recording: transport.recording(),
    pendingFaults: emu.pendingFaults(),
    framesJsonl: emu.framesJsonl(),
    durationMs: performance.now() - started,
    apiKey: emu.apiKey,
  };
  return record;
}

/**
 * Commands that end only once the turn waits for them (`backgroundWait`), after the socket was closed
 * (the 60-minute limit), so the job outlives it; Stop ends them at once, as a killed process would.
 */
function heldUntilTheTurnWaits(terminal: ScriptedTerminal, emu: Emulator, output: string): { release(): void } {
  const waiting: Array<() => void> = [];
  terminal.handler = ({ token }) =>
    new Promise((resolve) => {
      const cancelled = (): void => resolve({ exitCode: undefined, output: '', timedOut: false, cancelled: true });
      if (token.isCancellationRequested) return cancelled();
      token.onCancellationRequested(cancelled);
      waiting.push(() => resolve(exited(0, output)));
    });
  return {
    release: () => {
      if (waiting.length === 0) return;
      if (emu.stats().connections.some((c) => c.transport === 'ws' && c.closedAt === null)) emu.setFault({ kind: 'connectionLimitNow' });
      for (const finish of waiting.splice(0)) finish();
    },
  };
}

/** How many events the emulator sent for each request (recv frames between two creates). */
export function countEventsPerRequest(emu: Emulator): number[] {
  const counts: number[] = [];
  for (const f of emu.frames()) {
    const frame = f.frame as { type?: unknown } | null;
    if (f.dir === 'send' && frame?.type === 'response.create') counts.push(0);
    else if (f.dir === 'recv' && counts.length > 0) counts[counts.length - 1]! += 1;
  }
  return counts;
}

/** The transcript without what differs between two runs of the same conversation (item and response ids, opaque blobs). */
export function normaliseTranscript(items: readonly ResponseItem[]): unknown[] {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) {
        if (key === 'id' || key === 'status') continue;
        if (key === 'encrypted_content') {
          out[key] = '<encrypted>';
          continue;
        }
        if (v === undefined || v === null) continue;
        out[key] = strip(v);
      }
      return out;
    }
    return value;
  };
  return items.map(strip);
}
