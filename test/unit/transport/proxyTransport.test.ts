/**
 * The transport through a real HTTP proxy (`proxyServer.mjs`, the npm `proxy` package in a child
 * process). The emulator listens on 127.0.0.1, but the base URL names `model.internal`, which only the
 * proxy resolves: a transport that ignores the proxy cannot complete a turn (see the first test).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { userMessage } from '../../../src/protocol/items';
import type { ModelOutcome } from '../../../src/transport/modelClient';
import type { ProxySettings } from '../../../src/transport/proxy/proxySettings';
import { WorkspaceTransport, type WorkspaceTransportOptions } from '../../../src/transport/workspaceTransport';
import { runConnectionDoctor } from '../../../src/transport/connectionDoctor';
import { proxyDialer } from '../../../src/transport/proxy/proxyDialer';
import { wsSocketFactory } from '../../../src/transport/socket';
import { startTestProxy, type TestProxy } from './proxyHarness';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(proxyOptions: { auth?: string; denyConnect?: boolean } = {}, tls = false): Promise<{ emu: Emulator; proxy: TestProxy; baseUrl: string }> {
  const emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0, tls });
  closers.push(() => emu.close());
  const proxy = await startTestProxy(proxyOptions);
  closers.push(() => proxy.close());
  return { emu, proxy, baseUrl: `${tls ? 'https' : 'http'}://model.internal:${emu.port}/v1` };
}

function transport(emu: Emulator, baseUrl: string, proxy: ProxySettings | undefined, options: Partial<WorkspaceTransportOptions> = {}): WorkspaceTransport {
  const made = new WorkspaceTransport({
    baseUrl,
    apiKey: async () => emu.apiKey,
    connectTimeoutMs: 3000,
    idleTimeoutMs: 5000,
    ...(proxy ? { proxy: () => proxy } : {}),
    ...options,
  });
  closers.push(() => made.dispose());
  return made;
}

const turn = (t: WorkspaceTransport): Promise<ModelOutcome> => t.run({ model: 'gpt-5.2', instructions: 'Be brief.', tools: [], input: [userMessage('Say hello.')] });

const sentTypes = (emu: Emulator): string[] =>
  emu.frames().filter((f) => f.dir === 'send').map((f) => String((f.frame as { type?: unknown } | null)?.type));

describe('through a real HTTP proxy', () => {
  it('without the proxy the model server cannot be reached (only the proxy resolves its name)', async () => {
    const { emu, proxy, baseUrl } = await setup();
    const outcome = await turn(transport(emu, baseUrl, undefined, { transport: 'http' }));
    expect(outcome.kind).not.toBe('completed');
    expect(proxy.log()).toEqual([]);
  });

  it('runs a turn over the WebSocket through a CONNECT tunnel; the key stays inside it', async () => {
    const { emu, proxy, baseUrl } = await setup();
    const outcome = await turn(transport(emu, baseUrl, { proxy: proxy.url }, { transport: 'websocket' }));
    expect(outcome.kind).toBe('completed');
    expect(proxy.log()).toEqual([{ method: 'CONNECT', url: `model.internal:${emu.port}`, sawAuthorization: false, proxyAuthorization: false }]);
    expect(emu.stats().connections.map((c) => c.transport)).toEqual(['ws']);
    expect(sentTypes(emu)).toContain('response.create');
  });

  it('runs a turn over HTTP/SSE, forwarded by the proxy', async () => {
    const { emu, proxy, baseUrl } = await setup();
    const outcome = await turn(transport(emu, baseUrl, { proxy: proxy.url }, { transport: 'http' }));
    expect(outcome.kind).toBe('completed');
    expect(proxy.log().map((l) => `${l.method} ${l.url}`)).toEqual([`POST http://model.internal:${emu.port}/v1/responses`]);
    expect(emu.stats().connections.every((c) => c.transport === 'http')).toBe(true);
  });

  it('falls back to HTTP at once when the proxy refuses CONNECT (one CONNECT, no retry loop)', async () => {
    const { emu, proxy, baseUrl } = await setup({ denyConnect: true });
    const t = transport(emu, baseUrl, { proxy: proxy.url }, { transport: 'auto', connectAttemptsBeforeFallback: 3 });
    const outcome = await turn(t);
    expect(outcome.kind).toBe('completed');
    const log = proxy.log().map((l) => `${l.method} ${l.url}${l.denied ? ' denied' : ''}`);
    expect(log).toEqual([`CONNECT model.internal:${emu.port} denied`, `POST http://model.internal:${emu.port}/v1/responses`]);
    expect(t.state).toEqual({ kind: 'httpFallback', reason: `Could not connect: The proxy 127.0.0.1:${proxy.port} refused CONNECT to model.internal:${emu.port} (403).` });
  });

  it('with proxy authentication: wrong credentials give a clear error, right ones work', async () => {
    const { emu, proxy, baseUrl } = await setup({ auth: 'holdfast:s3cret' });
    const wrongUrl = proxy.url.replace('http://', 'http://holdfast:wrong@');
    const wrong = await turn(transport(emu, baseUrl, { proxy: wrongUrl }, { transport: 'websocket', connectAttemptsBeforeFallback: 1 }));
    expect(wrong.kind).toBe('networkError');
    expect(JSON.stringify(wrong)).toContain(`The proxy 127.0.0.1:${proxy.port} refused CONNECT to model.internal:${emu.port} (407)`);
    const wrongHttp = await turn(transport(emu, baseUrl, { proxy: wrongUrl }, { transport: 'http' }));
    expect(wrongHttp.kind).not.toBe('completed');
    expect(JSON.stringify(wrongHttp)).toContain('(407)');

    const rightUrl = proxy.url.replace('http://', 'http://holdfast:s3cret@');
    expect((await turn(transport(emu, baseUrl, { proxy: rightUrl }, { transport: 'websocket' }))).kind).toBe('completed');
    expect((await turn(transport(emu, baseUrl, { proxy: rightUrl }, { transport: 'http' }))).kind).toBe('completed');
    // Every request of the good runs carried the credentials; the API key crossed the proxy only on the
    // forwarded plain-http requests, never on the CONNECT (it travels inside the tunnel).
    expect(proxy.log().every((l) => l.proxyAuthorization)).toBe(true);
    expect(proxy.log().filter((l) => l.method === 'CONNECT').every((l) => !l.sawAuthorization)).toBe(true);
  });

  it('https:// and wss:// run TLS inside the tunnel: both transports CONNECT, and certificates are checked', async () => {
    const { emu, proxy, baseUrl } = await setup({}, true);
    // The emulator's self-signed certificate cannot pass verification: with strictSSL on, the turn fails.
    const strict = await turn(transport(emu, baseUrl, { proxy: proxy.url }, { transport: 'http' }));
    expect(JSON.stringify(strict)).toMatch(/certificate|self.signed/i);
    const relaxed = { proxy: proxy.url, strictSSL: false };
    expect((await turn(transport(emu, baseUrl, relaxed, { transport: 'websocket' }))).kind).toBe('completed');
    expect((await turn(transport(emu, baseUrl, relaxed, { transport: 'http' }))).kind).toBe('completed');
    expect(proxy.log().every((l) => l.method === 'CONNECT' && !l.sawAuthorization)).toBe(true);
    expect(emu.stats().connections.map((c) => c.transport).sort()).toEqual(['http', 'ws']);
  });

  it('bypasses the proxy for hosts in http.noProxy (so this one is unreachable)', async () => {
    const { emu, proxy, baseUrl } = await setup();
    const outcome = await turn(transport(emu, baseUrl, { proxy: proxy.url, noProxy: ['*.internal'] }, { transport: 'http' }));
    expect(outcome.kind).not.toBe('completed');
    expect(proxy.log()).toEqual([]);
  });

  it('the connection doctor names the proxy and what it did', async () => {
    const { emu, proxy, baseUrl } = await setup({ denyConnect: true });
    const dialer = proxyDialer({ settings: () => ({ proxy: proxy.url }), direct: { socketFactory: wsSocketFactory, fetch: (u, i) => fetch(u, i) } });
    const report = await runConnectionDoctor({ baseUrl, apiKey: emu.apiKey, model: 'gpt-5.2', socketFactory: dialer.socketFactory, fetch: dialer.fetch, timeoutMs: 3000 });
    const websocket = report.checks.find((c) => c.id === 'websocket');
    expect(websocket?.cause).toBe('proxy');
    expect(websocket?.explanation).toBe(`The proxy 127.0.0.1:${proxy.port} refused CONNECT to model.internal:${emu.port} (403). Holdfast falls back to HTTP/SSE through it.`);
    expect(report.checks.find((c) => c.id === 'http')?.status).toBe('ok');
  });
});
