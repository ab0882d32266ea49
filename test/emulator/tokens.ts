// Token estimation: bytes/4, the usual rule of thumb for English and code with OpenAI tokenizers.
// What matters for tests is consistency: an item costs the same whether it was an output of one
// response or part of the input of the next, so cached-token arithmetic adds up exactly.
import { readCompaction } from './compactionContent';
import type { Json, JsonObject } from './types';

export function textTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/** Per-item framing overhead (role markers etc.), a stated assumption of 4 tokens like chat formats. */
const ITEM_OVERHEAD_TOKENS = 4;

/** The text that an item contributes to the model's context. */
export function itemText(item: JsonObject): string {
  const type = typeof item['type'] === 'string' ? item['type'] : 'message';
  switch (type) {
    case 'message':
      return contentText(item['content']);
    case 'function_call':
      return `${String(item['name'] ?? '')}${String(item['arguments'] ?? '')}`;
    case 'function_call_output':
      return typeof item['output'] === 'string' ? item['output'] : JSON.stringify(item['output'] ?? '');
    case 'reasoning':
      return summaryText(item['summary']);
    default:
      return JSON.stringify(item);
  }
}

export function contentText(content: Json | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (part && typeof part === 'object' && !Array.isArray(part)) {
        const text = part['text'] ?? part['refusal'];
        return typeof text === 'string' ? text : '';
      }
      return '';
    })
    .join('');
}

function summaryText(summary: Json | undefined): string {
  if (!Array.isArray(summary)) return '';
  return summary.map((s) => (s && typeof s === 'object' && !Array.isArray(s) ? String(s['text'] ?? '') : '')).join('');
}

export function itemTokens(item: JsonObject): number {
  // A compaction item costs the summary it stands for, not its (padded, encoded) bytes.
  const compaction = readCompaction(item);
  return ITEM_OVERHEAD_TOKENS + (compaction ? compaction.tokens : textTokens(itemText(item)));
}

export function itemsTokens(items: readonly JsonObject[]): number {
  return items.reduce((sum, item) => sum + itemTokens(item), 0);
}

/** Instructions and tool definitions are part of the prompt too (sent, and billed, on every request). */
export function promptPreambleTokens(instructions: string | null, tools: readonly JsonObject[]): number {
  return (instructions ? textTokens(instructions) : 0) + (tools.length ? textTokens(JSON.stringify(tools)) : 0);
}
