// The modelled link and cost model (off by default), TLS, permessage-deflate, pings, and wire accounting.
import * as https from 'node:https';
import type { JsonObject } from './types';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index';
import { LinkDirection } from './link';
import { RawClient, READ_FILE_TOOL, responseOf, userMessage } from './testClient';

let emulator: Emulator;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await emulator?.close();
});

const SCENARIO = { name: 'link', tokensPerSecond: 0, steps: [{ say: 'ok '.repeat(50), repeat: true }] };
const create = (extra: Record<string, unknown> = {}): JsonObject =>
  ({ type: 'response.create', model: 'gpt-5.2', store: false, instructions: 'Be brief. '.repeat(200), tools: [READ_FILE_TOOL], input: [userMessage('hi')], ...extra }) as JsonObject;

describe('link model', () => {
  it('is off by default: no modelled delays at all', async () => {
    emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0 });
    const c = await RawClient.connect(emulator.wsUrl);
    clients.push(c);
    c.send(create());
    await c.untilTerminal();
    expect(emulator.stats().delays).toEqual([]);
  });

  it('delays each direction by rtt/2 and the handshake by its round trips, and accounts for it', async () => {
    emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0, link: { rttMs: 40, downMbps: 2 } });
    const t0 = performance.now();
    const c = await RawClient.connect(emulator.wsUrl);
    clients.push(c);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    const t1 = performance.now();
    c.send(create());
    await c.untilTerminal();
    const elapsed = performance.now() - t1;
    expect(elapsed).toBeGreaterThanOrEqual(40);
    const stats = emulator.stats();
    expect(stats.delayTotals['link.handshake']).toBe(80);
    const up = stats.delays.filter((d) => d.kind === 'link.up');
    expect(up).toHaveLength(1);
    expect(up[0]?.ms).toBeGreaterThanOrEqual(20);
    // Download bandwidth: the last frame cannot arrive before all sent bytes were serialised at 2 Mbit/s.
    // A lower bound on elapsed time holds however loaded the machine is (load only adds time); the
    // per-frame modelled delays shrink when the server is slow, so they are checked only per frame.
    const down = stats.delays.filter((d) => d.kind === 'link.down');
    const bytes = stats.totals.payloadBytesSent;
    expect(down.length).toBeGreaterThan(0);
    for (const delay of down) expect(delay.ms).toBeGreaterThanOrEqual(20);
    expect(elapsed).toBeGreaterThanOrEqual((bytes * 8) / 2000 + 20 - 2);
  });

  it('models server cost per uncached vs cached token and per cold vs warm request', async () => {
    emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0, cost: { uncachedTokenMs: 0.01, cachedTokenMs: 0.001, coldRequestMs: 30, warmContinuationMs: 5, httpRequestMs: 50 } });
    const c = await RawClient.connect(emulator.wsUrl);
    clients.push(c);
    c.send(create());
    const first = responseOf((await c.untilTerminal()).at(-1));
    c.send(create({ previous_response_id: first['id'] }));
    await c.untilTerminal();
    await fetch(`${emulator.url}/responses`, { method: 'POST', headers: { Authorization: 'Bearer sk-test-emulator' }, body: JSON.stringify({ model: 'gpt-5.2', input: 'hi' }) });
    const stats = emulator.stats();
    const [r1, r2] = stats.requests;
    expect(stats.delayTotals['cost.coldRequest']).toBe(30);
    expect(stats.delayTotals['cost.warmContinuation']).toBe(5);
    expect(stats.delayTotals['cost.httpRequest']).toBe(50);
    expect(stats.delayTotals['cost.cachedTokens']).toBeCloseTo((r2?.cachedTokens ?? 0) * 0.001, 6);
    const uncached = (r1?.inputTokens ?? 0) + (r2?.inputTokens ?? 0) - (r2?.cachedTokens ?? 0) + (stats.requests[2]?.inputTokens ?? 0);
    expect(stats.delayTotals['cost.uncachedTokens']).toBeCloseTo(uncached * 0.01, 6);
  });
});

describe('transport details', () => {
  it('serves wss:// and https:// with a self-signed certificate', async () => {
    emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0, tls: true });
    expect(emulator.wsUrl.startsWith('wss://127.0.0.1:')).toBe(true);
    const c = await RawClient.connect(emulator.wsUrl, undefined, { ca: emulator.tlsCert ?? '' });
    clients.push(c);
    c.send(create());
    expect((await c.untilTerminal()).at(-1)?.type).toBe('response.completed');
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${emulator.url}/models`, { ca: emulator.tlsCert ?? '', headers: { Authorization: 'Bearer sk-test-emulator' } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ object: 'list' });
  });

  it('negotiates permessage-deflate when offered (wire bytes < payload bytes), and not when disabled', async () => {
    emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0 });
    const c = await RawClient.connect(emulator.wsUrl);
    clients.push(c);
    for (let i = 0; i < 3; i += 1) {
      c.send(create());
      await c.untilTerminal();
    }
    const conn = emulator.stats().connections[0];
    expect(conn?.deflate).toBe(true);
    expect(conn?.wireBytesReceived).toBeLessThan((conn?.payloadBytesReceived ?? 0) / 3);
    await emulator.close();

    emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0, deflate: false });
    const plain = await RawClient.connect(emulator.wsUrl);
    clients.push(plain);
    plain.send(create());
    await plain.untilTerminal();
    const plainConn = emulator.stats().connections[0];
    expect(plainConn?.deflate).toBe(false);
    expect(plainConn?.wireBytesReceived).toBeGreaterThan(plainConn?.payloadBytesReceived ?? 0);
  });

  it('pings periodically and terminates a socket that never answers', async () => {
    emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 25 });
    const good = await RawClient.connect(emulator.wsUrl);
    const silent = await RawClient.connect(emulator.wsUrl, undefined, { autoPong: false });
    clients.push(good, silent);
    let pings = 0;
    good.ws.on('ping', () => (pings += 1));
    await silent.closed;
    expect(good.isOpen).toBe(true);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(emulator.stats().pingTimeouts).toBe(1);
  });
});

describe('LinkDirection', () => {
  it('delivers frames in the order they were sent, even when sent a fraction of a millisecond apart', async () => {
    // One timer per frame used to reorder them (libuv's clock is whole milliseconds): an SSE stream then
    // lost response.completed behind data: [DONE] and the end of the body.
    const link = new LinkDirection(7.3, 1, 'down', () => undefined);
    const delivered: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      const until = performance.now() + 0.2 + (i % 7) * 0.1;
      while (performance.now() < until) {
        // Spin: frames leave at sub-millisecond offsets, as a paced stream's do.
      }
      all.push(new Promise((resolve) => link.carry(40 + (i % 3) * 10, () => (delivered.push(i), resolve()))));
    }
    await Promise.all(all);
    expect(delivered).toEqual([...Array(100).keys()]);
  });
});
