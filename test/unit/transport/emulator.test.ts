/**
 * The transport against the project's Responses emulator on loopback: real sockets (`ws`), real
 * permessage-deflate, real fetch/SSE, the emulator's faults. Each test starts its own emulator.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions, type Fault } from '../../emulator';
import type { Scenario } from '../../emulator/scenarios';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { assistantText, functionCallOutput, userMessage, type FunctionToolDefinition, type ResponseItem } from '../../../src/protocol/items';
import type { ModelOutcome, ModelRequest, RequestMetrics } from '../../../src/transport/modelClient';
import { WorkspaceTransport, type WorkspaceTransportOptions } from '../../../src/transport/workspaceTransport';
import { runConnectionDoctor } from '../../../src/transport/connectionDoctor';
import { wsSocketFactory } from '../../../src/transport/socket';

const tools: FunctionToolDefinition[] = [
  {
    type: 'function',
    name: 'read_file',
    description: 'Read a workspace file',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
    strict: true,
  },
];
const instructions = 'You are a coding agent inside VS Code.';

function request(input: readonly ResponseItem[], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { model: 'gpt-5.2', instructions, tools, input, ...extra };
}

let emulators: Emulator[] = [];
const transports: WorkspaceTransport[] = [];
afterEach(async () => {
  transports.splice(0).forEach((s) => s.dispose());
  await Promise.all(emulators.map((e) => e.close()));
  emulators = [];
});

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0, ...options });
  emulators.push(emu);
  return emu;
}

function transportFor(emu: Emulator, options: Partial<WorkspaceTransportOptions> = {}): { transport: WorkspaceTransport; measured: RequestMetrics[] } {
  const transport = new WorkspaceTransport({
    baseUrl: emu.url,
    apiKey: async () => emu.apiKey,
    connectTimeoutMs: 1000,
    idleTimeoutMs: 1500,
    overloadBackoffMs: 20,
    ...options,
  });
  transports.push(transport);
  const measured: RequestMetrics[] = [];
  transport.onDidMeasure((m) => measured.push(m));
  return { transport, measured };
}

/** A minimal agent loop: runs the model, answers each tool call, stops at the first turn without calls. */
async function agentRun(
  transport: WorkspaceTransport,
  prompt: string,
  maxTurns = 40,
  beforeTurn?: (turn: number) => void,
): Promise<{ transcript: ResponseItem[]; outcomes: ModelOutcome[]; newItemsPerTurn: ResponseItem[][] }> {
  const transcript: ResponseItem[] = [userMessage(prompt)];
  const outcomes: ModelOutcome[] = [];
  const newItemsPerTurn: ResponseItem[][] = [[userMessage(prompt)]];
  for (let turn = 0; turn < maxTurns; turn++) {
    beforeTurn?.(turn);
    const outcome = await transport.run(request(transcript));
    outcomes.push(outcome);
    if (outcome.kind !== 'completed') break;
    transcript.push(...outcome.output);
    const calls = outcome.output.filter((i) => i.type === 'function_call');
    if (calls.length === 0) break;
    const outputs = calls.map((c) => functionCallOutput(c.call_id, `export const a: number = 'x'; // contents of ${c.arguments}\n`));
    transcript.push(...outputs);
    newItemsPerTurn.push(outputs);
  }
  return { transcript, outcomes, newItemsPerTurn };
}

/** What the conversation amounts to, ids aside: tool calls by call id and the assistant's words. */
function gist(transcript: readonly ResponseItem[]): string[] {
  return transcript.map((item) => {
    if (item.type === 'function_call') return `call ${item.call_id} ${item.name} ${item.arguments}`;
    if (item.type === 'function_call_output') return `output ${item.call_id}`;
    if (item.type === 'message' && item.role === 'assistant') return `says ${assistantText(item)}`;
    if (item.type === 'message') return `user ${item.content.map((c) => c.text).join('')}`;
    return item.type;
  });
}

const thirtyCalls: Scenario = {
  name: 'thirty-reads',
  tokensPerSecond: 0,
  fallback: 'fail',
  steps: [
    ...Array.from({ length: 30 }, (_, i) => ({
      id: `read-${i + 1}`,
      calls: [{ name: 'read_file', callId: `call_${i + 1}`, arguments: { path: `src/file${i + 1}.ts` } }],
    })),
    { id: 'answer', say: 'Read all thirty files; the bug is in file 17.' },
  ],
};

describe('against the emulator', () => {
  it('a 30-turn tool-calling chain sends one full request (the warm-up) and deltas after it', async () => {
    const emu = await emulator({ scenario: thirtyCalls });
    // The emulator stands in for a remote server here: compression on, as for any non-loopback URL.
    const { transport, measured } = transportFor(emu, { perMessageDeflate: true });
    const warm = await transport.warmUp(request([]));
    expect(warm.kind).toBe('warm');
    const { transcript, outcomes, newItemsPerTurn } = await agentRun(transport, 'Read every file.');

    expect(outcomes).toHaveLength(31);
    expect(outcomes.every((o) => o.kind === 'completed')).toBe(true);
    expect(gist(transcript).at(-1)).toBe('says Read all thirty files; the bug is in file 17.');

    const stats = emu.stats();
    expect(stats.totals).toMatchObject({ wsConnections: 1, warmups: 1, fullRequests: 0, continuations: 31 });
    expect(measured.map((m) => m.mode)).toEqual(['warmup', ...Array<string>(31).fill('delta')]);

    // What the client counted is what the server received, request by request.
    const records = stats.requests;
    expect(records.map((r) => r.payloadBytes)).toEqual(measured.map((m) => m.bytesSent));

    // Each delta is its new items plus the per-request parameters, within a small constant.
    const paramsBytes = Buffer.byteLength(JSON.stringify({ type: 'response.create', model: 'gpt-5.2', instructions, tools, store: false, input: [] }));
    measured.slice(1).forEach((m, turn) => {
      const newItems = Buffer.byteLength(JSON.stringify(newItemsPerTurn[turn]));
      const overhead = m.bytesSent - newItems - paramsBytes;
      expect(overhead).toBeGreaterThanOrEqual(0);
      expect(overhead).toBeLessThan(80); // ,"previous_response_id":"resp_…" and separators
    });
    // A stateless client would have sent far more by the end.
    const sent = measured.reduce((sum, m) => sum + m.bytesSent, 0);
    const stateless = measured.reduce((sum, m) => sum + m.statelessBytes, 0);
    expect(stateless).toBeGreaterThan(5 * sent);
    // permessage-deflate was negotiated, and the resent tools/instructions compress away on the wire.
    expect(stats.connections.find((c) => c.transport === 'ws')?.deflate).toBe(true);
    const wire = measured.slice(2).reduce((sum, m) => sum + m.wireBytesSent, 0);
    const payload = measured.slice(2).reduce((sum, m) => sum + m.bytesSent, 0);
    expect(wire).toBeLessThan(payload / 2);
  });


  it('does not offer permessage-deflate to a loopback server (nothing to save, CPU to lose)', async () => {
    const emu = await emulator({ scenario: thirtyCalls });
    const { transport } = transportFor(emu);
    expect((await transport.warmUp(request([]))).kind).toBe('warm');
    expect(emu.stats().connections.find((c) => c.transport === 'ws')?.deflate).toBe(false);
  });
  it('a named lane completes while a long default-lane response streams on the same socket', async () => {
    const emu = await emulator({
      tokensPerSecond: undefined, // the steps set their own pace
      scenario: {
        name: 'lanes',
        fallback: 'fail',
        steps: [
          { id: 'long', when: { userText: 'long' }, repeat: true, tokensPerSecond: 200, say: 'word '.repeat(160) },
          { id: 'short', when: { userText: 'short' }, repeat: true, say: 'async function load() {}' },
        ],
      },
    });
    const { transport } = transportFor(emu);
    let defaultDone = false;
    let firstDelta: () => void = () => undefined;
    const streaming = new Promise<void>((resolve) => (firstDelta = resolve));
    const chat = transport.run(request([userMessage('a long answer please')]), {
      onEvent: (e) => {
        if (e.kind === 'textDelta') firstDelta();
      },
    });
    void chat.then(() => (defaultDone = true));
    await streaming;
    const inline = await transport.run(request([userMessage('short one')], { lane: 'inline-1', tools: [] }));
    expect(inline).toMatchObject({ kind: 'completed' });
    expect(defaultDone).toBe(false);
    const chatOutcome = await chat;
    expect(chatOutcome.kind).toBe('completed');
    const stats = emu.stats();
    expect(stats.totals.wsConnections).toBe(1);
    expect(stats.requests.map((r) => r.lane)).toEqual([null, 'inline-1']);
  });

  it('426 on the upgrade: the turn goes straight to HTTP, with no second upgrade attempt', async () => {
    const emu = await emulator({ scenario: 'compile-error' });
    emu.setFault({ kind: 'upgradeStatus', status: 426, count: 5 });
    const { transport } = transportFor(emu);
    const outcome = await transport.run(request([userMessage('Why does src/a.ts fail to compile?')]));
    // "Fast" is structural here (how quickly is the benchmark's business): one refused upgrade, no
    // retry or back-off on the socket, and the same turn completed over HTTP.
    expect(emu.stats().handshakes).toMatchObject({ attempted: 1, accepted: 0, rejected: { '426': 1 } });
    expect(outcome).toMatchObject({ kind: 'completed', metrics: { transport: 'http' } });
    expect(transport.state).toMatchObject({ kind: 'httpFallback' });
    expect(emu.stats().totals.httpConnections).toBeGreaterThanOrEqual(1);
  });

  it('a dropped connection mid-stream recovers: full resend on a new socket, same conversation', async () => {
    const baseline = await conversationWith(undefined);
    const emu = await emulator({ scenario: 'compile-error' });
    const { transport } = transportFor(emu);
    await transport.warmUp(request([]));
    emu.setFault({ kind: 'drop', afterEvents: 3 });
    const run = await agentRun(transport, 'Why does src/a.ts fail to compile?');
    expect(gist(run.transcript)).toEqual(baseline);
    expect(emu.stats().totals.wsConnections).toBe(2);
    const recovered = run.outcomes[0];
    expect(recovered).toMatchObject({ kind: 'completed', metrics: { recoveries: 1, mode: 'full' } });
  });

  it('an unsolicited 60-minute error on an idle socket: the next request goes full on a new socket', async () => {
    const emu = await emulator({ scenario: 'compile-error' });
    const { transport, measured } = transportFor(emu);
    await transport.warmUp(request([]));
    emu.setFault({ kind: 'connectionLimitNow' });
    await waitFor(() => emu.stats().connections.every((c) => c.closedAt !== null));
    await waitFor(() => transport.state.kind === 'idle');
    const run = await agentRun(transport, 'Why does src/a.ts fail to compile?');
    expect(run.outcomes.map((o) => o.kind)).toEqual(['completed', 'completed']);
    expect(measured.map((m) => m.mode)).toEqual(['warmup', 'full', 'delta']);
    expect(emu.stats().totals.wsConnections).toBe(2);
  });

  it('rotates before the 60-minute limit with the clock moved, between requests', async () => {
    let now = Date.now();
    const emu = await emulator({ scenario: 'compile-error', clock: () => now });
    const { transport, measured } = transportFor(emu, { clock: { now: () => now } });
    await transport.warmUp(request([]));
    now += 56 * 60_000; // both clocks: 56 minutes later; the emulator would refuse at 60
    const run = await agentRun(transport, 'Why does src/a.ts fail to compile?');
    expect(run.outcomes.map((o) => o.kind)).toEqual(['completed', 'completed']);
    expect(measured.map((m) => m.mode)).toEqual(['warmup', 'full', 'delta']);
    expect(emu.stats().errorsSent['websocket_connection_limit_reached'] ?? 0).toBe(0);
  });

  it('Stop closes the socket and the next request goes full on a new one', async () => {
    const emu = await emulator({
      scenario: { name: 'slow', fallback: 'auto', steps: [{ id: 'slow', when: { userText: 'slow' }, tokensPerSecond: 100, say: 'word '.repeat(200) }] },
    });
    const { transport, measured } = transportFor(emu);
    const source = new CancellationTokenSource();
    let started: () => void = () => undefined;
    const streaming = new Promise<void>((resolve) => (started = resolve));
    const running = transport.run(request([userMessage('slow please')]), { token: source.token, onEvent: (e) => e.kind === 'textDelta' && started() });
    await streaming;
    source.cancel();
    expect(await running).toEqual({ kind: 'cancelled' });
    await waitFor(() => emu.stats().connections.every((c) => c.closedAt !== null));
    const next = await transport.run(request([userMessage('hello again')]));
    expect(next.kind).toBe('completed');
    expect(measured.at(-1)?.mode).toBe('full');
    expect(emu.stats().totals.wsConnections).toBe(2);
  });
});

type FaultCase = {
  name: string;
  fault: Fault;
  /** When to arm: before anything (upgrade faults) or after the warm-up (faults on a request). */
  phase: 'beforeConnect' | 'afterWarmup';
  options?: Partial<WorkspaceTransportOptions>;
  expect: 'same' | { kind: ModelOutcome['kind'] };
};

const faultCases: FaultCase[] = [
  { name: 'drop after event 3', fault: { kind: 'drop', afterEvents: 3 }, phase: 'afterWarmup', expect: 'same' },
  { name: 'stall past the idle timeout', fault: { kind: 'stall', ms: 2000, afterEvents: 1 }, phase: 'afterWarmup', options: { idleTimeoutMs: 300 }, expect: 'same' },
  { name: 'malformed frame', fault: { kind: 'malformedFrame', afterEvents: 2 }, phase: 'afterWarmup', expect: 'same' },
  { name: 'binary frame', fault: { kind: 'binaryFrame', afterEvents: 2 }, phase: 'afterWarmup', expect: 'same' },
  { name: 'oversized frame', fault: { kind: 'oversizedFrame', bytes: 2_000_000, afterEvents: 2 }, phase: 'afterWarmup', expect: 'same' },
  { name: '426 on upgrade', fault: { kind: 'upgradeStatus', status: 426 }, phase: 'beforeConnect', expect: 'same' },
  { name: '401 on upgrade', fault: { kind: 'upgradeStatus', status: 401 }, phase: 'beforeConnect', expect: { kind: 'authFailed' } },
  { name: '429 on upgrade', fault: { kind: 'upgradeStatus', status: 429 }, phase: 'beforeConnect', expect: 'same' },
  { name: '500 on upgrade', fault: { kind: 'upgradeStatus', status: 500 }, phase: 'beforeConnect', expect: 'same' },
  { name: 'slow handshake', fault: { kind: 'handshakeDelay', ms: 1500 }, phase: 'beforeConnect', options: { connectTimeoutMs: 300 }, expect: 'same' },
  { name: 'rate limit', fault: { kind: 'rateLimit', retryAfterMs: 150 }, phase: 'afterWarmup', expect: 'same' },
  { name: 'overloaded', fault: { kind: 'overloaded' }, phase: 'afterWarmup', expect: 'same' },
  { name: 'previous_response_not_found', fault: { kind: 'previousResponseNotFound' }, phase: 'afterWarmup', expect: 'same' },
  { name: 'unsolicited 60-minute error', fault: { kind: 'connectionLimitNow' }, phase: 'afterWarmup', expect: 'same' },
];

async function conversationWith(fault: FaultCase | undefined): Promise<string[]> {
  const emu = await emulator({ scenario: 'compile-error' });
  const { transport } = transportFor(emu, fault?.options);
  if (fault?.phase === 'beforeConnect') emu.setFault(fault.fault);
  const warm = await transport.warmUp(request([]));
  if (warm.kind === 'failed') {
    expect(emu.pendingFaults()).toEqual([]);
    return [`outcome ${warm.outcome.kind}`];
  }
  if (fault?.phase === 'afterWarmup') emu.setFault(fault.fault);
  const { transcript, outcomes } = await agentRun(transport, 'Why does src/a.ts fail to compile?');
  // The fault really fired (faults are counted; an armed one would still be pending).
  expect(emu.pendingFaults()).toEqual([]);
  const last = outcomes.at(-1);
  if (last && last.kind !== 'completed') return [`outcome ${last.kind}`];
  return gist(transcript);
}

describe('each emulator fault ends in the same conversation or a typed error, never a hang', () => {
  it.each(faultCases)('$name', async (faultCase) => {
    const baseline = await conversationWith(undefined);
    expect(baseline).toEqual([
      'user Why does src/a.ts fail to compile?',
      'call call_1 read_file {"path":"src/a.ts"}',
      'output call_1',
      'says `a` is declared as a `number` but assigned a string.',
    ]);
    // "Never a hang" is the test's timeout (vitest.config.mts), not a stopwatch on a shared machine.
    const withFault = await conversationWith(faultCase);
    if (faultCase.expect === 'same') expect(withFault).toEqual(baseline);
    else expect(withFault).toEqual([`outcome ${faultCase.expect.kind}`]);
  });
});

describe('connection doctor against the emulator', () => {
  it('reports all green on a healthy server', async () => {
    const emu = await emulator();
    const report = await runConnectionDoctor({ baseUrl: emu.url, apiKey: emu.apiKey, model: 'gpt-5.2', socketFactory: wsSocketFactory, fetch: (u, i) => fetch(u, i), timeoutMs: 2000 });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['http', 'ok'],
      ['websocket', 'ok'],
      ['warmup', 'ok'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('explains a 426 and a bad key in plain words, without the key', async () => {
    const emu = await emulator();
    emu.setFault({ kind: 'upgradeStatus', status: 426 });
    const report = await runConnectionDoctor({ baseUrl: emu.url, apiKey: emu.apiKey, model: 'gpt-5.2', socketFactory: wsSocketFactory, fetch: (u, i) => fetch(u, i), timeoutMs: 2000 });
    expect(report).toMatchObject({ ok: false, websocketUsable: false, httpUsable: true });
    expect(report.checks[1]).toMatchObject({ status: 'failed', cause: 'upgradeRefused' });
    expect(report.summary).toMatch(/HTTP\/SSE/);

    const badKey = 'sk-wrong-0123456789abcdefghij';
    const refused = await runConnectionDoctor({ baseUrl: emu.url, apiKey: badKey, model: 'gpt-5.2', socketFactory: wsSocketFactory, fetch: (u, i) => fetch(u, i), timeoutMs: 2000 });
    expect(refused.checks.map((c) => c.cause)).toEqual(['badKey', 'badKey', undefined]);
    expect(JSON.stringify(refused)).not.toContain(badKey);
  });

  it('explains a wrong base URL (404) and a closed port (connection refused)', async () => {
    const emu = await emulator();
    const wrongPath = await runConnectionDoctor({ baseUrl: `http://127.0.0.1:${emu.port}/nope`, apiKey: emu.apiKey, socketFactory: wsSocketFactory, fetch: (u, i) => fetch(u, i), timeoutMs: 2000 });
    expect(wrongPath.checks[0]).toMatchObject({ status: 'failed', cause: 'wrongBaseUrl' });
    const port = await unusedPort();
    const closed = await runConnectionDoctor({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test-emulator', socketFactory: wsSocketFactory, fetch: (u, i) => fetch(u, i), timeoutMs: 2000 });
    expect(closed.checks.slice(0, 2).map((c) => c.cause)).toEqual(['refused', 'refused']);
    expect(closed.summary).toMatch(/cannot reach/);
  });
});

/** A port nothing listens on (bound, then released). */
function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('waitFor timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
