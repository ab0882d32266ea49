// Reading the model's context (previous input + output items + new input). The scripted model derives
// its position from this alone, so a client that resends the full context after a reconnect gets the
// continuation of the script rather than a restart.
import { contentText } from './tokens';
import type { JsonObject } from './types';

export function itemType(item: JsonObject): string {
  return typeof item['type'] === 'string' ? item['type'] : 'message';
}

/** Items the model itself produced (its earlier outputs, resent by the client or prepended by the server). */
export function isModelOutput(item: JsonObject): boolean {
  const type = itemType(item);
  if (type === 'message') return item['role'] === 'assistant';
  return type === 'function_call' || type === 'reasoning' || type === 'custom_tool_call';
}

/** The items after the model's last output: what is new to the model in this turn. */
export function trailingInput(context: readonly JsonObject[]): JsonObject[] {
  let start = context.length;
  while (start > 0 && !isModelOutput(context[start - 1] as JsonObject)) start -= 1;
  return context.slice(start);
}

/**
 * The context without asides (user messages `isAside` picks out) and without the assistant text and
 * reasoning right before each one: what an aside interrupted is as if never said, so the script replays
 * it in full. Tool calls are kept (a call is answered by its output, never interrupted by an aside).
 */
export function withoutAsides(context: readonly JsonObject[], isAside: (text: string) => boolean): JsonObject[] {
  const kept: JsonObject[] = [];
  for (const item of context) {
    if (itemType(item) === 'message' && item['role'] === 'user' && isAside(contentText(item['content']))) {
      while (kept.length > 0 && isInterruptible(kept[kept.length - 1] as JsonObject)) kept.pop();
      continue;
    }
    kept.push(item);
  }
  return kept;
}

function isInterruptible(item: JsonObject): boolean {
  const type = itemType(item);
  return type === 'reasoning' || (type === 'message' && item['role'] === 'assistant');
}

export function lastUserText(items: readonly JsonObject[]): string | null {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i] as JsonObject;
    if (itemType(item) === 'message' && item['role'] === 'user') return contentText(item['content']);
  }
  return null;
}

export interface FunctionCallView {
  callId: string;
  name: string;
  arguments: string;
}

export function functionCalls(context: readonly JsonObject[]): FunctionCallView[] {
  return context
    .filter((item) => itemType(item) === 'function_call')
    .map((item) => ({
      callId: String(item['call_id'] ?? ''),
      name: String(item['name'] ?? ''),
      arguments: String(item['arguments'] ?? ''),
    }));
}

export interface ToolOutputView {
  callId: string;
  output: string;
  /** The name of the tool, from the matching function_call in the context ('' if none). */
  name: string;
  arguments: string;
}

export function toolOutputs(items: readonly JsonObject[], context: readonly JsonObject[]): ToolOutputView[] {
  const calls = new Map(functionCalls(context).map((c) => [c.callId, c]));
  return items
    .filter((item) => itemType(item) === 'function_call_output')
    .map((item) => {
      const callId = String(item['call_id'] ?? '');
      const raw = item['output'];
      const call = calls.get(callId);
      return {
        callId,
        output: typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''),
        name: call?.name ?? '',
        arguments: call?.arguments ?? '',
      };
    });
}

export function assistantTexts(context: readonly JsonObject[]): string[] {
  return context
    .filter((item) => itemType(item) === 'message' && item['role'] === 'assistant')
    .map((item) => contentText(item['content']));
}

/** Offered function tools by name (Responses shape `{type,name}` and Chat shape `{type,function:{name}}`). */
export function offeredTools(tools: readonly JsonObject[]): Map<string, JsonObject> {
  const byName = new Map<string, JsonObject>();
  for (const tool of tools) {
    const fn = tool['function'];
    const name =
      typeof tool['name'] === 'string'
        ? tool['name']
        : fn && typeof fn === 'object' && !Array.isArray(fn) && typeof fn['name'] === 'string'
          ? fn['name']
          : null;
    if (name) byName.set(name, tool);
  }
  return byName;
}

/** The property names of a function tool's JSON-schema parameters. */
export function toolParameterNames(tool: JsonObject): string[] {
  const params = tool['parameters'];
  if (!params || typeof params !== 'object' || Array.isArray(params)) return [];
  const props = params['properties'];
  return props && typeof props === 'object' && !Array.isArray(props) ? Object.keys(props) : [];
}

/**
 * The server's pairing rules, as the real API enforces them before running the model:
 * every function_call needs a function_call_output, and every output needs its call. An async call
 * (asyncTools.ts) may wait for its output; no call may be answered twice (the emulator's strictness:
 * a client that delivers an async output twice is caught).
 */
export function pairingError(context: readonly JsonObject[]): string | null {
  const calls = new Set<string>();
  const asyncCalls = new Set<string>();
  const answered = new Set<string>();
  for (const item of context) {
    const type = itemType(item);
    const callId = String(item['call_id'] ?? '');
    if (type === 'function_call') calls.add(callId);
    if (type === 'function_call' && item['async'] === true) asyncCalls.add(callId);
    if (type === 'function_call_output') {
      if (!calls.has(callId)) return `No tool call found for function call output with call_id ${callId}.`;
      if (answered.has(callId)) return `Duplicate tool output for function call ${callId}.`;
      answered.add(callId);
    }
  }
  for (const callId of calls) if (!answered.has(callId) && !asyncCalls.has(callId)) return `No tool output found for function call ${callId}.`;
  return null;
}
