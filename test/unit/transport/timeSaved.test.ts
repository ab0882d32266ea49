/**
 * The time a warm socket saves, as the transport measures it, against the emulator with a modelled link
 * (40 ms RTT: the emulator holds the handshake for rtt × 2 round trips without TLS). Only lower bounds
 * on time are asserted (shared CI machines are slow); the rest is structure: which request reports
 * which figure, and that the figures are the same measurements, not estimates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator';
import type { Scenario } from '../../emulator/scenarios';
import { functionCallOutput, userMessage, type FunctionToolDefinition, type ResponseItem } from '../../../src/protocol/items';
import type { ModelOutcome, ModelRequest, RequestMetrics } from '../../../src/transport/modelClient';
import { WorkspaceTransport, type WorkspaceTransportOptions } from '../../../src/transport/workspaceTransport';

const RTT_MS = 40;
/** TCP + upgrade on loopback without TLS: 2 modelled round trips. 2 ms of slack for whole-millisecond timers. */
const CONNECT_AT_LEAST_MS = 2 * RTT_MS - 2;

const tools: FunctionToolDefinition[] = [
  {
    type: 'function',
    name: 'read_file',
    description: 'Read a workspace file',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
    strict: true,
  },
];

function request(input: readonly ResponseItem[]): ModelRequest {
  return { model: 'gpt-5.2', instructions: 'You are a coding agent inside VS Code.', tools, input };
}

/** One tool round, then an answer; any later prompt is answered at once. */
const readThenAnswer: Scenario = {
  name: 'read-then-answer',
  fallback: 'fail',
  steps: [
    { id: 'read', calls: [{ name: 'read_file', callId: 'call_1', arguments: { path: 'src/a.ts' } }] },
    { id: 'answer', repeat: true, say: 'Done.' },
  ],
};

let emulators: Emulator[] = [];
const transports: WorkspaceTransport[] = [];
afterEach(async () => {
  transports.splice(0).forEach((s) => s.dispose());
  await Promise.all(emulators.map((e) => e.close()));
  emulators = [];
});

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0, scenario: readThenAnswer, link: { rttMs: RTT_MS }, ...options });
  emulators.push(emu);
  return emu;
}

function transportFor(emu: Emulator, options: Partial<WorkspaceTransportOptions> = {}): { transport: WorkspaceTransport; measured: RequestMetrics[] } {
  const transport = new WorkspaceTransport({
    baseUrl: emu.url,
    apiKey: async () => emu.apiKey,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 5000,
    clock: { now: () => performance.now() },
    ...options,
  });
  transports.push(transport);
  const measured: RequestMetrics[] = [];
  transport.onDidMeasure((m) => measured.push(m));
  return { transport, measured };
}

function completed(outcome: ModelOutcome): Extract<ModelOutcome, { kind: 'completed' }> {
  expect(outcome.kind).toBe('completed');
  return outcome as Extract<ModelOutcome, { kind: 'completed' }>;
}

/** A user turn: runs until the model stops calling tools; returns each request's metrics. */
async function turn(transport: WorkspaceTransport, transcript: ResponseItem[], prompt: string): Promise<RequestMetrics[]> {
  transcript.push(userMessage(prompt));
  const metrics: RequestMetrics[] = [];
  for (let round = 0; round < 5; round++) {
    const outcome = completed(await transport.run(request(transcript)));
    metrics.push(outcome.metrics);
    transcript.push(...outcome.output);
    const calls = outcome.output.filter((item) => item.type === 'function_call');
    if (calls.length === 0) return metrics;
    transcript.push(...calls.map((call) => functionCallOutput(call.call_id, 'export const a = 1;\n')));
  }
  throw new Error('the scenario did not end');
}

describe('time saved: connect measured per socket', () => {
  it('the request that opens a socket reports its connect, avoided nothing; later requests on it report that same connect as avoided', async () => {
    const emu = await emulator();
    const { transport } = transportFor(emu);
    const transcript: ResponseItem[] = [];
    const first = await turn(transport, transcript, 'Read src/a.ts');
    const second = await turn(transport, transcript, 'Thanks');

    expect(emu.stats().totals.wsConnections).toBe(1);
    expect(first.map((m) => m.mode)).toEqual(['full', 'delta']);
    const opened = first[0]!;
    expect(opened.transport).toBe('websocket');
    expect(opened.connectMs).toBeGreaterThanOrEqual(CONNECT_AT_LEAST_MS);
    // It waited for its own connect: nothing avoided, and no warm-up to continue.
    expect(opened.connectAvoidedMs).toBe(0);
    expect(opened.warmupAvoidedMs).toBe(0);
    // Every later request ran on the same, already open socket: the same measurement, avoided.
    for (const later of [first[1]!, ...second]) {
      expect(later.connectMs).toBe(opened.connectMs);
      expect(later.connectAvoidedMs).toBe(opened.connectMs);
      expect(later.warmupAvoidedMs).toBe(0);
    }
  });

  it('a new socket after a loss is measured anew, and the request that needed it claims no time saved', async () => {
    const emu = await emulator({ scenario: 'compile-error' });
    const { transport, measured } = transportFor(emu);
    const warm = await transport.warmUp(request([]));
    expect(warm.kind).toBe('warm');
    emu.setFault({ kind: 'drop', afterEvents: 3 });
    const outcome = completed(await transport.run(request([userMessage('Why does src/a.ts fail to compile?')])));
    expect(emu.stats().totals.wsConnections).toBe(2);
    expect(outcome.metrics).toMatchObject({ recoveries: 1, mode: 'full', connectAvoidedMs: 0, warmupAvoidedMs: 0 });
    expect(outcome.metrics.connectMs).toBeGreaterThanOrEqual(CONNECT_AT_LEAST_MS);
    expect(measured.filter((m) => m.mode !== 'warmup').every((m) => m.connectMs !== undefined)).toBe(true);
  });

  it('over HTTP nothing is measured as saved', async () => {
    const emu = await emulator();
    const { transport } = transportFor(emu, { transport: 'http', store: true });
    const transcript: ResponseItem[] = [];
    const requests = [...(await turn(transport, transcript, 'Read src/a.ts')), ...(await turn(transport, transcript, 'Thanks'))];
    expect(requests.length).toBe(3);
    for (const m of requests) expect(m).toMatchObject({ transport: 'http', connectMs: undefined, connectAvoidedMs: 0, warmupAvoidedMs: 0 });
  });
});

describe('time saved: the warm-up off the critical path', () => {
  it('the first request continuing a warm-up reports the warm-up request time and the connect as avoided, once', async () => {
    const emu = await emulator();
    const { transport, measured } = transportFor(emu);
    const warm = await transport.warmUp(request([]));
    if (warm.kind !== 'warm') throw new Error(`warm-up ${warm.kind}`);
    // The warm-up opened the socket (its connect is measured) and claims nothing itself.
    expect(warm.metrics).toMatchObject({ mode: 'warmup', connectAvoidedMs: 0, warmupAvoidedMs: 0 });
    expect(warm.metrics.connectMs).toBeGreaterThanOrEqual(CONNECT_AT_LEAST_MS);
    // Its own request is at least one round trip, and it and the connect both fit inside its total.
    expect(warm.requestMs).toBeGreaterThanOrEqual(RTT_MS - 2);
    expect(warm.latencyMs).toBeGreaterThanOrEqual(warm.requestMs + warm.metrics.connectMs!);

    const transcript: ResponseItem[] = [];
    const first = await turn(transport, transcript, 'Read src/a.ts');
    expect(first.map((m) => m.mode)).toEqual(['delta', 'delta']);
    // The warm-up had finished before the prompt: all of its request time counts, and the whole connect.
    expect(first[0]).toMatchObject({ warmupAvoidedMs: warm.requestMs, connectAvoidedMs: warm.metrics.connectMs });
    // The warm-up is counted once: the tool round after it continues a real response.
    expect(first[1]).toMatchObject({ warmupAvoidedMs: 0, connectAvoidedMs: warm.metrics.connectMs });
    expect(measured.map((m) => m.mode)).toEqual(['warmup', 'delta', 'delta']);
    expect(emu.stats().totals.wsConnections).toBe(1);
  });

  it('a prompt sent while the warm-up is still connecting waited for both: it claims neither', async () => {
    const emu = await emulator();
    const { transport } = transportFor(emu);
    const warming = transport.warmUp(request([]));
    const outcome = completed(await transport.run(request([userMessage('Read src/a.ts')])));
    const warm = await warming;
    expect(warm.kind).toBe('warm');
    // It did continue the warm-up (a delta on the same socket), yet none of that ran before it was asked.
    expect(outcome.metrics.mode).toBe('delta');
    expect(outcome.metrics.connectMs).toBeGreaterThanOrEqual(CONNECT_AT_LEAST_MS);
    expect(outcome.metrics).toMatchObject({ connectAvoidedMs: 0, warmupAvoidedMs: 0 });
    expect(emu.stats().totals.wsConnections).toBe(1);
  });
});
