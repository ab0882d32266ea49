// Prompt caching as OpenAI documents it: a request's prompt reuses the longest prefix the server has
// already processed, if that prefix is at least 1,024 tokens, in steps of 128 tokens beyond that
// (guide: prompt-caching). It applies to every request, HTTP or WebSocket, full or chained. The
// connection cache of WebSocket mode is different: it holds the previous response itself, so a
// continuation reuses exactly what it extends (`commonPrefixTokens`).
//
// A prompt is a list of segments (instructions, tools, each context item) in the order the model
// reads them; matching is per segment (the emulator has no tokenizer), which is exact for chains that
// only append.
import { createHash } from 'node:crypto';
import { itemTokens, textTokens } from './tokens';
import type { JsonObject } from './types';

export const MIN_CACHED_PREFIX = 1024;
export const CACHE_STEP = 128;
/** Prefixes remembered (oldest dropped first): bounded so a 2,000-turn session cannot grow the emulator without end. */
const MAX_ENTRIES = 200_000;

export interface PromptSegment {
  key: string;
  tokens: number;
}

const itemKeys = new WeakMap<JsonObject, string>();

function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

function itemSegment(item: JsonObject): PromptSegment {
  let key = itemKeys.get(item);
  if (key === undefined) {
    key = digest(JSON.stringify(item));
    itemKeys.set(item, key);
  }
  return { key, tokens: itemTokens(item) };
}

export interface PromptParts {
  instructions: string | null;
  tools: readonly JsonObject[];
  context: readonly JsonObject[];
  /** GPT-6.2+: instructions come after the input, not before it. */
  instructionsAfterInput: boolean;
}

/** The prompt in reading order. Token counts add up to the request's `input_tokens`. */
export function promptSegments(parts: PromptParts): PromptSegment[] {
  const instructions: PromptSegment[] = parts.instructions ? [{ key: `i:${digest(parts.instructions)}`, tokens: textTokens(parts.instructions) }] : [];
  const tools: PromptSegment[] = parts.tools.length ? [{ key: `t:${digest(JSON.stringify(parts.tools))}`, tokens: textTokens(JSON.stringify(parts.tools)) }] : [];
  const items = parts.context.map(itemSegment);
  return parts.instructionsAfterInput ? [...tools, ...items, ...instructions] : [...instructions, ...tools, ...items];
}

export function segmentsOf(items: readonly JsonObject[]): PromptSegment[] {
  return items.map(itemSegment);
}

export function totalTokens(segments: readonly PromptSegment[]): number {
  return segments.reduce((sum, s) => sum + s.tokens, 0);
}

/** Tokens of the longest common prefix of two prompts (the connection cache: exact, no minimum). */
export function commonPrefixTokens(a: readonly PromptSegment[], b: readonly PromptSegment[]): number {
  let tokens = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]?.key !== b[i]?.key) break;
    tokens += a[i]?.tokens ?? 0;
  }
  return tokens;
}

/** What of a prefix of `tokens` the prompt cache can hold: 0 below 1,024, then 1,024 + a multiple of 128. */
export function cacheableTokens(tokens: number): number {
  if (tokens < MIN_CACHED_PREFIX) return 0;
  return MIN_CACHED_PREFIX + Math.floor((tokens - MIN_CACHED_PREFIX) / CACHE_STEP) * CACHE_STEP;
}

/** Tokens this request writes to the cache: the cacheable part of its prompt it did not read from it. */
export function cacheWriteTokens(promptTokens: number, cachedTokens: number): number {
  return Math.max(0, cacheableTokens(promptTokens) - cachedTokens);
}

/** The server-wide prompt cache: every processed prefix, by a hash chained over its segments. */
export class PromptCache {
  private readonly prefixes = new Map<string, number>();

  /** Cached tokens for this prompt under OpenAI's rule. */
  lookup(segments: readonly PromptSegment[]): number {
    let chain = '';
    let best = 0;
    let tokens = 0;
    for (const segment of segments) {
      chain = digest(`${chain}|${segment.key}`);
      tokens += segment.tokens;
      if (!this.prefixes.has(chain)) break;
      best = tokens;
    }
    return cacheableTokens(best);
  }

  /** Remembers every prefix of a processed prompt (its prefill populated the cache). */
  register(segments: readonly PromptSegment[]): void {
    let chain = '';
    let tokens = 0;
    for (const segment of segments) {
      chain = digest(`${chain}|${segment.key}`);
      tokens += segment.tokens;
      this.prefixes.set(chain, tokens);
    }
    if (this.prefixes.size > MAX_ENTRIES) {
      let drop = this.prefixes.size - Math.floor(MAX_ENTRIES * 0.9);
      for (const key of this.prefixes.keys()) {
        if (drop-- <= 0) break;
        this.prefixes.delete(key);
      }
    }
  }
}
