/** How a tool call reads in the chat: a short summary of its arguments and the first line of its output. Pure. */
import { redactSecrets } from '../common/redact';
import type { FunctionCallItem } from '../protocol/items';

export function summarizeArguments(call: FunctionCallItem, knownSecrets: readonly string[]): { text: string; path: string | undefined } {
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
  } catch {
    // Shown raw below; the runner reports the invalid JSON to the model.
  }
  const path = typeof args.path === 'string' ? args.path : undefined;
  let text: string;
  if (typeof args.command === 'string') text = args.command;
  else if (typeof args.label === 'string') text = args.label;
  else if (typeof args.query === 'string') text = `"${args.query}"`;
  else if (path && typeof args.start_line === 'number') text = `${path}:${args.start_line}${typeof args.end_line === 'number' ? `-${args.end_line}` : ''}`;
  else if (path) text = path;
  else if (typeof args.glob === 'string') text = args.glob;
  else text = call.arguments;
  text = redactSecrets(text, knownSecrets);
  return { text: text.length > 200 ? `${text.slice(0, 199)}…` : text, path };
}

export function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
