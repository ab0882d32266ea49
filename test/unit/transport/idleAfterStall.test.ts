/**
 * The fault campaign's intermittent seed 9 / run 8 (`reconnect426`: the upgrade is refused with 426, the
 * request falls back to HTTP/SSE, and a `drop` is armed for the stream), made deterministic: the event
 * loop is blocked past the idle timeout right after the POST is sent (a starved CPU, a GC pause, a busy
 * extension host). Node runs expired timers before it reads its sockets, so the idle watchdog fired
 * while the server's answer was already on its way: a false idle timeout spent the request's only
 * recovery, the retry met the armed drop, and the request ended "could not be recovered: UND_ERR_SOCKET".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { userMessage } from '../../../src/protocol/items';
import type { ModelStreamEvent } from '../../../src/transport/modelClient';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';

const IDLE_TIMEOUT_MS = 200;

/** Blocks this thread (timers and sockets alike) for `ms`, as a busy event loop would. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let emu: Emulator | undefined;
let transport: WorkspaceTransport | undefined;
afterEach(async () => {
  transport?.dispose();
  await emu?.close();
});

describe('an HTTP/SSE attempt after the event loop was blocked', () => {
  it('does not take the block for the server’s silence: one recovery for the cut stream, nothing lost or repeated', async () => {
    emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0, scenario: { name: 'long', tokensPerSecond: 0, steps: [{ say: 'word '.repeat(400).trim() }] } });
    emu.setFault({ kind: 'upgradeStatus', status: 426 });
    emu.setFault({ kind: 'drop', afterEvents: 300 });
    let posts = 0;
    transport = new WorkspaceTransport({
      baseUrl: emu.url,
      apiKey: async () => emu!.apiKey,
      connectTimeoutMs: 1000,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      fetch: (url, init) => {
        posts += 1;
        // The first POST: this process stops hearing anything for a while as it sends it.
        if (posts === 1) blockEventLoop(IDLE_TIMEOUT_MS * 3);
        return fetch(url, init);
      },
    });
    const events: ModelStreamEvent[] = [];
    const outcome = await transport.run(
      { model: 'gpt-5.2', instructions: 'You are a coding agent.', tools: [], input: [userMessage('Say many words.')] },
      { onEvent: (event) => events.push(event) },
    );

    expect(outcome.kind, JSON.stringify(outcome)).toBe('completed');
    const recoveries = events.filter((e) => e.kind === 'recovering');
    expect(recoveries.map((e) => (e.kind === 'recovering' ? e.reason : ''))).toEqual([expect.stringContaining('UND_ERR_SOCKET')]);
    expect(posts).toBe(2);
    if (outcome.kind === 'completed') {
      const text = outcome.output.flatMap((item) => (item.type === 'message' ? item.content.map((c) => ('text' in c ? c.text : '')) : [])).join('');
      expect(text).toBe('word '.repeat(400).trim());
    }
  });
});
