/** Steering on its own: which request a steer goes to, and the per-connection trackers of late replies. */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../src/protocol/items';
import type { ServerEvent } from '../../../src/protocol/responses';
import { ChainMemory } from '../../../src/transport/chain';
import type { SteerResult } from '../../../src/transport/modelClient';
import { SteerTracker } from '../../../src/transport/steer';
import { LaneSteers, Steering, type SteerableConnection } from '../../../src/transport/steering';

function socket(accepts = true): SteerableConnection & { frames: unknown[] } {
  const frames: unknown[] = [];
  return { frames, sendFrame: (text) => (frames.push(JSON.parse(text)), accepts) };
}

describe('Steering', () => {
  it('sends a steer frame for the running response once its id is known', async () => {
    const steering = new Steering(() => 1000);
    const connection = socket();
    const steer = new SteerTracker();
    steering.begin('inline-1', { connection, steer, responseId: Promise.resolve('resp_9') });
    const result = steering.steer('use util.ts', 'inline-1');
    await Promise.resolve();
    await Promise.resolve();
    expect(connection.frames).toEqual([{ type: 'response.steer', previous_response_id: 'resp_9', input: [userMessage('use util.ts')] }]);
    steer.onPending({ type: 'response.steer.pending' } as never);
    expect(await result).toEqual({ status: 'pending' });
  });

  it('says why it could not deliver: nothing running, HTTP, the response ended, the socket gone', async () => {
    const steering = new Steering(() => 1000);
    expect(await steering.steer('x')).toEqual({ status: 'notDelivered', reason: 'no_running_response' });

    const overHttp = steering.begin(undefined, { connection: undefined, steer: new SteerTracker(), responseId: Promise.resolve('r') });
    expect(await steering.steer('x')).toEqual({ status: 'notDelivered', reason: 'steering_needs_websocket' });
    overHttp.dispose();

    steering.begin(undefined, { connection: socket(), steer: new SteerTracker(), responseId: Promise.resolve(undefined) });
    expect(await steering.steer('x')).toEqual({ status: 'notDelivered', reason: 'response_ended' });

    steering.begin(undefined, { connection: socket(false), steer: new SteerTracker(), responseId: Promise.resolve('r') });
    expect(await steering.steer('x')).toEqual({ status: 'notDelivered', reason: 'connection_lost' });
  });

  it('ending a request unregisters only that request, not a newer one on the same lane', async () => {
    const steering = new Steering(() => 1000);
    const older = steering.begin(undefined, { connection: undefined, steer: new SteerTracker(), responseId: Promise.resolve('a') });
    steering.begin(undefined, { connection: socket(), steer: new SteerTracker(), responseId: Promise.resolve(undefined) });
    older.dispose();
    expect(await steering.steer('x')).toEqual({ status: 'notDelivered', reason: 'response_ended' });
  });
});

describe('LaneSteers', () => {
  function offered(steers: LaneSteers, lane: string | undefined): { steer: SteerTracker; result: Promise<SteerResult> } {
    const steer = new SteerTracker();
    steers.track(lane, steer);
    const result = steer.offer([userMessage(`steer on ${lane ?? 'default'}`)], 60_000);
    return { steer, result };
  }

  it('a late pending reply settles the offer and holds its text on the lane’s chain; a late failure settles it', async () => {
    const steers = new LaneSteers();
    const chain = new ChainMemory();
    const onInline = offered(steers, 'inline-1');
    const onDefault = offered(steers, undefined);
    expect(steers.hasOpenOffers('inline-1')).toBe(true);
    steers.onStrayEvent({ type: 'response.steer.pending', stream_id: 'inline-1' } as ServerEvent, chain);
    expect(await onInline.result).toEqual({ status: 'pending' });
    expect(chain.pendingSteer('inline-1')).toEqual([userMessage('steer on inline-1')]);
    steers.onStrayEvent({ type: 'response.steer.failed', error: { code: 'response_already_completed' } } as ServerEvent, chain);
    expect(await onDefault.result).toEqual({ status: 'notDelivered', reason: 'response_already_completed' });
    expect(steers.hasOpenOffers(undefined)).toBe(false);
  });

  it('replies for a lane it does not track are ignored', () => {
    const steers = new LaneSteers();
    const chain = new ChainMemory();
    steers.onStrayEvent({ type: 'response.steer.pending', stream_id: 'other' } as ServerEvent, chain);
    expect(chain.pendingSteer('other')).toEqual([]);
  });

  it('dispose (the socket ended) settles every open offer at once', async () => {
    const steers = new LaneSteers();
    const a = offered(steers, undefined);
    const b = offered(steers, 'inline-1');
    steers.dispose();
    expect(await a.result).toEqual({ status: 'notDelivered', reason: 'connection_lost' });
    expect(await b.result).toEqual({ status: 'notDelivered', reason: 'connection_lost' });
    expect(steers.hasOpenOffers(undefined)).toBe(false);
  });
});
