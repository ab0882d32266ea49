/**
 * Teardown that also runs on Ctrl+C, SIGTERM and crashes: a leaked code-server keeps ~450 MB and a
 * port, and a leaked Chromium keeps its profile locked, so every start registers its stop here.
 */
type Cleanup = () => Promise<void> | void;

const cleanups: Cleanup[] = [];
let handlersInstalled = false;
let running: Promise<void> | undefined;

/** Registers `cleanup` to run (last registered, first run) at `runCleanups()` or on a signal. */
export function onCleanup(cleanup: Cleanup): () => void {
  installSignalHandlers();
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.indexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

/** Runs every registered cleanup once, newest first; a failing cleanup does not stop the others. */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop()!;
      try {
        await cleanup();
      } catch (error) {
        console.error('[cleanup] failed:', error);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  let signals = 0;
  const exitAfterCleanup = (code: number) => {
    // Ctrl+C reaches the whole terminal process group and test-electron forwards another SIGINT, so
    // a second signal must not cut the cleanup short; a third one means "now".
    if (++signals > 2) process.exit(code);
    if (signals > 1) return;
    void runCleanups().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => exitAfterCleanup(130));
  process.on('SIGTERM', () => exitAfterCleanup(143));
  process.on('SIGHUP', () => exitAfterCleanup(129));
  process.on('uncaughtException', (error) => {
    console.error('[harness] uncaught exception:', error);
    exitAfterCleanup(1);
  });
  process.on('unhandledRejection', (reason) => {
    console.error('[harness] unhandled rejection:', reason);
    exitAfterCleanup(1);
  });
}
