import { type Disposable, toDisposable } from './disposable';
import { Emitter, type Event } from './event';

/** Shaped like `vscode.CancellationToken`, so a VS Code token can be passed straight into pure code. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
  readonly onCancellationRequested: Event<unknown>;
}

const neverEvent: Event<unknown> = () => toDisposable(() => undefined);

export const CancellationToken = {
  None: Object.freeze({ isCancellationRequested: false, onCancellationRequested: neverEvent }) as CancellationToken,
};

/** Owns a token. `cancel()` is idempotent; a parent token's cancellation cancels this one too. */
export class CancellationTokenSource implements Disposable {
  private readonly emitter = new Emitter<unknown>();
  private cancelled = false;
  private readonly parentSubscription: Disposable | undefined;
  readonly token: CancellationToken;

  constructor(parent?: CancellationToken) {
    const isCancelled = (): boolean => this.cancelled;
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested: (listener) => {
        if (this.cancelled) {
          // Late subscribers still hear about it, asynchronously, as with VS Code's tokens.
          queueMicrotask(() => listener(undefined));
          return toDisposable(() => undefined);
        }
        return this.emitter.event(listener);
      },
    };
    if (parent?.isCancellationRequested) this.cancelled = true;
    this.parentSubscription = parent?.onCancellationRequested(() => this.cancel());
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.parentSubscription?.dispose();
    this.emitter.dispose();
  }
}

/** Thrown (or returned as an outcome) when work stops because the user asked; never shown as an error. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

export function isCancelledError(error: unknown): error is CancelledError {
  return error instanceof CancelledError;
}
