// Compaction (§8): the server replaces a long context with an opaque, "encrypted" compaction item.
// Two kinds, as the API has them:
// - automatic (`context_management` on response.create): the item is the response's first output and
//   stands for everything before it; a context that contains it drops the items before it;
// - standalone (`POST /responses/compact`): the window is the user messages followed by one item that
//   stands for the rest; a client starts a new chain with that window.
// What the emulator puts in `encrypted_content` is its own (base64 JSON: the summary's size and kind);
// clients must treat it as opaque. The server also keeps what each item replaced, so the scripted
// model still sees the whole conversation (its position in the script survives compaction) while
// tokens and caching see only the compacted window.
import { randomBytes } from 'node:crypto';
import { encodeCompaction, readCompaction, type CompactionScope } from './compactionContent';
import { itemType } from './context';
import { contentText, textTokens } from './tokens';
import type { JsonObject } from './types';

export { readCompaction, type CompactionInfo, type CompactionScope } from './compactionContent';

/**
 * The summary of `coveredTokens` of context: a tenth of it, at least 256 and at most 4,096 tokens
 * (assumption: the API publishes no ratio; a tenth keeps a 32k-window session well inside its window).
 */
export function summaryTokens(coveredTokens: number): number {
  return Math.min(4096, Math.max(256, Math.round(coveredTokens / 10)));
}

export function compactionItem(tokens: number, scope: CompactionScope): JsonObject {
  const id = `cmp_${randomBytes(12).toString('hex')}`;
  return { type: 'compaction', id, encrypted_content: encodeCompaction({ id, tokens, scope }) };
}

function isUserMessage(item: JsonObject): boolean {
  return itemType(item) === 'message' && item['role'] === 'user';
}

function lastCompactionIndex(context: readonly JsonObject[]): number {
  for (let i = context.length - 1; i >= 0; i--) if (itemType(context[i] as JsonObject) === 'compaction') return i;
  return -1;
}

/** The context the model reads: from the latest compaction item on (plus the user messages it keeps). */
export function compactedView(context: readonly JsonObject[]): JsonObject[] {
  const at = lastCompactionIndex(context);
  if (at < 0) return [...context];
  const info = readCompaction(context[at] as JsonObject);
  const kept = info?.scope === 'non-user' ? context.slice(0, at).filter(isUserMessage) : [];
  return [...kept, ...context.slice(at)];
}

/** The user messages a standalone compaction keeps verbatim: newest first, up to `budgetTokens`. */
export function keptUserMessages(context: readonly JsonObject[], budgetTokens: number): JsonObject[] {
  const kept: JsonObject[] = [];
  let used = 0;
  for (let i = context.length - 1; i >= 0; i--) {
    const item = context[i] as JsonObject;
    if (!isUserMessage(item)) continue;
    used += 4 + textTokens(contentText(item['content']));
    if (used > budgetTokens) break;
    kept.unshift(item);
  }
  return kept;
}

/** Remembers what each compaction item replaced, so the scripted model can read the whole conversation. */
export class CompactionMemory {
  private readonly replaced = new Map<string, JsonObject[]>();

  remember(item: JsonObject, coveredContext: readonly JsonObject[]): void {
    const info = readCompaction(item);
    if (info) this.replaced.set(info.id, [...coveredContext]);
  }

  /** The conversation as if never compacted (as far as this server compacted it). */
  expand(context: readonly JsonObject[]): JsonObject[] {
    const view = compactedView(context);
    const first = view.findIndex((item) => itemType(item) === 'compaction');
    if (first < 0) return view;
    const info = readCompaction(view[first] as JsonObject);
    const covered = info ? this.replaced.get(info.id) : undefined;
    if (!covered) return view;
    // The covered context already holds the user messages a standalone window repeats before the item.
    return [...this.expand(covered), ...view.slice(first + 1)];
  }
}
