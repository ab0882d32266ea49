/**
 * A settings or key change while a connect is still in flight (e.g. the old base URL never answers)
 * must not leave the transport waiting on — or adopting — that stale connect: the next request connects
 * to the new server at once, over WebSocket, instead of timing out and falling back to HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { userMessage } from '../../../src/protocol/items';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { startEmulator } from '../../emulator';
import { startBlackholeServer } from '../../fakes/blackholeServer';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('resetConnection during a connect', () => {
  it('the next request connects to the new base URL instead of waiting on the stale connect', async () => {
    const silent = await startBlackholeServer();
    cleanups.push(() => silent.close());
    const emu = await startEmulator({
      scenario: { name: 'hello', fallback: 'fail', steps: [{ id: 'hello', when: { userText: 'hi' }, say: 'hello' }] },
      tokensPerSecond: 0,
      pingIntervalMs: 0,
    });
    cleanups.push(() => emu.close());
    const transport = new WorkspaceTransport({ baseUrl: silent.baseUrl, apiKey: async () => emu.apiKey, transport: 'auto', connectTimeoutMs: 60_000 });
    cleanups.push(() => transport.dispose());

    // A warm-up towards the silent server, superseded (cancelled) by a settings change.
    const source = new CancellationTokenSource();
    const warm = transport.warmUp({ model: 'gpt-5.2', instructions: 'x', tools: [], input: [] }, source.token);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(silent.connectionCount()).toBe(1);
    source.cancel();
    transport.reconfigure({ baseUrl: emu.url });
    expect((await warm).kind).not.toBe('warm');

    // The stale connect would only give up after a minute, past the test's timeout: finishing at all
    // shows the request did not wait on it.
    const outcome = await transport.run({ model: 'gpt-5.2', instructions: 'x', tools: [], input: [userMessage('hi')] });
    expect(outcome.kind).toBe('completed');
    expect(transport.usingHttp).toBe(false);
    expect(emu.stats().requests.map((r) => r.transport)).toEqual(['ws']);
  });
});
