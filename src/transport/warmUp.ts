/**
 * Warm-up: open the socket and send `generate: false` with the real model, instructions and tools, so
 * the first prompt goes as a delta from the warm response id and pays neither the handshake nor the
 * prefill of the fixed part. Also the records of completed warm-ups (per connection, in its scope), so a
 * request that continues one can tell how much of it ran before the caller asked (time saved).
 */
import { CancellationToken } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { errorMessage } from '../common/result';
import type { ModelOutcome, ModelRequest, RequestMetrics } from './modelClient';

export type WarmUpResult =
  /**
   * `latencyMs`: the whole warm-up, connect included; `requestMs`: the warm-up request's own time on the
   * socket (sent to completed), which is what a later request that continues it takes off the critical path.
   * The socket's measured connect is `metrics.connectMs`.
   */
  | { kind: 'warm'; responseId: string; latencyMs: number; requestMs: number; metrics: RequestMetrics }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; outcome: ModelOutcome };

/** When a warm-up's request went out and when it completed (clock time). */
export interface WarmupRun {
  startedAt: number;
  endedAt: number;
}

/** Only a lane's latest response can be continued; a few entries cover every lane that warms. */
const RECORDS_KEPT = 8;

/** Completed warm-ups of one connection, by response id. */
export class WarmupRecords implements Disposable {
  private readonly runs = new Map<string, WarmupRun>();

  remember(responseId: string, run: WarmupRun): void {
    this.runs.set(responseId, run);
    for (const id of this.runs.keys()) {
      if (this.runs.size <= RECORDS_KEPT) break;
      this.runs.delete(id);
    }
  }

  get(responseId: string): WarmupRun | undefined {
    return this.runs.get(responseId);
  }

  /** The record of `responseId`, forgotten: a warm-up is continued (and counted) once. */
  take(responseId: string): WarmupRun | undefined {
    const run = this.runs.get(responseId);
    this.runs.delete(responseId);
    return run;
  }

  get size(): number {
    return this.runs.size;
  }

  dispose(): void {
    this.runs.clear();
  }
}

/** What a warm-up needs from the transport. */
export interface WarmUpPorts {
  readonly isDisposed: boolean;
  readonly usingHttp: boolean;
  warn(message: string): void;
  /** The request to warm with when the caller gives none. */
  warmupRequest: (() => ModelRequest | undefined | Promise<ModelRequest | undefined>) | undefined;
  readKey(): Promise<string | undefined>;
  /** Opens (or reuses) the socket; an outcome when that failed. */
  openSocket(key: string, token: CancellationToken): Promise<ModelOutcome | undefined>;
  /** The current socket is usable and already holds a chain for `lane`. */
  isWarm(lane: string | undefined): boolean;
  /** Runs `request` as a warm-up (`generate: false`) through the lanes and the attempt loop. */
  run(request: ModelRequest, token: CancellationToken, onMeasured: (metrics: RequestMetrics) => void): Promise<ModelOutcome>;
  /** The record of the warm-up that produced `responseId`, on the current socket. */
  recordOf(responseId: string): WarmupRun | undefined;
  /** The socket is warm: `latencyMs` is what the status shows. */
  markWarm(latencyMs: number): void;
}

/**
 * Warms the socket with `request`, else with `warmupRequest()`. Without either it still opens the
 * socket, which saves the handshake on the first prompt.
 */
export async function warmUp(ports: WarmUpPorts, request?: ModelRequest, token: CancellationToken = CancellationToken.None): Promise<WarmUpResult> {
  if (ports.isDisposed) return { kind: 'skipped', reason: 'disposed' };
  if (ports.usingHttp) return { kind: 'skipped', reason: 'HTTP/SSE in use: warm-up is WebSocket-only' };
  let warmRequest = request;
  try {
    warmRequest ??= await ports.warmupRequest?.();
  } catch (error) {
    ports.warn(`The warm-up request provider failed: ${errorMessage(error)}`);
  }
  if (!warmRequest) {
    const key = await ports.readKey();
    if (!key) return { kind: 'skipped', reason: 'no API key' };
    const failed = await ports.openSocket(key, token);
    return failed ? { kind: 'failed', outcome: failed } : { kind: 'skipped', reason: 'no warm-up request: socket opened only' };
  }
  if (ports.isWarm(warmRequest.lane)) return { kind: 'skipped', reason: 'already warm' };
  let measured: RequestMetrics | undefined;
  const outcome = await ports.run(warmRequest, token, (m) => (measured = m));
  if (outcome.kind === 'completed' && measured) {
    ports.markWarm(measured.totalMs);
    const run = ports.recordOf(outcome.responseId);
    const requestMs = run ? run.endedAt - run.startedAt : measured.totalMs;
    return { kind: 'warm', responseId: outcome.responseId, latencyMs: measured.totalMs, requestMs, metrics: measured };
  }
  if (outcome.kind === 'serverError' && outcome.code === 'warmup_skipped') return { kind: 'skipped', reason: outcome.message };
  return { kind: 'failed', outcome };
}
