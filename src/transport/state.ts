/**
 * The observable transport state behind the status bar chip ("warm · reconnecting 2 · HTTP fallback:
 * proxy refused the upgrade"). The facts are kept by the parts that learn them (the key reader, the
 * connector, the request runs); `computeState` ranks them into one state; the holder fires only on real
 * changes, so listeners can render on every event.
 */
import { Emitter, type Event } from '../common/event';
import type { Disposable } from '../common/disposable';
import type { TransportState } from './modelClient';
import { canonicalJson } from './chain';
import type { TransportMode } from './transportOptions';

export class TransportStateHolder implements Disposable {
  private current: TransportState = { kind: 'idle' };
  private readonly emitter = new Emitter<TransportState>();
  readonly onDidChange: Event<TransportState> = this.emitter.event;

  get state(): TransportState {
    return this.current;
  }

  set(next: TransportState): void {
    if (canonicalJson(next) === canonicalJson(this.current)) return;
    this.current = next;
    this.emitter.fire(next);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** What the connector knows at the moment the state is computed. */
export interface ConnectionFacts {
  mode: TransportMode;
  /** A connect the user should see is under way (a background rotation's is not: the current socket still works). */
  connecting: boolean;
  /** Reconnects since the last socket was lost (0: the first connect). */
  reconnectAttempt: number;
  /** The remembered fallback's reason, while it is remembered. */
  fallbackReason: string | undefined;
  /** A socket is open and usable. */
  usable: boolean;
}

/** Every fact the state depends on. */
export interface TransportFacts extends ConnectionFacts {
  noKey: boolean;
  authErrorMessage: string | undefined;
  offlineMessage: string | undefined;
  lastLossReason: string;
  busy: boolean;
  warmLatencyMs: number | undefined;
}

/** The state to show, from the facts, most urgent first. Pure. */
export function computeState(facts: TransportFacts): TransportState {
  if (facts.noKey) return { kind: 'noKey' };
  if (facts.authErrorMessage) return { kind: 'authError', message: facts.authErrorMessage };
  if (facts.connecting) {
    return facts.reconnectAttempt > 0
      ? { kind: 'reconnecting', attempt: facts.reconnectAttempt, reason: facts.lastLossReason || 'connection lost' }
      : { kind: 'connecting' };
  }
  if (facts.mode === 'http') return { kind: 'httpFallback', reason: 'HTTP/SSE is selected in settings.' };
  if (facts.fallbackReason !== undefined) return { kind: 'httpFallback', reason: facts.fallbackReason };
  if (facts.busy) return { kind: 'busy' };
  if (facts.usable) return { kind: 'warm', latencyMs: facts.warmLatencyMs };
  if (facts.offlineMessage) return { kind: 'offline', message: facts.offlineMessage };
  return { kind: 'idle' };
}

/**
 * The facts the transport's parts report (key missing, key refused, offline, busy, last loss), joined
 * with the connector's live facts into the state on every `refresh`.
 */
export class TransportStatus implements Disposable {
  noKey = false;
  authErrorMessage: string | undefined;
  offlineMessage: string | undefined;
  warmLatencyMs: number | undefined;
  lastLossReason = '';
  private busyCount = 0;
  private disposed = false;
  private readonly holder = new TransportStateHolder();
  readonly onDidChange: Event<TransportState> = this.holder.onDidChange;

  constructor(private readonly connectionFacts: () => ConnectionFacts) {}

  get state(): TransportState {
    return this.holder.state;
  }

  /** The server refused the key: shown until a connect or a response proves a key good. */
  authFailed(message: string): void {
    this.authErrorMessage = message;
    this.refresh();
  }

  requestStarted(): void {
    this.busyCount += 1;
    this.refresh();
  }

  requestEnded(): void {
    this.busyCount -= 1;
    this.refresh();
  }

  refresh(): void {
    if (this.disposed) return;
    this.holder.set(
      computeState({
        ...this.connectionFacts(),
        noKey: this.noKey,
        authErrorMessage: this.authErrorMessage,
        offlineMessage: this.offlineMessage,
        lastLossReason: this.lastLossReason,
        busy: this.busyCount > 0,
        warmLatencyMs: this.warmLatencyMs,
      }),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.holder.dispose();
  }
}
