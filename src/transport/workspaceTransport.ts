/**
 * The workspace transport: one warm WebSocket per workspace, spoken to as a `ModelClient`. A small
 * façade; each concern has its own file:
 *
 * - connector.ts: routing, connecting, the HTTP fallback memory (and the `Dialer`, the seam for proxies);
 * - connectionScope.ts: the connection lifetime, everything that dies with one socket;
 * - requestRun.ts: the attempt loop and its retry decisions (and `beforeSend`, a step before each send);
 * - compactCall.ts: the standalone compaction (`/responses/compact`), between requests;
 * - warmUp.ts, backgroundRotation.ts: warming the socket, and replacing it before the 60-minute limit;
 * - steering.ts: input for a running response (and the seam for async tool outputs); state.ts: the state.
 *
 * Callers always pass their full transcript. The transport decides per request whether the wire
 * carries a delta or the full input (chain.ts), keeps lanes apart (lanes.ts), recovers from a lost
 * connection or lost server state by resending the same request in full on a new socket (it never
 * re-runs tools), and falls back to HTTP/SSE quickly when the socket cannot be used. Every run ends in a
 * typed outcome; nothing throws across this boundary, and the API key never appears in any text it emits.
 */
import { CancellationToken } from '../common/cancellation';
import { systemClock, type Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/event';
import { ApiKeyReader } from './apiKey';
import { callCompact } from './compactCall';
import { BackgroundRotation } from './backgroundRotation';
import { Connector, dialerFor } from './connector';
import { LaneScheduler } from './lanes';
import { addToTotals, emptyTotals, type SessionTotals } from './metrics';
import type { CompactOutcome, CompactRequest, ModelClient, ModelOutcome, ModelRequest, RequestMetrics, RunOptions, SteerResult, TransportState } from './modelClient';
import { RequestRunner, sendAsPlanned } from './requestRun';
import { TransportStatus } from './state';
import { Steering } from './steering';
import {
  resolveSettings,
  SILENT_LOGGER,
  type ReconfigurableOptions,
  type TransportContext,
  type TransportLogger,
  type TransportSettings,
  type WorkspaceTransportOptions,
} from './transportOptions';
import { warmUp, type WarmUpResult } from './warmUp';

export type { Clock } from '../common/clock';
export { webSocketUrl } from './requestFrames';
export type { TransportLogger, TransportMode, WorkspaceTransportOptions } from './transportOptions';
export type { WarmUpResult } from './warmUp';

/** The side lane speculative prefills run on (ModelClient.prefill). */
export const PREFILL_LANE = 'holdfast.prefill';

export class WorkspaceTransport implements ModelClient, Disposable {
  private readonly status: TransportStatus;
  private readonly measureEmitter = new Emitter<RequestMetrics>();
  readonly onDidChangeState: Event<TransportState>;
  readonly onDidMeasure: Event<RequestMetrics> = this.measureEmitter.event;

  private options: WorkspaceTransportOptions;
  private settings: TransportSettings;
  private disposed = false;
  private totalsValue: SessionTotals = emptyTotals();
  private readonly context: TransportContext;
  private readonly keys: ApiKeyReader;
  private readonly lanes: LaneScheduler;
  private readonly connector: Connector;
  private readonly steering: Steering;
  private readonly runner: RequestRunner;
  private readonly rotation: BackgroundRotation;

  constructor(options: WorkspaceTransportOptions) {
    this.options = options;
    this.settings = resolveSettings(options);
    const clock: Clock = options.clock ?? systemClock;
    const logger = options.logger ?? SILENT_LOGGER;
    const redact = (text: string): string => this.keys.redact(text);
    const log: TransportLogger = {
      info: (m) => logger.info(redact(m)),
      warn: (m) => logger.warn(redact(m)),
      error: (m) => logger.error(redact(m)),
    };
    const settings = (): TransportSettings => this.settings;
    const disposed = (): boolean => this.disposed;
    this.context = {
      get settings() {
        return settings();
      },
      get isDisposed() {
        return disposed();
      },
      clock,
      log,
      redact,
    };
    this.status = new TransportStatus(() => {
      const facts = this.connector.facts;
      // A background rotation's connect is not a reconnect to show: the current socket still works.
      return { ...facts, connecting: facts.connecting && !this.rotation.inProgress };
    });
    this.onDidChangeState = this.status.onDidChange;
    this.keys = new ApiKeyReader({
      source: () => this.settings.apiKey(),
      onKnownSecrets: (secrets) => this.settings.recorder?.setKnownSecrets(secrets),
      onRead: (hasKey) => {
        this.status.noKey = !hasKey;
        this.status.refresh();
      },
      warn: (m) => log.warn(m),
    });
    this.lanes = new LaneScheduler(options.laneLimits);
    this.connector = new Connector(this.context, this.status, dialerFor(options));
    this.steering = new Steering(() => this.settings.steerReplyTimeoutMs);
    this.runner = new RequestRunner({
      context: this.context,
      status: this.status,
      connector: this.connector,
      steering: this.steering,
      lanes: this.lanes,
      keys: this.keys,
      beforeSend: sendAsPlanned,
      measured: (metrics, onMeasured) => this.measured(metrics, onMeasured),
      onRequestEnded: () => this.rotation.noteActivity(),
    });
    this.rotation = new BackgroundRotation({
      context: this.context,
      lanes: this.lanes,
      connector: this.connector,
      status: this.status,
      readKey: () => this.keys.read(),
      rewarm: (spec) => this.runner.runOnLane(spec),
    });
    this.connector.onDidAdopt(() => this.rotation.arm());
    this.status.refresh();
  }

  get state(): TransportState {
    return this.status.state;
  }

  /** The flight recording (redacted JSONL, replayable by the emulator), or undefined without a recorder. */
  recording(): string | undefined {
    return this.settings.recorder?.toJsonl();
  }

  /** Sums over every request of this transport (including warm-ups). */
  get totals(): SessionTotals {
    return this.totalsValue;
  }

  /** True while a fallback to HTTP is remembered (or HTTP is the configured mode). */
  get usingHttp(): boolean {
    return this.connector.usingHttp;
  }

  /**
   * Applies changed settings. Anything that changes where or how we connect drops the socket and the
   * remembered fallback; the next request starts a new chain in full.
   */
  reconfigure(changes: ReconfigurableOptions): void {
    this.options = { ...this.options, ...changes };
    this.settings = resolveSettings(this.options);
    this.status.authErrorMessage = undefined;
    this.connector.forgetFallback();
    this.resetConnection('settings changed');
  }

  /** Drops the socket and all chain state (new API key, "New Session", settings change). */
  resetConnection(reason = 'reset'): void {
    this.context.log.info(`Resetting the connection: ${reason}`);
    this.rotation.dispose();
    this.connector.reset();
    this.status.authErrorMessage = undefined;
    this.status.refresh();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // The state is final first: closing the socket below must not announce a change.
    this.status.dispose();
    this.rotation.dispose();
    this.connector.dispose();
    this.measureEmitter.dispose();
  }

  /**
   * Opens the socket and sends `generate: false` with the real model, instructions and tools (from
   * `warmupRequest`, or `request`), so the first prompt goes as a delta from the warm response id.
   */
  warmUp(request?: ModelRequest, token: CancellationToken = CancellationToken.None): Promise<WarmUpResult> {
    const current = () => this.connector.current.value;
    return warmUp(
      {
        isDisposed: this.disposed,
        usingHttp: this.usingHttp,
        warn: (m) => this.context.log.warn(m),
        warmupRequest: this.settings.warmupRequest,
        readKey: () => this.keys.read(),
        openSocket: async (key, openToken) => {
          const route = await this.connector.route(key, openToken);
          return route.kind === 'outcome' ? route.outcome : undefined;
        },
        isWarm: (lane) => Boolean(current()?.isUsable && current()?.chain.linkFor(lane)),
        run: (warmRequest, runToken, onMeasured) => this.runner.execute(warmRequest, { token: runToken }, true, onMeasured),
        recordOf: (responseId) => current()?.warmups.get(responseId),
        markWarm: (latencyMs) => {
          this.status.warmLatencyMs = latencyMs;
          this.status.refresh();
        },
      },
      request,
      token,
    );
  }

  /** Resolves when the background rotation in flight (if any) has finished; for tests and measurements. */
  rotationSettled(): Promise<void> {
    return this.rotation.settled();
  }

  /** See ModelClient.prefill: `generate: false` on the prefill lane, forked from the caller lane's latest response. */
  async prefill(request: ModelRequest, options: { token?: CancellationToken } = {}): Promise<ModelOutcome> {
    if (this.disposed || this.usingHttp) return { kind: 'serverError', code: 'prefill_skipped', message: 'Prefill is WebSocket-only.', retryable: false };
    const head = this.connector.current.value?.chain.linkFor(request.lane)?.responseId;
    return this.runner.execute({ ...request, lane: PREFILL_LANE, forkFromResponseId: head }, { token: options.token }, true);
  }

  run(request: ModelRequest, options: RunOptions = {}): Promise<ModelOutcome> {
    return this.runner.execute(request, options, false);
  }

  steer(text: string, lane?: string): Promise<SteerResult> {
    return this.steering.steer(text, lane);
  }

  /** The standalone compaction (compactCall.ts), over HTTP beside the socket; between requests only. */
  async compact(request: CompactRequest, options: { token?: CancellationToken } = {}): Promise<CompactOutcome> {
    if (this.disposed) return { kind: 'networkError', message: 'The session was closed.' };
    const key = await this.keys.read();
    if (!key) return { kind: 'authFailed', message: 'No API key is set.' };
    const settings = this.settings;
    this.context.log.info(`→ compaction of ${request.input.length} items (${request.model})`);
    const outcome = await callCompact(
      {
        fetch: this.connector.dialer.fetch,
        baseUrl: settings.baseUrl,
        key,
        account: settings,
        // A compaction reads the whole window before it answers: four idle timeouts, at least a minute.
        timeoutMs: Math.max(60_000, settings.idleTimeoutMs * 4),
        now: () => this.context.clock.now(),
        redact: (text) => this.context.redact(text),
      },
      request,
      options.token,
    );
    if (outcome.kind === 'authFailed') this.status.authFailed(outcome.message);
    this.context.log.info(`← compaction: ${outcome.kind === 'compacted' ? `${outcome.output.length} items` : outcome.kind}`);
    return outcome;
  }

  private measured(metrics: RequestMetrics, onMeasured: ((metrics: RequestMetrics) => void) | undefined): void {
    this.totalsValue = addToTotals(this.totalsValue, metrics);
    onMeasured?.(metrics);
    this.measureEmitter.fire(metrics);
  }
}
