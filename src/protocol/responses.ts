/**
 * The Responses API wire format (WebSocket mode and HTTP/SSE), as the transport reads and writes it.
 * Inbound events are parsed once at the boundary: a text frame → `parseServerEvent` → a typed event,
 * `{ type: 'unknown' }` for event types we do not handle (the contract says ignore them), or a typed
 * `MalformedFrameError` when a known type does not have the shape we rely on.
 *
 * Schemas are plain (non-loose) zod objects: they keep only the fields the transport reads. Items are the
 * exception: output items are passed through by reference, unknown fields and all, because the local
 * transcript must hold them exactly as the server sent them (a full resend has to reproduce them).
 *
 * Over 400 lines on purpose: it is one contract (every event the client reads, its hot-path parser and
 * the two error shapes), and splitting the schemas from their parser would split one reading of the wire.
 */
import * as z from 'zod';
import { lazySchema } from './lazySchema';
import type { FunctionToolDefinition, ResponseItem, UserMessageItem } from './items';
import { err, ok, type Result } from '../common/result';

// ─── Client → server ────────────────────────────────────────────────────────────────────────────────

/** The per-request parameters: everything in a `response.create` except `input`, routing and `generate`. */
export interface ResponseRequestParams {
  model: string;
  /** Per-request text only; absent when the caller has none (reusable instructions ride the chain as a developer message). */
  instructions?: string;
  tools: FunctionToolDefinition[];
  store: boolean;
  tool_choice?: 'auto' | 'none' | 'required';
  parallel_tool_calls?: boolean;
  reasoning?: { effort?: 'minimal' | 'low' | 'medium' | 'high'; summary?: 'auto' | 'concise' | 'detailed' };
  include?: string[];
  max_output_tokens?: number;
  /** Server-side compaction past `compact_threshold` tokens (§8). Part of the chain: a change starts a new one. */
  context_management?: ContextManagement[];
  /** `auto`, `default`, `flex`, `priority`, `fast`…: the response reports the tier it ran on. */
  service_tier?: string;
}

export interface ContextManagement {
  type: 'compaction';
  compact_threshold: number;
}

/** `response.create`: the POST /v1/responses body flattened beside `type` (no nested `response`). */
export interface ResponseCreateFrame extends ResponseRequestParams {
  type: 'response.create';
  input: ResponseItem[];
  previous_response_id?: string;
  /** WebSocket only: the lane. Absent on the default lane. */
  stream_id?: string;
  /** WebSocket only: `false` warms the connection without generating (absent from the SDK typings). */
  generate?: boolean;
}

/** `response.steer`: user input offered to the running response. */
export interface ResponseSteerFrame {
  type: 'response.steer';
  previous_response_id: string;
  input: UserMessageItem[];
}

export type ClientFrame = ResponseCreateFrame | ResponseSteerFrame;

/** The HTTP body for the same request: no `type`, no WebSocket-only fields, `stream: true`. */
export type HttpResponsesBody = Omit<ResponseCreateFrame, 'type' | 'stream_id' | 'generate'> & { stream: true };

export function toHttpBody(frame: ResponseCreateFrame): HttpResponsesBody {
  // Destructured away on purpose: an HTTP server may reject `generate`, and `stream_id` means nothing there.
  const { type: _type, stream_id: _streamId, generate: _generate, ...rest } = frame;
  return { ...rest, stream: true };
}

/** Lane names the server accepts (1–256 chars of [A-Za-z0-9_.-]). */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9_.-]{1,256}$/;

// ─── Server → client ────────────────────────────────────────────────────────────────────────────────

const routing = () => ({
  sequence_number: z.number().optional(),
  /** Echoed on named lanes only. */
  stream_id: z.string().optional(),
});

/** An output item: checked for an object with a string `type`, then kept as is (same reference). */
export const itemSchema = lazySchema(() =>
  z.custom<ResponseItem>(
    (value) => typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string',
    { message: 'an output item must be an object with a string "type"' },
  ),
);

export const usageSchema = lazySchema(() =>
  z.object({
    input_tokens: z.number(),
    input_tokens_details: z.object({ cached_tokens: z.number().optional(), cache_write_tokens: z.number().optional() }).nullish(),
    output_tokens: z.number(),
    output_tokens_details: z.object({ reasoning_tokens: z.number().optional() }).nullish(),
    total_tokens: z.number().optional(),
  }),
);
export type WireUsage = z.infer<typeof usageSchema>;

const responseObjectSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    status: z.string().optional(),
    output: z.array(itemSchema).optional(),
    usage: usageSchema.nullish(),
    error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
    incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
    previous_response_id: z.string().nullish(),
    /** The tier that served the response (§8), which may differ from the one asked for. */
    service_tier: z.string().nullish(),
  }),
);
export type WireResponse = z.infer<typeof responseObjectSchema>;

function lifecycle<T extends string>(type: T) {
  return z.object({ type: z.literal(type), response: responseObjectSchema, ...routing() });
}

const responseCreated = lazySchema(() => lifecycle('response.created'));
const responseQueued = lazySchema(() => lifecycle('response.queued'));
const responseInProgress = lazySchema(() => lifecycle('response.in_progress'));
const responseCompleted = lazySchema(() => lifecycle('response.completed'));
const responseFailed = lazySchema(() => lifecycle('response.failed'));
const responseIncomplete = lazySchema(() => lifecycle('response.incomplete'));

const outputItemAdded = lazySchema(() =>
  z.object({
    type: z.literal('response.output_item.added'),
    output_index: z.number(),
    item: itemSchema,
    ...routing(),
  }),
);
const outputItemDone = lazySchema(() =>
  z.object({
    type: z.literal('response.output_item.done'),
    output_index: z.number(),
    item: itemSchema,
    ...routing(),
  }),
);

/** The server started compacting the context (`context_management`); its item follows as `output_item.added/done`. */
const compactionCompacting = lazySchema(() =>
  z.object({
    type: z.literal('response.compaction.compacting'),
    item_id: z.string().optional(),
    output_index: z.number().optional(),
    ...routing(),
  }),
);

const contentPart = lazySchema(() => z.object({ type: z.string(), text: z.string().optional(), refusal: z.string().optional() }));
const contentPartAdded = lazySchema(() =>
  z.object({
    type: z.literal('response.content_part.added'),
    item_id: z.string(),
    output_index: z.number(),
    content_index: z.number(),
    part: contentPart,
    ...routing(),
  }),
);
const contentPartDone = lazySchema(() =>
  z.object({
    type: z.literal('response.content_part.done'),
    item_id: z.string(),
    output_index: z.number(),
    content_index: z.number(),
    part: contentPart,
    ...routing(),
  }),
);

/** A `…delta` event on an item: the hot path (see `parseServerEvent`, which skips zod for these). */
function itemDelta<T extends string>(type: T) {
  return z.object({
    type: z.literal(type),
    item_id: z.string(),
    output_index: z.number(),
    content_index: z.number().optional(),
    delta: z.string(),
    ...routing(),
  });
}

const outputTextDelta = lazySchema(() => itemDelta('response.output_text.delta'));
const outputTextDone = lazySchema(() =>
  z.object({
    type: z.literal('response.output_text.done'),
    item_id: z.string(),
    output_index: z.number(),
    content_index: z.number(),
    text: z.string(),
    ...routing(),
  }),
);
const refusalDelta = lazySchema(() => itemDelta('response.refusal.delta'));
const refusalDone = lazySchema(() =>
  z.object({
    type: z.literal('response.refusal.done'),
    item_id: z.string(),
    output_index: z.number(),
    content_index: z.number(),
    refusal: z.string(),
    ...routing(),
  }),
);
const functionCallArgumentsDelta = lazySchema(() => itemDelta('response.function_call_arguments.delta'));
const functionCallArgumentsDone = lazySchema(() =>
  z.object({
    type: z.literal('response.function_call_arguments.done'),
    item_id: z.string(),
    output_index: z.number(),
    name: z.string().optional(),
    arguments: z.string(),
    ...routing(),
  }),
);
const customToolCallInputDelta = lazySchema(() => itemDelta('response.custom_tool_call_input.delta'));
const customToolCallInputDone = lazySchema(() =>
  z.object({
    type: z.literal('response.custom_tool_call_input.done'),
    item_id: z.string(),
    output_index: z.number(),
    input: z.string(),
    ...routing(),
  }),
);

const summaryPart = lazySchema(() => z.object({ type: z.string(), text: z.string() }));
const reasoningSummaryPartAdded = lazySchema(() =>
  z.object({
    type: z.literal('response.reasoning_summary_part.added'),
    item_id: z.string(),
    output_index: z.number(),
    summary_index: z.number(),
    part: summaryPart,
    ...routing(),
  }),
);
const reasoningSummaryPartDone = lazySchema(() =>
  z.object({
    type: z.literal('response.reasoning_summary_part.done'),
    item_id: z.string(),
    output_index: z.number(),
    summary_index: z.number(),
    part: summaryPart,
    ...routing(),
  }),
);
const reasoningSummaryTextDelta = lazySchema(() =>
  z.object({
    type: z.literal('response.reasoning_summary_text.delta'),
    item_id: z.string(),
    output_index: z.number(),
    summary_index: z.number(),
    delta: z.string(),
    ...routing(),
  }),
);
const reasoningSummaryTextDone = lazySchema(() =>
  z.object({
    type: z.literal('response.reasoning_summary_text.done'),
    item_id: z.string(),
    output_index: z.number(),
    summary_index: z.number(),
    text: z.string(),
    ...routing(),
  }),
);
const reasoningTextDelta = lazySchema(() => itemDelta('response.reasoning_text.delta'));
const reasoningTextDone = lazySchema(() =>
  z.object({
    type: z.literal('response.reasoning_text.done'),
    item_id: z.string(),
    output_index: z.number(),
    content_index: z.number(),
    text: z.string(),
    ...routing(),
  }),
);

/** Header values inside `error.headers` are strings on the wire; numbers are tolerated. */
const headerValue = lazySchema(() => z.union([z.string(), z.number()]).transform(String));

/** Shape 1: a request/protocol error, `{type:'error', status, error:{type, code, message, param, headers}}`. */
const requestErrorEvent = lazySchema(() =>
  z.object({
    type: z.literal('error'),
    status: z.number().optional(),
    error: z.object({
      type: z.string().nullish(),
      code: z.string().nullish(),
      message: z.string(),
      param: z.string().nullish(),
      headers: z.record(z.string(), headerValue).nullish(),
    }),
    ...routing(),
  }),
);
/** Shape 2: a streaming error, `{type:'error', code, message, param, sequence_number}` (as over SSE). */
const streamingErrorEvent = lazySchema(() =>
  z.object({
    type: z.literal('error'),
    code: z.string().nullish(),
    message: z.string(),
    param: z.string().nullish(),
    status: z.number().optional(),
    ...routing(),
  }),
);
// Order matters: an event with a nested `error` object is shape 1 even if it also has a top-level message.
const errorEvent = lazySchema(() => z.union([requestErrorEvent, streamingErrorEvent]));

const steerBody = lazySchema(() =>
  z.object({
    id: z.string().optional(),
    previous_response_id: z.string().nullish(),
    input: z.array(itemSchema).optional(),
  }),
);
const steerAccepted = lazySchema(() => z.object({ type: z.literal('response.steer.accepted'), steer: steerBody.optional(), ...routing() }));
const steerPending = lazySchema(() =>
  z.object({
    type: z.literal('response.steer.pending'),
    steer: steerBody.optional(),
    /** Stubs naming the tool outputs the next `response.create` must carry. */
    required_input: z.array(z.unknown()).optional(),
    ...routing(),
  }),
);
const steerFailed = lazySchema(() =>
  z.object({
    type: z.literal('response.steer.failed'),
    steer: steerBody.optional(),
    error: z.object({ type: z.string().nullish(), code: z.string().nullish(), message: z.string().nullish() }).nullish(),
    ...routing(),
  }),
);

const schemasByType = {
  'response.created': responseCreated,
  'response.queued': responseQueued,
  'response.in_progress': responseInProgress,
  'response.completed': responseCompleted,
  'response.failed': responseFailed,
  'response.incomplete': responseIncomplete,
  'response.output_item.added': outputItemAdded,
  'response.output_item.done': outputItemDone,
  'response.compaction.compacting': compactionCompacting,
  'response.content_part.added': contentPartAdded,
  'response.content_part.done': contentPartDone,
  'response.output_text.delta': outputTextDelta,
  'response.output_text.done': outputTextDone,
  'response.refusal.delta': refusalDelta,
  'response.refusal.done': refusalDone,
  'response.function_call_arguments.delta': functionCallArgumentsDelta,
  'response.function_call_arguments.done': functionCallArgumentsDone,
  'response.custom_tool_call_input.delta': customToolCallInputDelta,
  'response.custom_tool_call_input.done': customToolCallInputDone,
  'response.reasoning_summary_part.added': reasoningSummaryPartAdded,
  'response.reasoning_summary_part.done': reasoningSummaryPartDone,
  'response.reasoning_summary_text.delta': reasoningSummaryTextDelta,
  'response.reasoning_summary_text.done': reasoningSummaryTextDone,
  'response.reasoning_text.delta': reasoningTextDelta,
  'response.reasoning_text.done': reasoningTextDone,
  error: errorEvent,
  'response.steer.accepted': steerAccepted,
  'response.steer.pending': steerPending,
  'response.steer.failed': steerFailed,
} as const;

type SchemasByType = typeof schemasByType;
export type KnownServerEventType = keyof SchemasByType;
export type ServerEventOf<T extends KnownServerEventType> = z.output<SchemasByType[T]>;

export type ResponseLifecycleEvent = ServerEventOf<
  'response.created' | 'response.queued' | 'response.in_progress' | 'response.completed' | 'response.failed' | 'response.incomplete'
>;
export type OutputTextDeltaEvent = ServerEventOf<'response.output_text.delta'>;
export type ErrorEvent = ServerEventOf<'error'>;
export type RequestErrorEvent = z.output<typeof requestErrorEvent>;
export type StreamingErrorEvent = z.output<typeof streamingErrorEvent>;

/** An event type we do not handle: ignored, by contract, but still counted and routed by lane. */
export interface UnknownServerEvent {
  type: 'unknown';
  rawType: string;
  sequence_number?: number;
  stream_id?: string;
}

export type KnownServerEvent = { [T in KnownServerEventType]: ServerEventOf<T> }[KnownServerEventType];
export type ServerEvent = KnownServerEvent | UnknownServerEvent;

/** A frame that is not a well-formed event: the connection can no longer be trusted to attribute events. */
export class MalformedFrameError extends Error {
  constructor(
    message: string,
    /** The event `type` when it could be read. */
    readonly eventType: string | undefined,
    /** The start of the frame, for the log (never contains the key: the server does not echo it). */
    readonly excerpt: string,
  ) {
    super(message);
    this.name = 'MalformedFrameError';
  }
}

const EXCERPT_LENGTH = 200;

/**
 * Parses one text frame (or SSE `data:` payload). Text, function-argument and reasoning deltas (the
 * bulk of a stream: up to thousands per second) are checked by hand instead of through zod.
 */
export function parseServerEvent(text: string): Result<ServerEvent, MalformedFrameError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err(new MalformedFrameError('The server sent a frame that is not valid JSON.', undefined, text.slice(0, EXCERPT_LENGTH)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err(new MalformedFrameError('The server sent a frame that is not a JSON object.', undefined, text.slice(0, EXCERPT_LENGTH)));
  }
  const record = value as Record<string, unknown>;
  const type = record['type'];
  if (typeof type !== 'string') {
    return err(new MalformedFrameError('The server sent an event without a "type".', undefined, text.slice(0, EXCERPT_LENGTH)));
  }
  if (isHotDelta(type) && isWellFormedDelta(record)) return ok(record as unknown as ServerEvent);

  const schema = (schemasByType as Record<string, z.ZodType>)[type];
  if (!schema) {
    const unknownEvent: UnknownServerEvent = { type: 'unknown', rawType: type };
    if (typeof record['sequence_number'] === 'number') unknownEvent.sequence_number = record['sequence_number'];
    if (typeof record['stream_id'] === 'string') unknownEvent.stream_id = record['stream_id'];
    return ok(unknownEvent);
  }
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    return err(
      new MalformedFrameError(
        `The server sent a malformed "${type}" event${where}: ${issue?.message ?? 'unexpected shape'}.`,
        type,
        text.slice(0, EXCERPT_LENGTH),
      ),
    );
  }
  return ok(parsed.data as ServerEvent);
}

const HOT_DELTA_TYPES = new Set<string>([
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.reasoning_text.delta',
  'response.refusal.delta',
]);

function isHotDelta(type: string): boolean {
  return HOT_DELTA_TYPES.has(type);
}

function isWellFormedDelta(record: Record<string, unknown>): boolean {
  const streamId = record['stream_id'];
  return (
    typeof record['delta'] === 'string' &&
    typeof record['item_id'] === 'string' &&
    typeof record['output_index'] === 'number' &&
    (streamId === undefined || typeof streamId === 'string')
  );
}

export function isTerminalEvent(
  event: ServerEvent,
): event is ServerEventOf<'response.completed' | 'response.failed' | 'response.incomplete' | 'error'> {
  return (
    event.type === 'response.completed' ||
    event.type === 'response.failed' ||
    event.type === 'response.incomplete' ||
    event.type === 'error'
  );
}

// ─── Errors, normalised ─────────────────────────────────────────────────────────────────────────────

/** Both `error` shapes (and `response.failed`) reduced to what a client decides on. */
export interface WireError {
  status: number | undefined;
  code: string;
  message: string;
  param: string | undefined;
  headers: Record<string, string>;
  /** From `retry-after-ms`, `retry-after`, or "try again in N s" in the message. */
  retryAfterMs: number | undefined;
}

export function normalizeError(event: ErrorEvent): WireError {
  if ('error' in event) {
    const headers = event.error.headers ?? {};
    const message = event.error.message;
    return {
      status: event.status,
      code: event.error.code ?? event.error.type ?? 'error',
      message,
      param: event.error.param ?? undefined,
      headers,
      retryAfterMs: retryAfterMs(headers, message),
    };
  }
  return {
    status: event.status,
    code: event.code ?? 'error',
    message: event.message,
    param: event.param ?? undefined,
    headers: {},
    retryAfterMs: retryAfterMs({}, event.message),
  };
}

/** Reads how long to wait from headers (case-insensitively) or from the message text. */
export function retryAfterMs(headers: Record<string, string>, message: string): number | undefined {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const ms = Number(lower['retry-after-ms']);
  if (lower['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(lower['retry-after']);
  if (lower['retry-after'] !== undefined && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const match = /try again in\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|secs|seconds?)\b/i.exec(message);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  const amount = Number(match[1]);
  return /^m/i.test(match[2]) ? amount : Math.round(amount * 1000);
}
