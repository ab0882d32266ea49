/**
 * The connection lifetime (architecture.md, "Ownership and lifetimes"): everything that lives and dies
 * with one socket, in one place. A `ConnectionScope` owns its `WsConnection` and that socket's state:
 * the lanes' chain memory (the server's cache is per connection), the steer trackers that still wait
 * for replies, the warm-up records and the background-rotation timer. It is disposed exactly when its
 * socket ends (lost, closed, or retired once its last response was read), so no per-socket state can
 * outlive it or leak into the next one.
 *
 * `CurrentConnection` holds the one scope new requests use, swapped like VS Code's `MutableDisposable`:
 * setting a new one lets go of the old, here by retiring it (it serves the responses already in flight
 * on it, then closes, and its scope is disposed then).
 */
import { type Disposable, DisposableStore } from '../common/disposable';
import type { ChainMemory } from './chain';
import { LaneSteers } from './steering';
import { WarmupRecords } from './warmUp';
import type { WsConnection } from './wsConnection';

export class ConnectionScope implements Disposable {
  private readonly store = new DisposableStore();
  readonly steers: LaneSteers;
  readonly warmups: WarmupRecords;
  private rotationTimer: Disposable | undefined;
  /** Not to be rotated in the background before this time (Infinity: leave it to the next request). */
  rotationHeldUntil = -Infinity;

  constructor(
    readonly connection: WsConnection,
    /** The API key the socket was opened with: a different key needs a new socket. */
    readonly apiKey: string,
  ) {
    this.steers = this.store.add(new LaneSteers());
    this.warmups = this.store.add(new WarmupRecords());
    this.store.add({ dispose: () => this.setRotationTimer(undefined) });
    this.store.add(connection.onStrayEvent((event) => this.steers.onStrayEvent(event, connection.chain)));
    this.store.add(connection.onDidLose(() => this.dispose()));
  }

  /** The chain memory of every lane on this socket. */
  get chain(): ChainMemory {
    return this.connection.chain;
  }

  get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  /** Usable for a new request: open, not lost, not retiring. */
  get isUsable(): boolean {
    return !this.isDisposed && this.connection.isUsable;
  }

  get hasRotationTimer(): boolean {
    return this.rotationTimer !== undefined;
  }

  /** The scope's one timer, the background-rotation check; replacing it disposes the old one. */
  setRotationTimer(timer: Disposable | undefined): void {
    this.rotationTimer?.dispose();
    this.rotationTimer = this.isDisposed ? undefined : timer;
    if (this.isDisposed) timer?.dispose();
  }

  /**
   * No new requests: the responses in flight finish, then the socket closes (at once when idle) and the
   * scope is disposed. Its timer goes now: a retiring socket is never rotated.
   */
  retire(): void {
    this.setRotationTimer(undefined);
    if (!this.connection.isLost) this.connection.retire();
  }

  /** Closes the socket now (requests in flight hear they lost it) and releases everything it owned. */
  dispose(): void {
    if (this.isDisposed) return;
    this.store.dispose();
    if (!this.connection.isLost) this.connection.close('disposed');
  }
}

/** The scope new requests use: at most one; a replaced one is retired. */
export class CurrentConnection {
  private scope: ConnectionScope | undefined;

  get value(): ConnectionScope | undefined {
    return this.scope;
  }

  /** Makes `next` current; the scope it replaces is retired. */
  set(next: ConnectionScope): void {
    const previous = this.scope;
    this.scope = next;
    if (previous && previous !== next) previous.retire();
  }

  /** Retires the current scope and forgets it (too old, opened with another key, spent). */
  retire(): void {
    const previous = this.scope;
    this.scope = undefined;
    previous?.retire();
  }

  /** Forgets `scope` if it is current, and leaves it as it is (it was lost, or is being closed). */
  release(scope: ConnectionScope): void {
    if (this.scope === scope) this.scope = undefined;
  }

  /** Closes the current scope now (reset, dispose). */
  close(): void {
    const previous = this.scope;
    this.scope = undefined;
    previous?.dispose();
  }
}
