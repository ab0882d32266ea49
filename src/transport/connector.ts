/**
 * Connecting, routing and the fallback memory: where the next attempt goes (the current socket, a new
 * one, HTTP/SSE, or nowhere with a typed outcome), one shared connect at a time, adopting a new socket
 * into its own `ConnectionScope`, and remembering a fallback to HTTP for a while so a proxy that
 * swallows upgrades costs one timeout, not one per request.
 *
 * The `Dialer` is the seam for proxies: the socket factory and the fetch the connector and the HTTP
 * attempts use. With `proxy` settings, `dialerFor` builds the proxy-aware pair (`transport/proxy`:
 * CONNECT tunnels for the socket and https://, forwarding for http://, per `http.proxy` or HTTPS_PROXY).
 * A proxy that refuses the tunnel is a reason to fall back to HTTP at once, like a timeout or a 426.
 */
import { raceCancellation, sleep } from '../common/async';
import type { CancellationToken } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/event';
import { ChainMemory } from './chain';
import { ConnectionScope, CurrentConnection } from './connectionScope';
import { proxyDialer } from './proxy/proxyDialer';
import { isProxyRefusal } from './proxy/proxyRefusal';
import type { ProxySettings } from './proxy/proxySettings';
import { recordingSocketFactory, type FrameRecorder } from './frameRecorder';
import type { FetchLike } from './httpTransport';
import type { ModelOutcome } from './modelClient';
import { socketHeaders, webSocketUrl } from './requestFrames';
import { wsSocketFactory, type SocketFactory } from './socket';
import type { ConnectionFacts, TransportStatus } from './state';
import type { TransportContext } from './transportOptions';
import { WsConnection, type ConnectFailure } from './wsConnection';

/** How the transport reaches the server: the socket factory and the HTTP fetch. */
export interface Dialer {
  socketFactory: SocketFactory;
  fetch: FetchLike;
}

export function dialerFor(options: { socketFactory?: SocketFactory; fetch?: FetchLike; recorder?: FrameRecorder; proxy?: () => ProxySettings | undefined }): Dialer {
  const direct: Dialer = { socketFactory: options.socketFactory ?? wsSocketFactory, fetch: options.fetch ?? ((url, init) => fetch(url, init)) };
  // An injected factory or fetch (tests, the emulator) is used as given; the proxy wraps the real ones.
  const proxied = options.proxy ? proxyDialer({ settings: options.proxy, direct }) : undefined;
  const socketFactory = proxied && !options.socketFactory ? proxied.socketFactory : direct.socketFactory;
  return {
    socketFactory: options.recorder ? recordingSocketFactory(socketFactory, options.recorder) : socketFactory,
    fetch: proxied && !options.fetch ? proxied.fetch : direct.fetch,
  };
}

export type Route = { kind: 'ws'; scope: ConnectionScope } | { kind: 'http' } | { kind: 'outcome'; outcome: ModelOutcome };

export type OpenResult = { ok: true; scope: ConnectionScope } | { ok: false; failure: ConnectFailure };

/** What `route` counts across its connect attempts. */
interface ConnectTally {
  failures: number;
  rateLimitWaitedMs: number;
}

/** Back-off between two failed connects (network errors, 5xx), per failure so far. */
const RECONNECT_STEP_MS = 200;

export class Connector implements Disposable {
  readonly current = new CurrentConnection();
  /** The HTTP path's chain memory (used with `store: true` only: a stateless request has nothing to continue). */
  readonly httpChain = new ChainMemory();
  private opening: Promise<{ result: Awaited<ReturnType<typeof WsConnection.open>>; key: string }> | undefined;
  /** Openings dropped by `reset`: their result is closed, not adopted. */
  private readonly staleOpenings = new WeakSet<Promise<unknown>>();
  private hadConnection = false;
  private reconnects = 0;
  private opensInFlight = false;
  private fallbackUntil = 0;
  private fallbackReasonText = '';
  /** One scope per socket, made when it is adopted. */
  private readonly scopes = new WeakMap<WsConnection, ConnectionScope>();
  private readonly adoptEmitter = new Emitter<ConnectionScope>();
  /** A new socket became current. */
  readonly onDidAdopt: Event<ConnectionScope> = this.adoptEmitter.event;

  constructor(
    private readonly context: TransportContext,
    private readonly status: TransportStatus,
    readonly dialer: Dialer,
  ) {}

  /** True while a fallback to HTTP is remembered (or HTTP is the configured mode). */
  get usingHttp(): boolean {
    return this.context.settings.mode === 'http' || this.context.clock.now() < this.fallbackUntil;
  }

  get facts(): ConnectionFacts {
    const remembered = this.context.clock.now() < this.fallbackUntil;
    return {
      mode: this.context.settings.mode,
      connecting: this.opensInFlight,
      reconnectAttempt: this.reconnects,
      fallbackReason: remembered ? this.fallbackReasonText : undefined,
      usable: this.current.value?.isUsable ?? false,
    };
  }

  /** Where the next attempt goes: the current socket, a new one, HTTP, or nowhere (a typed outcome). */
  async route(key: string, token: CancellationToken): Promise<Route> {
    const tally: ConnectTally = { failures: 0, rateLimitWaitedMs: 0 };
    for (;;) {
      if (this.usingHttp) return { kind: 'http' };
      const reusable = this.reusableScope(key);
      if (reusable) return { kind: 'ws', scope: reusable };
      const opened = await this.openShared(key, token);
      if (token.isCancellationRequested) return { kind: 'outcome', outcome: { kind: 'cancelled' } };
      if (opened.ok) return { kind: 'ws', scope: opened.scope };
      const next = await this.afterConnectFailure(opened.failure, tally, token);
      if (next) return next;
    }
  }

  /** The current scope if it may take a request with `key`; otherwise it is let go (retired when still open). */
  private reusableScope(key: string): ConnectionScope | undefined {
    const current = this.current.value;
    if (!current) return undefined;
    if (current.isUsable && current.apiKey === key) {
      if (this.context.clock.now() - current.connection.openedAt < this.context.settings.rotateAfterMs) return current;
      // Rotation at request time (the fallback when no background rotation ran: warm-up off, the socket
      // aged while busy, a failed background attempt), between requests of this lane: no turn meets the 60-minute limit.
      this.context.log.info(`Rotating connection ${current.connection.number} before the 60-minute limit.`);
      this.current.retire();
    } else if (current.apiKey !== key) {
      this.current.retire();
    } else {
      this.current.release(current);
    }
    return undefined;
  }

  /** After a failed connect: a final route (HTTP, an outcome) or undefined to connect again (after waiting). */
  private async afterConnectFailure(failure: ConnectFailure, tally: ConnectTally, token: CancellationToken): Promise<Route | undefined> {
    const settings = this.context.settings;
    const description = describeConnectFailure(failure, settings.connectTimeoutMs);
    const cancelled: Route = { kind: 'outcome', outcome: { kind: 'cancelled' } };
    if (failure.kind === 'status' && (failure.status === 401 || failure.status === 403)) {
      this.status.authFailed(`The server refused the API key (HTTP ${failure.status}).`);
      return { kind: 'outcome', outcome: { kind: 'authFailed', message: `The server refused the API key (HTTP ${failure.status}).` } };
    }
    if (failure.kind === 'status' && failure.status === 429) {
      const waitMs = retryAfterFromHeaders(failure.headers) ?? 1000;
      if (tally.rateLimitWaitedMs + waitMs > settings.maxRateLimitWaitMs) {
        return { kind: 'outcome', outcome: { kind: 'rateLimited', message: 'Rate limited on connect (HTTP 429).', retryAfterMs: waitMs } };
      }
      tally.rateLimitWaitedMs += waitMs;
      return (await sleep(waitMs, token)) ? undefined : cancelled;
    }
    const immediateFallback =
      (failure.kind === 'status' && (failure.status === 426 || failure.status === 404)) ||
      failure.kind === 'timeout' ||
      (failure.kind === 'network' && isProxyRefusal(failure.message));
    tally.failures += 1;
    if (settings.mode === 'auto' && (immediateFallback || tally.failures >= settings.connectAttemptsBeforeFallback)) {
      this.enterFallback(description);
      return { kind: 'http' };
    }
    if (settings.mode === 'websocket' && (tally.failures >= settings.connectAttemptsBeforeFallback || (failure.kind === 'status' && failure.status === 426))) {
      this.status.offlineMessage = description;
      this.status.refresh();
      return { kind: 'outcome', outcome: { kind: 'networkError', message: description } };
    }
    this.status.lastLossReason = description;
    return (await sleep(RECONNECT_STEP_MS * tally.failures, token)) ? undefined : cancelled;
  }

  /** Opens a socket, or joins the connect already under way; the new socket becomes current. */
  async openShared(key: string, token: CancellationToken): Promise<OpenResult> {
    const pending = this.opening ?? this.startOpening(key);
    const outcome = await raceCancellation(pending, token);
    if (!outcome) return { ok: false, failure: { kind: 'network', message: 'cancelled' } };
    // The connection was reset while this connect was in flight: connect again with the current settings.
    if (this.staleOpenings.has(pending)) {
      if (this.context.isDisposed) return { ok: false, failure: { kind: 'network', message: 'The session was closed.' } };
      return this.openShared(key, token);
    }
    if (!outcome.result.ok) return { ok: false, failure: outcome.result.error };
    // `adopt` ran in `startOpening`'s `then` before this continuation (registered earlier, so it runs
    // first): every joiner of this connect gets the scope it made.
    return { ok: true, scope: this.scopeOf(outcome.result.value, key) };
  }

  private startOpening(key: string): NonNullable<Connector['opening']> {
    const settings = this.context.settings;
    this.opensInFlight = true;
    if (this.hadConnection) this.reconnects += 1;
    this.status.refresh();
    const started = WsConnection.open(this.dialer.socketFactory, {
      url: webSocketUrl(settings.baseUrl),
      headers: socketHeaders(key, settings),
      connectTimeoutMs: settings.connectTimeoutMs,
      perMessageDeflate: settings.perMessageDeflate,
      now: () => this.context.clock.now(),
      log: this.context.log,
    }).then((result) => ({ result, key }));
    this.opening = started;
    void started.then(({ result }) => {
      if (this.staleOpenings.has(started)) {
        if (result.ok) result.value.close('disposed');
        return;
      }
      this.opening = undefined;
      this.opensInFlight = false;
      if (result.ok) this.adopt(result.value, key);
      this.status.refresh();
    });
    return started;
  }

  private adopt(connection: WsConnection, key: string): void {
    if (this.context.isDisposed) {
      connection.close('disposed');
      return;
    }
    const scope = this.scopeOf(connection, key);
    this.current.set(scope);
    this.hadConnection = true;
    this.reconnects = 0;
    this.status.offlineMessage = undefined;
    // The key was accepted (it may have been fixed since the last 401).
    this.status.authErrorMessage = undefined;
    this.status.warmLatencyMs = connection.handshakeMs;
    this.context.log.info(`Connected (connection ${connection.number}, ${connection.handshakeMs} ms, deflate ${connection.deflate ? 'on' : 'off'}).`);
    this.adoptEmitter.fire(scope);
  }

  private scopeOf(connection: WsConnection, key: string): ConnectionScope {
    const known = this.scopes.get(connection);
    if (known) return known;
    const made = new ConnectionScope(connection, key);
    this.scopes.set(connection, made);
    connection.onDidLose((loss) => {
      this.context.log.info(`Connection ${connection.number} ended: ${loss.reason} (${loss.message})`);
      this.current.release(made);
      this.status.lastLossReason = loss.message;
      this.status.refresh();
    });
    return made;
  }

  private enterFallback(reason: string): void {
    const memoryMs = this.context.settings.fallbackMemoryMs;
    this.fallbackUntil = this.context.clock.now() + memoryMs;
    this.fallbackReasonText = reason;
    this.context.log.warn(`Falling back to HTTP/SSE for ${Math.round(memoryMs / 60_000)} min: ${reason}`);
    this.status.refresh();
  }

  /** Settings changed: the socket is tried again at the next request. */
  forgetFallback(): void {
    this.fallbackUntil = 0;
  }

  /** Drops the socket, a connect in flight (never adopted: it was for the old key or URL) and the HTTP chain. */
  reset(): void {
    this.current.close();
    if (this.opening) this.staleOpenings.add(this.opening);
    this.opening = undefined;
    this.opensInFlight = false;
    this.httpChain.clear();
  }

  dispose(): void {
    this.current.close();
    this.adoptEmitter.dispose();
  }
}

export function describeConnectFailure(failure: ConnectFailure, connectTimeoutMs: number): string {
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

export function retryAfterFromHeaders(headers: Record<string, string>): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms)) return ms;
  const seconds = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(seconds)) return seconds * 1000;
  return undefined;
}
