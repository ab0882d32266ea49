/**
 * Estimated cost of requests from their usage and a price (knownModels.ts, or the user's
 * `holdfast.modelPrices`). Cache economics of §8: cached reads at the cached price, cache writes at the
 * write price where the model bills them apart (else as plain input), the rest as input; output at the
 * output price. `undefined` means unknown: no price, so no number. Pure.
 */
import type { Usage } from '../../protocol/items';
import { knownModel, type ModelPrice } from './knownModels';

/** The price for `model`: the user's override first, then the table; undefined when neither knows it. */
export function priceFor(model: string, overrides: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  return overrides[model] ?? knownModel(model)?.price;
}

/** USD for one request's usage; undefined without a price. */
export function costUsd(usage: Usage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  const cached = Math.min(usage.cachedTokens, usage.inputTokens);
  const writes = price.cacheWrite === undefined ? 0 : Math.min(usage.cacheWriteTokens ?? 0, usage.inputTokens - cached);
  const plain = Math.max(0, usage.inputTokens - cached - writes);
  const input = plain * price.input + cached * price.cachedInput + writes * (price.cacheWrite ?? price.input);
  return (input + usage.outputTokens * price.output) / 1e6;
}

/**
 * A warm-up (`generate: false`) is a cache write: the tokens it put in the cache are what it reported
 * as written, or (servers that do not report writes) its uncached input. Billed as writes where the
 * model bills them apart, else as input.
 */
export function warmupWriteTokens(usage: Usage): number {
  return usage.cacheWriteTokens ?? Math.max(0, usage.inputTokens - usage.cachedTokens);
}

export function warmupCostUsd(usage: Usage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  const writes = warmupWriteTokens(usage);
  const cached = Math.min(usage.cachedTokens, usage.inputTokens);
  return (writes * (price.cacheWrite ?? price.input) + cached * price.cachedInput + usage.outputTokens * price.output) / 1e6;
}

/** A running total that stays unknown (null) once any part of it is unknown. */
export function addCost(total: number | null, part: number | undefined): number | null {
  if (total === null || part === undefined) return null;
  return total + part;
}
