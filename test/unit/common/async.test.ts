import { describe, expect, it, vi } from 'vitest';
import { raceCancellation, settleWithinGrace, sleep, whenEvent, withTimeout } from '../../../src/common/async';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { setClockTimer, systemClock } from '../../../src/common/clock';
import { Emitter } from '../../../src/common/event';
import { ManualClock } from '../../fakes/manualClock';

describe('common/async', () => {
  it('sleep resolves true after the time, false at once when cancelled before or during', async () => {
    vi.useFakeTimers();
    try {
      const done = sleep(50);
      vi.advanceTimersByTime(50);
      expect(await done).toBe(true);

      const source = new CancellationTokenSource();
      const waiting = sleep(10_000, source.token);
      source.cancel();
      expect(await waiting).toBe(false);
      expect(await sleep(10, source.token)).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('raceCancellation gives the value, the cancel value, or passes a rejection on unless told otherwise', async () => {
    const source = new CancellationTokenSource();
    expect(await raceCancellation(Promise.resolve(3), source.token)).toBe(3);
    const never = new Promise<number>(() => undefined);
    const raced = raceCancellation(never, source.token, 'stopped');
    source.cancel();
    expect(await raced).toBe('stopped');
    const live = new CancellationTokenSource();
    await expect(raceCancellation(Promise.reject(new Error('boom')), live.token)).rejects.toThrow('boom');
    expect(await raceCancellation(Promise.reject(new Error('boom')), live.token, 'x', { rejectAsCancel: true })).toBe('x');
  });

  it('settleWithinGrace waits for the work after a cancel, but only for the grace period', async () => {
    vi.useFakeTimers();
    try {
      const source = new CancellationTokenSource();
      let finish: (value: string) => void = () => undefined;
      const work = new Promise<string>((resolve) => (finish = resolve));
      const settled = settleWithinGrace(work, source.token, 100, () => 'fallback');
      source.cancel();
      vi.advanceTimersByTime(50);
      finish('finished');
      expect(await settled).toBe('finished');

      const stuck = settleWithinGrace(new Promise<string>(() => undefined), source.token, 100, () => 'fallback');
      vi.advanceTimersByTime(100);
      expect(await stuck).toBe('fallback');
      expect(await settleWithinGrace(Promise.reject(new Error('x')), new CancellationTokenSource().token, 100, () => 'failed')).toBe('failed');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('withTimeout resolves undefined at the deadline and rejects with an Error before it', async () => {
    vi.useFakeTimers();
    try {
      const late = withTimeout(new Promise<number>(() => undefined), 20);
      vi.advanceTimersByTime(20);
      expect(await late).toBeUndefined();
      expect(await withTimeout(Promise.resolve(1), 20)).toBe(1);
      await expect(withTimeout(Promise.reject('text'), 20)).rejects.toBeInstanceOf(Error);
    } finally {
      vi.useRealTimers();
    }
  });

  it('whenEvent picks the first accepted value, unsubscribes, and times out to undefined', async () => {
    vi.useFakeTimers();
    try {
      const emitter = new Emitter<number>();
      const even = whenEvent(emitter.event, (n) => (n % 2 === 0 ? `even ${n}` : undefined));
      emitter.fire(1);
      emitter.fire(4);
      emitter.fire(6);
      expect(await even).toBe('even 4');
      const never = whenEvent(emitter.event, (n) => (n > 100 ? n : undefined), 30);
      vi.advanceTimersByTime(30);
      expect(await never).toBeUndefined();
      const seen: number[] = [];
      emitter.event((n) => seen.push(n));
      emitter.fire(7);
      expect(seen).toEqual([7]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('setClockTimer uses the clock\'s timers when it has them, real ones otherwise', async () => {
    const clock = new ManualClock(0);
    let fired = 0;
    setClockTimer(clock, () => fired++, 1_000);
    clock.advance(999);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    const cancelled = setClockTimer(clock, () => fired++, 10);
    cancelled.dispose();
    clock.advance(20);
    expect(fired).toBe(1);

    const real = await new Promise<number>((resolve) => setClockTimer({ now: () => 0 }, () => resolve(systemClock.now()), 1));
    expect(real).toBeGreaterThan(0);
  });
});
