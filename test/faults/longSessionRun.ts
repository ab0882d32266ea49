/**
 * A long session on one workspace: N turns of the agent on the real transport against an emulator in a
 * CHILD process (so the client's heap and CPU are measured alone), with an injected clock that moves
 * 7 minutes per turn on both sides, so the socket is rotated (at 55 minutes, between requests) every
 * eight turns and the server's 60-minute limit is never met. The 7 minutes are the user's idle time
 * before each turn: the clock runs the transport's timers as it moves (the emulator's clock first, so
 * both agree on socket ages), and the run waits for a background rotation the timer started to finish
 * before the turn begins (in real time the re-warm takes far less than the idle minutes). With
 * `rotateInBackground: false` the socket rotates when the next turn's first request comes instead.
 * Measures, per request, the client's CPU (process.cpuUsage around the transport's run), the wire mode
 * and the bytes sent; and, every `sampleEvery` turns, the heap after GC minus the transcript's size.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Agent } from '../../src/agent/agent';
import { type AgentSettings, defaultAgentSettings } from '../../src/agent/agentSettings';
import { MemorySessionStorage, SessionStore } from '../../src/agent/sessionStore';
import { createToolServices } from '../../src/tools/createToolServices';
import { MemoryDiagnostics } from '../fakes/memoryDiagnostics';
import { MemoryToolSettings } from '../fakes/memorySettings';
import { MemoryWorkspace } from '../fakes/memoryWorkspace';
import { ScriptedApprovals } from '../fakes/scriptedApprovals';
import { ScriptedTasks, ScriptedTerminal } from '../fakes/scriptedProcesses';
import { ToolRunner } from '../../src/tools/toolRunner';
import type { ModelClient } from '../../src/transport/modelClient';
import { WorkspaceTransport } from '../../src/transport/workspaceTransport';
import type { EmulatorStats } from '../emulator';
import { ManualClock } from '../fakes/manualClock';

export interface ChildEmulator {
  url: string;
  apiKey: string;
  advanceClock(ms: number): Promise<void>;
  stats(): Promise<EmulatorStats>;
  close(): Promise<void>;
}

const REPO = path.resolve(__dirname, '..', '..');

/** Starts `test/emulator/cli.ts` in a child process (default scenario, as fast as possible). */
export async function startChildEmulator(extraArgs: string[] = []): Promise<ChildEmulator> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--tokens-per-second', '0', ...extraArgs], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${err}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}): ${err}`)));
  });
  const admin = url.replace(/\/v1$/, '');
  return {
    url,
    apiKey: 'sk-test-emulator',
    advanceClock: async (ms) => {
      await fetch(`${admin}/__admin/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) });
    },
    stats: async () => (await (await fetch(`${admin}/__admin/stats`)).json()) as EmulatorStats,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface RequestSample {
  turn: number;
  mode: 'delta' | 'full' | 'warmup' | 'failed';
  bytesSent: number;
  cpuUs: number;
  /** Input tokens the server counted (the window's size for this request); 0 when it failed. */
  inputTokens: number;
}

export interface HeapSample {
  turn: number;
  heapMb: number;
  transcriptMb: number;
  heapMinusTranscriptMb: number;
}

export interface LongSessionResult {
  turns: number;
  failedTurns: number;
  requests: RequestSample[];
  heap: HeapSample[];
  wsConnections: number;
  rotations: number;
  limitErrors: number;
  /** The agent's requests that went full (re-warms are not among them). */
  fullRequests: number;
  /** Of those, after the first turn: what the user waited for a full resend. */
  userFullAfterFirstTurn: number;
  deltaRequests: number;
  serverFullRequests: number;
  /** `generate: false` requests the server saw (the background re-warms; the session has no other warm-up). */
  serverWarmups: number;
  /** Sockets whose requests without previous_response_id are not exactly their first request. */
  socketsBreakingOneFull: number;
  transcriptItems: number;
  durationMs: number;
  gc: boolean;
  /** Compactions by how they ran (issue 16). */
  compactions: { socket: number; standalone: number };
  /** The first turn that did not complete (undefined: none), and why each failed turn failed. */
  firstFailedTurn: number | undefined;
  failureCodes: Record<string, number>;
  /** Requests the server refused with context_length_exceeded (a compaction then retries once). */
  contextLengthErrors: number;
  /** The largest window a request read, in tokens. */
  maxInputTokens: number;
}

export interface LongSessionOptions {
  turns: number;
  sampleEvery: number;
  /** Clock step per turn (default 7 minutes). */
  stepMs?: number;
  /** Every n-th turn asks for a tool (list the files). Default 10. */
  toolEvery?: number;
  gc?: () => void;
  onProgress?: (turn: number) => void;
  /** Default true (as `holdfast.warmup` on); false measures rotation at request time. */
  rotateInBackground?: boolean;
  /** Over the agent's defaults (gpt-5.2): a small-window model, compaction off or fixed to one mode. */
  agent?: Partial<AgentSettings>;
  /** Stop at the first failed turn (the run without compaction shows where the window ends). */
  stopOnFailure?: boolean;
}

export async function runLongSession(emu: ChildEmulator, options: LongSessionOptions): Promise<LongSessionResult> {
  const started = performance.now();
  const stepMs = options.stepMs ?? 7 * 60_000;
  const toolEvery = options.toolEvery ?? 10;
  const clock = new ManualClock(1_700_000_000_000);
  const transport = new WorkspaceTransport({
    baseUrl: emu.url,
    apiKey: async () => emu.apiKey,
    transport: 'websocket',
    rotateInBackground: options.rotateInBackground ?? true,
    clock,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 10_000,
  });
  const requests: RequestSample[] = [];
  let turn = 0;
  let contextLengthErrors = 0;
  const measured: ModelClient = {
    run: async (request, runOptions) => {
      const before = process.cpuUsage();
      const outcome = await transport.run(request, runOptions);
      const cpu = process.cpuUsage(before);
      const ok = outcome.kind === 'completed' || outcome.kind === 'incomplete';
      requests.push({ turn, mode: ok ? outcome.metrics.mode : 'failed', bytesSent: ok ? outcome.metrics.bytesSent : 0, cpuUs: cpu.user + cpu.system, inputTokens: ok ? (outcome.usage?.inputTokens ?? 0) : 0 });
      if (outcome.kind === 'serverError' && outcome.code === 'context_length_exceeded') contextLengthErrors += 1;
      return outcome;
    },
    compact: (request, compactOptions) => transport.compact(request, compactOptions),
    steer: (text, lane) => transport.steer(text, lane),
    get state() {
      return transport.state;
    },
    onDidChangeState: transport.onDidChangeState,
    onDidMeasure: transport.onDidMeasure,
  };

  const workspace = new MemoryWorkspace(['/ws']);
  workspace.write('/ws/src/app.ts', 'export const app = 1;\n').write('/ws/README.md', '# long session\n');
  const services = createToolServices({
    workspace,
    diagnostics: new MemoryDiagnostics(),
    tasks: new ScriptedTasks(),
    terminal: new ScriptedTerminal(),
    settings: new MemoryToolSettings(),
    clock,
  });
  let ids = 0;
  const store = new SessionStore(new MemorySessionStorage(), clock, () => `id_${++ids}`);
  const settings: AgentSettings = { ...defaultAgentSettings(), ...options.agent };
  const agent = new Agent({ model: measured, tools: new ToolRunner(services), approvals: new ScriptedApprovals('deny'), sessions: undefined, settings: () => settings, clock, newId: () => `id_${++ids}` });
  const compactions = { socket: 0, standalone: 0 };
  agent.onEvent((event) => {
    if (event.type === 'compacted') compactions[event.mark.how] += 1;
  });
  const session = store.create();
  const heap: HeapSample[] = [];
  const sample = (): void => {
    if (!options.gc) return;
    options.gc();
    options.gc();
    const heapBytes = process.memoryUsage().heapUsed;
    const transcriptBytes = Buffer.byteLength(JSON.stringify(session.items));
    const mb = (n: number): number => Math.round((n / 1048576) * 100) / 100;
    heap.push({ turn, heapMb: mb(heapBytes), transcriptMb: mb(transcriptBytes), heapMinusTranscriptMb: mb(heapBytes - transcriptBytes) });
  };

  let failedTurns = 0;
  let firstFailedTurn: number | undefined;
  const failureCodes: Record<string, number> = {};
  try {
    for (turn = 0; turn < options.turns; turn++) {
      // The user is away for stepMs: the emulator's clock moves first, then ours (which may start a
      // background rotation); the turn begins once that rotation is done.
      await emu.advanceClock(stepMs);
      clock.advance(stepMs);
      await transport.rotationSettled();
      const text = turn % toolEvery === toolEvery - 1 ? `Turn ${turn}: list the files of the project.` : `Turn ${turn}: how do I write a greeting function?`;
      const outcome = await agent.runTurn(session, { text });
      if (outcome.kind !== 'completed') {
        failedTurns += 1;
        firstFailedTurn ??= turn;
        const code = outcome.kind === 'failed' ? (outcome.error.kind === 'serverError' ? outcome.error.code : outcome.error.kind) : outcome.kind;
        failureCodes[code] = (failureCodes[code] ?? 0) + 1;
        if (options.stopOnFailure) break;
      }
      if ((turn + 1) % options.sampleEvery === 0) sample();
      options.onProgress?.(turn + 1);
    }
  } finally {
    agent.dispose();
    transport.dispose();
  }
  const stats = await emu.stats();
  const wsConnections = stats.totals.wsConnections;
  let socketsBreakingOneFull = 0;
  for (const conn of stats.connections.filter((c) => c.transport === 'ws')) {
    const onSocket = stats.requests.filter((r) => r.connectionId === conn.id);
    const full = onSocket.filter((r) => r.previousResponseId === null);
    if (full.length !== 1 || full[0] !== onSocket[0]) socketsBreakingOneFull += 1;
  }
  return {
    turns: options.turns,
    failedTurns,
    requests,
    heap,
    wsConnections,
    rotations: Math.max(0, wsConnections - 1),
    limitErrors: stats.errorsSent['websocket_connection_limit_reached'] ?? 0,
    fullRequests: requests.filter((r) => r.mode === 'full').length,
    userFullAfterFirstTurn: requests.filter((r) => r.mode === 'full' && r.turn > 0).length,
    deltaRequests: requests.filter((r) => r.mode === 'delta').length,
    serverFullRequests: stats.totals.fullRequests,
    serverWarmups: stats.totals.warmups,
    socketsBreakingOneFull,
    transcriptItems: session.items.length,
    durationMs: Math.round(performance.now() - started),
    gc: options.gc !== undefined,
    compactions,
    firstFailedTurn,
    failureCodes,
    contextLengthErrors,
    maxInputTokens: Math.max(0, ...requests.map((r) => r.inputTokens)),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** First-k vs last-k medians of delta requests (the steady state: one new user message or tool output). */
export function steadyState(result: LongSessionResult, k: number): { cpuFirstUs: number; cpuLastUs: number; bytesFirst: number; bytesLast: number } {
  const deltas = result.requests.filter((r) => r.mode === 'delta');
  const first = deltas.slice(0, k);
  const last = deltas.slice(-k);
  return {
    cpuFirstUs: median(first.map((r) => r.cpuUs)),
    cpuLastUs: median(last.map((r) => r.cpuUs)),
    bytesFirst: median(first.map((r) => r.bytesSent)),
    bytesLast: median(last.map((r) => r.bytesSent)),
  };
}

export function formatLongSession(result: LongSessionResult, k: number): string {
  const s = steadyState(result, k);
  const lines = [
    `long session: ${result.turns} turns (${result.failedTurns} failed), ${result.requests.length} requests in ${(result.durationMs / 1000).toFixed(1)} s`,
    `sockets: ${result.wsConnections} (${result.rotations} rotations); 60-minute limit errors from the server: ${result.limitErrors}`,
    `wire: ${result.deltaRequests} delta requests, ${result.fullRequests} full (the server counted ${result.serverFullRequests} full and ${result.serverWarmups} re-warms)`,
    `user requests that went full after the first turn: ${result.userFullAfterFirstTurn}; sockets not carrying exactly one full request (their first): ${result.socketsBreakingOneFull}`,
    `client CPU per delta request, median: first ${k} ${s.cpuFirstUs} µs, last ${k} ${s.cpuLastUs} µs`,
    `bytes sent per delta request, median: first ${k} ${s.bytesFirst} B, last ${k} ${s.bytesLast} B`,
    `transcript: ${result.transcriptItems} items; largest window read: ${result.maxInputTokens} tokens`,
    `compactions: ${result.compactions.socket} on the socket, ${result.compactions.standalone} standalone; context_length_exceeded answers: ${result.contextLengthErrors}` +
      (result.firstFailedTurn !== undefined ? `; first failed turn: ${result.firstFailedTurn + 1} (${JSON.stringify(result.failureCodes)})` : ''),
    result.gc ? 'heap after GC (MB): turn, heap, transcript JSON, heap − transcript' : 'heap: not measured (run with --expose-gc)',
    ...result.heap.map((h) => `  ${String(h.turn + 1).padStart(5)} ${h.heapMb.toFixed(2).padStart(8)} ${h.transcriptMb.toFixed(2).padStart(8)} ${h.heapMinusTranscriptMb.toFixed(2).padStart(8)}`),
  ];
  return lines.join('\n');
}
