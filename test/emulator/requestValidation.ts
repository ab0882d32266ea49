// Validates a response.create (WebSocket frame, flattened) or a POST /responses body, and normalises it.
import { configurationUpdateError, serviceTierError } from './configuration';
import { apiError, type ApiError } from './errors';
import { profileOf, reasoningEffortOf } from './modelProfiles';
import type { CreateRequest, Json, JsonObject } from './types';

/** Smallest `compact_threshold` the API accepts (§8). */
export const MIN_COMPACT_THRESHOLD = 1000;

/**
 * `context_management`: a list with one `{type:'compaction', compact_threshold?}`. Returns the threshold
 * (a null threshold means 80% of the model's window, an assumption), null when absent, or the error.
 */
function contextManagement(value: Json | undefined, model: string): number | null | ApiError {
  if (value === undefined || value === null) return null;
  const param = 'context_management';
  if (!Array.isArray(value)) return apiError(400, 'invalid_type', "Invalid type for 'context_management': expected an array.", param);
  let threshold: number | null = null;
  for (const [i, entry] of value.entries()) {
    if (!isObject(entry) || entry['type'] !== 'compaction') {
      return apiError(400, 'invalid_value', `Invalid value for 'context_management[${i}].type': only 'compaction' is supported.`, `${param}[${i}].type`);
    }
    const raw = entry['compact_threshold'];
    if (raw === undefined || raw === null) threshold = Math.floor(profileOf(model).contextWindow * 0.8);
    else if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < MIN_COMPACT_THRESHOLD) {
      return apiError(400, 'invalid_value', `Invalid value for 'context_management[${i}].compact_threshold': expected an integer of at least ${MIN_COMPACT_THRESHOLD}.`, `${param}[${i}].compact_threshold`);
    } else threshold = raw;
  }
  return threshold;
}

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
  const configuration = configurationUpdateError(model, input) ?? serviceTierError(body['service_tier']);
  if (configuration) return configuration;
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
  const compactThreshold = contextManagement(body['context_management'], model);
  if (typeof compactThreshold === 'object' && compactThreshold !== null) return compactThreshold;
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
    compactThreshold,
    reasoningEffort: reasoningEffortOf(body['reasoning']),
    raw: body,
  };
}
