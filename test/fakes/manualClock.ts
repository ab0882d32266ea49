/**
 * The one test clock: moved by hand, and it runs timers (`Clock.setTimer`) as it moves. `advance`
 * walks time forward to each due timer in order and fires it, so "idle for 56 minutes" is one call and
 * durations in events are exact.
 */
import type { Clock } from '../../src/common/clock';
import type { Disposable } from '../../src/common/disposable';

interface Timer {
  dueAt: number;
  order: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private readonly timers: Timer[] = [];
  private order = 0;

  constructor(public time = 1_700_000_000_000) {}

  now = (): number => this.time;

  setTimer = (callback: () => void, ms: number): Disposable => {
    const timer: Timer = { dueAt: this.time + Math.max(0, ms), order: this.order++, callback };
    this.timers.push(timer);
    return {
      dispose: () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
      },
    };
  };

  /** Timers not fired yet. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.dueAt <= end).sort((a, b) => a.dueAt - b.dueAt || a.order - b.order)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.time = Math.max(this.time, due.dueAt);
      due.callback();
    }
    this.time = end;
  }
}
