// Every fault on demand, each one-shot or counted so the outcome is deterministic.
import type { JsonObject } from './types';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions, type Fault } from './index';
import { errorCodeOf, RawClient, responseOf, userMessage } from './testClient';

let emulator: Emulator;
const clients: RawClient[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emulator = await startEmulator({ scenario: { name: 'faults', tokensPerSecond: 0, steps: [{ say: 'one two three four five six seven eight', repeat: true }] }, pingIntervalMs: 0, ...options });
  return emulator;
}

async function connect(key?: string): Promise<RawClient> {
  const c = await RawClient.connect(emulator.wsUrl, key);
  clients.push(c);
  return c;
}

const create = (extra: Record<string, unknown> = {}): JsonObject =>
  ({ type: 'response.create', model: 'gpt-5.2', store: false, input: [userMessage('hi')], ...extra }) as JsonObject;

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await emulator?.close();
});

describe('stream faults', () => {
  it('drop: cuts the socket right after event N, once', async () => {
    await start();
    emulator.setFault({ kind: 'drop', afterEvents: 3 });
    const c = await connect();
    c.send(create());
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
    expect(c.frames.map((f) => f['sequence_number'])).toEqual([0, 1, 2, 3]);
    const again = await connect();
    again.send(create());
    expect((await again.untilTerminal()).at(-1)?.type).toBe('response.completed');
    expect(emulator.stats().requests[0]?.errorCode).toBe('dropped');
  });

  it('stall: no events for T ms after event N', async () => {
    await start();
    emulator.setFault({ kind: 'stall', ms: 150, afterEvents: 2 });
    const c = await connect();
    const times: number[] = [];
    c.ws.on('message', () => times.push(performance.now()));
    const sent = performance.now();
    c.send(create());
    await c.untilTerminal();
    expect(times.length).toBeGreaterThan(4);
    // Frame 3 left the server at least 150 ms after frame 2, which left after the request arrived: a lower
    // bound from the send holds however loaded the machine is. (The gap between frames 2 and 3 as the
    // client sees them does not: a busy client can read frame 2 late.)
    expect((times[3] ?? 0) - sent).toBeGreaterThanOrEqual(145);
  });

  it('malformed, binary and oversized frames', async () => {
    await start();
    emulator.setFault({ kind: 'malformedFrame', afterEvents: 1 });
    emulator.setFault({ kind: 'binaryFrame', afterEvents: 2 });
    const c = await connect();
    c.send(create());
    await c.untilTerminal();
    expect(c.unparsable).toHaveLength(1);
    expect(c.binaryFrames).toHaveLength(1);

    emulator.setFault({ kind: 'oversizedFrame', bytes: 200_000 });
    const small = await RawClient.connect(emulator.wsUrl, undefined, { maxPayload: 64 * 1024 });
    clients.push(small);
    const errors: string[] = [];
    small.ws.on('error', (e) => errors.push(e.message));
    small.send(create());
    await small.closed;
    expect(errors.join()).toContain('Max payload size exceeded');
  });

  it('a scenario step fault fires once, so a client that resends the full context gets through', async () => {
    await start({ scenario: { name: 'step-fault', tokensPerSecond: 0, steps: [{ say: 'survived', fault: { kind: 'drop', afterEvents: 2 } }] } });
    const a = await connect();
    a.send(create());
    await a.closed;
    const b = await connect();
    b.send(create());
    const frames = await b.untilTerminal();
    expect(frames.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('')).toBe('survived');
  });
});

describe('upgrade faults', () => {
  it.each([426, 401, 429, 500])('answers the next K upgrades with %i, then normally', async (status) => {
    await start();
    emulator.setFault({ kind: 'upgradeStatus', status, count: 2 });
    await expect(connect()).rejects.toMatchObject({ status });
    await expect(connect()).rejects.toMatchObject({ status });
    const ok = await connect();
    expect(ok.isOpen).toBe(true);
    expect(emulator.stats().handshakes).toMatchObject({ attempted: 3, accepted: 1, rejected: { [String(status)]: 2 } });
    expect(emulator.stats().totals.framesSent).toBe(0);
  });

  it('delays the handshake by T ms, once', async () => {
    await start();
    emulator.setFault({ kind: 'handshakeDelay', ms: 120 });
    const t0 = performance.now();
    await connect();
    // A lower bound holds however loaded the machine is; that the second upgrade was not held is read
    // from the emulator's own record rather than from a clock.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    await connect();
    expect(emulator.stats().delays.filter((d) => d.kind === 'fault.handshakeDelay').map((d) => d.ms)).toEqual([120]);
    expect(emulator.stats().handshakes.accepted).toBe(2);
  });
});

describe('request faults', () => {
  it('rate_limit_exceeded with a retry hint, in the request shape', async () => {
    await start();
    emulator.setFault({ kind: 'rateLimit', retryAfterMs: 1200 });
    const c = await connect();
    c.send(create({ stream_id: 'lane-a' }));
    const err = (await c.untilTerminal('lane-a'))[0];
    expect(err).toMatchObject({ type: 'error', status: 429, stream_id: 'lane-a', error: { code: 'rate_limit_exceeded', headers: { 'retry-after-ms': '1200' } } });
    expect(String((err?.['error'] as Record<string, unknown>)['message'])).toContain('try again in 1.2s');
    c.send(create());
    expect((await c.untilTerminal()).at(-1)?.type).toBe('response.completed');
  });

  it('rate limit over HTTP: 429 with retry-after-ms header', async () => {
    await start();
    emulator.setFault({ kind: 'rateLimit', retryAfterMs: 2500 });
    const res = await fetch(`${emulator.url}/responses`, { method: 'POST', headers: { Authorization: 'Bearer sk-test-emulator' }, body: JSON.stringify({ model: 'gpt-5.2', input: 'hi' }) });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after-ms')).toBe('2500');
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });

  it('server_is_overloaded', async () => {
    await start();
    emulator.setFault({ kind: 'overloaded' });
    const c = await connect();
    c.send(create());
    expect((await c.untilTerminal())[0]).toMatchObject({ type: 'error', status: 503, error: { code: 'server_is_overloaded' } });
  });

  it('previous_response_not_found for the next continuation only', async () => {
    await start();
    emulator.setFault({ kind: 'previousResponseNotFound' });
    const c = await connect();
    c.send(create());
    const id = responseOf((await c.untilTerminal()).at(-1))['id'];
    c.send(create({ previous_response_id: id }));
    expect(errorCodeOf((await c.untilTerminal()).at(-1))).toBe('previous_response_not_found');
    // The failed turn evicted the id: the client must resend the full context.
    c.send(create({ previous_response_id: id }));
    expect(errorCodeOf((await c.untilTerminal()).at(-1))).toBe('previous_response_not_found');
    c.send(create());
    expect((await c.untilTerminal()).at(-1)?.type).toBe('response.completed');
  });

  it('the unsolicited 60-minute error now, only on the targeted connection', async () => {
    await start();
    const a = await connect();
    const b = await connect();
    const target = emulator.stats().connections[0]?.id ?? '';
    emulator.setFault({ kind: 'connectionLimitNow', connectionId: target });
    expect(errorCodeOf((await a.untilTerminal())[0])).toBe('websocket_connection_limit_reached');
    await a.closed;
    expect(b.isOpen).toBe(true);
    expect(b.frames).toHaveLength(0);
  });
});

describe('admin endpoint', () => {
  it('arms faults over HTTP and serves stats and the frame log', async () => {
    await start();
    const admin = emulator.url.replace(/\/v1$/, '/__admin');
    const fault: Fault = { kind: 'overloaded' };
    const armed = await fetch(`${admin}/fault`, { method: 'POST', body: JSON.stringify(fault) });
    expect(await armed.json()).toMatchObject({ armed: 1 });
    const c = await connect();
    c.send(create());
    expect(errorCodeOf((await c.untilTerminal())[0])).toBe('server_is_overloaded');
    c.send(create());
    await c.untilTerminal();
    const stats = (await (await fetch(`${admin}/stats`)).json()) as { totals: { requests: number }; errorsSent: Record<string, number> };
    expect(stats.totals.requests).toBe(2);
    expect(stats.errorsSent['server_is_overloaded']).toBe(1);
    const jsonl = await (await fetch(`${admin}/frames.jsonl`)).text();
    const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { dir: string; frame: { type: string } });
    expect(lines[0]).toMatchObject({ dir: 'send', frame: { type: 'response.create' } });
    expect(lines[1]).toMatchObject({ dir: 'recv', frame: { type: 'error' } });
    expect(lines.at(-1)).toMatchObject({ dir: 'recv', frame: { type: 'response.completed' } });
    const clock = await fetch(`${admin}/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 61 * 60_000 }) });
    expect(clock.status).toBe(200);
    expect(errorCodeOf((await c.untilTerminal())[0])).toBe('websocket_connection_limit_reached');
  });
});
