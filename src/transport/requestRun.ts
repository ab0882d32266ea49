/**
 * Requests: one request from the caller's full transcript to a typed outcome. `RequestRunner.execute`
 * checks it, reads the key and waits for its lane; a `RequestRun` then loops over attempts:
 *
 *   route (connector) → plan (delta or full) → before send → send (attempts.ts) → settle
 *
 * and settling decides: an outcome, or another attempt in full (a lost connection, a lost chain, a
 * retryable error: the policy is retryPolicy.ts). It never re-runs tools, and a delivered steer's items
 * survive a resend. Nothing throws across this boundary.
 *
 * "Before send" is the step between planning a request and sending it (today: send as planned).
 * Compaction (issue 16) needed no step here: `context_management` is a request parameter
 * (`ModelRequest.contextManagement`, part of the chain's parameters, since changing it invalidates the
 * cached prefix, §8); a response that compacted leaves a chain link that starts at its compaction item
 * (chain.ts `completedLink`); and the standalone compaction is a call of its own between requests
 * (compactCall.ts), after which the caller's window simply starts a new chain.
 */
import { sleep } from '../common/async';
import { CancellationToken } from '../common/cancellation';
import { errorMessage } from '../common/result';
import type { ResponseItem, Usage } from '../protocol/items';
import { STREAM_ID_PATTERN, toHttpBody, type ResponseCreateFrame, type ResponseRequestParams, type WireError } from '../protocol/responses';
import type { ApiKeyReader } from './apiKey';
import { attemptHttp, attemptWs, type AttemptIo, type AttemptResult } from './attempts';
import { completedLink, paramsKey, type ChainMemory, type WirePlan } from './chain';
import type { ConnectionScope } from './connectionScope';
import type { Connector } from './connector';
import type { LaneScheduler } from './lanes';
import { RequestMeter, utf8Bytes } from './metrics';
import type { ModelOutcome, ModelRequest, ModelStreamEvent, RequestMetrics, RunOptions } from './modelClient';
import { createFrame, httpHeaders, httpResponsesUrl, paramsOf, statelessFrameBytes } from './requestFrames';
import { ResponseReader, type ReadEnd } from './responseReader';
import { decideAfterError, NO_RETRIES_YET, type RetryBudget } from './retryPolicy';
import type { TransportStatus } from './state';
import { SteerTracker } from './steer';
import type { Steering } from './steering';
import type { TransportContext } from './transportOptions';

/** An attempt, planned: where it goes and what the wire carries. */
export interface PlannedAttempt {
  /** The socket's scope; undefined over HTTP. */
  scope: ConnectionScope | undefined;
  /** The chain memory the plan came from (the socket's, or the HTTP path's). */
  chain: ChainMemory;
  plan: WirePlan;
  /** Built from `plan`; a step that changes the plan builds it again (`createFrame`). */
  frame: ResponseCreateFrame;
}

/** The compaction seam: sees every planned attempt before it is sent, and may change it. */
export type BeforeSend = (attempt: PlannedAttempt) => PlannedAttempt;

/** Today's step: send the attempt as planned. */
export const sendAsPlanned: BeforeSend = (attempt) => attempt;

export interface RequestRunPorts {
  readonly context: TransportContext;
  readonly status: TransportStatus;
  readonly connector: Connector;
  readonly steering: Steering;
  readonly beforeSend: BeforeSend;
  /** A request finished: its figures go to `onMeasured` (the caller's, if any), the totals and the listeners. */
  measured(metrics: RequestMetrics, onMeasured: ((metrics: RequestMetrics) => void) | undefined): void;
}

export interface RequestRunnerPorts extends RequestRunPorts {
  readonly lanes: LaneScheduler;
  readonly keys: ApiKeyReader;
  /** A request left its lane (the background rotation counts quiet time from here). */
  onRequestEnded(): void;
}

/** One request, as the attempt loop needs it. */
export interface RequestSpec {
  request: ModelRequest;
  options: RunOptions;
  token: CancellationToken;
  key: string;
  /** `generate: false`: never steered, never over HTTP, remembered for the next request to continue. */
  warmup: boolean;
  /** When the caller asked: what ran before (connect, warm-up) was off its critical path. */
  requestedAt: number;
  onMeasured?: ((metrics: RequestMetrics) => void) | undefined;
}

const closed = (): ModelOutcome => ({ kind: 'networkError', message: 'The session was closed.' });
const cancelled = (): ModelOutcome => ({ kind: 'cancelled' });

export class RequestRunner {
  constructor(private readonly ports: RequestRunnerPorts) {}

  async execute(request: ModelRequest, options: RunOptions, warmup: boolean, onMeasured?: (metrics: RequestMetrics) => void): Promise<ModelOutcome> {
    const { context, status, lanes, keys } = this.ports;
    const token = options.token ?? CancellationToken.None;
    const requestedAt = context.clock.now();
    if (context.isDisposed) return closed();
    if (token.isCancellationRequested) return cancelled();
    if (request.lane !== undefined && !STREAM_ID_PATTERN.test(request.lane)) {
      return { kind: 'serverError', code: 'invalid_stream_id', message: `Invalid lane name "${request.lane}".`, retryable: false };
    }
    const key = await keys.read();
    if (!key) return { kind: 'authFailed', message: 'No API key is set.' };

    const slot = await lanes.acquire(request.lane, token);
    if (!slot) return cancelled();
    status.requestStarted();
    try {
      return await this.runOnLane({ request, options, token, key, warmup, requestedAt, onMeasured });
    } catch (error) {
      // A bug, not a network condition; still never thrown across the layer.
      context.log.error(`Unexpected transport failure: ${errorMessage(error)}`);
      return { kind: 'networkError', message: context.redact(errorMessage(error)) };
    } finally {
      slot.release();
      status.requestEnded();
      this.ports.onRequestEnded();
    }
  }

  /** Runs a request whose lane slot the caller holds (`execute`, or the background rotation's re-warm). */
  runOnLane(spec: RequestSpec): Promise<ModelOutcome> {
    return new RequestRun(this.ports, spec).run();
  }
}

/** What one attempt left behind for settling. */
interface SentAttempt {
  result: AttemptResult;
  reader: ResponseReader;
  steer: SteerTracker;
}

/** One request's attempts, and what they carry from one to the next. */
export class RequestRun {
  private budget: RetryBudget = NO_RETRIES_YET;
  private forceFull = false;
  /** Items a previous attempt settled (a delivered steer): the next attempt's input carries them. */
  private carried: readonly ResponseItem[] = [];
  private attemptStartedAt = 0;
  private readonly params: ResponseRequestParams;
  private readonly meter: RequestMeter;

  constructor(
    private readonly ports: RequestRunPorts,
    private readonly spec: RequestSpec,
  ) {
    const { request, warmup } = spec;
    this.params = paramsOf(request, ports.context.settings.store);
    const statelessBytes = warmup ? 0 : statelessFrameBytes(createFrame(this.params, [...request.input], { warmup }));
    this.meter = new RequestMeter(() => ports.context.clock.now(), request.lane, statelessBytes, 'websocket', warmup ? 'warmup' : 'full');
  }

  private get lane(): string | undefined {
    return this.spec.request.lane;
  }

  async run(): Promise<ModelOutcome> {
    const { token, key, warmup } = this.spec;
    for (;;) {
      if (token.isCancellationRequested) return cancelled();
      // Disposal ends requests in flight; they must not reconnect on their way out.
      if (this.ports.context.isDisposed) return closed();
      const route = await this.ports.connector.route(key, token);
      if (route.kind === 'outcome') return route.outcome;
      if (route.kind === 'http' && warmup) {
        return { kind: 'serverError', code: 'warmup_skipped', message: 'HTTP/SSE in use: warm-up is WebSocket-only', retryable: false };
      }
      const attempt = this.ports.beforeSend(this.plan(route.kind === 'ws' ? route.scope : undefined));
      const sent = await this.send(attempt);
      const outcome = await this.settle(attempt, sent);
      if (outcome) return outcome;
    }
  }

  /** Delta or full, and the meter told where this attempt runs. */
  private plan(scope: ConnectionScope | undefined): PlannedAttempt {
    const { request, warmup, requestedAt } = this.spec;
    const chain = scope ? scope.chain : this.ports.connector.httpChain;
    const fullInput = this.carried.length > 0 ? [...request.input, ...this.carried] : [...request.input];
    let plan: WirePlan;
    // A warm-up goes full, unless it forks from a known response (a speculative prefill on its side lane).
    if ((warmup && request.forkFromResponseId === undefined) || this.forceFull || this.carried.length > 0) plan = { mode: 'full', input: fullInput, reason: 'noChain' };
    else if (!scope && !this.params.store) plan = { mode: 'full', input: fullInput, reason: 'chainingUnavailable' };
    else plan = chain.plan(this.lane, this.params, fullInput, request.forkFromResponseId, request.forkPrefixItems);
    this.meter.transport = scope ? 'websocket' : 'http';
    if (!warmup) this.meter.mode = plan.mode;
    if (scope) this.meter.ranOnSocket(scope.connection.handshakeMs, scope.connection.openedAt <= requestedAt);
    if (plan.mode === 'delta') {
      // Continuing a warm-up: the part of it that ran before the caller asked was off the critical path (counted once).
      const warmRun = scope?.warmups.take(plan.previousResponseId);
      if (warmRun) this.meter.continuedWarmup(Math.min(warmRun.endedAt, requestedAt) - warmRun.startedAt);
    }
    const frame = createFrame(this.params, plan.input, {
      lane: scope ? this.lane : undefined,
      previousResponseId: plan.mode === 'delta' ? plan.previousResponseId : undefined,
      warmup,
    });
    return { scope, chain, plan, frame };
  }

  private async send(attempt: PlannedAttempt): Promise<SentAttempt> {
    const { scope } = attempt;
    const steer = new SteerTracker();
    let resolveId: (id: string | undefined) => void = () => undefined;
    const responseId = new Promise<string | undefined>((resolve) => (resolveId = resolve));
    const emit = (event: ModelStreamEvent): void => {
      if (event.kind === 'created') resolveId(event.responseId);
      this.emit(event);
    };
    const reader = new ResponseReader(emit, steer, () => this.meter.firstToken(), this.carried);
    // A warm-up is never steered: text typed while the prompt waits behind it is the prompt's, and the
    // caller sends it with its next request (steered into the warm-up, the server answered it in a
    // successor the client only kept as a warm chain, and the prompt's response never saw it).
    const running = this.spec.warmup ? undefined : this.ports.steering.begin(this.lane, { connection: scope?.connection, steer, responseId });
    if (!this.spec.warmup) scope?.steers.track(this.lane, steer);
    const io: AttemptIo = { reader, meter: this.meter, token: this.spec.token, idleTimeoutMs: this.ports.context.settings.idleTimeoutMs };
    try {
      const result = scope ? await this.sendOnSocket(scope, attempt, io) : await this.sendOverHttp(attempt, io);
      return { result, reader, steer };
    } finally {
      resolveId(undefined);
      running?.dispose();
    }
  }

  private sendOnSocket(scope: ConnectionScope, { plan, frame }: PlannedAttempt, io: AttemptIo): Promise<AttemptResult> {
    const text = JSON.stringify(frame);
    const bytes = utf8Bytes(text);
    this.meter.sent(bytes);
    const what = this.spec.warmup ? 'warm-up' : plan.mode;
    const why = plan.mode === 'full' ? `, ${plan.reason}` : '';
    this.ports.context.log.info(`→ ${what} on ${this.lane ?? 'default'} lane (connection ${scope.connection.number}, ${bytes} B${why})`);
    this.attemptStartedAt = this.ports.context.clock.now();
    return attemptWs(scope.connection, this.lane, text, io);
  }

  private sendOverHttp({ plan, frame }: PlannedAttempt, io: AttemptIo): Promise<AttemptResult> {
    const { context, connector, status } = this.ports;
    const settings = context.settings;
    const text = JSON.stringify(toHttpBody(frame));
    const bytes = utf8Bytes(text);
    settings.recorder?.record('send', { ...frame }, { connection: 'http' });
    this.meter.sent(bytes);
    this.meter.wireWritten(undefined, bytes);
    context.log.info(`→ HTTP ${plan.mode} on ${this.lane ?? 'default'} lane (${bytes} B)`);
    const http = {
      fetch: connector.dialer.fetch,
      url: httpResponsesUrl(settings.baseUrl),
      headers: httpHeaders(this.spec.key, settings),
      body: text,
      recorder: settings.recorder,
    };
    const reachability = {
      reached: (end: ReadEnd) => {
        status.offlineMessage = undefined;
        if (end.kind !== 'error') status.authErrorMessage = undefined;
      },
      unreachable: (message: string) => (status.offlineMessage = message),
    };
    return attemptHttp(http, io, reachability, (t) => context.redact(t));
  }

  /** The outcome of the request, or undefined to attempt again. */
  private async settle(attempt: PlannedAttempt, { result, reader, steer }: SentAttempt): Promise<ModelOutcome | undefined> {
    if (result.kind === 'cancelled') {
      steer.onConnectionLost();
      attempt.chain.forget(this.lane);
      this.finish(reader.responseId, undefined);
      return cancelled();
    }
    if (result.kind === 'lost') return this.afterLoss(result.loss, attempt.chain, reader, steer);
    return this.afterEnd(result.end, attempt, reader, steer);
  }

  private afterLoss(loss: Extract<AttemptResult, { kind: 'lost' }>['loss'], chain: ChainMemory, reader: ResponseReader, steer: SteerTracker): ModelOutcome | undefined {
    const { context } = this.ports;
    steer.onConnectionLost();
    chain.forget(this.lane);
    this.carried = reader.carriedItems;
    // Another lane's Stop closed the shared socket: not this request's failure, so it costs no recovery.
    const causedByOtherLane = loss.reason === 'cancelled' && loss.lane !== this.lane;
    if (!causedByOtherLane && this.budget.recoveries >= context.settings.maxRecoveriesPerRequest) {
      this.finish(reader.responseId, undefined);
      return { kind: 'networkError', message: context.redact(`The connection was lost and could not be recovered: ${loss.message}`) };
    }
    if (!causedByOtherLane) this.budget = { ...this.budget, recoveries: this.budget.recoveries + 1 };
    this.meter.recovered();
    this.forceFull = true;
    this.emit({ kind: 'recovering', reason: loss.message, attempt: this.meter.recoveryCount });
    context.log.warn(`Recovering ${this.lane ?? 'default'} lane (${loss.reason}): resending the full context.`);
    return undefined;
  }

  private async afterEnd(end: ReadEnd, attempt: PlannedAttempt, reader: ResponseReader, steer: SteerTracker): Promise<ModelOutcome | undefined> {
    const { chain, scope } = attempt;
    switch (end.kind) {
      case 'completed': {
        steer.onRequestEnded(true);
        // The server's context is the caller's input ++ this output (which starts with any carried steer items).
        chain.recordCompleted(this.lane, completedLink(end.responseId, paramsKey(this.params), this.spec.request.input, end.output));
        if (this.spec.warmup) scope?.warmups.remember(end.responseId, { startedAt: this.attemptStartedAt, endedAt: this.ports.context.clock.now() });
        const held = steer.takeHeld();
        if (held.length > 0) chain.holdPendingSteer(this.lane, held);
        const metrics = withTier(this.finish(end.responseId, end.usage), reader);
        return { kind: 'completed', responseId: end.responseId, output: end.output, usage: end.usage, metrics };
      }
      case 'incomplete': {
        steer.onRequestEnded(false);
        chain.forget(this.lane);
        const metrics = withTier(this.finish(end.responseId, end.usage), reader);
        return { kind: 'incomplete', responseId: end.responseId, reason: end.reason, output: end.output, usage: end.usage, metrics };
      }
      case 'failed': {
        steer.onRequestEnded(false);
        chain.forget(this.lane);
        const error: WireError = { status: undefined, code: end.code, message: end.message, param: undefined, headers: {}, retryAfterMs: undefined };
        return this.afterError(error, error.message, end.responseId, scope, reader);
      }
      case 'error':
        steer.onRequestEnded(false);
        // A failed turn evicts the referenced response from the server's cache: the next try goes full.
        chain.forget(this.lane);
        return this.afterError(end.error, this.ports.context.redact(end.error.message), reader.responseId, scope, reader);
    }
  }

  /** The server answered with an error: retry in full (the outcome is undefined) or stop with an outcome. */
  private async afterError(
    error: WireError,
    recoveringReason: string,
    responseId: string | undefined,
    scope: ConnectionScope | undefined,
    reader: ResponseReader,
  ): Promise<ModelOutcome | undefined> {
    const decision = await this.decide(error, scope);
    if (decision.kind === 'stop') {
      this.finish(responseId, undefined);
      return decision.outcome;
    }
    this.budget = decision.budget;
    this.meter.recovered();
    this.forceFull = true;
    this.carried = reader.carriedItems;
    this.emit({ kind: 'recovering', reason: recoveringReason, attempt: this.meter.recoveryCount });
    return undefined;
  }

  /** Applies the retry policy: waits if told to, retires a spent socket, shows a refused key. */
  private async decide(error: WireError, scope: ConnectionScope | undefined): Promise<{ kind: 'retry'; budget: RetryBudget } | { kind: 'stop'; outcome: ModelOutcome }> {
    const { context, status, connector } = this.ports;
    const settings = context.settings;
    const decision = decideAfterError({ ...error, message: context.redact(error.message) }, this.budget, {
      maxRecoveries: settings.maxRecoveriesPerRequest,
      maxOverloadRetries: settings.maxOverloadRetries,
      overloadBackoffMs: settings.overloadBackoffMs,
      maxRateLimitWaitMs: settings.maxRateLimitWaitMs,
      jitter: settings.jitter,
    });
    if (decision.kind === 'stop') {
      if (decision.outcome.kind === 'authFailed') status.authFailed(decision.outcome.message);
      return decision;
    }
    context.log.warn(`Retrying: ${decision.why}.`);
    if (decision.retireConnection && scope) {
      if (connector.current.value === scope) connector.current.retire();
      else scope.retire();
    }
    if (decision.waitMs > 0 && !(await sleep(decision.waitMs, this.spec.token))) return { kind: 'stop', outcome: cancelled() };
    return { kind: 'retry', budget: decision.budget };
  }

  private emit(event: ModelStreamEvent): void {
    try {
      this.spec.options.onEvent?.(event);
    } catch (error) {
      this.ports.context.log.warn(`An event listener threw: ${errorMessage(error)}`);
    }
  }

  private finish(responseId: string | undefined, usage: Usage | undefined): RequestMetrics {
    const metrics = this.meter.finish(responseId, usage);
    this.ports.measured(metrics, this.spec.onMeasured);
    return metrics;
  }
}

function withTier(metrics: RequestMetrics, reader: ResponseReader): RequestMetrics {
  if (reader.serviceTier !== undefined) metrics.serviceTier = reader.serviceTier;
  return metrics;
}
