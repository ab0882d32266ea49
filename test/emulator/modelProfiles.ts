// What the emulator knows about each model it serves: context window, which newer features it has,
// where top-level instructions go, whether cache writes are billed, prices, and its timing (output
// pace and hidden reasoning), used when the emulator models server time (`cost`). One table, data
// only, so a new model or a new support flag is one line. Legacy ids keep the emulator's historical
// leniency (steering allowed unless the `steering` option says otherwise) so older tests stand.

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface ModelFeatures {
  /** `response.steer`: true/false, or 'option' = whatever EmulatorOptions.steering says (legacy ids). */
  steering: boolean | 'option';
  /** Function tools declared `async: true` (GPT-6 family). Data only for now. */
  asyncTools: boolean;
  /** The `configuration_update` input item (GPT-6 family, not pro models): a 400 `unsupported_input_item` where false. */
  configurationUpdate: boolean;
  /** Top-level `instructions` are appended after the input (GPT-6.2+), so they are never a cached prefix. */
  instructionsAfterInput: boolean;
  /** Usage reports `cache_write_tokens`, billed at 1.25× input (GPT-5.6+). */
  cacheWrites: boolean;
}

export interface ModelTiming {
  /** Output pace in tokens/s when the emulator models server time and the scenario sets none. */
  tokensPerSecond: number;
  /** Hidden reasoning tokens per response, by `reasoning.effort` (default effort: medium). */
  reasoningTokens: Record<ReasoningEffort, number>;
}

/** USD per million tokens. Cached input is billed at 0.1× input, cache writes at 1.25× (§8). */
export interface ModelPrice {
  input: number;
  output: number;
}

export interface ModelProfile {
  id: string;
  contextWindow: number;
  features: ModelFeatures;
  timing: ModelTiming;
  price: ModelPrice | null;
}

const LEGACY: ModelFeatures = { steering: 'option', asyncTools: false, configurationUpdate: false, instructionsAfterInput: false, cacheWrites: false };
const GPT_5_6: ModelFeatures = { steering: false, asyncTools: false, configurationUpdate: false, instructionsAfterInput: false, cacheWrites: true };
const GPT_6: ModelFeatures = { steering: true, asyncTools: true, configurationUpdate: true, instructionsAfterInput: true, cacheWrites: true };
/** Pro models reject `configuration_update` (§8). */
const GPT_6_PRO: ModelFeatures = { ...GPT_6, configurationUpdate: false };

/**
 * The default model's timing (gpt-5.2, Holdfast's default). Output 150 tokens/s: Artificial Analysis
 * measures GPT-5 at 80 tokens/s on OpenAI and 155 on Azure, and GPT-5.2 is reported faster than GPT-5
 * (d4b.dev, "GPT-5 response time metrics"). Hidden reasoning 40 tokens per response at the default
 * effort: with the typical link (80 ms RTT) and cost model a short prompt's first token then comes
 * after ≈0.55 s, the published 0.50–0.60 s time to first token of GPT-5.2 (godofprompt.ai, "LLM
 * latency benchmarks", 2026). Other efforts scale it (assumption: about ×3 per step). With this
 * timing the alpha demo's run takes 16.9 s over a socket and 22.9 s over stateless HTTP (published:
 * 14.3 s and 20.2 s), a 26.1% saving (published ≈29%): calibration.test.ts.
 */
export const DEFAULT_TIMING: ModelTiming = {
  tokensPerSecond: 150,
  reasoningTokens: { none: 0, minimal: 0, low: 16, medium: 40, high: 120, xhigh: 360 },
};

/**
 * A fast model (the contract's §7: "fast models stream 1,000 tokens/s"): the sensitivity case.
 * Same hidden reasoning as the default, ten times the pace.
 */
export const FAST_TIMING: ModelTiming = { ...DEFAULT_TIMING, tokensPerSecond: 1000 };

const profiles: ModelProfile[] = [
  // Published prices (OpenAI pricing page): gpt-5.2 $1.75 / $14 per million input / output tokens.
  { id: 'gpt-5.2', contextWindow: 400_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 1.75, output: 14 } },
  { id: 'gpt-5.2-codex', contextWindow: 400_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 1.75, output: 14 } },
  { id: 'gpt-5.1', contextWindow: 400_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 1.25, output: 10 } },
  { id: 'gpt-5.1-codex', contextWindow: 400_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 1.25, output: 10 } },
  { id: 'gpt-5', contextWindow: 400_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 1.25, output: 10 } },
  { id: 'gpt-5-mini', contextWindow: 400_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 0.25, output: 2 } },
  { id: 'gpt-5-nano', contextWindow: 400_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 0.05, output: 0.4 } },
  { id: 'gpt-4.1', contextWindow: 1_047_576, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 2, output: 8 } },
  { id: 'gpt-4.1-mini', contextWindow: 1_047_576, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 0.4, output: 1.6 } },
  { id: 'gpt-4o', contextWindow: 128_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 2.5, output: 10 } },
  { id: 'gpt-4o-mini', contextWindow: 128_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 0.15, output: 0.6 } },
  { id: 'o4-mini', contextWindow: 200_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 1.1, output: 4.4 } },
  { id: 'o3', contextWindow: 200_000, features: LEGACY, timing: DEFAULT_TIMING, price: { input: 2, output: 8 } },
  // Emulated newer models (§8). Windows and prices are assumptions, not published figures.
  { id: 'gpt-5.6', contextWindow: 400_000, features: GPT_5_6, timing: DEFAULT_TIMING, price: { input: 1.75, output: 14 } },
  { id: 'gpt-6.2', contextWindow: 400_000, features: GPT_6, timing: DEFAULT_TIMING, price: { input: 2.5, output: 20 } },
  { id: 'gpt-6.2-pro', contextWindow: 400_000, features: GPT_6_PRO, timing: DEFAULT_TIMING, price: { input: 25, output: 200 } },
  // A GPT-6.2-like model with a 32k window, for long sessions that must compact.
  { id: 'test-32k', contextWindow: 32_768, features: GPT_6, timing: DEFAULT_TIMING, price: { input: 2.5, output: 20 } },
];

const byId = new Map(profiles.map((p) => [p.id, p]));

/** Every model the emulator serves by default (GET /models), in table order. */
export const PROFILED_MODELS: readonly string[] = profiles.map((p) => p.id);

/** The profile of `model`; a model served without a row (EmulatorOptions.models) behaves like a legacy gpt-5.2. */
export function profileOf(model: string): ModelProfile {
  return byId.get(model) ?? { ...(byId.get('gpt-5.2') as ModelProfile), id: model };
}

export function reasoningEffortOf(raw: unknown): ReasoningEffort {
  const effort = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>)['effort'] : undefined;
  return typeof effort === 'string' && effort in DEFAULT_TIMING.reasoningTokens ? (effort as ReasoningEffort) : 'medium';
}

/** Read at 0.1× the input price, written at 1.25× (30-minute retention), §8. */
export const CACHED_READ_FACTOR = 0.1;
export const CACHE_WRITE_FACTOR = 1.25;

export interface BilledTokens {
  inputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
}

/** USD for one request under §8's cache economics; null when the model has no price. Models without billed writes pay writes as plain input. */
export function requestCostUsd(profile: ModelProfile, t: BilledTokens): number | null {
  if (!profile.price) return null;
  const writes = profile.features.cacheWrites ? t.cacheWriteTokens : 0;
  const plain = t.inputTokens - t.cachedTokens - writes;
  const input = plain + t.cachedTokens * CACHED_READ_FACTOR + writes * CACHE_WRITE_FACTOR;
  return (input * profile.price.input + t.outputTokens * profile.price.output) / 1e6;
}
