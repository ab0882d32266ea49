/**
 * Steering one running response (`response.steer`): what was offered, what the server said, and what
 * that means for the caller's transcript.
 *
 * The text is never lost. The result is settled only when it is unambiguous:
 * - `response.steer.accepted` then `response.incomplete` (reason `steered`) → `delivered`: the outcome's
 *   output carries the steered user message between the partial output and the successor's output.
 * - `response.steer.pending`, or accepted and the response then stopped for tool outputs → `pending`:
 *   the server holds the text for the next `response.create`; the caller appends it after its tool
 *   outputs and the chain strips it from the next delta (a full resend carries it).
 * - `response.steer.failed`, no reply, or the connection lost → `notDelivered`: the caller sends it with
 *   the next request.
 */
import type { ResponseItem, UserMessageItem } from '../protocol/items';
import type { SteerResult } from './modelClient';
import { normalizeError, type ServerEvent, type ServerEventOf } from '../protocol/responses';

/**
 * Error codes that answer a `response.steer`, not the request it steers. The documented reply is
 * `response.steer.failed`; a server may send them as an `error` event instead (build for both
 * readings), and one that does not know steering answers `unknown_event_type` (only steers can be
 * unknown: Holdfast sends no other frame a server could not know). Such an error never ends the request.
 */
const STEER_ERROR_CODES = new Set(['too_many_pending_steers', 'steering_not_supported', 'invalid_steer_input', 'response_already_completed', 'response_not_found', 'unknown_event_type']);

/** The error code when `event` is an `error` that answers a steer; else undefined. */
export function steerErrorCode(event: ServerEvent): string | undefined {
  if (event.type !== 'error') return undefined;
  const code = normalizeError(event).code;
  return STEER_ERROR_CODES.has(code) ? code : undefined;
}

interface OfferedSteer {
  items: UserMessageItem[];
  accepted: boolean;
  settle: (result: SteerResult) => void;
}

export class SteerTracker {
  private readonly offers: OfferedSteer[] = [];
  /** Steer input the server holds for the next request (settled `pending`). */
  private readonly held: ResponseItem[] = [];

  /**
   * Registers an offer whose frame is about to be sent. Without any reply within `replyTimeoutMs` it is
   * settled `notDelivered` (the caller then sends the text with its next request).
   */
  offer(items: UserMessageItem[], replyTimeoutMs: number): Promise<SteerResult> {
    return new Promise((resolve) => {
      let settled = false;
      const offer: OfferedSteer = {
        items,
        accepted: false,
        settle: (result) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        },
      };
      const timer = setTimeout(() => {
        if (offer.accepted) return; // the server owns it now; the response's end settles it
        const index = this.offers.indexOf(offer);
        if (index >= 0) this.offers.splice(index, 1);
        offer.settle({ status: 'notDelivered', reason: 'no_reply' });
      }, replyTimeoutMs);
      this.offers.push(offer);
    });
  }

  get hasOpenOffers(): boolean {
    return this.offers.length > 0;
  }

  /** Replies are matched to offers in order: the server answers steers on one response in order. */
  onAccepted(_event: ServerEventOf<'response.steer.accepted'>): void {
    const offer = this.offers.find((o) => !o.accepted);
    if (offer) offer.accepted = true;
  }

  onPending(_event: ServerEventOf<'response.steer.pending'>): void {
    const offer = this.offers.shift();
    if (!offer) return;
    this.held.push(...offer.items);
    offer.settle({ status: 'pending' });
  }

  onFailed(event: ServerEventOf<'response.steer.failed'>): void {
    this.failOldest(event.error?.code ?? event.error?.message ?? 'steer_failed');
  }

  /** A steer answered by an `error` event (`steerErrorCode`) rather than `response.steer.failed`. */
  onSteerError(code: string): void {
    this.failOldest(code === 'unknown_event_type' ? 'steering_not_supported' : code);
  }

  private failOldest(reason: string): void {
    const offer = this.offers.find((o) => !o.accepted) ?? this.offers[0];
    if (!offer) return;
    this.offers.splice(this.offers.indexOf(offer), 1);
    offer.settle({ status: 'notDelivered', reason });
  }

  /**
   * The response ended `incomplete` with reason `steered`: every accepted offer went into it. Returns
   * the user messages to place in the transcript between the partial output and the successor's output.
   */
  onSteered(): ResponseItem[] {
    const applied = this.offers.filter((o) => o.accepted);
    for (const offer of applied) {
      this.offers.splice(this.offers.indexOf(offer), 1);
      offer.settle({ status: 'delivered' });
    }
    return applied.flatMap((o) => o.items);
  }

  /**
   * The request reached its terminal event. Accepted offers the server did not apply are still owned by
   * it (it stopped for tool outputs): they are held for the next request. Offers not answered yet stay
   * open: the reply (often `pending` or `failed: response_already_completed`) comes after the terminal
   * event, as a stray event on the lane, or the reply timeout settles them.
   */
  onRequestEnded(completed: boolean): void {
    for (const offer of this.offers.filter((o) => o.accepted)) {
      this.offers.splice(this.offers.indexOf(offer), 1);
      if (completed) {
        this.held.push(...offer.items);
        offer.settle({ status: 'pending' });
      } else {
        offer.settle({ status: 'notDelivered', reason: 'response_ended' });
      }
    }
  }

  /** The connection was lost: the server's copy died with it. */
  onConnectionLost(): void {
    for (const offer of this.offers.splice(0)) offer.settle({ status: 'notDelivered', reason: 'connection_lost' });
    this.held.length = 0;
  }

  /** Takes the input the server holds for the next request on this lane. */
  takeHeld(): ResponseItem[] {
    return this.held.splice(0);
  }
}
