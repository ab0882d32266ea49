/**
 * Promise helpers for timeouts and cancellation, written once. Each settles exactly once and
 * releases its timer and subscription when it does, so none of them leaks a listener on a
 * long-lived token or event.
 */
import type { CancellationToken } from './cancellation';
import type { Disposable } from './disposable';
import type { Event } from './event';

/** Waits `ms`; resolves true when the time passed, false at once if `token` is (or becomes) cancelled. */
export function sleep(ms: number, token?: CancellationToken): Promise<boolean> {
  if (token?.isCancellationRequested) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription?.dispose();
      resolve(true);
    }, ms);
    const subscription: Disposable | undefined = token?.onCancellationRequested(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * Resolves with the promise's value, or with `onCancel` as soon as `token` is cancelled. A rejection
 * also resolves with `onCancel` when `rejectAsCancel` is set; otherwise it rejects.
 */
export function raceCancellation<T, C = undefined>(
  promise: Promise<T>,
  token: CancellationToken,
  onCancel?: C,
  options: { rejectAsCancel?: boolean } = {},
): Promise<T | C> {
  const cancelValue = onCancel as C;
  if (token.isCancellationRequested) return Promise.resolve(cancelValue);
  return new Promise((resolve, reject) => {
    const subscription = token.onCancellationRequested(() => resolve(cancelValue));
    promise.then(
      (value) => {
        subscription.dispose();
        resolve(value);
      },
      (error: unknown) => {
        subscription.dispose();
        if (options.rejectAsCancel) resolve(cancelValue);
        else reject(error);
      },
    );
  });
}

/**
 * Resolves with the promise's value, or with `fallback()` once `graceMs` have passed after `token` was
 * cancelled (a rejection also resolves with `fallback()`). Work that honours cancellation gets a grace
 * period to finish cleanly; work that ignores it cannot hold the caller forever.
 */
export function settleWithinGrace<T>(promise: Promise<T>, token: CancellationToken, graceMs: number, fallback: () => T): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let subscription: Disposable | undefined;
    const settle = (value: T): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      subscription?.dispose();
      resolve(value);
    };
    const arm = (): void => {
      timer ??= setTimeout(() => settle(fallback()), graceMs);
    };
    if (token.isCancellationRequested) arm();
    else subscription = token.onCancellationRequested(arm);
    promise.then(settle, () => settle(fallback()));
  });
}

/**
 * Resolves with the promise's value, or with `undefined` after `ms`. A rejection before the deadline
 * rejects (as an `Error`).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Resolves with the first value `event` fires that `accept` returns a result other than `undefined`
 * for; with `undefined` after `timeoutMs` when one is given. `accept` maps the value, so callers can
 * both filter and pick out what they wait for.
 */
export function whenEvent<T, R>(event: Event<T>, accept: (value: T) => R | undefined, timeoutMs?: number): Promise<R | undefined> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = event((value) => {
      const result = accept(value);
      if (result === undefined) return;
      if (timer) clearTimeout(timer);
      subscription.dispose();
      resolve(result);
    });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        subscription.dispose();
        resolve(undefined);
      }, timeoutMs);
    }
  });
}
