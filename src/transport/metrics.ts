/**
 * Wire and token figures per request and per session: what the turn footer, the status bar and the
 * benchmarks show ("sent 1.2 kB instead of 48 kB; 9.1k cached tokens").
 */
import type { Usage } from '../protocol/items';
import type { RequestMetrics } from './modelClient';

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Accumulates one request's figures across all its attempts (recoveries resend, and count). */
export class RequestMeter {
  private readonly startedAt: number;
  private firstEventAt: number | undefined;
  private firstTokenAt: number | undefined;
  private bytesSent = 0;
  private wireBytesSent = 0;
  private bytesReceived = 0;
  private recoveries = 0;
  private connectMs: number | undefined;
  private connectAvoidedMs: number | undefined;
  private warmupAvoidedMs = 0;
  transport: 'websocket' | 'http';
  mode: RequestMetrics['mode'];

  constructor(
    private readonly now: () => number,
    readonly lane: string | undefined,
    /** Size of the full-context request a stateless client would send. */
    readonly statelessBytes: number,
    transport: 'websocket' | 'http',
    mode: RequestMetrics['mode'],
  ) {
    this.startedAt = now();
    this.transport = transport;
    this.mode = mode;
  }

  sent(payloadBytes: number): void {
    this.bytesSent += payloadBytes;
  }

  /** The compressed size of what `sent` counted, once the socket has written it (undefined: unknown). */
  wireWritten(wireBytes: number | undefined, payloadBytes: number): void {
    this.wireBytesSent += wireBytes ?? payloadBytes;
  }

  received(bytes: number): void {
    this.bytesReceived += bytes;
    this.firstEventAt ??= this.now();
  }

  firstToken(): void {
    this.firstTokenAt ??= this.now();
  }

  recovered(): void {
    this.recoveries += 1;
  }

  get recoveryCount(): number {
    return this.recoveries;
  }

  /**
   * An attempt of this request runs on a socket whose connect took `connectMs` (as measured when it
   * opened). Only the first attempt decides what was avoided: `openBeforeRequest` says the socket was
   * already open when the request was made, so this request did not wait for any part of its connect.
   */
  ranOnSocket(connectMs: number, openBeforeRequest: boolean): void {
    this.connectMs = connectMs;
    this.connectAvoidedMs ??= openBeforeRequest ? connectMs : 0;
  }

  /** This request continued a warm-up response; `ms` is the warm-up's time that ran before the request was made. */
  continuedWarmup(ms: number): void {
    this.warmupAvoidedMs = Math.max(0, ms);
  }

  finish(responseId: string | undefined, usage: Usage | undefined): RequestMetrics {
    // Time saved is claimed only when it held for the whole request: on the socket, not a warm-up, and
    // no recovery (a resend in full, usually on a new socket, gives the saving back).
    const saves = this.transport === 'websocket' && this.mode !== 'warmup' && this.recoveries === 0;
    return {
      lane: this.lane,
      transport: this.transport,
      mode: this.mode,
      responseId,
      bytesSent: this.bytesSent,
      // Unknown wire sizes were counted as uncompressed: the meter never claims savings it cannot see.
      wireBytesSent: this.wireBytesSent,
      bytesReceived: this.bytesReceived,
      statelessBytes: this.statelessBytes,
      usage,
      timeToFirstEventMs: this.firstEventAt === undefined ? undefined : this.firstEventAt - this.startedAt,
      timeToFirstTokenMs: this.firstTokenAt === undefined ? undefined : this.firstTokenAt - this.startedAt,
      totalMs: this.now() - this.startedAt,
      recoveries: this.recoveries,
      connectMs: this.transport === 'websocket' ? this.connectMs : undefined,
      connectAvoidedMs: saves ? (this.connectAvoidedMs ?? 0) : 0,
      warmupAvoidedMs: saves ? this.warmupAvoidedMs : 0,
    };
  }
}

/** Sums over a session (the status bar's tooltip, the benchmark's report). */
export interface SessionTotals {
  requests: number;
  deltaRequests: number;
  fullRequests: number;
  warmups: number;
  bytesSent: number;
  wireBytesSent: number;
  bytesReceived: number;
  statelessBytes: number;
  inputTokens: number;
  cachedTokens: number;
  /** Tokens written to the prompt cache, where the server reports them (warm-ups are cache writes). */
  cacheWriteTokens: number;
  outputTokens: number;
  recoveries: number;
}

export function emptyTotals(): SessionTotals {
  return {
    requests: 0,
    deltaRequests: 0,
    fullRequests: 0,
    warmups: 0,
    bytesSent: 0,
    wireBytesSent: 0,
    bytesReceived: 0,
    statelessBytes: 0,
    inputTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    recoveries: 0,
  };
}

export function addToTotals(totals: SessionTotals, metrics: RequestMetrics): SessionTotals {
  return {
    requests: totals.requests + 1,
    deltaRequests: totals.deltaRequests + (metrics.mode === 'delta' ? 1 : 0),
    fullRequests: totals.fullRequests + (metrics.mode === 'full' ? 1 : 0),
    warmups: totals.warmups + (metrics.mode === 'warmup' ? 1 : 0),
    bytesSent: totals.bytesSent + metrics.bytesSent,
    wireBytesSent: totals.wireBytesSent + metrics.wireBytesSent,
    bytesReceived: totals.bytesReceived + metrics.bytesReceived,
    statelessBytes: totals.statelessBytes + metrics.statelessBytes,
    inputTokens: totals.inputTokens + (metrics.usage?.inputTokens ?? 0),
    cachedTokens: totals.cachedTokens + (metrics.usage?.cachedTokens ?? 0),
    cacheWriteTokens: totals.cacheWriteTokens + (metrics.usage?.cacheWriteTokens ?? 0),
    outputTokens: totals.outputTokens + (metrics.usage?.outputTokens ?? 0),
    recoveries: totals.recoveries + metrics.recoveries,
  };
}
