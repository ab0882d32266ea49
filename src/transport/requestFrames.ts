/**
 * What goes on the wire for a request, built from the caller's `ModelRequest`: the request parameters,
 * the `response.create` frame, the URLs and headers, and the size a stateless client would have sent.
 * Pure.
 */
import type { ResponseItem } from '../protocol/items';
import type { ResponseCreateFrame, ResponseRequestParams } from '../protocol/responses';
import { utf8Bytes } from './metrics';
import type { ModelRequest } from './modelClient';

const OPENAI_BETA = 'responses_websockets=2026-02-06';

/** The socket URL for a base URL: https → wss, http → ws, plus `/responses`. */
export function webSocketUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return `${trimmed.replace(/^https:/i, 'wss:').replace(/^http:/i, 'ws:')}/responses`;
}

/** The HTTP/SSE URL for a base URL: `{base}/responses`. */
export function httpResponsesUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/responses`;
}

export interface AccountHeaders {
  organization: string | undefined;
  project: string | undefined;
}

export function httpHeaders(key: string, account: AccountHeaders): Record<string, string> {
  const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
  if (account.organization) headers['OpenAI-Organization'] = account.organization;
  if (account.project) headers['OpenAI-Project'] = account.project;
  return headers;
}

export function socketHeaders(key: string, account: AccountHeaders): Record<string, string> {
  return { ...httpHeaders(key, account), 'OpenAI-Beta': OPENAI_BETA };
}

/** The request's parameters (everything but `input`); `store` falls back to the transport's default. */
export function paramsOf(request: ModelRequest, defaultStore: boolean): ResponseRequestParams {
  // Empty instructions are not sent (the agent's ride the chain as a developer message); the key order
  // is the wire's, so frames stay byte-identical for callers that send them.
  const params: ResponseRequestParams = {
    model: request.model,
    ...(request.instructions !== '' ? { instructions: request.instructions } : {}),
    tools: [...request.tools],
    store: request.store ?? defaultStore,
  };
  if (request.toolChoice !== undefined) params.tool_choice = request.toolChoice;
  if (request.parallelToolCalls !== undefined) params.parallel_tool_calls = request.parallelToolCalls;
  if (request.reasoning !== undefined) params.reasoning = request.reasoning;
  if (request.include !== undefined) params.include = [...request.include];
  if (request.maxOutputTokens !== undefined) params.max_output_tokens = request.maxOutputTokens;
  if (request.contextManagement !== undefined) params.context_management = [{ type: 'compaction', compact_threshold: request.contextManagement.compactThreshold }];
  if (request.serviceTier !== undefined) params.service_tier = request.serviceTier;
  return params;
}

/** The request a chain link's parameters came from (the inverse of `paramsOf`), with `input`. */
export function requestFromParams(params: ResponseRequestParams, input: ResponseItem[]): ModelRequest {
  const request: ModelRequest = { model: params.model, instructions: params.instructions ?? '', tools: params.tools, input, store: params.store };
  if (params.tool_choice !== undefined) request.toolChoice = params.tool_choice;
  if (params.parallel_tool_calls !== undefined) request.parallelToolCalls = params.parallel_tool_calls;
  if (params.reasoning !== undefined) request.reasoning = params.reasoning;
  if (params.include !== undefined) request.include = params.include;
  if (params.max_output_tokens !== undefined) request.maxOutputTokens = params.max_output_tokens;
  const compaction = params.context_management?.find((entry) => entry.type === 'compaction');
  if (compaction) request.contextManagement = { compactThreshold: compaction.compact_threshold };
  if (params.service_tier !== undefined) request.serviceTier = params.service_tier;
  return request;
}

export interface FrameShape {
  /** The lane's `stream_id` (socket only; the default lane has none). */
  lane?: string | undefined;
  /** Continue this response: the input is then a delta. */
  previousResponseId?: string | undefined;
  /** A warm-up: `generate: false`. */
  warmup?: boolean;
}

export function createFrame(params: ResponseRequestParams, input: ResponseItem[], shape: FrameShape = {}): ResponseCreateFrame {
  const frame: ResponseCreateFrame = { type: 'response.create', ...params, input };
  if (shape.previousResponseId !== undefined) frame.previous_response_id = shape.previousResponseId;
  if (shape.lane !== undefined) frame.stream_id = shape.lane;
  if (shape.warmup) frame.generate = false;
  return frame;
}

/** JSON size of each transcript item, remembered per item object (transcript items are never changed in place). */
const itemBytes = new WeakMap<object, number>();

/**
 * `utf8Bytes(JSON.stringify(frame))` without serialising the whole transcript on every request (which
 * made the client's CPU per request grow with the conversation): the frame with an empty input, plus
 * each item's remembered size, plus the commas between items.
 */
export function statelessFrameBytes(frame: ResponseCreateFrame): number {
  let bytes = utf8Bytes(JSON.stringify({ ...frame, input: [] })) + Math.max(0, frame.input.length - 1);
  for (const item of frame.input) {
    let size = itemBytes.get(item);
    if (size === undefined) {
      size = utf8Bytes(JSON.stringify(item));
      itemBytes.set(item, size);
    }
    bytes += size;
  }
  return bytes;
}
