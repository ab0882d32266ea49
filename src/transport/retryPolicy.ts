/**
 * What to do when the server answers a request with an error: retry (after how long, and whether the
 * socket is spent) or stop with a typed outcome. Pure: the request run (requestRun.ts) does the waiting.
 *
 * Every retry resends the full context: a failed turn evicts the referenced response from the server's
 * cache (protocol §4), so a failed continuation cannot be retried as a delta.
 */
import type { WireError } from '../protocol/responses';
import type { ModelOutcome } from './modelClient';

export interface RetryBudget {
  /** Reconnect/resend-full recoveries used (lost chain, lost or spent socket). */
  recoveries: number;
  overloadRetries: number;
  rateLimitRetries: number;
  rateLimitWaitedMs: number;
}

export interface RetryLimits {
  maxRecoveries: number;
  maxOverloadRetries: number;
  overloadBackoffMs: number;
  /** Total wait on rate limits per request; asked to wait longer → `rateLimited` at once. */
  maxRateLimitWaitMs: number;
  /**
   * A uniform number in [0, 1) per overload retry, so that clients refused together do not all come
   * back together: the wait is then between half and all of the exponential step ("equal jitter").
   * Absent: the exact step. Injectable so tests (and seeded campaigns) stay deterministic.
   */
  jitter?: () => number;
}

/** The default jitter source: uniform in [0, 1) from the platform's crypto (lint bans `Math.random`). */
export function cryptoJitter(): number {
  return (globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) / 2 ** 32;
}

/** The wait before overload retry number `retry` (0-based): `baseMs · 2^retry`, jittered when a source is given. */
export function overloadBackoffMs(baseMs: number, retry: number, jitter?: () => number): number {
  const step = baseMs * 2 ** retry;
  return jitter ? Math.round(step / 2 + (jitter() * step) / 2) : step;
}

export type RetryDecision =
  | { kind: 'retry'; waitMs: number; budget: RetryBudget; retireConnection: boolean; why: string }
  | { kind: 'stop'; outcome: ModelOutcome };

export const NO_RETRIES_YET: RetryBudget = { recoveries: 0, overloadRetries: 0, rateLimitRetries: 0, rateLimitWaitedMs: 0 };

/** `error.message` must already be redacted: it ends up in outcomes the UI shows. */
export function decideAfterError(error: WireError, budget: RetryBudget, limits: RetryLimits): RetryDecision {
  const { code, message } = error;
  if (error.status === 401 || error.status === 403 || code === 'invalid_api_key') {
    return { kind: 'stop', outcome: { kind: 'authFailed', message } };
  }
  if (code === 'insufficient_quota') {
    // A billing problem: waiting does not help.
    return { kind: 'stop', outcome: { kind: 'serverError', code, message, retryable: false } };
  }
  if (code === 'rate_limit_exceeded' || error.status === 429) {
    const waitMs = error.retryAfterMs ?? 1000 * 2 ** Math.min(budget.rateLimitRetries, 4);
    if (budget.rateLimitWaitedMs + waitMs > limits.maxRateLimitWaitMs) {
      return { kind: 'stop', outcome: { kind: 'rateLimited', message, retryAfterMs: error.retryAfterMs } };
    }
    return {
      kind: 'retry',
      waitMs,
      retireConnection: false,
      why: `rate limited: waiting ${waitMs} ms as the server asked`,
      budget: { ...budget, rateLimitRetries: budget.rateLimitRetries + 1, rateLimitWaitedMs: budget.rateLimitWaitedMs + waitMs },
    };
  }
  if (code === 'server_is_overloaded' || code === 'server_error' || code === 'overloaded' || (error.status !== undefined && error.status >= 500)) {
    if (budget.overloadRetries >= limits.maxOverloadRetries) {
      return { kind: 'stop', outcome: { kind: 'serverError', code, message, retryable: true } };
    }
    const waitMs = overloadBackoffMs(limits.overloadBackoffMs, budget.overloadRetries, limits.jitter);
    return { kind: 'retry', waitMs, retireConnection: false, why: `${code}: backing off ${waitMs} ms`, budget: { ...budget, overloadRetries: budget.overloadRetries + 1 } };
  }
  if (code === 'previous_response_not_found' || code === 'websocket_connection_limit_reached' || code === 'websocket_stream_limit_reached') {
    if (budget.recoveries >= limits.maxRecoveries) {
      return { kind: 'stop', outcome: { kind: 'serverError', code, message, retryable: true } };
    }
    return {
      kind: 'retry',
      waitMs: 0,
      // The socket is spent (aged out, or out of lanes); a lost chain only needs a full resend.
      retireConnection: code !== 'previous_response_not_found',
      why: `${code}: resending the full context`,
      budget: { ...budget, recoveries: budget.recoveries + 1 },
    };
  }
  return { kind: 'stop', outcome: { kind: 'serverError', code, message, retryable: false } };
}
