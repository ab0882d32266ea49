/**
 * Client-side lane discipline for one workspace socket.
 *
 * - One request at a time per lane, first in first out. On the default lane this is required (its events
 *   carry no `stream_id`, so two in flight could not be told apart); on named lanes the server would
 *   queue anyway, but serializing here keeps event routing trivially unambiguous.
 * - Named lanes run concurrently with each other and with the default lane.
 * - The server's limits (16 responses in flight per connection, 32 named lanes) are enforced here by
 *   queueing, so the server never has to refuse a request.
 */
import type { CancellationToken } from '../common/cancellation';
import { laneKey, DEFAULT_LANE } from './chain';

export const MAX_IN_FLIGHT = 16;
export const MAX_NAMED_LANES = 32;

export interface LaneLimits {
  maxInFlight: number;
  maxNamedLanes: number;
}

/** Held while a request runs on its lane; `release()` lets the next one in. Idempotent. */
export interface LaneSlot {
  readonly lane: string | undefined;
  release(): void;
}

interface Waiter {
  key: string;
  lane: string | undefined;
  grant: (slot: LaneSlot | undefined) => void;
}

export class LaneScheduler {
  private readonly running = new Set<string>();
  private readonly queue: Waiter[] = [];
  private readonly limits: LaneLimits;

  constructor(limits: Partial<LaneLimits> = {}) {
    this.limits = { maxInFlight: limits.maxInFlight ?? MAX_IN_FLIGHT, maxNamedLanes: limits.maxNamedLanes ?? MAX_NAMED_LANES };
  }

  get inFlight(): number {
    return this.running.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  isRunning(lane: string | undefined): boolean {
    return this.running.has(laneKey(lane));
  }

  /**
   * Waits for a slot on `lane`. Resolves `undefined` if the token is cancelled while waiting (the request
   * never started, so there is nothing to clean up on the wire).
   */
  acquire(lane: string | undefined, token?: CancellationToken): Promise<LaneSlot | undefined> {
    if (token?.isCancellationRequested) return Promise.resolve(undefined);
    const key = laneKey(lane);
    return new Promise((resolve) => {
      const waiter: Waiter = { key, lane, grant: resolve };
      this.queue.push(waiter);
      const subscription = token?.onCancellationRequested(() => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) {
          this.queue.splice(index, 1);
          resolve(undefined);
          // A waiter leaving may unblock nobody, but a cancelled head-of-lane could: re-check.
          this.pump();
        }
      });
      const originalGrant = waiter.grant;
      waiter.grant = (slot) => {
        subscription?.dispose();
        originalGrant(slot);
      };
      this.pump();
    });
  }

  private canStart(key: string): boolean {
    if (this.running.has(key)) return false;
    if (this.running.size >= this.limits.maxInFlight) return false;
    if (key !== DEFAULT_LANE) {
      const namedRunning = [...this.running].filter((k) => k !== DEFAULT_LANE).length;
      if (namedRunning >= this.limits.maxNamedLanes) return false;
    }
    return true;
  }

  private pump(): void {
    // FIFO per lane: a waiter may start only if no earlier waiter of the same lane is still queued.
    const blockedLanes = new Set<string>();
    for (let i = 0; i < this.queue.length; ) {
      const waiter = this.queue[i] as Waiter;
      if (!blockedLanes.has(waiter.key) && this.canStart(waiter.key)) {
        this.queue.splice(i, 1);
        this.running.add(waiter.key);
        let released = false;
        waiter.grant({
          lane: waiter.lane,
          release: () => {
            if (released) return;
            released = true;
            this.running.delete(waiter.key);
            this.pump();
          },
        });
        continue;
      }
      blockedLanes.add(waiter.key);
      i++;
    }
  }
}
