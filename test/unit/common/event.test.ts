import { describe, expect, it } from 'vitest';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { Emitter, nextEvent } from '../../../src/common/event';

describe('Emitter', () => {
  it('delivers to every listener even when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((error) => errors.push(error));
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('bad listener');
    });
    emitter.event((value) => seen.push(value));
    emitter.fire(7);
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
  });

  it('stops delivering after the subscription is disposed', () => {
    const emitter = new Emitter<string>();
    const seen: string[] = [];
    const subscription = emitter.event((value) => seen.push(value));
    emitter.fire('a');
    subscription.dispose();
    emitter.fire('b');
    expect(seen).toEqual(['a']);
  });

  it('nextEvent resolves with the first matching value', async () => {
    const emitter = new Emitter<number>();
    const pending = nextEvent(emitter.event, (n) => n > 2);
    emitter.fire(1);
    emitter.fire(3);
    await expect(pending).resolves.toBe(3);
  });
});

describe('CancellationTokenSource', () => {
  it('cancels once, and a parent cancels its children', () => {
    const parent = new CancellationTokenSource();
    const child = new CancellationTokenSource(parent.token);
    let heard = 0;
    child.token.onCancellationRequested(() => heard++);
    expect(child.token.isCancellationRequested).toBe(false);
    parent.cancel();
    parent.cancel();
    expect(child.token.isCancellationRequested).toBe(true);
    expect(heard).toBe(1);
  });

  it('tells a late subscriber that it is already cancelled', async () => {
    const source = new CancellationTokenSource();
    source.cancel();
    const heard = await new Promise<boolean>((resolve) => source.token.onCancellationRequested(() => resolve(true)));
    expect(heard).toBe(true);
  });
});
