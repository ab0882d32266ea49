import { describe, expect, it } from 'vitest';
import { cryptoJitter, decideAfterError, NO_RETRIES_YET, overloadBackoffMs, type RetryLimits } from '../../../src/transport/retryPolicy';
import { mulberry32 } from '../../fakes/prng';
import type { WireError } from '../../../src/protocol/responses';

const limits: RetryLimits = { maxRecoveries: 1, maxOverloadRetries: 2, overloadBackoffMs: 100, maxRateLimitWaitMs: 5000 };

function wire(code: string, extra: Partial<WireError> = {}): WireError {
  return { status: 400, code, message: `${code} happened`, param: undefined, headers: {}, retryAfterMs: undefined, ...extra };
}

describe('decideAfterError', () => {
  it('401: authFailed, never a retry', () => {
    expect(decideAfterError(wire('invalid_api_key', { status: 401 }), NO_RETRIES_YET, limits)).toEqual({
      kind: 'stop',
      outcome: { kind: 'authFailed', message: 'invalid_api_key happened' },
    });
  });

  it('429: waits as told, accumulating, until the bound', () => {
    const first = decideAfterError(wire('rate_limit_exceeded', { status: 429, retryAfterMs: 3000 }), NO_RETRIES_YET, limits);
    expect(first).toMatchObject({ kind: 'retry', waitMs: 3000, budget: { rateLimitWaitedMs: 3000, rateLimitRetries: 1 } });
    if (first.kind !== 'retry') return;
    expect(decideAfterError(wire('rate_limit_exceeded', { status: 429, retryAfterMs: 3000 }), first.budget, limits)).toEqual({
      kind: 'stop',
      outcome: { kind: 'rateLimited', message: 'rate_limit_exceeded happened', retryAfterMs: 3000 },
    });
  });

  it('429 without a hint backs off exponentially', () => {
    const first = decideAfterError(wire('rate_limit_exceeded', { status: 429 }), NO_RETRIES_YET, limits);
    if (first.kind !== 'retry') throw new Error('expected retry');
    expect(first.waitMs).toBe(1000);
    const second = decideAfterError(wire('rate_limit_exceeded', { status: 429 }), first.budget, limits);
    expect(second).toMatchObject({ kind: 'retry', waitMs: 2000 });
  });

  it('insufficient_quota is not a rate limit to wait out', () => {
    expect(decideAfterError(wire('insufficient_quota', { status: 429 }), NO_RETRIES_YET, limits)).toMatchObject({ kind: 'stop', outcome: { kind: 'serverError', retryable: false } });
  });

  it('overloaded: bounded retries with backoff, then a retryable serverError', () => {
    const a = decideAfterError(wire('server_is_overloaded', { status: 503 }), NO_RETRIES_YET, limits);
    expect(a).toMatchObject({ kind: 'retry', waitMs: 100 });
    if (a.kind !== 'retry') return;
    const b = decideAfterError(wire('server_is_overloaded', { status: 503 }), a.budget, limits);
    expect(b).toMatchObject({ kind: 'retry', waitMs: 200 });
    if (b.kind !== 'retry') return;
    expect(decideAfterError(wire('server_is_overloaded', { status: 503 }), b.budget, limits)).toMatchObject({ kind: 'stop', outcome: { kind: 'serverError', retryable: true } });
  });

  it('lost chain: resend full once on the same socket; spent socket: retire it', () => {
    expect(decideAfterError(wire('previous_response_not_found'), NO_RETRIES_YET, limits)).toMatchObject({ kind: 'retry', waitMs: 0, retireConnection: false });
    expect(decideAfterError(wire('websocket_connection_limit_reached'), NO_RETRIES_YET, limits)).toMatchObject({ kind: 'retry', retireConnection: true });
    expect(decideAfterError(wire('previous_response_not_found'), { ...NO_RETRIES_YET, recoveries: 1 }, limits)).toMatchObject({ kind: 'stop' });
  });

  it('anything else stops, not retryable', () => {
    expect(decideAfterError(wire('context_length_exceeded'), NO_RETRIES_YET, limits)).toEqual({
      kind: 'stop',
      outcome: { kind: 'serverError', code: 'context_length_exceeded', message: 'context_length_exceeded happened', retryable: false },
    });
  });
});

describe('overload backoff jitter', () => {
  it('without a jitter source the steps are exact; with one, each wait lies between half and all of its step', () => {
    expect([0, 1, 2].map((retry) => overloadBackoffMs(100, retry))).toEqual([100, 200, 400]);
    expect(overloadBackoffMs(100, 1, () => 0)).toBe(100);
    expect(overloadBackoffMs(100, 1, () => 0.5)).toBe(150);
    const rng = mulberry32(7);
    for (let retry = 0; retry < 4; retry++) {
      const step = 100 * 2 ** retry;
      const waitMs = overloadBackoffMs(100, retry, rng);
      expect(waitMs).toBeGreaterThanOrEqual(step / 2);
      expect(waitMs).toBeLessThanOrEqual(step);
    }
  });

  it('the policy uses the injected source, so a seeded run repeats exactly and two seeds spread', () => {
    const decide = (seed: number): number[] => {
      const jittered: RetryLimits = { ...limits, maxOverloadRetries: 3, jitter: mulberry32(seed) };
      const waits: number[] = [];
      let budget = NO_RETRIES_YET;
      for (;;) {
        const decision = decideAfterError(wire('server_is_overloaded', { status: 503 }), budget, jittered);
        if (decision.kind !== 'retry') return waits;
        waits.push(decision.waitMs);
        budget = decision.budget;
      }
    };
    expect(decide(1)).toHaveLength(3);
    expect(decide(1)).toEqual(decide(1));
    expect(decide(1)).not.toEqual(decide(2));
  });

  it('the default source is uniform in [0, 1)', () => {
    const samples = Array.from({ length: 200 }, () => cryptoJitter());
    expect(samples.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(samples).size).toBeGreaterThan(190);
  });
});
