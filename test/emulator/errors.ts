// The two `error` shapes of the contract (§3), and the HTTP error body.
import type { Json, JsonObject } from './types';

export interface ApiError {
  status: number;
  type: string;
  code: string | null;
  message: string;
  param: string | null;
  headers?: Record<string, string>;
}

export function apiError(status: number, code: string | null, message: string, param: string | null = null, type = 'invalid_request_error'): ApiError {
  return { status, type, code, message, param };
}

/** Shape 1, request/protocol error: `{type:"error", status, error:{type, code, message, param, headers?}}`. */
export function requestErrorEvent(err: ApiError, streamId: string | null = null): JsonObject {
  const inner: JsonObject = { type: err.type, code: err.code, message: err.message, param: err.param };
  if (err.headers) inner['headers'] = err.headers;
  return { type: 'error', status: err.status, ...(streamId ? { stream_id: streamId } : {}), error: inner };
}

/** Shape 2, streaming error: `{type:"error", code, message, param, sequence_number}`. */
export function streamingErrorEvent(code: string, message: string, sequenceNumber: number, streamId: string | null = null): JsonObject {
  return { type: 'error', code, message, param: null, sequence_number: sequenceNumber, ...(streamId ? { stream_id: streamId } : {}) };
}

/** The body of an HTTP error response, as the REST API returns it. */
export function httpErrorBody(err: ApiError): Json {
  return { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
}

export function rateLimitError(retryAfterMs: number): ApiError {
  const seconds = Math.round(retryAfterMs / 100) / 10;
  return {
    status: 429,
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: `Rate limit reached for requests. Please try again in ${seconds}s.`,
    param: null,
    headers: { 'x-ratelimit-remaining-requests': '0', 'retry-after-ms': String(retryAfterMs) },
  };
}

export function overloadedError(): ApiError {
  return apiError(503, 'server_is_overloaded', 'Our servers are currently overloaded. Please try again later.', null, 'server_error');
}

export function previousNotFound(id: string): ApiError {
  return apiError(400, 'previous_response_not_found', `Previous response with id '${id}' not found.`, 'previous_response_id');
}

export function connectionLimitError(): ApiError {
  return apiError(
    400,
    'websocket_connection_limit_reached',
    'Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.',
  );
}

export function contextLengthExceeded(inputTokens: number, window: number): ApiError {
  return apiError(
    400,
    'context_length_exceeded',
    `Your input exceeds the context window of this model (${inputTokens} tokens; the window is ${window}). Please adjust your input and try again.`,
    'input',
  );
}
