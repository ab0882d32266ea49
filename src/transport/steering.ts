/**
 * Steering: user text offered to the response running on a lane (`response.steer`), and the replies
 * that come after that response ended. `SteerTracker` (steer.ts) settles one request's offers; this
 * file knows which request runs on which lane (`Steering`) and, per connection, which tracker hears a
 * late reply (`LaneSteers`, owned by the connection's scope, so a lost socket settles its offers at once).
 *
 * Input delivered to a lane outside a request is a seam: a steer is the first kind. Async tool jobs
 * (outputs that arrive later, by `call_id`, for a lane) are the next: they go through `offerToLane`
 * with `function_call_output` items, into the running response if one runs, else held for the lane's
 * next request the way a `pending` steer is (`ChainMemory.holdPendingSteer`).
 */
import { type Disposable, toDisposable } from '../common/disposable';
import { userMessage, type UserMessageItem } from '../protocol/items';
import type { ResponseSteerFrame, ServerEvent } from '../protocol/responses';
import { laneKey, type ChainMemory } from './chain';
import type { SteerResult } from './modelClient';
import { steerErrorCode, type SteerTracker } from './steer';

/** The socket a running request is on, as far as steering needs it. */
export interface SteerableConnection {
  sendFrame(frameText: string): boolean;
}

/** A request running on a lane, as steering sees it. */
export interface RunningRequest {
  /** Undefined over HTTP: steering needs the socket. */
  connection: SteerableConnection | undefined;
  steer: SteerTracker;
  /** Resolves with the response id once known, undefined when the attempt ended first. */
  responseId: Promise<string | undefined>;
}

/** Which request runs on which lane, and offering input to it. One per transport. */
export class Steering {
  private readonly running = new Map<string, RunningRequest>();

  constructor(private readonly replyTimeoutMs: () => number) {}

  /** `request` now runs on `lane`; disposing the result ends that (unless a newer one took its place). */
  begin(lane: string | undefined, request: RunningRequest): Disposable {
    const key = laneKey(lane);
    this.running.set(key, request);
    return toDisposable(() => {
      if (this.running.get(key) === request) this.running.delete(key);
    });
  }

  steer(text: string, lane?: string): Promise<SteerResult> {
    return this.offerToLane([userMessage(text)], lane);
  }

  /** Offers `items` to the response running on `lane`. Never loses them: see `SteerResult`. */
  private async offerToLane(items: UserMessageItem[], lane: string | undefined): Promise<SteerResult> {
    const running = this.running.get(laneKey(lane));
    if (!running) return { status: 'notDelivered', reason: 'no_running_response' };
    if (!running.connection) return { status: 'notDelivered', reason: 'steering_needs_websocket' };
    const responseId = await running.responseId;
    if (!responseId || this.running.get(laneKey(lane)) !== running) return { status: 'notDelivered', reason: 'response_ended' };
    const result = running.steer.offer(items, this.replyTimeoutMs());
    const frame: ResponseSteerFrame = { type: 'response.steer', previous_response_id: responseId, input: items };
    if (!running.connection.sendFrame(JSON.stringify(frame))) running.steer.onConnectionLost();
    return result;
  }
}

/**
 * The steer trackers of one connection: per lane, the latest request's, which hears the replies that
 * come after its response's terminal event. Disposed with the connection: the server's copy of any
 * steer died with the socket, so open offers settle `notDelivered` at once rather than after the
 * reply timeout, which the agent would wait out.
 */
export class LaneSteers implements Disposable {
  private readonly byLane = new Map<string, { steer: SteerTracker; lane: string | undefined }>();

  track(lane: string | undefined, steer: SteerTracker): void {
    this.byLane.set(laneKey(lane), { steer, lane });
  }

  hasOpenOffers(lane: string | undefined): boolean {
    return this.byLane.get(laneKey(lane))?.steer.hasOpenOffers ?? false;
  }

  /** A late steer reply on this connection; held input goes to the lane's chain for its next request. */
  onStrayEvent(event: ServerEvent, chain: ChainMemory): void {
    const entry = this.byLane.get(laneKey(event.stream_id));
    if (!entry) return;
    if (event.type === 'response.steer.pending') {
      entry.steer.onPending(event);
      const held = entry.steer.takeHeld();
      if (held.length > 0) chain.holdPendingSteer(entry.lane, held);
    } else if (event.type === 'response.steer.failed') {
      entry.steer.onFailed(event);
    } else {
      const code = steerErrorCode(event);
      if (code !== undefined) entry.steer.onSteerError(code);
    }
  }

  dispose(): void {
    for (const { steer } of this.byLane.values()) steer.onConnectionLost();
    this.byLane.clear();
  }
}
