/**
 * Where the words a user types while a turn runs wait until they reach the model, so none is lost:
 * - `inStream`: the transport delivered them into the running response (its output should contain
 *   them; if it does not, or the request fails, the agent writes them into the transcript itself),
 * - `afterTools`: the response stopped for tool outputs and the server holds them; they go into the
 *   transcript right after this round's tool outputs,
 * - `queued`: not delivered; they are sent as user messages with the next request.
 */
import type { SteerResult } from '../transport/modelClient';

export interface SteerEntry {
  id: string;
  text: string;
}

export class SteeringInbox {
  private queued: SteerEntry[] = [];
  private afterTools: SteerEntry[] = [];
  private inStream: SteerEntry[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * Offers an entry through the transport's steering; the result decides where it waits. `keep`, when
   * given, decides for an undelivered entry whether it is queued for the next request (true) or left
   * to the caller, who has told the user (an unknown outcome, a refusal).
   */
  offer(
    entry: SteerEntry,
    deliver: Promise<SteerResult>,
    onDelivered: (entry: SteerEntry) => void,
    onSettled?: (entry: SteerEntry, result: SteerResult) => boolean,
  ): void {
    const settled = deliver.then(
      (result) => {
        if (result.status === 'delivered') {
          this.inStream.push(entry);
          onDelivered(entry);
          return;
        }
        const keep = onSettled?.(entry, result) ?? true;
        if (!keep) return;
        if (result.status === 'pending') this.afterTools.push(entry);
        else this.queued.push(entry);
      },
      () => {
        this.queued.push(entry);
      },
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  queue(entry: SteerEntry): void {
    this.queued.push(entry);
  }

  /** Waits until every offer has its answer from the transport. */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  get hasWaiting(): boolean {
    return this.queued.length > 0 || this.afterTools.length > 0;
  }

  takeQueued(): SteerEntry[] {
    return this.queued.splice(0);
  }

  takeAfterTools(): SteerEntry[] {
    return this.afterTools.splice(0);
  }

  takeInStream(): SteerEntry[] {
    return this.inStream.splice(0);
  }

  /** Everything not yet in the transcript, in arrival order of the channels. */
  takeAll(): SteerEntry[] {
    return [...this.takeInStream(), ...this.takeAfterTools(), ...this.takeQueued()];
  }
}
