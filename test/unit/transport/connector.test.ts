/**
 * The connector on its own: where an attempt goes (reuse, rotate, connect, fall back, give up with an
 * outcome), one shared connect for everyone waiting, a reset that never adopts a stale connect, and the
 * fallback memory.
 */
import { describe, expect, it } from 'vitest';
import { CancellationToken, CancellationTokenSource } from '../../../src/common/cancellation';
import { describeConnectFailure, dialerFor, retryAfterFromHeaders, type Route } from '../../../src/transport/connector';
import { FrameRecorder } from '../../../src/transport/frameRecorder';
import { FakeServer } from '../../fakes/fakeSocket';
import { API_KEY } from './transportHarness';
import { makeParts, tick, until } from './transportParts';

const none = CancellationToken.None;

function scopeOf(route: Route) {
  if (route.kind !== 'ws') throw new Error(`expected a socket, got ${JSON.stringify(route)}`);
  return route.scope;
}

describe('Connector.route', () => {
  it('connects once, then reuses the socket; the scope carries the key it was opened with', async () => {
    const { server, connector, status } = makeParts();
    const first = scopeOf(await connector.route(API_KEY, none));
    expect(first.apiKey).toBe(API_KEY);
    expect(scopeOf(await connector.route(API_KEY, none))).toBe(first);
    expect(server.sockets).toHaveLength(1);
    expect(server.sockets[0]?.url).toBe('wss://api.example.test/v1/responses');
    expect(server.sockets[0]?.headers).toMatchObject({ Authorization: `Bearer ${API_KEY}`, 'OpenAI-Beta': 'responses_websockets=2026-02-06' });
    status.refresh();
    expect(status.state).toEqual({ kind: 'warm', latencyMs: expect.any(Number) });
  });

  it('everyone waiting for a connect shares it, and the new socket is announced once', async () => {
    const { server, connector } = makeParts();
    const adopted: number[] = [];
    connector.onDidAdopt((scope) => adopted.push(scope.connection.number));
    const [a, b, c] = await Promise.all([connector.route(API_KEY, none), connector.route(API_KEY, none), connector.openShared(API_KEY, none)]);
    expect(server.sockets).toHaveLength(1);
    expect(scopeOf(a)).toBe(scopeOf(b));
    expect(c).toEqual({ ok: true, scope: scopeOf(a) });
    expect(adopted).toHaveLength(1);
  });

  it('a socket past rotateAfterMs is retired and a new one opened; a new key gets a new socket too', async () => {
    const { server, connector, clock } = makeParts({ rotateAfterMs: 60_000 });
    const first = scopeOf(await connector.route(API_KEY, none));
    clock.advance(61_000);
    const second = scopeOf(await connector.route(API_KEY, none));
    expect(second).not.toBe(first);
    await until(() => first.isDisposed, 'the old scope disposed');
    const third = scopeOf(await connector.route('sk-other-key-0123456789abcdef', none));
    expect(third).not.toBe(second);
    expect(server.sockets).toHaveLength(3);
  });

  it('426 and a connect timeout fall back to HTTP at once in auto mode, remembered for fallbackMemoryMs', async () => {
    const { server, connector, clock, status } = makeParts({ fallbackMemoryMs: 60_000 });
    server.upgrades = [{ kind: 'status', status: 426 }];
    expect(await connector.route(API_KEY, none)).toEqual({ kind: 'http' });
    expect(connector.usingHttp).toBe(true);
    expect(status.state).toEqual({ kind: 'httpFallback', reason: 'The server answered HTTP 426: it does not speak WebSocket mode here.' });
    expect(await connector.route(API_KEY, none)).toEqual({ kind: 'http' });
    expect(server.sockets).toHaveLength(1);
    clock.advance(61_000);
    expect(connector.usingHttp).toBe(false);
    scopeOf(await connector.route(API_KEY, none));
    expect(server.sockets).toHaveLength(2);
  });

  it('network failures back off and retry; after connectAttemptsBeforeFallback they fall back', async () => {
    const { server, connector } = makeParts({ connectAttemptsBeforeFallback: 2 });
    server.upgrades = [{ kind: 'refuse', message: 'ECONNREFUSED' }, { kind: 'refuse', message: 'ECONNREFUSED' }];
    expect(await connector.route(API_KEY, none)).toEqual({ kind: 'http' });
    expect(server.sockets).toHaveLength(2);
  });

  it('websocket mode gives up with networkError and the offline state instead of falling back', async () => {
    const { server, connector, status } = makeParts({ transport: 'websocket' });
    server.upgrades = [{ kind: 'status', status: 426 }];
    expect(await connector.route(API_KEY, none)).toEqual({
      kind: 'outcome',
      outcome: { kind: 'networkError', message: 'The server answered HTTP 426: it does not speak WebSocket mode here.' },
    });
    expect(status.state.kind).toBe('offline');
  });

  it('401 is authFailed and shown; 429 waits as told, then connects', async () => {
    const { server, connector, status } = makeParts();
    server.upgrades = [{ kind: 'status', status: 401 }];
    expect(await connector.route(API_KEY, none)).toEqual({ kind: 'outcome', outcome: { kind: 'authFailed', message: 'The server refused the API key (HTTP 401).' } });
    expect(status.state.kind).toBe('authError');

    server.upgrades = [{ kind: 'status', status: 429, headers: { 'retry-after-ms': '20' } }];
    scopeOf(await connector.route(API_KEY, none));
    expect(server.sockets).toHaveLength(3);
  });

  it('429 asking for longer than maxRateLimitWaitMs is rateLimited at once', async () => {
    const { server, connector } = makeParts({ maxRateLimitWaitMs: 1000 });
    server.upgrades = [{ kind: 'status', status: 429, headers: { 'retry-after': '5' } }];
    expect(await connector.route(API_KEY, none)).toEqual({
      kind: 'outcome',
      outcome: { kind: 'rateLimited', message: 'Rate limited on connect (HTTP 429).', retryAfterMs: 5000 },
    });
  });

  it('cancelled while connecting: a cancelled outcome; the connect still completes for the next caller', async () => {
    const { server, connector } = makeParts();
    server.upgrades = [{ kind: 'hang' }];
    const source = new CancellationTokenSource();
    const waiting = connector.route(API_KEY, source.token);
    await tick();
    source.cancel();
    expect(await waiting).toEqual({ kind: 'outcome', outcome: { kind: 'cancelled' } });
    const next = connector.route(API_KEY, none);
    server.sockets[0]?.acceptUpgrade();
    expect(scopeOf(await next).connection.number).toBeGreaterThan(0);
    expect(server.sockets).toHaveLength(1);
  });

  it('reset during a connect: the stale connect is closed, never adopted; its waiters connect again', async () => {
    const { server, connector } = makeParts();
    server.upgrades = [{ kind: 'hang' }];
    const waiting = connector.route(API_KEY, none);
    await tick();
    connector.reset();
    server.sockets[0]?.acceptUpgrade();
    const scope = scopeOf(await waiting);
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[0]?.closedByClient).toBe(true);
    expect(connector.current.value).toBe(scope);
  });

  it('a lost socket is let go: the loss is remembered as the reason for the next reconnect', async () => {
    const { server, connector, status } = makeParts();
    const scope = scopeOf(await connector.route(API_KEY, none));
    server.sockets[0]?.drop();
    await until(() => connector.current.value === undefined, 'current released');
    expect(scope.isDisposed).toBe(true);
    expect(status.lastLossReason).toMatch(/closed/);
    server.upgrades = [{ kind: 'hang' }];
    void connector.route(API_KEY, none);
    await tick();
    expect(status.state).toEqual({ kind: 'reconnecting', attempt: 1, reason: status.lastLossReason });
    connector.dispose();
  });
});

describe('connector helpers', () => {
  it('describes each connect failure for people', () => {
    expect(describeConnectFailure({ kind: 'timeout', afterMs: 5000 }, 5000)).toBe('The WebSocket handshake did not finish within 5 s (a proxy may be blocking upgrades).');
    expect(describeConnectFailure({ kind: 'status', status: 404, headers: {} }, 5000)).toBe('The server has no WebSocket endpoint at this URL (HTTP 404).');
    expect(describeConnectFailure({ kind: 'status', status: 502, headers: {} }, 5000)).toBe('The WebSocket upgrade was refused with HTTP 502.');
    expect(describeConnectFailure({ kind: 'network', message: 'ENOTFOUND' }, 5000)).toBe('Could not connect: ENOTFOUND');
  });

  it('reads retry-after-ms before retry-after (seconds), ignoring junk', () => {
    expect(retryAfterFromHeaders({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
    expect(retryAfterFromHeaders({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterFromHeaders({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterFromHeaders({})).toBeUndefined();
  });

  it('the dialer wraps the socket factory with the recorder when there is one (the seam proxies plug into)', () => {
    const server = new FakeServer();
    expect(dialerFor({ socketFactory: server.factory }).socketFactory).toBe(server.factory);
    const recorder = new FrameRecorder();
    const recorded = dialerFor({ socketFactory: server.factory, recorder }).socketFactory;
    expect(recorded).not.toBe(server.factory);
    recorded('wss://x.test/v1/responses', {}, { perMessageDeflate: false, handshakeTimeoutMs: 100 });
    expect(server.sockets).toHaveLength(1);
  });
});
