/**
 * "Think harder / faster" for one message (protocol §8). On models that accept a
 * `configuration_update` input item (the GPT-6 family, not pro models) the effort changes from that
 * point of the conversation on and the cached prefix is kept; the top-level `reasoning.effort` stays
 * at its base. Elsewhere the only way is the top-level effort, which starts a new cached prefix. The
 * transcript is the truth: the effort in force is its latest `configuration_update`, else the base.
 */
import { configurationUpdate, type ReasoningEffortLevel, type ResponseItem } from '../protocol/items';

export type EffortChoice = 'high' | 'low';

export const EFFORT_NOTE = {
  kept: (effort: ReasoningEffortLevel) => `Reasoning effort ${effort} for this message, sent as a configuration update: the cached prefix is kept.`,
  newPrefix: (effort: ReasoningEffortLevel) =>
    `Reasoning effort ${effort} for this message: this model can only change it for the whole request, which starts a new cached prefix (more uncached input).`,
} as const;

/** GPT-6 family ids, pro models excepted (they reject `configuration_update`). */
export function acceptsConfigurationUpdate(model: string): boolean {
  return /^gpt-6([.-]|$)/.test(model) && !/-pro(-|$)/.test(model);
}

export function effortInForce(items: readonly ResponseItem[], base: ReasoningEffortLevel): ReasoningEffortLevel {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.type === 'configuration_update') return item.reasoning.effort;
  }
  return base;
}

export type EffortPlan =
  /** Nothing to change. */
  | { kind: 'none' }
  /** Append this item before the message (it may restore the base after an earlier choice). */
  | { kind: 'item'; item: ResponseItem; effort: ReasoningEffortLevel; announce: boolean }
  /** Send this turn's requests with this top-level effort (a new cached prefix). */
  | { kind: 'topLevel'; effort: ReasoningEffortLevel };

/**
 * How to honour `choice` for the next message. `base` is the top-level effort (the server's default,
 * medium, when none is set). After a per-message choice the next message without one goes back to base.
 */
export function planEffort(model: string, items: readonly ResponseItem[], base: ReasoningEffortLevel, choice: EffortChoice | undefined): EffortPlan {
  const wanted = choice ?? base;
  if (acceptsConfigurationUpdate(model)) {
    if (effortInForce(items, base) === wanted) return { kind: 'none' };
    return { kind: 'item', item: configurationUpdate(wanted), effort: wanted, announce: choice !== undefined };
  }
  return choice === undefined || choice === base ? { kind: 'none' } : { kind: 'topLevel', effort: choice };
}
