import type { ModelPrice } from './context/knownModels';
import type { PrefillMode } from './speculativePrefill';
import type { SubagentSettings } from './subagents/subagentSettings';

/** The agent's own settings (the tools read theirs through ToolSettingsStore). Read at the start of each turn. */
export interface AgentSettings {
  model: string;
  /** Tool rounds (model responses with tool calls) per turn before asking "continue?". */
  maxToolRoundsPerTurn: number;
  /** Input + output tokens per turn before asking "continue?". */
  maxTokensPerTurn: number;
  /** `holdfast.store`; with false, encrypted reasoning is requested and kept in the transcript. */
  store: boolean;
  reasoningEffort: 'minimal' | 'low' | 'medium' | 'high' | undefined;
  /** Lane of the workspace socket; undefined = the default lane (the chat). */
  lane: string | undefined;
  /**
   * Where the reusable instructions go: a leading developer message that rides the chain (protocol §8;
   * the default), or top-level `instructions` resent on every request (the old way; the benchmark
   * compares the two).
   */
  instructionsPlacement: 'developerMessage' | 'instructions';
  /** `holdfast.contextWindow`: the window of a model the table does not know (undefined: unknown). */
  contextWindow: number | undefined;
  /** `holdfast.compaction.threshold`: compact past this fraction of the window; 0 turns compaction off. */
  compactionThreshold: number;
  /**
   * How to compact: decided per model and session when undefined (on the socket when the session does
   * not steer, else standalone between requests); tests and benchmarks may fix it.
   */
  compactionMode?: 'socket' | 'standalone' | undefined;
  /** `holdfast.modelPrices`: USD per million tokens by model id, over the built-in table. */
  modelPrices: Record<string, ModelPrice>;
  /** `holdfast.speculativePrefill` (speculativePrefill.ts); undefined = the default, `largeDrafts`. */
  speculativePrefill?: PrefillMode;
  /** `holdfast.subagents.*`: the `delegate` tool and what subagents may do; undefined = off. */
  subagents?: SubagentSettings | undefined;
  /** `holdfast.serviceTier` (`service_tier`); undefined: not sent. */
  serviceTier?: string;
}

export const DEFAULT_COMPACTION_THRESHOLD = 0.8;

export const defaultAgentSettings = (): AgentSettings => ({
  model: 'gpt-5.2',
  maxToolRoundsPerTurn: 25,
  maxTokensPerTurn: 1_000_000,
  store: false,
  reasoningEffort: undefined,
  lane: undefined,
  instructionsPlacement: 'developerMessage',
  contextWindow: undefined,
  compactionThreshold: DEFAULT_COMPACTION_THRESHOLD,
  compactionMode: undefined,
  modelPrices: {},
});
