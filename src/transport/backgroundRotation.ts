/**
 * Background rotation: an idle socket nearing the server's 60-minute limit is replaced without the user
 * noticing. Once the socket is `rotateAfterMs` old and every lane has been quiet for `rotationIdleMs`,
 * the next socket is opened and re-warmed (`generate: false`) with the default lane's whole context, so
 * the next prompt is still a delta; the old one closes. The timer lives in the socket's scope. Any
 * failure leaves the rotation to the next request (which then goes full), never to a retry loop.
 */
import { CancellationTokenSource, type CancellationToken } from '../common/cancellation';
import { setClockTimer } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { errorMessage } from '../common/result';
import { paramsFromKey, type ChainLink } from './chain';
import type { ConnectionScope } from './connectionScope';
import { describeConnectFailure, type Connector } from './connector';
import type { LaneScheduler } from './lanes';
import type { ModelOutcome } from './modelClient';
import { createFrame, requestFromParams, statelessFrameBytes } from './requestFrames';
import type { RequestSpec } from './requestRun';
import type { TransportStatus } from './state';
import type { TransportContext } from './transportOptions';
import type { ConnectFailure } from './wsConnection';

export interface RotationPorts {
  readonly context: TransportContext;
  readonly lanes: LaneScheduler;
  readonly connector: Pick<Connector, 'current' | 'usingHttp' | 'openShared'>;
  readonly status: TransportStatus;
  readKey(): Promise<string | undefined>;
  /** Runs the re-warm on the default lane, whose slot the rotation holds. */
  rewarm(spec: RequestSpec): Promise<ModelOutcome>;
}

/** How long a socket whose default lane holds steer input is left alone before the next look. */
const STEER_HOLD_MS = 60_000;
/** setTimeout overflows past 2^31 ms; firing early only re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class BackgroundRotation implements Disposable {
  /** The rotation in flight, and the scope it replaces. */
  private rotation: { done: Promise<void>; from: ConnectionScope; source: CancellationTokenSource } | undefined;
  private lastActivityAt = 0;

  constructor(private readonly ports: RotationPorts) {}

  get inProgress(): boolean {
    return this.rotation !== undefined;
  }

  /** Resolves when the rotation in flight (if any) has finished; for tests and measurements. */
  async settled(): Promise<void> {
    await this.rotation?.done;
  }

  /** A request left its lane: quiet time counts from now. */
  noteActivity(): void {
    this.lastActivityAt = this.ports.context.clock.now();
    this.arm();
  }

  /** (Re)arms the current socket's timer: when a socket is adopted and whenever a request ends. */
  arm(): void {
    const { context, connector } = this.ports;
    const scope = connector.current.value;
    if (!scope) return;
    scope.setRotationTimer(undefined);
    if (context.isDisposed || !context.settings.rotateInBackground || this.rotation || !scope.isUsable) return;
    const dueAt = this.dueAt(scope);
    if (dueAt === Infinity) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, dueAt - context.clock.now()));
    scope.setRotationTimer(setClockTimer(context.clock, () => this.onDue(scope), delay));
  }

  /** Ends a rotation in flight (dispose, reset): its timer, its requests, and the socket it was replacing. */
  dispose(): void {
    this.ports.connector.current.value?.setRotationTimer(undefined);
    const rotation = this.rotation;
    if (!rotation) return;
    this.rotation = undefined;
    rotation.source.cancel();
    rotation.from.dispose();
  }

  /** When `scope` may be rotated: old enough, every lane quiet long enough, not held. */
  private dueAt(scope: ConnectionScope): number {
    const settings = this.ports.context.settings;
    return Math.max(scope.connection.openedAt + settings.rotateAfterMs, this.lastActivityAt + settings.rotationIdleMs, scope.rotationHeldUntil);
  }

  private onDue(scope: ConnectionScope): void {
    const { context, connector, status, lanes } = this.ports;
    scope.setRotationTimer(undefined);
    if (context.isDisposed || this.rotation || connector.current.value !== scope || !scope.isUsable) return;
    if (!context.settings.rotateInBackground || connector.usingHttp || status.authErrorMessage !== undefined || status.noKey) return;
    // Busy: the request's end re-arms the timer (and a request that finds the socket old rotates it itself).
    if (lanes.inFlight > 0 || lanes.queued > 0) return;
    if (context.clock.now() < this.dueAt(scope)) {
      this.arm();
      return;
    }
    const source = new CancellationTokenSource();
    const rotation = { from: scope, source, done: Promise.resolve() };
    this.rotation = rotation;
    rotation.done = this.rotate(scope, source.token)
      .catch((error: unknown) => context.log.error(`Background rotation failed: ${errorMessage(error)}`))
      .finally(() => {
        source.dispose();
        if (this.rotation === rotation) this.rotation = undefined;
        // The replaced socket closes now; one that is still current (the rotation did not happen) stays.
        if (connector.current.value !== scope) scope.retire();
        status.refresh();
        this.arm();
      });
  }

  /**
   * Holds the default lane meanwhile, so a prompt sent now waits for the re-warm and continues it as a
   * delta; other lanes start their short chains anew on the new socket.
   */
  private async rotate(old: ConnectionScope, token: CancellationToken): Promise<void> {
    const { context, connector, lanes } = this.ports;
    const key = await this.ports.readKey();
    if (!key || token.isCancellationRequested) return;
    const slot = await lanes.acquire(undefined, token);
    if (!slot) return;
    try {
      // A request may have come first (and rotated the socket itself): then nothing is left to do.
      if (connector.current.value !== old || !old.isUsable || old.apiKey !== key || connector.usingHttp || lanes.inFlight > 1) return;
      if (old.chain.pendingSteer(undefined).length > 0 || old.steers.hasOpenOffers(undefined)) {
        // The server holds steer input for the default lane on this socket: rotating now would drop it.
        old.rotationHeldUntil = context.clock.now() + STEER_HOLD_MS;
        return;
      }
      const link = old.chain.linkFor(undefined);
      const ageMinutes = Math.round((context.clock.now() - old.connection.openedAt) / 60_000);
      const opened = await connector.openShared(key, token);
      if (token.isCancellationRequested) return;
      if (!opened.ok) {
        this.connectFailed(old, opened.failure);
        return;
      }
      await this.rewarm(`Rotating connection ${old.connection.number} at ${ageMinutes} min`, opened.scope, link, key, token);
    } finally {
      slot.release();
    }
  }

  private connectFailed(old: ConnectionScope, failure: ConnectFailure): void {
    const { context, status } = this.ports;
    old.rotationHeldUntil = Infinity;
    if (failure.kind === 'status' && (failure.status === 401 || failure.status === 403)) {
      status.authFailed(`The server refused the API key (HTTP ${failure.status}).`);
    }
    const description = describeConnectFailure(failure, context.settings.connectTimeoutMs);
    context.log.warn(`Rotating connection ${old.connection.number} in the background failed: ${description} The next request rotates it.`);
  }

  /** Sends the default lane's whole context on the new socket, with the chain's own parameters. */
  private async rewarm(from: string, next: ConnectionScope, link: ChainLink | undefined, key: string, token: CancellationToken): Promise<void> {
    const { context } = this.ports;
    if (!link) {
      context.log.info(`${from}: nothing to re-warm on the default lane (connection ${next.connection.number} opened).`);
      return;
    }
    const params = paramsFromKey(link.paramsKey);
    const request = requestFromParams(params, [...link.input, ...link.output]);
    const bytes = statelessFrameBytes(createFrame(params, [...request.input], { warmup: true }));
    // The re-warm's input is billed: say how much, at info level.
    context.log.info(`${from}: re-warming with ${Math.round(bytes / 1024)} KB (${request.input.length} items, connection ${next.connection.number}).`);
    const outcome = await this.ports.rewarm({ request, options: { token }, token, key, warmup: true, requestedAt: context.clock.now() });
    if (outcome.kind !== 'completed' && outcome.kind !== 'cancelled') {
      context.log.warn(`The re-warm on connection ${next.connection.number} ended ${outcome.kind}: the next request goes full.`);
    }
  }
}
