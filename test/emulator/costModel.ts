// The server's modelled processing cost, for benchmarks: what WebSocket mode saves on the server side
// (no per-request state loading, cached prefix instead of re-reading the whole context). Off by default
// (all zero). Each delay is reported to the accounting as `cost.<name>`.

export interface CostModel {
  /**
   * Prefill time per input token the server did not already hold, in ms. Default 0.
   * Typical for benchmarks: 0.05 ms (≈20k tokens/s of prefill). Assumption, in line with published
   * time-to-first-token figures of hosted frontier models (hundreds of ms for ~10k-token prompts).
   */
  uncachedTokenMs: number;
  /**
   * Time per input token served from the cache, in ms. Default 0. Typical: 0.005 ms, i.e. 10× cheaper
   * than uncached. Source of the ratio: OpenAI's published price of cached input (gpt-5 family: cached
   * input billed at 10% of the input price).
   */
  cachedTokenMs: number;
  /**
   * Overhead of a fresh HTTP request (auth, routing, loading conversation state from storage), in ms.
   * Default 0. Typical: 120 ms. Assumption, calibrated so that a 20-tool-call run of ~9.2k input
   * tokens over HTTP is roughly 30–40% slower than over a warm socket, matching OpenAI's published
   * "up to ~40% faster" (alpha demo 14.3 s vs 20.2 s) for WebSocket mode.
   */
  httpRequestMs: number;
  /** Overhead of a continuation on a warm socket, in ms. Default 0. Typical: 15 ms (assumption). */
  warmContinuationMs: number;
  /** Overhead of a response.create that cannot use the connection cache (full input or hydration), in ms. Default 0. Typical: 60 ms (assumption). */
  coldRequestMs: number;
}

export const NO_COST: CostModel = {
  uncachedTokenMs: 0,
  cachedTokenMs: 0,
  httpRequestMs: 0,
  warmContinuationMs: 0,
  coldRequestMs: 0,
};

export const TYPICAL_COST: CostModel = {
  uncachedTokenMs: 0.05,
  cachedTokenMs: 0.005,
  httpRequestMs: 120,
  warmContinuationMs: 15,
  coldRequestMs: 60,
};

export function resolveCost(partial: Partial<CostModel> | undefined): CostModel {
  return { ...NO_COST, ...(partial ?? {}) };
}

export interface RequestCostInput {
  transport: 'ws' | 'http';
  /** Whether the chain's previous response came from the connection cache. */
  warm: boolean;
  uncachedTokens: number;
  cachedTokens: number;
}

/** The modelled delays for one request, by name (all in ms). */
export function requestCost(model: CostModel, input: RequestCostInput): Record<string, number> {
  const parts: Record<string, number> = {};
  if (input.transport === 'http') parts['cost.httpRequest'] = model.httpRequestMs;
  else if (input.warm) parts['cost.warmContinuation'] = model.warmContinuationMs;
  else parts['cost.coldRequest'] = model.coldRequestMs;
  parts['cost.uncachedTokens'] = model.uncachedTokenMs * input.uncachedTokens;
  parts['cost.cachedTokens'] = model.cachedTokenMs * input.cachedTokens;
  for (const [key, value] of Object.entries(parts)) if (!(value > 0)) delete parts[key];
  return parts;
}
