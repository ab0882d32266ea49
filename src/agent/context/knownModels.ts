/**
 * What Holdfast knows about a model without asking the server: its context window, whether it steers
 * (protocol §8: the GPT-6 family only), and its price per million tokens. A maintained table: a row per
 * model id, dated model ids (`gpt-5.2-2025-12-11`) find their base row. Windows and prices are the
 * published ones (OpenAI's model and pricing pages, 2026-12); what is not published is left out, so the
 * meter says "unknown" (and `holdfast.contextWindow` / `holdfast.modelPrices` fill it in) rather than
 * show a wrong number. Pure data.
 */

/** USD per million tokens. `cacheWrite` only where writes are billed apart (GPT-5.6+: 1.25× input); else writes are plain input. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
  cacheWrite?: number;
}

export interface KnownModel {
  contextWindow: number | undefined;
  /** `response.steer` works (GPT-6 family); false: the server answers `steering_not_supported`. */
  steers: boolean;
  /** Function tools may be declared `async: true` (GPT-6 family, §8); absent: no. */
  asyncTools?: boolean;
  price: ModelPrice | undefined;
}

const price = (input: number, cachedInput: number, output: number): ModelPrice => ({ input, cachedInput, output });

const TABLE: Record<string, KnownModel> = {
  'gpt-5.2': { contextWindow: 400_000, steers: false, price: price(1.75, 0.175, 14) },
  'gpt-5.2-codex': { contextWindow: 400_000, steers: false, price: price(1.75, 0.175, 14) },
  'gpt-5.1': { contextWindow: 400_000, steers: false, price: price(1.25, 0.125, 10) },
  'gpt-5.1-codex': { contextWindow: 400_000, steers: false, price: price(1.25, 0.125, 10) },
  'gpt-5': { contextWindow: 400_000, steers: false, price: price(1.25, 0.125, 10) },
  'gpt-5-mini': { contextWindow: 400_000, steers: false, price: price(0.25, 0.025, 2) },
  'gpt-5-nano': { contextWindow: 400_000, steers: false, price: price(0.05, 0.005, 0.4) },
  'gpt-4.1': { contextWindow: 1_047_576, steers: false, price: price(2, 0.5, 8) },
  'gpt-4.1-mini': { contextWindow: 1_047_576, steers: false, price: price(0.4, 0.1, 1.6) },
  'gpt-4.1-nano': { contextWindow: 1_047_576, steers: false, price: price(0.1, 0.025, 0.4) },
  'gpt-4o': { contextWindow: 128_000, steers: false, price: price(2.5, 1.25, 10) },
  'gpt-4o-mini': { contextWindow: 128_000, steers: false, price: price(0.15, 0.075, 0.6) },
  o3: { contextWindow: 200_000, steers: false, price: price(2, 0.5, 8) },
  'o4-mini': { contextWindow: 200_000, steers: false, price: price(1.1, 0.275, 4.4) },
  // Newer models (§8): steering and cache-write billing are documented; windows and prices are not
  // yet in the table's sources, so they are left to the settings.
  'gpt-5.6': { contextWindow: undefined, steers: false, price: undefined },
  'gpt-6.2': { contextWindow: undefined, steers: true, asyncTools: true, price: undefined },
};

const DATED = /-\d{4}-\d{2}-\d{2}$/;

/** The table's row for `model` (exact, or its undated base id); GPT-6 family ids it lacks still steer. */
export function knownModel(model: string): KnownModel | undefined {
  const row = TABLE[model] ?? TABLE[model.replace(DATED, '')];
  if (row) return row;
  if (/^gpt-6([.-]|$)/.test(model)) return { contextWindow: undefined, steers: true, asyncTools: true, price: undefined };
  return undefined;
}
