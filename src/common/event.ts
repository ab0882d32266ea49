import { type Disposable, toDisposable } from './disposable';

/** A subscribable event, shaped like `vscode.Event` so host code can pass ours where VS Code expects one. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * The owner of an event: it fires, listeners subscribe through `event`. A listener that throws does not
 * stop the others; its error goes to `onListenerError` (by default the console) so one bad subscriber
 * cannot break the stream of events for everyone else.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();
  private disposed = false;

  constructor(private readonly onListenerError: (error: unknown) => void = (e) => console.error(e)) {}

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => undefined);
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Resolves with the next value the event fires. */
export function nextEvent<T>(event: Event<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      if (!predicate(value)) return;
      subscription.dispose();
      resolve(value);
    });
  });
}
