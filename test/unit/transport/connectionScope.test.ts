/**
 * The connection lifetime: a ConnectionScope owns what dies with one socket (steer trackers waiting for
 * replies, warm-up records, the rotation timer, the lanes' chain memory) and is disposed exactly when its
 * socket ends; CurrentConnection swaps scopes, retiring the one it replaces.
 */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../src/protocol/items';
import { CurrentConnection } from '../../../src/transport/connectionScope';
import type { SteerResult } from '../../../src/transport/modelClient';
import { SteerTracker } from '../../../src/transport/steer';
import type { ConnectionLoss } from '../../../src/transport/wsConnection';
import { FakeServer, responseEvents, type FakeSocket } from '../../fakes/fakeSocket';
import { ManualClock } from '../../fakes/manualClock';
import { hello, makeTransport, request } from './transportHarness';
import { openScope, until } from './transportParts';

/** A steer offer left open on `lane` of the scope's socket; `settled` says how it ended, once it did. */
function openOffer(scope: Awaited<ReturnType<typeof openScope>>): { settled: SteerResult | undefined } {
  const steer = new SteerTracker();
  scope.steers.track(undefined, steer);
  const probe: { settled: SteerResult | undefined } = { settled: undefined };
  void steer.offer([userMessage('use util.ts')], 60_000).then((result) => (probe.settled = result));
  return probe;
}

describe('ConnectionScope', () => {
  it('a lost socket disposes exactly its scope: its offers settle, its records and its timer go; the other scope keeps its own', async () => {
    const server = new FakeServer();
    const clock = new ManualClock();
    const a = await openScope(server);
    const b = await openScope(server);
    const offerA = openOffer(a);
    const offerB = openOffer(b);
    a.warmups.remember('resp_a', { startedAt: 1, endedAt: 2 });
    b.warmups.remember('resp_b', { startedAt: 1, endedAt: 2 });
    a.chain.recordCompleted(undefined, { responseId: 'resp_a', paramsKey: '{}', input: [], output: [] });
    a.setRotationTimer(clock.setTimer(() => undefined, 60_000));
    b.setRotationTimer(clock.setTimer(() => undefined, 60_000));
    expect(clock.pendingTimers).toBe(2);

    (server.sockets[0] as FakeSocket).drop();
    await until(() => a.isDisposed, 'scope a disposed');

    expect(offerA.settled).toEqual({ status: 'notDelivered', reason: 'connection_lost' });
    expect(a.warmups.size).toBe(0);
    expect(a.hasRotationTimer).toBe(false);
    expect(a.isUsable).toBe(false);
    expect(clock.pendingTimers).toBe(1);

    expect(b.isDisposed).toBe(false);
    expect(b.isUsable).toBe(true);
    expect(b.warmups.get('resp_b')).toBeDefined();
    expect(b.hasRotationTimer).toBe(true);
    expect(offerB.settled).toBeUndefined();
    b.dispose();
  });

  it('dispose closes its socket: the request in flight hears it, and a second dispose changes nothing', async () => {
    const server = new FakeServer();
    const scope = await openScope(server);
    const losses: ConnectionLoss[] = [];
    scope.connection.startRequest(undefined, JSON.stringify({ type: 'response.create' }), { onEvent: () => undefined, onLost: (loss) => losses.push(loss) }, 1000);
    scope.dispose();
    scope.dispose();
    expect(losses).toEqual([expect.objectContaining({ reason: 'disposed' })]);
    expect(server.sockets[0]?.closedByClient).toBe(true);
    expect(scope.isDisposed).toBe(true);
  });

  it('a timer set on a disposed scope is disposed at once', async () => {
    const clock = new ManualClock();
    const scope = await openScope(new FakeServer());
    scope.dispose();
    scope.setRotationTimer(clock.setTimer(() => undefined, 1000));
    expect(clock.pendingTimers).toBe(0);
    expect(scope.hasRotationTimer).toBe(false);
  });
});

describe('CurrentConnection', () => {
  it('replacing an idle scope retires it: its socket closes and exactly that scope is disposed', async () => {
    const server = new FakeServer();
    const current = new CurrentConnection();
    const a = await openScope(server);
    const b = await openScope(server);
    current.set(a);
    current.set(b);
    expect(current.value).toBe(b);
    await until(() => a.isDisposed, 'the replaced scope disposed');
    expect(server.sockets[0]?.closedByClient).toBe(true);
    expect(b.isDisposed).toBe(false);
    expect(server.sockets[1]?.isClosed).toBe(false);
    current.close();
    expect(b.isDisposed).toBe(true);
    expect(current.value).toBeUndefined();
  });

  it('a replaced scope with a response in flight finishes it first, then is disposed', async () => {
    const server = new FakeServer();
    const clock = new ManualClock();
    const current = new CurrentConnection();
    const a = await openScope(server);
    const frame = { type: 'response.create', input: [] };
    const events: string[] = [];
    a.connection.startRequest(undefined, JSON.stringify(frame), { onEvent: (event) => events.push(event.type), onLost: () => events.push('lost') }, 1000);
    a.setRotationTimer(clock.setTimer(() => undefined, 60_000));
    current.set(a);
    current.set(await openScope(server));

    expect(a.isUsable).toBe(false); // no new requests on it
    expect(a.hasRotationTimer).toBe(false); // a retiring socket is never rotated
    expect(a.isDisposed).toBe(false); // still serving its response
    (server.sockets[0] as FakeSocket).emit(...responseEvents(frame, 'resp_1', []));
    await until(() => a.isDisposed, 'disposed after the terminal event');
    expect(events.at(-1)).toBe('response.completed');
    expect(events).not.toContain('lost');
  });

  it('release forgets the current scope without touching it; retire lets it go', async () => {
    const server = new FakeServer();
    const current = new CurrentConnection();
    const a = await openScope(server);
    current.set(a);
    current.release(await openScope(server)); // not current: nothing happens
    expect(current.value).toBe(a);
    current.release(a);
    expect(current.value).toBeUndefined();
    expect(a.isUsable).toBe(true);
    current.set(a);
    current.retire();
    expect(current.value).toBeUndefined();
    await until(() => a.isDisposed, 'retired and closed');
  });
});

describe('the transport’s connection lifetime', () => {
  it('closing or replacing the connection disposes exactly its scope (its rotation timer is the witness)', async () => {
    const { server, transport, clock } = makeTransport();
    expect((await transport.run(request([hello]))).kind).toBe('completed');
    expect(clock.pendingTimers).toBe(1); // the rotation check, in the socket's scope

    (server.sockets[0] as FakeSocket).drop();
    await until(() => clock.pendingTimers === 0, 'the lost socket’s scope disposed');

    expect((await transport.run(request([hello]))).kind).toBe('completed');
    expect(server.sockets).toHaveLength(2);
    expect(clock.pendingTimers).toBe(1);
    transport.resetConnection('test');
    expect(server.sockets[1]?.closedByClient).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    transport.dispose();
  });
});
