// The server's modelled processing time, for benchmarks and the calibration: what a request costs the
// server before its first output token. Off by default (all zero). Each delay is reported to the
// accounting as `cost.<name>`; the model's own time (hidden reasoning, compaction, output at its pace)
// comes from its timing profile (modelProfiles.ts) and is reported as `model.<name>`.
//
// The per-token rates are latency figures, not prices. The three overheads are the calibration: the
// one published comparison of the two transports (OpenAI's alpha demo, protocol notes §7: a 20-tool-call
// run, 20.2 s over stateless HTTP, 14.3 s over WebSocket mode) saves 5.9 s over 21 requests, 281 ms per
// request; with prompt caching on both sides (the same cached prefix, give or take one 128-token
// step) nearly all of it is per-request overhead. calibration.test.ts reproduces that comparison and
// fails if the model drifts out of the published 20–40% band.

export interface CostModel {
  /**
   * Prefill time per input token the server has not cached, in ms. Typical: 0.115 ms (≈8,700 tokens/s).
   * Source: published time to first token of long prompts — OpenAI, GPT-4.1 launch: "about fifteen
   * seconds" for 128,000 tokens (0.117 ms/token); Anthropic, prompt-caching launch: 11.5 s for a
   * 100,000-token prompt (0.115 ms/token).
   */
  uncachedTokenMs: number;
  /**
   * Time per cached input token, in ms. Typical: 0.024 ms, a fifth of uncached. Source: latency, not
   * price — OpenAI's prompt-caching guide: caching "can reduce latency by up to 80%"; Anthropic's
   * launch figures: the same 100,000 tokens cached, 2.4 s (0.024 ms/token). Applies to prompt-cache
   * hits and to the WebSocket connection cache alike (the emulator assumes no extra advantage for the
   * socket here: an assumption in HTTP's favour).
   */
  cachedTokenMs: number;
  /**
   * Overhead of an HTTP request (auth, routing, rendering and validating the whole input, loading any
   * stored state), in ms. Typical: 300 ms — calibrated: what the alpha demo saves per request (281 ms)
   * plus the warm continuation's own overhead, less what rounding to 128-token cache steps and the
   * extra upload already account for.
   */
  httpRequestMs: number;
  /** Overhead of a continuation on a warm socket (state in connection memory), in ms. Typical: 25 ms (assumption). */
  warmContinuationMs: number;
  /**
   * Overhead of a socket request that cannot use the connection cache (full input or hydration), in
   * ms. Typical: 150 ms (assumption: no new request to route or authenticate, the same input to render).
   */
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
  uncachedTokenMs: 0.115,
  cachedTokenMs: 0.024,
  httpRequestMs: 300,
  warmContinuationMs: 25,
  coldRequestMs: 150,
};

export function resolveCost(partial: Partial<CostModel> | undefined): CostModel {
  return { ...NO_COST, ...(partial ?? {}) };
}

export function isCostModelled(model: CostModel): boolean {
  return Object.values(model).some((v) => v > 0);
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
