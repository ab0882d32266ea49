/**
 * Rules that keep a transcript valid for the API: every function_call has exactly one
 * function_call_output. Used after a cancellation and when a session is restored after a crash.
 */
import { functionCallOutput, type FunctionCallItem, type ResponseItem } from '../protocol/items';

export function answeredCallIds(items: readonly ResponseItem[]): Set<string> {
  const ids = new Set<string>();
  for (const item of items) if (item.type === 'function_call_output') ids.add(item.call_id);
  return ids;
}

export function unansweredCalls(items: readonly ResponseItem[]): FunctionCallItem[] {
  const answered = answeredCallIds(items);
  return items.filter((item): item is FunctionCallItem => item.type === 'function_call' && !answered.has(item.call_id));
}

/** Appends an output for each call that has none; returns how many it closed. */
export function closeUnansweredCalls(items: ResponseItem[], output: (call: FunctionCallItem) => string): number {
  const open = unansweredCalls(items);
  for (const call of open) items.push(functionCallOutput(call.call_id, output(call)));
  return open.length;
}

export function lastAssistantText(items: readonly ResponseItem[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type === 'message' && item.role === 'user') return '';
    if (item.type === 'message' && item.role === 'assistant') {
      return item.content.map((part) => (part.type === 'output_text' ? part.text : part.refusal)).join('');
    }
  }
  return '';
}

export function userText(item: ResponseItem): string | undefined {
  if (item.type !== 'message' || item.role !== 'user') return undefined;
  return item.content.map((part) => part.text).join('');
}
