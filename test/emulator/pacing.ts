// Output pacing: tokens/s with timer batching. At 4,000 tokens/s a timer per token is impossible
// (timers have ~1 ms granularity and jitter), so the pacer lets tokens through as fast as the schedule
// allows and only sleeps when it is ahead by more than one tick; each wake-up therefore releases
// several tokens (several delta events), and the long-run rate is exact regardless of timer jitter.

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

const TICK_MS = 4;
/** When unpaced, yield to the event loop this often so other lanes and sockets make progress. */
const UNPACED_YIELD_EVERY = 64;

export class Pacer {
  private readonly startedAt = performance.now();
  private released = 0;

  constructor(
    private readonly tokensPerSecond: number,
    private readonly signal: AbortSignal,
  ) {}

  /** Waits until `count` more tokens may be released. */
  async release(count: number): Promise<void> {
    this.released += count;
    if (!(this.tokensPerSecond > 0)) {
      if (this.released % UNPACED_YIELD_EVERY < count) await new Promise<void>((r) => setImmediate(r));
      return;
    }
    const dueAt = this.startedAt + (this.released * 1000) / this.tokensPerSecond;
    const ahead = dueAt - performance.now();
    if (ahead > TICK_MS) await sleep(ahead, this.signal);
  }
}

/** Splits text into token-sized pieces (≈4 characters, whitespace kept with the following word). Concatenation is lossless. */
export function tokenPieces(text: string): string[] {
  const pieces: string[] = [...(text.match(/\s*[^\s]{1,4}/g) ?? [])];
  const joined = pieces.join('');
  const rest = text.slice(joined.length);
  if (rest) {
    if (pieces.length) pieces[pieces.length - 1] += rest;
    else pieces.push(rest);
  }
  return pieces;
}
