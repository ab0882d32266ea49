/**
 * The one clock interface. Production code takes a `Clock` so tests can move time by hand
 * (`test/fakes/manualClock.ts`) instead of sleeping.
 */
import { type Disposable, toDisposable } from './disposable';

export interface Clock {
  /** Milliseconds; only differences between two readings of the same clock mean anything. */
  now(): number;
  /**
   * Runs `callback` once after `ms` of this clock's time. Optional: without it callers use a real,
   * unref'd timer (`setClockTimer`). A test clock implements it to fire timers when it is moved.
   */
  setTimer?(callback: () => void, ms: number): Disposable;
}

/** Wall-clock time in ms since the epoch, real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => realTimer(callback, ms),
};

/** Starts a one-shot timer on `clock`, or on a real unref'd timer when the clock has none. */
export function setClockTimer(clock: Clock, callback: () => void, ms: number): Disposable {
  return clock.setTimer ? clock.setTimer(callback, ms) : realTimer(callback, ms);
}

function realTimer(callback: () => void, ms: number): Disposable {
  const timer = setTimeout(callback, ms);
  // A pending timer must never keep the extension host (or a test process) alive on its own.
  (timer as { unref?: () => void }).unref?.();
  return toDisposable(() => clearTimeout(timer));
}
