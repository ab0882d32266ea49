import { describe, expect, it } from 'vitest';
import { DisposableStore, toDisposable } from '../../../src/common/disposable';

describe('DisposableStore', () => {
  it('disposes in reverse order of adding, once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(toDisposable(() => order.push('second')));
    store.dispose();
    store.dispose();
    expect(order).toEqual(['second', 'first']);
    expect(store.isDisposed).toBe(true);
  });

  it('disposes a newcomer at once when already disposed, so nothing leaks', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = false;
    store.add(toDisposable(() => (disposed = true)));
    expect(disposed).toBe(true);
  });

  it('clear() empties the store but keeps it usable, and still disposes everything when one throws', () => {
    const store = new DisposableStore();
    let later = false;
    store.add(toDisposable(() => (later = true)));
    store.add(toDisposable(() => {
      throw new Error('boom');
    }));
    expect(() => store.clear()).toThrow('boom');
    expect(later).toBe(true);
    let reused = false;
    store.add(toDisposable(() => (reused = true)));
    expect(reused).toBe(false);
    store.dispose();
    expect(reused).toBe(true);
  });
});
