// Per-request configuration the server reports back (§8): `configuration_update` input items (GPT-6
// family, not pro models) that change reasoning effort from their point on without rewriting the
// prefix, the top-level `reasoning.effort` that is part of the cached prefix, and `service_tier`,
// which the response reports as the tier actually used.
import { apiError, type ApiError } from './errors';
import { DEFAULT_TIMING, profileOf, type ReasoningEffort } from './modelProfiles';
import type { PromptSegment } from './promptCache';
import type { Json, JsonObject } from './types';

export const SERVICE_TIERS = ['auto', 'default', 'flex', 'priority', 'scale', 'fast', 'ultrafast'] as const;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function effortOf(item: JsonObject): ReasoningEffort | null {
  const reasoning = item['reasoning'];
  const effort = isObject(reasoning) ? reasoning['effort'] : undefined;
  return typeof effort === 'string' && effort in DEFAULT_TIMING.reasoningTokens ? (effort as ReasoningEffort) : null;
}

/** Rejects `configuration_update` items the model does not accept, or that carry no valid effort. */
export function configurationUpdateError(model: string, input: readonly JsonObject[]): ApiError | null {
  for (const [i, item] of input.entries()) {
    if (item['type'] !== 'configuration_update') continue;
    if (!profileOf(model).features.configurationUpdate) {
      return apiError(400, 'unsupported_input_item', `'configuration_update' items are not supported with the model '${model}'.`, `input[${i}]`);
    }
    if (effortOf(item) === null) return apiError(400, 'invalid_value', `Invalid value for 'input[${i}].reasoning.effort'.`, `input[${i}].reasoning.effort`);
  }
  return null;
}

/** Rejects a `service_tier` the API does not know. */
export function serviceTierError(raw: Json | undefined): ApiError | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' && (SERVICE_TIERS as readonly string[]).includes(raw)) return null;
  return apiError(400, 'invalid_value', `Invalid value for 'service_tier': expected one of ${SERVICE_TIERS.join(', ')}.`, 'service_tier');
}

/**
 * The tier the response reports: `auto` (or none) runs on `default`, `fast` is `priority` (§8),
 * `ultrafast` is access-gated and this emulated project has no access, so it runs on `default`.
 */
export function reportedServiceTier(raw: Json | undefined): string {
  if (raw === 'fast') return 'priority';
  if (typeof raw !== 'string' || raw === 'auto' || raw === 'ultrafast') return 'default';
  return raw;
}

/** The effort in force at the end of `context`: the latest `configuration_update`, else the top-level one. */
export function effectiveEffort(topLevel: ReasoningEffort, context: readonly JsonObject[]): ReasoningEffort {
  for (let i = context.length - 1; i >= 0; i--) {
    const item = context[i] as JsonObject;
    if (item['type'] === 'configuration_update') return effortOf(item) ?? topLevel;
  }
  return topLevel;
}

/**
 * The top-level effort heads the prompt as a zero-token segment: changing it shares no prefix with
 * the requests before (§8: it invalidates the cached prefix), while a `configuration_update` item is
 * an ordinary context item that extends the prefix.
 */
export function effortSegment(topLevel: ReasoningEffort): PromptSegment {
  return { key: `effort:${topLevel}`, tokens: 0 };
}
