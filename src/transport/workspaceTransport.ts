/**
 * The workspace session: one warm WebSocket per workspace, spoken to as a `ModelClient`.
 *
 * Callers always pass their full transcript. The session decides per request whether the wire carries a
 * delta or the full input (chain.ts), keeps lanes apart (lanes.ts), warms the socket with
 * `generate: false`, rotates it before the 60-minute limit (between requests only: in the background while
 * idle, re-warmed with the conversation so the next prompt stays a delta, else at the next request), recovers from a lost
 * connection or lost server state by resending the same request in full on a new socket (it never
 * re-runs tools), and falls back to HTTP/SSE quickly when the socket cannot be used. Every run ends in a
 * typed outcome; nothing throws across this boundary, and the API key never appears in any text it emits.
 */
import { isLoopbackUrl } from '../common/loopback';
import { CancellationToken, CancellationTokenSource } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/event';
import { redactSecrets } from '../common/redact';
import { errorMessage } from '../common/result';
import { userMessage, type ResponseItem, type Usage } from '../protocol/items';
import {
  STREAM_ID_PATTERN,
  toHttpBody,
  type ResponseCreateFrame,
  type ResponseRequestParams,
  type ResponseSteerFrame,
  type ServerEvent,
  type WireError,
} from '../protocol/responses';
import { ChainMemory, laneKey, paramsFromKey, paramsKey, type ChainLink, type WirePlan } from './chain';
import { recordingSocketFactory, type FrameRecorder } from './frameRecorder';
import { streamResponses, type FetchLike } from './httpTransport';
import { LaneScheduler, type LaneLimits } from './lanes';
import { addToTotals, emptyTotals, RequestMeter, utf8Bytes, type SessionTotals } from './metrics';
import type {
  ModelClient,
  ModelOutcome,
  ModelRequest,
  ModelStreamEvent,
  RequestMetrics,
  RunOptions,
  SteerResult,
  TransportState,
} from './modelClient';
import { ResponseReader, type ReadEnd } from './responseReader';
import { decideAfterError, NO_RETRIES_YET, type RetryBudget } from './retryPolicy';
import { wsSocketFactory, type SocketFactory } from './socket';
import { TransportStateHolder } from './state';
import { SteerTracker } from './steer';
import { WsConnection, type ConnectFailure, type ConnectionLoss } from './wsConnection';

export type TransportMode = 'auto' | 'websocket' | 'http';

export interface TransportLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type { Clock } from '../common/clock';
import type { Clock } from '../common/clock';

export interface WorkspaceTransportOptions {
  /** The HTTP base URL including the version, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Asked before each connect and each request; undefined or empty means "no key set". */
  apiKey: () => Promise<string | undefined>;
  organization?: string;
  project?: string;
  /** Default `auto`: WebSocket, falling back to HTTP/SSE at once when the socket cannot be used. */
  transport?: TransportMode;
  /** Default for `store` when a request does not say. Default false (zero data retention). */
  store?: boolean;
  /** Default 5000. A proxy that swallows upgrades shows up as a timeout: keep this short. */
  connectTimeoutMs?: number;
  /** Longest silence tolerated while a response is being read. Default 300000 (as Codex). */
  idleTimeoutMs?: number;
  /** Rotate the socket (between requests) once it is this old. Default 55 minutes. */
  rotateAfterMs?: number;
  /**
   * Rotate in the background: once the socket is `rotateAfterMs` old and no lane has had a request for
   * `rotationIdleMs`, open the next socket and re-warm it (`generate: false`) with the default lane's whole
   * context, so the next prompt is a delta. Default true; false (`holdfast.warmup: off`) sends nothing
   * unasked, and the socket rotates when the next request comes (which then goes full).
   */
  rotateInBackground?: boolean;
  /** Quiet time on every lane before a background rotation starts. Default 10000. */
  rotationIdleMs?: number;
  /** How long a fallback to HTTP is remembered before the socket is tried again. Default 10 minutes. */
  fallbackMemoryMs?: number;
  /** Connect failures (network errors, 5xx on upgrade) before falling back. Default 2. Timeouts and 426 fall back at once. */
  connectAttemptsBeforeFallback?: number;
  /** Reconnect-and-resend-full recoveries per request (lost connection, lost chain). Default 1. */
  maxRecoveriesPerRequest?: number;
  /** Total time one request may spend waiting on rate limits before giving up `rateLimited`. Default 30000. */
  maxRateLimitWaitMs?: number;
  /** Retries of `server_is_overloaded` / 5xx per request. Default 2, with backoff from `overloadBackoffMs` (default 500). */
  maxOverloadRetries?: number;
  overloadBackoffMs?: number;
  /** How long a steer waits for the server's reply before it counts as not delivered. Default 10000. */
  steerReplyTimeoutMs?: number;
  /**
   * Offer permessage-deflate. Default: on, except for loopback servers, where there is no bandwidth to
   * save and inflating every event costs the client ~10× the CPU of reading it plain (see the bench).
   */
  perMessageDeflate?: boolean;
  socketFactory?: SocketFactory;
  fetch?: FetchLike;
  clock?: Clock;
  logger?: TransportLogger;
  /** What to warm the socket with: the real model, instructions and tools of the next request. */
  warmupRequest?: () => ModelRequest | undefined | Promise<ModelRequest | undefined>;
  laneLimits?: Partial<LaneLimits>;
  /** The flight recorder: every frame sent and received (socket and HTTP/SSE), redacted. Absent = nothing recorded. */
  recorder?: FrameRecorder;
}

export type WarmUpResult =
  /**
   * `latencyMs`: the whole warm-up, connect included; `requestMs`: the warm-up request's own time on the
   * socket (sent to completed), which is what a later request that continues it takes off the critical path.
   * The socket's measured connect is `metrics.connectMs`.
   */
  | { kind: 'warm'; responseId: string; latencyMs: number; requestMs: number; metrics: RequestMetrics }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; outcome: ModelOutcome };

const OPENAI_BETA = 'responses_websockets=2026-02-06';

/** The socket URL for a base URL: https → wss, http → ws, plus `/responses`. */
export function webSocketUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return `${trimmed.replace(/^https:/i, 'wss:').replace(/^http:/i, 'ws:')}/responses`;
}

type Route = { kind: 'ws'; connection: WsConnection } | { kind: 'http' } | { kind: 'outcome'; outcome: ModelOutcome };

type AttemptResult =
  | { kind: 'end'; end: ReadEnd }
  | { kind: 'lost'; loss: ConnectionLoss | { reason: string; message: string; lane?: string | undefined } }
  | { kind: 'cancelled' };

/** What the session knows about the request running on a lane (for steering). */
interface ActiveRequest {
  connection: WsConnection | undefined;
  reader: ResponseReader;
  steer: SteerTracker;
  /** Resolves with the response id once known, undefined when the attempt ended first. */
  responseId: Promise<string | undefined>;
}

export class WorkspaceTransport implements ModelClient, Disposable {
  private readonly stateHolder = new TransportStateHolder();
  private readonly measureEmitter = new Emitter<RequestMetrics>();
  readonly onDidChangeState: Event<TransportState> = this.stateHolder.onDidChange;
  readonly onDidMeasure: Event<RequestMetrics> = this.measureEmitter.event;

  private readonly lanes: LaneScheduler;
  private readonly httpChain = new ChainMemory();
  private readonly socketFactory: SocketFactory;
  private readonly fetchImpl: FetchLike;
  private readonly clock: Clock;
  private readonly log: TransportLogger;

  private connection: WsConnection | undefined;
  private connectionKey: string | undefined;
  private opening: Promise<{ result: Awaited<ReturnType<typeof WsConnection.open>>; key: string }> | undefined;
  /** Openings dropped by `resetConnection`: their result is closed, not adopted. */
  private readonly staleOpenings = new WeakSet<Promise<unknown>>();
  private hadConnection = false;
  private reconnectAttempt = 0;
  private lastLossReason = '';
  private fallbackUntil = 0;
  private fallbackReason = '';
  private busy = 0;
  private noKey = false;
  private authErrorMessage: string | undefined;
  private offlineMessage: string | undefined;
  private connecting = false;
  private warmLatencyMs: number | undefined;
  private knownSecrets: string[] = [];
  private totalsValue: SessionTotals = emptyTotals();
  private readonly active = new Map<string, ActiveRequest>();
  private readonly lastSteerByLane = new Map<string, { steer: SteerTracker; connection: WsConnection; lane: string | undefined }>();
  /** Completed warm-ups by response id: when their request went out and when it completed (clock time). */
  private readonly warmupRuns = new Map<string, { startedAt: number; endedAt: number }>();
  private disposed = false;
  /** Background rotation: its timer, the rotation in flight (and the socket it replaces), and when a lane last finished a request. */
  private rotationTimer: Disposable | undefined;
  private rotation: { done: Promise<void>; from: WsConnection; source: CancellationTokenSource } | undefined;
  /** A connection not to rotate in the background before `until` (Infinity: leave it to the next request). */
  private rotationHold: { connection: WsConnection; until: number } | undefined;
  private lastActivityAt = 0;

  constructor(private options: WorkspaceTransportOptions) {
    this.lanes = new LaneScheduler(options.laneLimits);
    const socketFactory = options.socketFactory ?? wsSocketFactory;
    this.socketFactory = options.recorder ? recordingSocketFactory(socketFactory, options.recorder) : socketFactory;
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    this.clock = options.clock ?? { now: () => Date.now() };
    const logger = options.logger ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
    // Every line goes through redaction, whatever its origin (server messages may quote headers).
    this.log = {
      info: (m) => logger.info(this.redact(m)),
      warn: (m) => logger.warn(this.redact(m)),
      error: (m) => logger.error(this.redact(m)),
    };
    this.refreshState();
  }

  get state(): TransportState {
    return this.stateHolder.state;
  }

  /** The flight recording (redacted JSONL, replayable by the emulator), or undefined without a recorder. */
  recording(): string | undefined {
    return this.options.recorder?.toJsonl();
  }

  /** Sums over every request of this session (including warm-ups). */
  get totals(): SessionTotals {
    return this.totalsValue;
  }

  /** True while a fallback to HTTP is remembered (or HTTP is the configured mode). */
  get usingHttp(): boolean {
    return this.mode === 'http' || this.clock.now() < this.fallbackUntil;
  }

  private get mode(): TransportMode {
    return this.options.transport ?? 'auto';
  }

  /**
   * Applies changed settings. Anything that changes where or how we connect drops the socket and the
   * remembered fallback; the next request starts a new chain in full.
   */
  reconfigure(changes: Partial<Omit<WorkspaceTransportOptions, 'socketFactory' | 'fetch' | 'clock' | 'logger'>>): void {
    this.options = { ...this.options, ...changes };
    this.authErrorMessage = undefined;
    this.fallbackUntil = 0;
    this.resetConnection('settings changed');
  }

  /** Drops the socket and all chain state (new API key, "New Session", settings change). */
  resetConnection(reason = 'reset'): void {
    this.log.info(`Resetting the connection: ${reason}`);
    this.stopBackgroundRotation();
    this.connection?.close('disposed');
    this.connection = undefined;
    // A connect still in flight was for the old key or URL: never adopt it; the next request opens anew.
    if (this.opening) this.staleOpenings.add(this.opening);
    this.opening = undefined;
    this.connecting = false;
    this.httpChain.clear();
    this.authErrorMessage = undefined;
    this.refreshState();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopBackgroundRotation();
    this.connection?.close('disposed');
    this.connection = undefined;
    this.stateHolder.dispose();
    this.measureEmitter.dispose();
  }

  // ─── Warm-up ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Opens the socket and sends `generate: false` with the real model, instructions and tools (from
   * `warmupRequest`, or `request`), so the first prompt goes as a delta from the warm response id.
   */
  async warmUp(request?: ModelRequest, token: CancellationToken = CancellationToken.None): Promise<WarmUpResult> {
    if (this.disposed) return { kind: 'skipped', reason: 'disposed' };
    if (this.usingHttp) return { kind: 'skipped', reason: 'HTTP/SSE in use: warm-up is WebSocket-only' };
    let warmRequest = request;
    try {
      warmRequest ??= await this.options.warmupRequest?.();
    } catch (error) {
      this.log.warn(`The warm-up request provider failed: ${errorMessage(error)}`);
    }
    if (!warmRequest) {
      // Nothing to warm with: still open the socket, which saves the handshake on the first prompt.
      const key = await this.getKey();
      if (!key) return { kind: 'skipped', reason: 'no API key' };
      const route = await this.route(key, token);
      return route.kind === 'outcome' ? { kind: 'failed', outcome: route.outcome } : { kind: 'skipped', reason: 'no warm-up request: socket opened only' };
    }
    if (this.connection?.isUsable && this.connection.chain.linkFor(warmRequest.lane)) {
      return { kind: 'skipped', reason: 'already warm' };
    }
    let measured: RequestMetrics | undefined;
    const outcome = await this.execute(warmRequest, { token }, true, (m) => (measured = m));
    if (outcome.kind === 'completed' && measured) {
      this.warmLatencyMs = measured.totalMs;
      this.refreshState();
      const run = this.warmupRuns.get(outcome.responseId);
      const requestMs = run ? run.endedAt - run.startedAt : measured.totalMs;
      return { kind: 'warm', responseId: outcome.responseId, latencyMs: measured.totalMs, requestMs, metrics: measured };
    }
    if (outcome.kind === 'serverError' && outcome.code === 'warmup_skipped') return { kind: 'skipped', reason: outcome.message };
    return { kind: 'failed', outcome };
  }

  // ─── Background rotation ──────────────────────────────────────────────────────────────────────────

  /** Resolves when the background rotation in flight (if any) has finished; for tests and measurements. */
  async rotationSettled(): Promise<void> {
    await this.rotation?.done;
  }

  private get rotateAfterMs(): number {
    return this.options.rotateAfterMs ?? 55 * 60_000;
  }

  /** When `connection` may be rotated in the background: old enough, every lane quiet long enough, not held. */
  private rotationDueAt(connection: WsConnection): number {
    const held = this.rotationHold?.connection === connection ? this.rotationHold.until : -Infinity;
    return Math.max(connection.openedAt + this.rotateAfterMs, this.lastActivityAt + (this.options.rotationIdleMs ?? 10_000), held);
  }

  /** (Re)arms the timer for the current socket: when a socket is adopted and whenever a request ends. */
  private armRotationTimer(): void {
    this.rotationTimer?.dispose();
    this.rotationTimer = undefined;
    const connection = this.connection;
    if (this.disposed || this.options.rotateInBackground === false || this.rotation || !connection?.isUsable) return;
    const dueAt = this.rotationDueAt(connection);
    if (dueAt === Infinity) return;
    this.rotationTimer = this.setTimer(() => {
      this.rotationTimer = undefined;
      this.onRotationDue(connection);
    }, Math.max(0, dueAt - this.clock.now()));
  }

  private onRotationDue(connection: WsConnection): void {
    if (this.disposed || this.rotation || this.connection !== connection || !connection.isUsable) return;
    if (this.options.rotateInBackground === false || this.usingHttp || this.authErrorMessage !== undefined || this.noKey) return;
    // Busy: the request's end re-arms the timer (and a request that finds the socket old rotates it itself).
    if (this.lanes.inFlight > 0 || this.lanes.queued > 0) return;
    if (this.clock.now() < this.rotationDueAt(connection)) {
      this.armRotationTimer();
      return;
    }
    const source = new CancellationTokenSource();
    const rotation = { from: connection, source, done: Promise.resolve() };
    this.rotation = rotation;
    rotation.done = this.rotateInBackground(connection, source.token)
      .catch((error: unknown) => this.log.error(`Background rotation failed: ${errorMessage(error)}`))
      .finally(() => {
        source.dispose();
        if (this.rotation === rotation) this.rotation = undefined;
        // The replaced socket closes now; one that is still current (the rotation did not happen) stays.
        if (this.connection !== connection) connection.retire();
        this.refreshState();
        this.armRotationTimer();
      });
  }

  /**
   * Replaces an idle, old socket without the user noticing: opens the next one, re-warms it with the
   * default lane's whole context (`generate: false`, the chain's own parameters), then the old one closes.
   * Holds the default lane meanwhile, so a prompt sent now waits for the re-warm and continues it as a
   * delta; other lanes start their short chains anew on the new socket. Any failure leaves the rotation to
   * the next request (which then goes full), never to a retry loop.
   */
  private async rotateInBackground(old: WsConnection, token: CancellationToken): Promise<void> {
    const key = await this.getKey();
    if (!key || token.isCancellationRequested) return;
    const slot = await this.lanes.acquire(undefined, token);
    if (!slot) return;
    try {
      // A request may have come first (and rotated the socket itself): then nothing is left to do.
      if (this.connection !== old || !old.isUsable || this.connectionKey !== key || this.usingHttp || this.lanes.inFlight > 1) return;
      const steer = this.lastSteerByLane.get(laneKey(undefined));
      if (old.chain.pendingSteer(undefined).length > 0 || (steer?.connection === old && steer.steer.hasOpenOffers)) {
        // The server holds steer input for the default lane on this socket: rotating now would drop it.
        this.rotationHold = { connection: old, until: this.clock.now() + 60_000 };
        return;
      }
      const link: ChainLink | undefined = old.chain.linkFor(undefined);
      const ageMinutes = Math.round((this.clock.now() - old.openedAt) / 60_000);
      const opened = await this.openShared(key, token);
      if (token.isCancellationRequested) return;
      if (!opened.ok) {
        this.rotationHold = { connection: old, until: Infinity };
        const failure = opened.failure;
        if (failure.kind === 'status' && (failure.status === 401 || failure.status === 403)) {
          this.authErrorMessage = `The server refused the API key (HTTP ${failure.status}).`;
          this.refreshState();
        }
        this.log.warn(
          `Rotating connection ${old.number} in the background failed: ${describeConnectFailure(failure, this.options.connectTimeoutMs ?? 5000)} The next request rotates it.`,
        );
        return;
      }
      if (!link) {
        this.log.info(`Rotating connection ${old.number} at ${ageMinutes} min: nothing to re-warm on the default lane (connection ${opened.connection.number} opened).`);
        return;
      }
      const params = paramsFromKey(link.paramsKey);
      const request = requestFromParams(params, [...link.input, ...link.output]);
      const bytes = statelessFrameBytes(this.frame(params, [...request.input], undefined, undefined, true));
      // The re-warm's input is billed: say how much, at info level.
      this.log.info(
        `Rotating connection ${old.number} at ${ageMinutes} min: re-warming with ${Math.round(bytes / 1024)} KB (${request.input.length} items, connection ${opened.connection.number}).`,
      );
      const outcome = await this.runOnLane(request, { token }, token, key, true, this.clock.now());
      if (outcome.kind !== 'completed' && outcome.kind !== 'cancelled') {
        this.log.warn(`The re-warm on connection ${opened.connection.number} ended ${outcome.kind}: the next request goes full.`);
      }
    } finally {
      slot.release();
    }
  }

  /** Ends a background rotation (dispose, reset): its timer, its requests, and the socket it was replacing. */
  private stopBackgroundRotation(): void {
    this.rotationTimer?.dispose();
    this.rotationTimer = undefined;
    const rotation = this.rotation;
    if (!rotation) return;
    this.rotation = undefined;
    rotation.source.cancel();
    rotation.from.close('disposed');
  }

  private setTimer(callback: () => void, ms: number): Disposable {
    if (this.clock.setTimer) return this.clock.setTimer(callback, ms);
    // Capped (setTimeout overflows past 2^31 ms); firing early only re-arms.
    const timer = setTimeout(callback, Math.min(ms, 2 ** 31 - 1));
    timer.unref?.();
    return { dispose: () => clearTimeout(timer) };
  }

  // ─── Requests ─────────────────────────────────────────────────────────────────────────────────────

  run(request: ModelRequest, options: RunOptions = {}): Promise<ModelOutcome> {
    return this.execute(request, options, false);
  }

  private async execute(
    request: ModelRequest,
    options: RunOptions,
    warmup: boolean,
    onMeasured?: (metrics: RequestMetrics) => void,
  ): Promise<ModelOutcome> {
    const token = options.token ?? CancellationToken.None;
    // When the caller asked: what ran before this (connect, warm-up) was off its critical path.
    const requestedAt = this.clock.now();
    if (this.disposed) return { kind: 'networkError', message: 'The session was closed.' };
    if (token.isCancellationRequested) return { kind: 'cancelled' };
    if (request.lane !== undefined && !STREAM_ID_PATTERN.test(request.lane)) {
      return { kind: 'serverError', code: 'invalid_stream_id', message: `Invalid lane name "${request.lane}".`, retryable: false };
    }
    const key = await this.getKey();
    if (!key) return { kind: 'authFailed', message: 'No API key is set.' };

    const slot = await this.lanes.acquire(request.lane, token);
    if (!slot) return { kind: 'cancelled' };
    this.busy += 1;
    this.refreshState();
    try {
      return await this.runOnLane(request, options, token, key, warmup, requestedAt, onMeasured);
    } catch (error) {
      // A bug, not a network condition; still never thrown across the layer.
      this.log.error(`Unexpected transport failure: ${errorMessage(error)}`);
      return { kind: 'networkError', message: this.redact(errorMessage(error)) };
    } finally {
      this.busy -= 1;
      slot.release();
      this.lastActivityAt = this.clock.now();
      this.refreshState();
      this.armRotationTimer();
    }
  }

  private async runOnLane(
    request: ModelRequest,
    options: RunOptions,
    token: CancellationToken,
    key: string,
    warmup: boolean,
    requestedAt: number,
    onMeasured?: (metrics: RequestMetrics) => void,
  ): Promise<ModelOutcome> {
    const params = this.paramsOf(request);
    const lane = request.lane;
    const emit = (event: ModelStreamEvent): void => {
      try {
        options.onEvent?.(event);
      } catch (error) {
        this.log.warn(`An event listener threw: ${errorMessage(error)}`);
      }
    };
    const fullFrame = this.frame(params, [...request.input], lane, undefined, warmup);
    const meter = new RequestMeter(
      () => this.clock.now(),
      lane,
      warmup ? 0 : statelessFrameBytes(fullFrame),
      'websocket',
      warmup ? 'warmup' : 'full',
    );
    const finishMetrics = (responseId: string | undefined, usage: Usage | undefined): RequestMetrics => {
      const metrics = meter.finish(responseId, usage);
      this.totalsValue = addToTotals(this.totalsValue, metrics);
      onMeasured?.(metrics);
      this.measureEmitter.fire(metrics);
      return metrics;
    };

    let budget: RetryBudget = NO_RETRIES_YET;
    let forceFull = false;
    let carried: readonly ResponseItem[] = [];
    let attemptStartedAt = 0;

    for (;;) {
      if (token.isCancellationRequested) return { kind: 'cancelled' };
      // Disposal ends requests in flight; they must not reconnect on their way out.
      if (this.disposed) return { kind: 'networkError', message: 'The session was closed.' };
      const route = await this.route(key, token);
      if (route.kind === 'outcome') return route.outcome;
      if (route.kind === 'http' && warmup) {
        return { kind: 'serverError', code: 'warmup_skipped', message: 'HTTP/SSE in use: warm-up is WebSocket-only', retryable: false };
      }

      const connection = route.kind === 'ws' ? route.connection : undefined;
      const chain = connection ? connection.chain : this.httpChain;
      const store = params.store;
      // A delivered steer's items survive a resend: the new attempt's input carries them.
      const fullInput = carried.length > 0 ? [...request.input, ...carried] : [...request.input];
      let plan: WirePlan;
      if (warmup) plan = { mode: 'full', input: fullInput, reason: 'noChain' };
      else if (forceFull || carried.length > 0) plan = { mode: 'full', input: fullInput, reason: 'noChain' };
      else if (!connection && !store) plan = { mode: 'full', input: fullInput, reason: 'chainingUnavailable' };
      else plan = chain.plan(lane, params, fullInput, request.forkFromResponseId);
      meter.transport = connection ? 'websocket' : 'http';
      if (!warmup) meter.mode = plan.mode;
      if (connection) meter.ranOnSocket(connection.handshakeMs, connection.openedAt <= requestedAt);
      if (plan.mode === 'delta') {
        // Continuing a warm-up: the part of it that ran before the caller asked was off the critical path (counted once).
        const warmRun = this.warmupRuns.get(plan.previousResponseId);
        if (warmRun) meter.continuedWarmup(Math.min(warmRun.endedAt, requestedAt) - warmRun.startedAt);
        this.warmupRuns.delete(plan.previousResponseId);
      }

      const steer = new SteerTracker();
      let resolveId: (id: string | undefined) => void = () => undefined;
      const responseId = new Promise<string | undefined>((resolve) => (resolveId = resolve));
      const attemptEmit = (event: ModelStreamEvent): void => {
        if (event.kind === 'created') resolveId(event.responseId);
        emit(event);
      };
      const reader = new ResponseReader(attemptEmit, steer, () => meter.firstToken(), carried);
      const activeEntry: ActiveRequest = { connection, reader, steer, responseId };
      // A warm-up is never steered: text typed while the prompt waits behind it is the prompt's, and the
      // caller sends it with its next request (steered into the warm-up, the server answered it in a
      // successor the client only kept as a warm chain, and the prompt's response never saw it).
      if (!warmup) {
        this.active.set(laneKey(lane), activeEntry);
        if (connection) this.lastSteerByLane.set(laneKey(lane), { steer, connection, lane });
      }

      let result: AttemptResult;
      try {
        const frame = this.frame(params, plan.input, connection ? lane : undefined, plan.mode === 'delta' ? plan.previousResponseId : undefined, warmup);
        if (connection) {
          const text = JSON.stringify(frame);
          meter.sent(utf8Bytes(text));
          this.log.info(
            `→ ${warmup ? 'warm-up' : plan.mode} on ${lane ?? 'default'} lane (connection ${connection.number}, ${utf8Bytes(text)} B${plan.mode === 'full' ? `, ${plan.reason}` : ''})`,
          );
          attemptStartedAt = this.clock.now();
          result = await this.attemptWs(connection, lane, text, meter, reader, token);
        } else {
          const text = JSON.stringify(toHttpBody(frame));
          this.options.recorder?.record('send', { ...frame }, { connection: 'http' });
          meter.sent(utf8Bytes(text));
          meter.wireWritten(undefined, utf8Bytes(text));
          this.log.info(`→ HTTP ${plan.mode} on ${lane ?? 'default'} lane (${utf8Bytes(text)} B)`);
          result = await this.attemptHttp(text, key, meter, reader, token);
        }
      } finally {
        resolveId(undefined);
        if (this.active.get(laneKey(lane)) === activeEntry) this.active.delete(laneKey(lane));
      }

      if (result.kind === 'cancelled') {
        steer.onConnectionLost();
        chain.forget(lane);
        finishMetrics(reader.responseId, undefined);
        return { kind: 'cancelled' };
      }

      if (result.kind === 'lost') {
        steer.onConnectionLost();
        chain.forget(lane);
        carried = reader.carriedItems;
        const causedByOtherLane = result.loss.reason === 'cancelled' && result.loss.lane !== lane;
        if (!causedByOtherLane && budget.recoveries >= this.maxRecoveries) {
          finishMetrics(reader.responseId, undefined);
          return { kind: 'networkError', message: this.redact(`The connection was lost and could not be recovered: ${result.loss.message}`) };
        }
        if (!causedByOtherLane) budget = { ...budget, recoveries: budget.recoveries + 1 };
        meter.recovered();
        forceFull = true;
        emit({ kind: 'recovering', reason: result.loss.message, attempt: meter.recoveryCount });
        this.log.warn(`Recovering ${lane ?? 'default'} lane (${result.loss.reason}): resending the full context.`);
        continue;
      }

      const end = result.end;
      switch (end.kind) {
        case 'completed': {
          steer.onRequestEnded(true);
          // The server's context is the caller's input ++ this output (which starts with any carried steer items).
          chain.recordCompleted(lane, { responseId: end.responseId, paramsKey: paramsKey(params), input: [...request.input], output: end.output });
          if (warmup) this.rememberWarmup(end.responseId, attemptStartedAt);
          const held = steer.takeHeld();
          if (held.length > 0) chain.holdPendingSteer(lane, held);
          const metrics = finishMetrics(end.responseId, end.usage);
          return { kind: 'completed', responseId: end.responseId, output: end.output, usage: end.usage, metrics };
        }
        case 'incomplete': {
          steer.onRequestEnded(false);
          chain.forget(lane);
          const metrics = finishMetrics(end.responseId, end.usage);
          return { kind: 'incomplete', responseId: end.responseId, reason: end.reason, output: end.output, usage: end.usage, metrics };
        }
        case 'failed': {
          steer.onRequestEnded(false);
          chain.forget(lane);
          const error: WireError = { status: undefined, code: end.code, message: end.message, param: undefined, headers: {}, retryAfterMs: undefined };
          const decision = await this.decide(error, budget, token, connection);
          if (decision.kind === 'retry') {
            budget = decision.budget;
            meter.recovered();
            forceFull = true;
            carried = reader.carriedItems;
            emit({ kind: 'recovering', reason: error.message, attempt: meter.recoveryCount });
            continue;
          }
          finishMetrics(end.responseId, undefined);
          return decision.outcome;
        }
        case 'error': {
          steer.onRequestEnded(false);
          // A failed turn evicts the referenced response from the server's cache: the next try goes full.
          chain.forget(lane);
          const decision = await this.decide(end.error, budget, token, connection);
          if (decision.kind === 'retry') {
            budget = decision.budget;
            meter.recovered();
            forceFull = true;
            carried = reader.carriedItems;
            emit({ kind: 'recovering', reason: this.redact(end.error.message), attempt: meter.recoveryCount });
            continue;
          }
          finishMetrics(reader.responseId, undefined);
          return decision.outcome;
        }
      }
    }
  }

  private rememberWarmup(responseId: string, startedAt: number): void {
    this.warmupRuns.set(responseId, { startedAt, endedAt: this.clock.now() });
    // Only a lane's latest response can be continued; a few entries cover every lane that warms.
    for (const id of this.warmupRuns.keys()) {
      if (this.warmupRuns.size <= 8) break;
      this.warmupRuns.delete(id);
    }
  }

  private get maxRecoveries(): number {
    return this.options.maxRecoveriesPerRequest ?? 1;
  }

  /** Applies the retry policy to an error the server sent: waits if told to, retires a spent socket. */
  private async decide(
    error: WireError,
    budget: RetryBudget,
    token: CancellationToken,
    connection: WsConnection | undefined,
  ): Promise<{ kind: 'retry'; budget: RetryBudget } | { kind: 'stop'; outcome: ModelOutcome }> {
    const decision = decideAfterError({ ...error, message: this.redact(error.message) }, budget, {
      maxRecoveries: this.maxRecoveries,
      maxOverloadRetries: this.options.maxOverloadRetries ?? 2,
      overloadBackoffMs: this.options.overloadBackoffMs ?? 500,
      maxRateLimitWaitMs: this.options.maxRateLimitWaitMs ?? 30_000,
    });
    if (decision.kind === 'stop') {
      if (decision.outcome.kind === 'authFailed') {
        this.authErrorMessage = decision.outcome.message;
        this.refreshState();
      }
      return decision;
    }
    this.log.warn(`Retrying: ${decision.why}.`);
    if (decision.retireConnection && connection) {
      connection.retire();
      if (this.connection === connection) this.connection = undefined;
    }
    if (decision.waitMs > 0 && !(await sleep(decision.waitMs, token))) return { kind: 'stop', outcome: { kind: 'cancelled' } };
    return { kind: 'retry', budget: decision.budget };
  }

  private attemptWs(
    connection: WsConnection,
    lane: string | undefined,
    text: string,
    meter: RequestMeter,
    reader: ResponseReader,
    token: CancellationToken,
  ): Promise<AttemptResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: AttemptResult): void => {
        if (done) return;
        done = true;
        cancelSubscription.dispose();
        resolve(result);
      };
      const cancelSubscription = token.onCancellationRequested(() => {
        finish({ kind: 'cancelled' });
        // No cancel frame exists: Stop closes the socket. Other lanes on it resend in full elsewhere.
        if (this.connection === connection) this.connection = undefined;
        connection.close('cancelled', lane);
      });
      const payloadBytes = utf8Bytes(text);
      connection.startRequest(
        lane,
        text,
        {
          onEvent: (event, bytes) => {
            meter.received(bytes);
            const end = reader.handle(event);
            if (end) finish({ kind: 'end', end });
          },
          onLost: (loss) => finish({ kind: 'lost', loss }),
        },
        this.options.idleTimeoutMs ?? 300_000,
        (wireBytes) => meter.wireWritten(wireBytes, payloadBytes),
      );
    });
  }

  private async attemptHttp(
    body: string,
    key: string,
    meter: RequestMeter,
    reader: ResponseReader,
    token: CancellationToken,
  ): Promise<AttemptResult> {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    let end: ReadEnd | undefined;
    try {
      const result = await streamResponses({
        fetch: this.fetchImpl,
        url: `${this.options.baseUrl.replace(/\/+$/, '')}/responses`,
        headers: this.httpHeaders(key),
        body,
        idleTimeoutMs: this.options.idleTimeoutMs ?? 300_000,
        signal: controller.signal,
        onEvent: (event, bytes) => {
          meter.received(bytes);
          this.options.recorder?.record('recv', { ...event }, { connection: 'http' });
          end = reader.handle(event);
          return end !== undefined;
        },
      });
      if (token.isCancellationRequested || result.kind === 'aborted') return { kind: 'cancelled' };
      if (end) {
        this.offlineMessage = undefined;
        if (end.kind !== 'error') this.authErrorMessage = undefined;
        return { kind: 'end', end };
      }
      switch (result.kind) {
        case 'status':
          return { kind: 'end', end: { kind: 'error', error: result.error } };
        case 'ended':
          return { kind: 'lost', loss: { reason: 'closed', message: 'The HTTP stream ended before the response finished.' } };
        case 'network':
          this.offlineMessage = this.redact(result.message);
          return { kind: 'lost', loss: { reason: 'socketError', message: this.redact(result.message) } };
        case 'idleTimeout':
          return { kind: 'lost', loss: { reason: 'idleTimeout', message: result.message } };
        case 'malformed':
          return { kind: 'lost', loss: { reason: 'malformedFrame', message: result.message } };
      }
    } finally {
      subscription.dispose();
    }
  }

  // ─── Routing and connecting ───────────────────────────────────────────────────────────────────────

  /** Where the next attempt goes: the current socket, a new one, HTTP, or nowhere (a typed outcome). */
  private async route(key: string, token: CancellationToken): Promise<Route> {
    let connectFailures = 0;
    let rateLimitWaitedMs = 0;
    for (;;) {
      if (this.usingHttp) return { kind: 'http' };
      const current = this.connection;
      if (current?.isUsable && this.connectionKey === key) {
        if (this.clock.now() - current.openedAt < (this.options.rotateAfterMs ?? 55 * 60_000)) {
          return { kind: 'ws', connection: current };
        }
        // Rotation at request time (the fallback when no background rotation ran: warm-up off, the socket
        // aged while busy, a failed background attempt), between requests of this lane: no turn meets the 60-minute limit.
        this.log.info(`Rotating connection ${current.number} before the 60-minute limit.`);
        current.retire();
        this.connection = undefined;
      } else if (current) {
        if (this.connectionKey !== key) current.retire();
        this.connection = undefined;
      }

      const opened = await this.openShared(key, token);
      if (token.isCancellationRequested) return { kind: 'outcome', outcome: { kind: 'cancelled' } };
      if (opened.ok) return { kind: 'ws', connection: opened.connection };
      const failure = opened.failure;
      const description = describeConnectFailure(failure, this.options.connectTimeoutMs ?? 5000);

      if (failure.kind === 'status' && (failure.status === 401 || failure.status === 403)) {
        this.authErrorMessage = `The server refused the API key (HTTP ${failure.status}).`;
        this.refreshState();
        return { kind: 'outcome', outcome: { kind: 'authFailed', message: this.authErrorMessage } };
      }
      if (failure.kind === 'status' && failure.status === 429) {
        const waitMs = retryAfterFromHeaders(failure.headers) ?? 1000;
        if (rateLimitWaitedMs + waitMs > (this.options.maxRateLimitWaitMs ?? 30_000)) {
          return { kind: 'outcome', outcome: { kind: 'rateLimited', message: 'Rate limited on connect (HTTP 429).', retryAfterMs: waitMs } };
        }
        rateLimitWaitedMs += waitMs;
        if (!(await sleep(waitMs, token))) return { kind: 'outcome', outcome: { kind: 'cancelled' } };
        continue;
      }
      const immediateFallback = (failure.kind === 'status' && (failure.status === 426 || failure.status === 404)) || failure.kind === 'timeout';
      connectFailures += 1;
      if (this.mode === 'auto' && (immediateFallback || connectFailures >= (this.options.connectAttemptsBeforeFallback ?? 2))) {
        this.enterFallback(description);
        return { kind: 'http' };
      }
      if (this.mode === 'websocket' && (connectFailures >= (this.options.connectAttemptsBeforeFallback ?? 2) || (failure.kind === 'status' && failure.status === 426))) {
        this.offlineMessage = description;
        this.refreshState();
        return { kind: 'outcome', outcome: { kind: 'networkError', message: description } };
      }
      this.lastLossReason = description;
      if (!(await sleep(200 * connectFailures, token))) return { kind: 'outcome', outcome: { kind: 'cancelled' } };
    }
  }

  private async openShared(
    key: string,
    token: CancellationToken,
  ): Promise<{ ok: true; connection: WsConnection } | { ok: false; failure: ConnectFailure }> {
    if (!this.opening) {
      this.connecting = true;
      if (this.hadConnection) this.reconnectAttempt += 1;
      this.refreshState();
      const startedOpen = WsConnection.open(this.socketFactory, {
        url: webSocketUrl(this.options.baseUrl),
        headers: this.socketHeaders(key),
        connectTimeoutMs: this.options.connectTimeoutMs ?? 5000,
        perMessageDeflate: this.options.perMessageDeflate ?? !isLoopbackUrl(this.options.baseUrl),
        now: () => this.clock.now(),
        log: this.log,
      }).then((result) => ({ result, key }));
      this.opening = startedOpen;
      void startedOpen.then(({ result }) => {
        if (this.staleOpenings.has(startedOpen)) {
          if (result.ok) result.value.close('disposed');
          return;
        }
        this.opening = undefined;
        this.connecting = false;
        if (result.ok) this.adopt(result.value, key);
        this.refreshState();
      });
    }
    const pending = this.opening;
    const outcome = await raceCancellation(pending, token);
    if (!outcome) return { ok: false, failure: { kind: 'network', message: 'cancelled' } };
    // The connection was reset while this connect was in flight: connect again with the current settings.
    if (this.staleOpenings.has(pending)) {
      if (this.disposed) return { ok: false, failure: { kind: 'network', message: 'The session was closed.' } };
      return this.openShared(key, token);
    }
    // `adopt` ran in the `then` above before this continuation (registered earlier, so it runs first).
    return outcome.result.ok ? { ok: true, connection: outcome.result.value } : { ok: false, failure: outcome.result.error };
  }

  private adopt(connection: WsConnection, key: string): void {
    if (this.disposed) {
      connection.close('disposed');
      return;
    }
    this.connection = connection;
    this.connectionKey = key;
    this.hadConnection = true;
    this.reconnectAttempt = 0;
    this.offlineMessage = undefined;
    // The key was accepted (it may have been fixed since the last 401).
    this.authErrorMessage = undefined;
    this.warmLatencyMs = connection.handshakeMs;
    this.log.info(`Connected (connection ${connection.number}, ${connection.handshakeMs} ms, deflate ${connection.deflate ? 'on' : 'off'}).`);
    this.armRotationTimer();
    connection.onStrayEvent((event) => this.onStrayEvent(connection, event));
    connection.onDidLose((loss) => {
      this.log.info(`Connection ${connection.number} ended: ${loss.reason} (${loss.message})`);
      if (this.connection === connection) this.connection = undefined;
      this.lastLossReason = loss.message;
      for (const [lane, entry] of this.lastSteerByLane) {
        if (entry.connection !== connection) continue;
        // A steer still waiting for its reply (the response had ended) will never get one: the server's
        // copy died with the socket. Settle it now rather than after the reply timeout, which the agent waits out.
        entry.steer.onConnectionLost();
        this.lastSteerByLane.delete(lane);
      }
      this.refreshState();
    });
  }

  /** Late steer replies (after the response's terminal event) and unsolicited errors. */
  private onStrayEvent(connection: WsConnection, event: ServerEvent): void {
    const entry = this.lastSteerByLane.get(laneKey(event.stream_id));
    if (!entry || entry.connection !== connection) return;
    if (event.type === 'response.steer.pending') {
      entry.steer.onPending(event);
      const held = entry.steer.takeHeld();
      if (held.length > 0) connection.chain.holdPendingSteer(entry.lane, held);
    } else if (event.type === 'response.steer.failed') {
      entry.steer.onFailed(event);
    }
  }

  private enterFallback(reason: string): void {
    const memoryMs = this.options.fallbackMemoryMs ?? 10 * 60_000;
    this.fallbackUntil = this.clock.now() + memoryMs;
    this.fallbackReason = reason;
    this.log.warn(`Falling back to HTTP/SSE for ${Math.round(memoryMs / 60_000)} min: ${reason}`);
    this.refreshState();
  }

  // ─── Steering ─────────────────────────────────────────────────────────────────────────────────────

  async steer(text: string, lane?: string): Promise<SteerResult> {
    const active = this.active.get(laneKey(lane));
    if (!active) return { status: 'notDelivered', reason: 'no_running_response' };
    if (!active.connection) return { status: 'notDelivered', reason: 'steering_needs_websocket' };
    const responseId = await active.responseId;
    if (!responseId || this.active.get(laneKey(lane)) !== active) return { status: 'notDelivered', reason: 'response_ended' };
    const items = [userMessage(text)];
    const result = active.steer.offer(items, this.options.steerReplyTimeoutMs ?? 10_000);
    const frame: ResponseSteerFrame = { type: 'response.steer', previous_response_id: responseId, input: items };
    if (!active.connection.sendFrame(JSON.stringify(frame))) {
      active.steer.onConnectionLost();
    }
    return result;
  }

  // ─── Helpers ──────────────────────────────────────────────────────────────────────────────────────

  private paramsOf(request: ModelRequest): ResponseRequestParams {
    const params: ResponseRequestParams = {
      model: request.model,
      instructions: request.instructions,
      tools: [...request.tools],
      store: request.store ?? this.options.store ?? false,
    };
    if (request.toolChoice !== undefined) params.tool_choice = request.toolChoice;
    if (request.parallelToolCalls !== undefined) params.parallel_tool_calls = request.parallelToolCalls;
    if (request.reasoning !== undefined) params.reasoning = request.reasoning;
    if (request.include !== undefined) params.include = [...request.include];
    if (request.maxOutputTokens !== undefined) params.max_output_tokens = request.maxOutputTokens;
    return params;
  }

  private frame(
    params: ResponseRequestParams,
    input: ResponseItem[],
    lane: string | undefined,
    previousResponseId: string | undefined,
    warmup: boolean,
  ): ResponseCreateFrame {
    const frame: ResponseCreateFrame = { type: 'response.create', ...params, input };
    if (previousResponseId !== undefined) frame.previous_response_id = previousResponseId;
    if (lane !== undefined) frame.stream_id = lane;
    if (warmup) frame.generate = false;
    return frame;
  }

  private socketHeaders(key: string): Record<string, string> {
    return { ...this.authHeaders(key), 'OpenAI-Beta': OPENAI_BETA };
  }

  private httpHeaders(key: string): Record<string, string> {
    return this.authHeaders(key);
  }

  private authHeaders(key: string): Record<string, string> {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
    if (this.options.organization) headers['OpenAI-Organization'] = this.options.organization;
    if (this.options.project) headers['OpenAI-Project'] = this.options.project;
    return headers;
  }

  private async getKey(): Promise<string | undefined> {
    let key: string | undefined;
    try {
      key = (await this.options.apiKey())?.trim();
    } catch (error) {
      this.log.warn(`Reading the API key failed: ${errorMessage(error)}`);
    }
    this.noKey = !key;
    if (key && !this.knownSecrets.includes(key)) {
      this.knownSecrets = [...this.knownSecrets.slice(-3), key];
      this.options.recorder?.setKnownSecrets(this.knownSecrets);
    }
    this.refreshState();
    return key || undefined;
  }

  private redact(text: string): string {
    return redactSecrets(text, this.knownSecrets);
  }

  private refreshState(): void {
    if (this.disposed) return;
    this.stateHolder.set(this.computeState());
  }

  private computeState(): TransportState {
    if (this.noKey) return { kind: 'noKey' };
    if (this.authErrorMessage) return { kind: 'authError', message: this.authErrorMessage };
    // A background rotation's connect is not a reconnect to show: the current socket still works.
    if (this.connecting && !this.rotation) {
      return this.reconnectAttempt > 0 ? { kind: 'reconnecting', attempt: this.reconnectAttempt, reason: this.lastLossReason || 'connection lost' } : { kind: 'connecting' };
    }
    if (this.mode === 'http') return { kind: 'httpFallback', reason: 'HTTP/SSE is selected in settings.' };
    if (this.clock.now() < this.fallbackUntil) return { kind: 'httpFallback', reason: this.fallbackReason };
    if (this.busy > 0) return { kind: 'busy' };
    if (this.connection?.isUsable) return { kind: 'warm', latencyMs: this.warmLatencyMs };
    if (this.offlineMessage) return { kind: 'offline', message: this.offlineMessage };
    return { kind: 'idle' };
  }
}

/** The request a chain link's parameters came from (the inverse of `paramsOf`), with `input`. */
function requestFromParams(params: ResponseRequestParams, input: ResponseItem[]): ModelRequest {
  const request: ModelRequest = { model: params.model, instructions: params.instructions, tools: params.tools, input, store: params.store };
  if (params.tool_choice !== undefined) request.toolChoice = params.tool_choice;
  if (params.parallel_tool_calls !== undefined) request.parallelToolCalls = params.parallel_tool_calls;
  if (params.reasoning !== undefined) request.reasoning = params.reasoning;
  if (params.include !== undefined) request.include = params.include;
  if (params.max_output_tokens !== undefined) request.maxOutputTokens = params.max_output_tokens;
  return request;
}

/** JSON size of each transcript item, remembered per item object (transcript items are never changed in place). */
const itemBytes = new WeakMap<object, number>();

/**
 * `utf8Bytes(JSON.stringify(frame))` without serialising the whole transcript on every request (which
 * made the client's CPU per request grow with the conversation): the frame with an empty input, plus
 * each item's remembered size, plus the commas between items.
 */
function statelessFrameBytes(frame: ResponseCreateFrame): number {
  let bytes = utf8Bytes(JSON.stringify({ ...frame, input: [] })) + Math.max(0, frame.input.length - 1);
  for (const item of frame.input) {
    let size = itemBytes.get(item);
    if (size === undefined) {
      size = utf8Bytes(JSON.stringify(item));
      itemBytes.set(item, size);
    }
    bytes += size;
  }
  return bytes;
}

function describeConnectFailure(failure: ConnectFailure, connectTimeoutMs: number): string {
  switch (failure.kind) {
    case 'timeout':
      return `The WebSocket handshake did not finish within ${Math.round(connectTimeoutMs / 100) / 10} s (a proxy may be blocking upgrades).`;
    case 'status':
      if (failure.status === 426) return 'The server answered HTTP 426: it does not speak WebSocket mode here.';
      if (failure.status === 404) return 'The server has no WebSocket endpoint at this URL (HTTP 404).';
      return `The WebSocket upgrade was refused with HTTP ${failure.status}.`;
    case 'network':
      return `Could not connect: ${failure.message}`;
  }
}

function retryAfterFromHeaders(headers: Record<string, string>): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms)) return ms;
  const seconds = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(seconds)) return seconds * 1000;
  return undefined;
}

/** Waits `ms`; resolves false at once if the token is cancelled. */
function sleep(ms: number, token: CancellationToken): Promise<boolean> {
  if (token.isCancellationRequested) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve(true);
    }, ms);
    const subscription = token.onCancellationRequested(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

function raceCancellation<T>(promise: Promise<T>, token: CancellationToken): Promise<T | undefined> {
  if (token.isCancellationRequested) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const subscription = token.onCancellationRequested(() => resolve(undefined));
    void promise.then((value) => {
      subscription.dispose();
      resolve(value);
    });
  });
}
