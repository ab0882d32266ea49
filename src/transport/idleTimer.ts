/**
 * The idle watchdogs' timer (the socket's per-request one and the HTTP/SSE stream's): calls `onIdle`
 * once the server has been silent for `ms`.
 *
 * Node runs expired timers before it reads its sockets: after this process was blocked (a starved CPU,
 * a GC pause, a busy extension host) the timer fires while the server's data waits unread, and a
 * healthy stream would be cut and resent. So a timer that fires late measured our silence, not the
 * server's: it grants one more period (a few at most, so a dead server is still noticed on a loop that
 * is always late).
 */
export interface IdleTimer {
  clear(): void;
}

/** How late a timer may fire before its period counts as the process's own stall. */
export const IDLE_TIMER_LATE_MS = 25;
/** Late periods granted in a row (the caller re-arms on every read, which starts the count again). */
export const MAX_LATE_GRANTS = 2;

export function setIdleTimer(ms: number, onIdle: () => void): IdleTimer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let grants = 0;
  const start = (): void => {
    const due = performance.now() + ms;
    timer = setTimeout(() => {
      if (performance.now() - due > IDLE_TIMER_LATE_MS && grants < MAX_LATE_GRANTS) {
        grants += 1;
        start();
        return;
      }
      timer = undefined;
      onIdle();
    }, ms);
  };
  start();
  return {
    clear: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
