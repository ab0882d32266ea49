/**
 * What becomes of a steer the transport could not put into the running response, said in plain words
 * for its receipt. Never lost, never silently sent twice:
 * - `nextRequest`: it goes with the agent's next request (the model cannot be steered now, or the
 *   response finished first) — the receipt says why;
 * - `unknown`: the connection dropped (or the server never answered) after the steer was sent, so
 *   whether the model read it is unknown; it is NOT resent on its own, the receipt offers a resend;
 * - `returned`: the server refused the text itself; it goes back to the composer with why.
 */
export type SteerFate = { kind: 'nextRequest'; why: string } | { kind: 'unknown'; why: string } | { kind: 'returned'; why: string };

/** Reasons (transport reasons and server codes) that mean this model or request cannot be steered at all. */
export const CANNOT_STEER = new Set(['steering_not_supported', 'steering_incompatible_with_context_management']);

export const WHY = {
  modelCannotSteer: 'This model can’t read messages mid-response: it goes with the next request.',
  compactionOn: 'Steering is off while the server compacts this conversation: it goes with the next request.',
  overHttp: 'Over HTTP a running response can’t be steered: it goes with the next request.',
  tooLate: 'The response had already finished: it goes with the next request.',
  tooMany: 'The model already holds several of your messages: this one goes with the next request.',
  heldForTools: 'The model is waiting for tool results: your message goes with them.',
  notRunning: 'Nothing was streaming when it arrived: it goes with the next request.',
  unknown: 'The connection dropped before the server confirmed this message, so the model may not have read it.',
} as const;

export function steerFate(reason: string): SteerFate {
  switch (reason) {
    case 'steering_not_supported':
      return { kind: 'nextRequest', why: WHY.modelCannotSteer };
    case 'steering_incompatible_with_context_management':
      return { kind: 'nextRequest', why: WHY.compactionOn };
    case 'steering_needs_websocket':
      return { kind: 'nextRequest', why: WHY.overHttp };
    case 'response_ended':
    case 'response_already_completed':
    case 'response_not_found':
      return { kind: 'nextRequest', why: WHY.tooLate };
    case 'no_running_response':
      return { kind: 'nextRequest', why: WHY.notRunning };
    case 'too_many_pending_steers':
      return { kind: 'nextRequest', why: WHY.tooMany };
    case 'connection_lost':
    case 'no_reply':
      return { kind: 'unknown', why: WHY.unknown };
    case 'invalid_steer_input':
      return { kind: 'returned', why: 'The server refused this text as a mid-response message. It is back in the message box.' };
    default:
      return { kind: 'returned', why: `The server did not take this message (${reason}). It is back in the message box.` };
  }
}
