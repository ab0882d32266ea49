/** Warm-up on its own, against stand-in ports; and the per-connection records of completed warm-ups. */
import { describe, expect, it } from 'vitest';
import type { ModelOutcome, ModelRequest, RequestMetrics } from '../../../src/transport/modelClient';
import { warmUp, WarmupRecords, type WarmUpPorts } from '../../../src/transport/warmUp';
import { request } from './transportHarness';

const metrics = (totalMs: number): RequestMetrics => ({
  lane: undefined,
  transport: 'websocket',
  mode: 'warmup',
  responseId: 'resp_w',
  bytesSent: 1,
  wireBytesSent: 1,
  bytesReceived: 1,
  statelessBytes: 0,
  usage: undefined,
  timeToFirstEventMs: undefined,
  timeToFirstTokenMs: undefined,
  totalMs,
  recoveries: 0,
  connectMs: 12,
  connectAvoidedMs: 0,
  warmupAvoidedMs: 0,
});

function ports(overrides: Partial<WarmUpPorts> = {}): WarmUpPorts & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    isDisposed: false,
    usingHttp: false,
    warn: (m) => calls.push(`warn ${m}`),
    warmupRequest: undefined,
    readKey: async () => 'sk-key-0123456789',
    openSocket: async () => {
      calls.push('open');
      return undefined;
    },
    isWarm: () => false,
    run: async (_request: ModelRequest, _token, onMeasured) => {
      calls.push('run');
      const measured = metrics(50);
      onMeasured(measured);
      return { kind: 'completed', responseId: 'resp_w', output: [], usage: undefined, metrics: measured };
    },
    recordOf: () => ({ startedAt: 100, endedAt: 130 }),
    markWarm: (ms) => calls.push(`warm ${ms}`),
    ...overrides,
  };
}

describe('warmUp', () => {
  it('runs the request as a warm-up and reports the whole latency and the request’s own time on the socket', async () => {
    const p = ports();
    expect(await warmUp(p, request([]))).toEqual({ kind: 'warm', responseId: 'resp_w', latencyMs: 50, requestMs: 30, metrics: metrics(50) });
    expect(p.calls).toEqual(['run', 'warm 50']);
  });

  it('without a record of the run, the request time is the whole latency', async () => {
    expect(await warmUp(ports({ recordOf: () => undefined }), request([]))).toMatchObject({ kind: 'warm', requestMs: 50 });
  });

  it('skips when disposed, over HTTP, or already warm for the lane', async () => {
    expect(await warmUp(ports({ isDisposed: true }), request([]))).toEqual({ kind: 'skipped', reason: 'disposed' });
    expect(await warmUp(ports({ usingHttp: true }), request([]))).toEqual({ kind: 'skipped', reason: 'HTTP/SSE in use: warm-up is WebSocket-only' });
    const warm = ports({ isWarm: (lane) => lane === 'inline-1' });
    expect(await warmUp(warm, request([], { lane: 'inline-1' }))).toEqual({ kind: 'skipped', reason: 'already warm' });
    expect(warm.calls).toEqual([]);
  });

  it('with nothing to warm with, only opens the socket (or says why not)', async () => {
    const p = ports();
    expect(await warmUp(p)).toEqual({ kind: 'skipped', reason: 'no warm-up request: socket opened only' });
    expect(p.calls).toEqual(['open']);
    expect(await warmUp(ports({ readKey: async () => undefined }))).toEqual({ kind: 'skipped', reason: 'no API key' });
    const refused: ModelOutcome = { kind: 'authFailed', message: 'The server refused the API key (HTTP 401).' };
    expect(await warmUp(ports({ openSocket: async () => refused }))).toEqual({ kind: 'failed', outcome: refused });
  });

  it('uses warmupRequest when no request is given; a throwing provider is logged and the socket still opens', async () => {
    const given = ports({ warmupRequest: () => request([]) });
    expect((await warmUp(given)).kind).toBe('warm');
    const throwing = ports({
      warmupRequest: () => {
        throw new Error('no model yet');
      },
    });
    expect(await warmUp(throwing)).toEqual({ kind: 'skipped', reason: 'no warm-up request: socket opened only' });
    expect(throwing.calls).toEqual(['warn The warm-up request provider failed: no model yet', 'open']);
  });

  it('a warm-up skipped by the run (HTTP chosen meanwhile) is skipped; any other outcome failed', async () => {
    const skipped: ModelOutcome = { kind: 'serverError', code: 'warmup_skipped', message: 'HTTP/SSE in use', retryable: false };
    expect(await warmUp(ports({ run: async () => skipped }), request([]))).toEqual({ kind: 'skipped', reason: 'HTTP/SSE in use' });
    const lost: ModelOutcome = { kind: 'networkError', message: 'gone' };
    expect(await warmUp(ports({ run: async () => lost }), request([]))).toEqual({ kind: 'failed', outcome: lost });
  });
});

describe('WarmupRecords', () => {
  it('keeps the latest eight, hands each out once, and forgets everything on dispose', () => {
    const records = new WarmupRecords();
    for (let i = 0; i < 10; i++) records.remember(`resp_${i}`, { startedAt: i, endedAt: i + 1 });
    expect(records.size).toBe(8);
    expect(records.get('resp_0')).toBeUndefined();
    expect(records.get('resp_9')).toEqual({ startedAt: 9, endedAt: 10 });
    expect(records.take('resp_9')).toEqual({ startedAt: 9, endedAt: 10 });
    expect(records.take('resp_9')).toBeUndefined();
    records.dispose();
    expect(records.size).toBe(0);
  });
});
