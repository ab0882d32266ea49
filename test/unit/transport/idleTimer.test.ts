import { describe, expect, it, vi } from 'vitest';
import { setIdleTimer } from '../../../src/transport/idleTimer';

/** Blocks this thread (timers and sockets alike) for `ms`, as a busy event loop would. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('setIdleTimer', () => {
  it('calls onIdle after the period when the loop was free', async () => {
    await new Promise<void>((resolve) => setIdleTimer(20, resolve));
  });

  it('does not fire in the turn after this process was blocked past it: the period was our silence, not the server’s', async () => {
    let fired = false;
    const timer = setIdleTimer(50, () => (fired = true));
    blockEventLoop(200);
    await nextTurn();
    expect(fired).toBe(false);
    // The granted period runs out when nothing arrives meanwhile.
    await vi.waitFor(() => expect(fired).toBe(true), { timeout: 2000, interval: 10 });
    timer.clear();
  });

  it('clear() stops it', async () => {
    let fired = false;
    setIdleTimer(10, () => (fired = true)).clear();
    await new Promise<void>((resolve) => setIdleTimer(40, resolve));
    expect(fired).toBe(false);
  });
});
