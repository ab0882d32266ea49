/**
 * Keeps tool outputs small enough for the model's context and free of key-shaped secrets. Long
 * output keeps its head and its tail (errors usually sit at the end of a build log) and says exactly
 * what was cut, so the model can ask for the rest with a narrower call.
 */
import { redactSecrets } from '../common/redact';

export const MAX_TOOL_OUTPUT_BYTES = 32 * 1024;

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

export function boundOutput(text: string, maxBytes = MAX_TOOL_OUTPUT_BYTES, options: { tailShare?: number } = {}): string {
  const total = byteLength(text);
  if (total <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - 200);
  const tailBudget = Math.floor(budget * (options.tailShare ?? 0.4));
  const head = sliceBytesFromStart(text, budget - tailBudget);
  const tail = sliceBytesFromEnd(text, tailBudget);
  const cutText = text.slice(head.length, text.length - tail.length);
  const cutLines = cutText.split('\n').length - 1;
  const note = `\n[… output cut: ${total - byteLength(head) - byteLength(tail)} bytes${cutLines ? ` (${cutLines} lines)` : ''} omitted from the middle; total ${total} bytes …]\n`;
  return `${head}${note}${tail}`;
}

/** Redacts before bounding, so the cut can never split a key into fragments that no longer look like one. */
export function prepareToolOutput(text: string, options: { knownSecrets?: readonly string[]; tailShare?: number } = {}): string {
  return boundOutput(redactSecrets(text, options.knownSecrets ?? []), MAX_TOOL_OUTPUT_BYTES, { tailShare: options.tailShare });
}

function sliceBytesFromStart(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

function sliceBytesFromEnd(text: string, maxBytes: number): string {
  let bytes = 0;
  let start = text.length;
  while (start > 0) {
    const code = text.charCodeAt(start - 1);
    const width = code >= 0xdc00 && code <= 0xdfff && start > 1 ? 2 : 1;
    const size = byteLength(text.slice(start - width, start));
    if (bytes + size > maxBytes) break;
    bytes += size;
    start -= width;
  }
  return text.slice(start);
}
