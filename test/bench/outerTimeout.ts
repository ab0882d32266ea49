// Every benchmark ends. An outer timeout that, when it fires, says which bench overran, stops what
// the bench started (code-server, Chromium and emulator hosts register with test/e2e/lib/cleanup)
// and exits non-zero, so a stuck page or server can never hold the shared machine.
import { runCleanups } from '../e2e/lib/cleanup';

/** How long cleanups may take once the outer timeout fired. */
const CLEANUP_GRACE_MS = 10_000;

export function armOuterTimeout(name: string, ms: number): () => void {
  const timer = setTimeout(() => {
    process.stderr.write(`[${name}] outer timeout: not finished after ${Math.round(ms / 1000)} s; stopping what it started and exiting (2).\n`);
    const grace = new Promise((resolve) => setTimeout(resolve, CLEANUP_GRACE_MS).unref());
    void Promise.race([runCleanups(), grace]).finally(() => process.exit(2));
  }, ms);
  // The timer alone never keeps a finished bench alive.
  timer.unref();
  return () => clearTimeout(timer);
}

/** Runs a bench's main under an outer timeout; exits 1 on an error. */
export function runBenchMain(name: string, timeoutMs: number, main: () => Promise<number | void>): void {
  const disarm = armOuterTimeout(name, timeoutMs);
  main().then(
    (code) => {
      disarm();
      process.exit(typeof code === 'number' ? code : 0);
    },
    (error: unknown) => {
      disarm();
      console.error(error);
      process.exit(1);
    },
  );
}
