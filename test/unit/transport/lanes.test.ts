import { describe, expect, it } from 'vitest';
import { LaneScheduler } from '../../../src/transport/lanes';
import { CancellationTokenSource } from '../../../src/common/cancellation';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('LaneScheduler', () => {
  it('serializes the default lane, first in first out', async () => {
    const lanes = new LaneScheduler();
    const order: string[] = [];
    const first = await lanes.acquire(undefined);
    const second = lanes.acquire(undefined).then((slot) => {
      order.push('second');
      return slot;
    });
    await tick();
    expect(order).toEqual([]);
    first?.release();
    (await second)?.release();
    expect(order).toEqual(['second']);
  });

  it('runs named lanes concurrently with the default lane', async () => {
    const lanes = new LaneScheduler();
    const a = await lanes.acquire(undefined);
    const b = await lanes.acquire('inline-1');
    const c = await lanes.acquire('fix-2');
    expect([a, b, c].every(Boolean)).toBe(true);
    expect(lanes.inFlight).toBe(3);
  });

  it('queues beyond 16 in flight and lets the next one in on release', async () => {
    const lanes = new LaneScheduler();
    const slots = await Promise.all(Array.from({ length: 16 }, (_, i) => lanes.acquire(`lane-${i}`)));
    let seventeenth = false;
    const pending = lanes.acquire('lane-16').then((slot) => {
      seventeenth = true;
      return slot;
    });
    await tick();
    expect(seventeenth).toBe(false);
    expect(lanes.queued).toBe(1);
    slots[3]?.release();
    await pending;
    expect(seventeenth).toBe(true);
    expect(lanes.inFlight).toBe(16);
  });

  it('caps named lanes at the configured limit (32 by default) but never blocks the default lane on it', async () => {
    const lanes = new LaneScheduler({ maxInFlight: 100, maxNamedLanes: 2 });
    await lanes.acquire('a');
    await lanes.acquire('b');
    let third = false;
    void lanes.acquire('c').then(() => (third = true));
    const defaultSlot = await lanes.acquire(undefined);
    await tick();
    expect(defaultSlot).toBeDefined();
    expect(third).toBe(false);
  });

  it('gives up waiting when cancelled, without taking a slot', async () => {
    const lanes = new LaneScheduler();
    const held = await lanes.acquire(undefined);
    const source = new CancellationTokenSource();
    const waiting = lanes.acquire(undefined, source.token);
    source.cancel();
    expect(await waiting).toBeUndefined();
    held?.release();
    expect(lanes.inFlight).toBe(0);
    expect(await lanes.acquire(undefined)).toBeDefined();
  });
});
