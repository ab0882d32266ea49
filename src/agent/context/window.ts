/**
 * The model's window over a session's transcript. The transcript keeps the whole conversation (the chat
 * shows all of it); the window is the part a request sends: from `windowStart` on. It starts with the
 * instructions as a developer message (they then ride `previous_response_id`), and moves on compaction:
 *
 * - on the socket (`context_management`) the server puts a compaction item in a response's output; the
 *   window then starts at that item (exactly what the server holds, so the chain continues as deltas),
 *   and the instructions and the user's pins go in again before the next request;
 * - standalone (`/responses/compact`) the compacted window (user messages, then the compaction item) is
 *   appended as copies, then the instructions and pins: a new chain starts there.
 *
 * Copies for the model are recorded as carried ranges, so the chat does not show them twice. Pure.
 */
import { developerMessage, userMessage, type ResponseItem } from '../../protocol/items';
import { lastCompactionIndex } from '../../transport/chain';
import type { ChatSession } from '../chatSession';
import type { Pin } from './sessionContext';

/** The part of the transcript the model sees: a request's full input. */
export function windowItems(session: ChatSession): ResponseItem[] {
  return session.items.slice(session.context.windowStart);
}

const encoder = new TextEncoder();

/** Rough tokens of items: a quarter of their JSON bytes (the usual rule of thumb; errs high on markup). */
export function estimateTokens(items: readonly ResponseItem[]): number {
  let bytes = 0;
  for (const item of items) bytes += encoder.encode(JSON.stringify(item)).length;
  return Math.ceil(bytes / 4);
}

/**
 * The window's size in tokens: the latest measured size plus an estimate of what was added since, or
 * (nothing measured since the window moved) an estimate of the whole window. Excludes the request's
 * fixed part (tools, top-level instructions): the caller adds it.
 */
export function windowTokens(session: ChatSession): number {
  const { measured, windowStart } = session.context;
  if (measured && measured.items >= windowStart && measured.items <= session.items.length) {
    return measured.tokens + estimateTokens(session.items.slice(measured.items));
  }
  return estimateTokens(windowItems(session));
}

/** How a pin goes back into the window: a prompt as the user's message, an answer as a developer note, verbatim. */
export function pinItem(pin: Pin): ResponseItem {
  if (pin.role === 'user') return userMessage(pin.text);
  return developerMessage(`The user pinned this earlier answer of yours; it is kept verbatim:\n\n${pin.text}`);
}

const CHANGED_INSTRUCTIONS = 'The instructions changed; these replace the earlier ones.\n\n';

/** Appends `items` to the transcript as copies for the model (carried past compaction; not shown again). */
function carry(session: ChatSession, items: readonly ResponseItem[]): void {
  if (items.length === 0) return;
  const from = session.items.length;
  session.items.push(...items);
  session.context.carried.push([from, session.items.length]);
}

/** What goes in again after a compaction: the instructions, then the pins (those not already in `window`). */
function reinserted(instructions: string | undefined, pins: readonly Pin[], window: readonly ResponseItem[] = []): ResponseItem[] {
  const present = new Set(window.map((item) => JSON.stringify(item)));
  const items: ResponseItem[] = instructions !== undefined ? [developerMessage(instructions)] : [];
  for (const pin of pins) {
    const item = pinItem(pin);
    if (!present.has(JSON.stringify(item))) items.push(item);
  }
  return items;
}

/**
 * Before a request (and before a turn's prompt): the window gets its instructions the first time (or
 * again, changed), and after a socket compaction its instructions and pins again. `instructions` is
 * undefined when they go as top-level `instructions` instead.
 */
export function prepareWindow(session: ChatSession, instructions: string | undefined): void {
  const context = session.context;
  if (context.reinsertPending) {
    context.reinsertPending = false;
    carry(session, reinserted(instructions, context.pins));
    context.instructions = instructions;
    return;
  }
  if (instructions === undefined || context.instructions === instructions) return;
  const first = context.instructions === undefined;
  session.items.push(developerMessage(first ? instructions : CHANGED_INSTRUCTIONS + instructions));
  context.instructions = instructions;
}

/**
 * After a response's output was appended at `outputStart`: a compaction item in it (socket compaction)
 * moves the window to that item. Returns the item's transcript index, or undefined.
 */
export function noteCompactedOutput(session: ChatSession, outputStart: number, output: readonly ResponseItem[]): number | undefined {
  const index = lastCompactionIndex(output);
  if (index < 0) return undefined;
  const at = outputStart + index;
  session.context.windowStart = at;
  session.context.reinsertPending = true;
  session.context.measured = undefined;
  return at;
}

/**
 * The window's newest user messages not yet answered (the prompt, text typed meanwhile): a standalone
 * compaction leaves them out and puts them back after the compacted window, verbatim, last.
 */
export function unansweredTail(session: ChatSession): ResponseItem[] {
  const window = windowItems(session);
  let start = window.length;
  while (start > 0) {
    const item = window[start - 1]!;
    if (item.type !== 'message' || item.role !== 'user') break;
    start -= 1;
  }
  return window.slice(start);
}

/**
 * A standalone compaction's window becomes the model's: appended as copies, then the instructions,
 * the pins, and the unanswered `tail` the compaction left out. Returns where it starts.
 */
export function adoptCompactedWindow(session: ChatSession, window: readonly ResponseItem[], instructions: string | undefined, tail: readonly ResponseItem[] = []): number {
  const at = session.items.length;
  carry(session, [...window, ...reinserted(instructions, session.context.pins, window), ...tail]);
  session.context.windowStart = at;
  session.context.reinsertPending = false;
  session.context.instructions = instructions;
  session.context.measured = undefined;
  return at;
}
