/**
 * The observable transport state behind the status bar chip ("warm · reconnecting 2 · HTTP fallback:
 * proxy refused the upgrade"). Fires only on real changes, so listeners can render on every event.
 */
import { Emitter, type Event } from '../common/event';
import type { Disposable } from '../common/disposable';
import type { TransportState } from './modelClient';
import { canonicalJson } from './chain';

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
