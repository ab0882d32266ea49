/**
 * What a session knows about its model window, saved with it: where the window starts in the
 * transcript, the instructions the window carries, the items that are copies for the model (not shown
 * again in the chat), the user's pins, where compaction happened and what it cost, and the token and
 * cost totals. The transcript (`ChatSession.items`) stays the whole conversation; this says which part
 * of it the model sees. Validated on load like the rest of a stored session; a damaged record starts
 * over (the model then sees the whole transcript, which is still correct, only larger).
 */
import * as z from 'zod';

export interface Pin {
  /** The chat's id for what was pinned: `<turnId>` for a prompt, `<turnId>/<blockId>` for an answer block. */
  id: string;
  role: 'user' | 'assistant';
  text: string;
}

export interface CompactionMark {
  /** Index in the transcript where the compacted window starts (its first item). */
  at: number;
  /** The turn it happened in (or after, for a compaction between turns). */
  turnId: string | undefined;
  /** On the socket (`context_management`, during a response) or standalone (`/responses/compact`). */
  how: 'socket' | 'standalone';
  reason: 'threshold' | 'overflow' | 'manual';
  /** The window's size before and (estimated) after, in tokens. */
  beforeTokens: number;
  afterTokens: number;
  /** USD of the compaction call; undefined: unknown price, or (socket) billed inside the response. */
  costUsd: number | undefined;
  pinsCarried: number;
}

export interface ContextTotals {
  requests: number;
  inputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  /** Tokens the warm-ups wrote to the cache (a warm-up is a cache write, §8). */
  warmupTokens: number;
  /** USD, estimated; null once any request had no known price. */
  costUsd: number | null;
}

export interface SessionContext {
  /** Index in the transcript where the model's window starts. */
  windowStart: number;
  /** The instructions the window carries as its developer message; undefined before the first. */
  instructions: string | undefined;
  /** Transcript ranges [from, to) that are copies for the model (a compacted window's messages, carried pins). */
  carried: Array<[number, number]>;
  pins: Pin[];
  compactions: CompactionMark[];
  /** A socket compaction happened: the window's instructions and pins go in again before the next request. */
  reinsertPending: boolean;
  /** `context_management` rides this session's requests (armed once it first passed the threshold). */
  socketCompaction: boolean;
  /** A steer reached a running response in this session: steering is in use, so compaction stays out of band. */
  steeringUsed: boolean;
  /** The window's size as the latest response measured it (input + output tokens), and how many transcript items that covered. */
  measured: { tokens: number; items: number } | undefined;
  /** The latest request's input split (what the meter shows as cached and written). */
  lastRequest: { inputTokens: number; cachedTokens: number; cacheWriteTokens: number | undefined } | undefined;
  totals: ContextTotals;
  /** USD of the last finished turn (requests and compactions); null unknown, undefined none yet. */
  lastTurnCostUsd: number | null | undefined;
}

export const MAX_PINS = 50;

export function emptyTotals(): ContextTotals {
  return { requests: 0, inputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, outputTokens: 0, warmupTokens: 0, costUsd: 0 };
}

export function newSessionContext(): SessionContext {
  return {
    windowStart: 0,
    instructions: undefined,
    carried: [],
    pins: [],
    compactions: [],
    reinsertPending: false,
    socketCompaction: false,
    steeringUsed: false,
    measured: undefined,
    lastRequest: undefined,
    totals: emptyTotals(),
    lastTurnCostUsd: undefined,
  };
}

const Count = z.number().int().nonnegative();
const schema = z.object({
  windowStart: Count,
  instructions: z.string().optional(),
  carried: z.array(z.tuple([Count, Count])).max(100_000),
  pins: z.array(z.object({ id: z.string().max(300), role: z.enum(['user', 'assistant']), text: z.string() })).max(MAX_PINS),
  compactions: z
    .array(
      z.object({
        at: Count,
        turnId: z.string().optional(),
        how: z.enum(['socket', 'standalone']),
        reason: z.enum(['threshold', 'overflow', 'manual']),
        beforeTokens: Count,
        afterTokens: Count,
        costUsd: z.number().nonnegative().optional(),
        pinsCarried: Count,
      }),
    )
    .max(100_000),
  reinsertPending: z.boolean(),
  socketCompaction: z.boolean(),
  steeringUsed: z.boolean(),
  measured: z.object({ tokens: Count, items: Count }).optional(),
  lastRequest: z.object({ inputTokens: Count, cachedTokens: Count, cacheWriteTokens: Count.optional() }).optional(),
  totals: z.object({
    requests: Count,
    inputTokens: Count,
    cachedTokens: Count,
    cacheWriteTokens: Count,
    outputTokens: Count,
    warmupTokens: Count,
    costUsd: z.number().nonnegative().nullable(),
  }),
  lastTurnCostUsd: z.number().nonnegative().nullable().optional(),
});

/** A stored session's context; a new one when absent (sessions saved before it existed) or damaged. */
export function sessionContextFrom(stored: unknown, itemCount: number): SessionContext {
  const parsed = schema.safeParse(stored);
  if (!parsed.success || parsed.data.windowStart > itemCount) return newSessionContext();
  const data = parsed.data;
  return {
    ...data,
    instructions: data.instructions,
    carried: data.carried.map(([from, to]) => [from, to]),
    compactions: data.compactions.map((mark) => ({ ...mark, turnId: mark.turnId, costUsd: mark.costUsd })),
    measured: data.measured,
    lastRequest: data.lastRequest ? { ...data.lastRequest, cacheWriteTokens: data.lastRequest.cacheWriteTokens } : undefined,
    lastTurnCostUsd: data.lastTurnCostUsd,
  };
}

/** True when transcript item `index` is a copy for the model (not shown again in the chat). */
export function isCarried(context: Pick<SessionContext, 'carried'>, index: number): boolean {
  return context.carried.some(([from, to]) => index >= from && index < to);
}
