// Validates a response.create (WebSocket frame, flattened) or a POST /responses body, and normalises it.
import { apiError, type ApiError } from './errors';
import type { CreateRequest, Json, JsonObject } from './types';

const STREAM_ID = /^[A-Za-z0-9_.-]{1,256}$/;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isValidStreamId(value: Json | undefined): boolean {
  return typeof value === 'string' && STREAM_ID.test(value);
}

/** Normalises input: a string becomes one user message; EasyInputMessage (no `type`) gets `type: "message"`. */
function normaliseInput(input: Json | undefined): JsonObject[] | ApiError {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  if (!Array.isArray(input)) return apiError(400, 'invalid_type', "Invalid type for 'input': expected a string or an array of items.", 'input');
  const items: JsonObject[] = [];
  for (const [i, item] of input.entries()) {
    if (!isObject(item)) return apiError(400, 'invalid_type', `Invalid type for 'input[${i}]': expected an object.`, `input[${i}]`);
    if (item['type'] === undefined && typeof item['role'] === 'string') items.push({ type: 'message', ...item });
    else if (typeof item['type'] !== 'string') return apiError(400, 'missing_required_parameter', `Missing required parameter: 'input[${i}].type'.`, `input[${i}].type`);
    else items.push(item);
    const last = items[items.length - 1] as JsonObject;
    if (last['type'] === 'function_call_output' && typeof last['call_id'] !== 'string') {
      return apiError(400, 'missing_required_parameter', `Missing required parameter: 'input[${i}].call_id'.`, `input[${i}].call_id`);
    }
  }
  return items;
}

export function validateCreate(body: JsonObject, transport: 'ws' | 'http', models: readonly string[]): CreateRequest | ApiError {
  const model = body['model'];
  if (typeof model !== 'string') return apiError(400, 'missing_required_parameter', "Missing required parameter: 'model'.", 'model');
  if (!models.includes(model)) return apiError(404, 'model_not_found', `The model '${model}' does not exist or you do not have access to it.`, 'model');
  const streamId = body['stream_id'];
  if (transport === 'http') {
    if (body['generate'] !== undefined) return apiError(400, 'unknown_parameter', "Unknown parameter: 'generate' (WebSocket mode only).", 'generate');
    if (streamId !== undefined) return apiError(400, 'unknown_parameter', "Unknown parameter: 'stream_id' (WebSocket mode only).", 'stream_id');
  } else {
    if (streamId !== undefined && !isValidStreamId(streamId)) return apiError(400, 'invalid_stream_id', 'Invalid stream_id.', 'stream_id');
    if (body['background'] === true) return apiError(400, 'unsupported_parameter', "'background' is not supported in WebSocket mode.", 'background');
  }
  const input = normaliseInput(body['input']);
  if (!Array.isArray(input)) return input;
  const tools = body['tools'];
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) return apiError(400, 'invalid_type', "Invalid type for 'tools': expected an array.", 'tools');
  const instructions = body['instructions'];
  if (instructions !== undefined && instructions !== null && typeof instructions !== 'string') {
    return apiError(400, 'invalid_type', "Invalid type for 'instructions': expected a string.", 'instructions');
  }
  const previous = body['previous_response_id'];
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    return apiError(400, 'invalid_type', "Invalid type for 'previous_response_id': expected a string.", 'previous_response_id');
  }
  const include = Array.isArray(body['include']) ? body['include'].filter((x): x is string => typeof x === 'string') : [];
  return {
    model,
    input,
    instructions: typeof instructions === 'string' ? instructions : null,
    tools: (Array.isArray(tools) ? tools : []).filter(isObject),
    toolChoice: body['tool_choice'] ?? 'auto',
    parallelToolCalls: body['parallel_tool_calls'] !== false,
    store: body['store'] !== false,
    include,
    previousResponseId: typeof previous === 'string' ? previous : null,
    streamId: typeof streamId === 'string' ? streamId : null,
    generate: body['generate'] !== false,
    raw: body,
  };
}
