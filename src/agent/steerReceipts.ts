/**
 * The receipt of each steer (queued → delivered → answered, or why it waits, or that its outcome is
 * unknown, or that it came back): the agent's side of steering that is not the inbox's bookkeeping.
 * It also remembers the models the server said cannot be steered, so their later steers wait for the
 * next request at once instead of being offered again.
 */
import type { SteerResult } from '../transport/modelClient';
import type { AgentEvent } from './events';
import { CANNOT_STEER, steerFate, WHY } from './steerFate';
import type { SteerEntry } from './steeringInbox';

export interface SteeredRequest {
  model: string;
  contextManagement?: unknown;
}

export class SteerReceipts {
  private readonly cannotSteer = new Set<string>();
  /** Per turn: steers delivered (in the transcript or the stream) whose answer has not come yet. */
  private readonly unanswered = new Map<string, string[]>();

  constructor(private readonly emit: (event: AgentEvent) => void) {}

  /** Why a steer into `request` must wait for the next request without being offered; undefined: offer it. */
  blockedWhy(request: SteeredRequest): string | undefined {
    // §8: a response made with context_management refuses steers; the agent compacts out of band once it steers.
    if (request.contextManagement !== undefined) return WHY.compactionOn;
    return this.cannotSteer.has(request.model) ? WHY.modelCannotSteer : undefined;
  }

  waiting(turnId: string, entry: SteerEntry, why: string): void {
    this.emit({ type: 'steerWaiting', turnId, steerId: entry.id, why });
  }

  /** An offered steer that was not delivered into the stream; returns whether it waits for the next request. */
  settled(turnId: string, model: string, entry: SteerEntry, result: Exclude<SteerResult, { status: 'delivered' }>): boolean {
    if (result.status === 'pending') {
      this.waiting(turnId, entry, WHY.heldForTools);
      return true;
    }
    if (CANNOT_STEER.has(result.reason)) this.cannotSteer.add(model);
    const fate = steerFate(result.reason);
    if (fate.kind === 'nextRequest') {
      this.waiting(turnId, entry, fate.why);
      return true;
    }
    const event = { turnId, steerId: entry.id, text: entry.text, why: fate.why };
    this.emit(fate.kind === 'unknown' ? { type: 'steerUnknown', ...event } : { type: 'steerReturned', ...event });
    return false;
  }

  delivered(turnId: string, steerId: string): void {
    const list = this.unanswered.get(turnId) ?? [];
    list.push(steerId);
    this.unanswered.set(turnId, list);
  }

  /** A response of the turn came back: every steer delivered so far was in its context. */
  answered(turnId: string): void {
    for (const steerId of this.unanswered.get(turnId) ?? []) this.emit({ type: 'steerAnswered', turnId, steerId });
    this.unanswered.delete(turnId);
  }

  turnEnded(turnId: string): void {
    this.unanswered.delete(turnId);
  }
}
