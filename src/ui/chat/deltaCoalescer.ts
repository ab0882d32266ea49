/**
 * The hot path of the chat view: text deltas are coalesced per block and let out at most once per
 * frame (~16 ms), with a leading edge (after a quiet spell the first delta goes out on the next tick).
 * It only holds and times the text; the presenter folds it into the display model and posts it.
 */
import { type Clock, setClockTimer } from '../../common/clock';
import type { Disposable } from '../../common/disposable';
import { Limits } from '../../protocol/webview';
import { clipId } from './clipping';
import type { DisplayEventOf } from './displayEvents';

/** Text waiting for the next frame, for one block. */
export interface PendingText {
  blockId: string;
  kind: 'markdown' | 'reasoning';
  parts: string[];
}

export class DeltaCoalescer {
  private turnId: string | undefined;
  private pending: PendingText[] = [];
  private timer: Disposable | undefined;
  private lastPostAt = Number.NEGATIVE_INFINITY;

  /** `flush` is called when the frame is due (or earlier, when the text must go out now). */
  constructor(
    private readonly clock: Clock,
    private readonly frameMs: number,
    private readonly flush: () => void,
  ) {}

  queue(event: DisplayEventOf<'textDelta'>): void {
    if (event.delta.length === 0) return;
    if (this.turnId !== undefined && this.turnId !== event.turnId) this.flush();
    this.turnId = event.turnId;
    const blockId = clipId(event.blockId);
    const kind = event.channel === 'reasoning' ? 'reasoning' : 'markdown';
    const last = this.pending[this.pending.length - 1];
    if (last && last.blockId === blockId && last.kind === kind) {
      last.parts.push(event.delta);
    } else {
      this.pending.push({ blockId, kind, parts: [event.delta] });
      // A frame that interleaves more blocks than one message may carry goes out at once.
      if (this.pending.length >= Limits.deltaEntries) {
        this.flush();
        return;
      }
    }
    this.schedule();
  }

  /** Hands over the pending text (and forgets it); undefined when there is none. */
  take(): { turnId: string; pending: PendingText[] } | undefined {
    const turnId = this.turnId;
    const pending = this.pending;
    this.drop();
    return turnId === undefined || pending.length === 0 ? undefined : { turnId, pending };
  }

  /** The text taken was posted now: the next frame is timed from here. */
  posted(): void {
    this.lastPostAt = this.clock.now();
  }

  /** Forgets the pending text (a session switch) and its timer. */
  drop(): void {
    this.timer?.dispose();
    this.timer = undefined;
    this.pending = [];
    this.turnId = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastPostAt + this.frameMs - this.clock.now());
    this.timer = setClockTimer(
      this.clock,
      () => {
        this.timer = undefined;
        this.flush();
      },
      wait,
    );
  }
}
