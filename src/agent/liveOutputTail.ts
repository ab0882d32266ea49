/**
 * The live output of a background call, as the chat card shows it: the end of what the process printed
 * so far, redacted as a whole (a key split across two chunks is still caught), published at most once
 * per interval so a chatty build cannot flood the webview. The model never sees this: it gets the
 * call's bounded output when the job ends.
 */
import { type Clock, setClockTimer } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { redactSecrets } from '../common/redact';

export const LIVE_TAIL_CHARS = 2000;
const PUBLISH_INTERVAL_MS = 250;

export class LiveOutputTail implements Disposable {
  private raw = '';
  private timer: Disposable | undefined;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly knownSecrets: () => readonly string[],
    private readonly publish: (tail: string) => void,
  ) {}

  push(chunk: string): void {
    if (this.disposed || chunk === '') return;
    // Keep twice what is shown, so a secret straddling the cut is still whole when redacted.
    this.raw = (this.raw + chunk).slice(-2 * LIVE_TAIL_CHARS);
    this.timer ??= setClockTimer(this.clock, () => this.flush(), PUBLISH_INTERVAL_MS);
  }

  /** Publishes what is pending now, then stops. */
  dispose(): void {
    if (this.disposed) return;
    if (this.timer) this.flush();
    this.disposed = true;
  }

  private flush(): void {
    this.timer?.dispose();
    this.timer = undefined;
    this.publish(redactSecrets(this.raw, this.knownSecrets()).slice(-LIVE_TAIL_CHARS));
  }
}
