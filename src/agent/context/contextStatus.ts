/**
 * The model window as the chat's meter shows it: how full it is, of what, when compaction comes, what
 * was cached and written, and what the session cost. Figures only; the view words them. Pure.
 */
import type { AgentSettings } from '../agentSettings';
import { knownModel } from './knownModels';
import type { ContextTotals } from './sessionContext';

export type CompactionMode = 'socket' | 'standalone' | 'off';

export interface ContextStatus {
  model: string;
  /** The model's window in tokens; undefined: unknown (not in the table, no `holdfast.contextWindow`). */
  windowTokens: number | undefined;
  windowSource: 'table' | 'setting' | 'unknown';
  /** The window's size now (measured by the latest response, plus an estimate of what came since). */
  usedTokens: number;
  /** Where automatic compaction starts; undefined when off or the window is unknown. */
  compactAtTokens: number | undefined;
  compactionMode: CompactionMode;
  /** The latest request's input split: read from the cache, written to it. */
  lastRequest: { inputTokens: number; cachedTokens: number; cacheWriteTokens: number | undefined } | undefined;
  totals: ContextTotals;
  /** USD of the running or last turn; null unknown (no price), undefined no turn yet. */
  turnCostUsd: number | null | undefined;
  compactions: number;
  pins: number;
}

/** The model's window and where it came from: the table wins, then the setting. */
export function modelWindow(settings: Pick<AgentSettings, 'model' | 'contextWindow'>): { tokens: number | undefined; source: ContextStatus['windowSource'] } {
  const known = knownModel(settings.model)?.contextWindow;
  if (known !== undefined) return { tokens: known, source: 'table' };
  if (settings.contextWindow !== undefined && settings.contextWindow > 0) return { tokens: settings.contextWindow, source: 'setting' };
  return { tokens: undefined, source: 'unknown' };
}

/** The smallest `compact_threshold` the API accepts (§8). */
export const MIN_COMPACT_THRESHOLD = 1000;

/** Where automatic compaction starts, in tokens; undefined when it is off or the window is unknown. */
export function compactAt(settings: Pick<AgentSettings, 'model' | 'contextWindow' | 'compactionThreshold'>): number | undefined {
  const window = modelWindow(settings).tokens;
  if (window === undefined || !(settings.compactionThreshold > 0)) return undefined;
  return Math.max(MIN_COMPACT_THRESHOLD, Math.floor(window * Math.min(settings.compactionThreshold, 0.95)));
}

/**
 * How this session compacts: never with steering (§8: the server refuses a steer into a response made
 * with `context_management`). A model that steers, or a session that has steered, compacts standalone
 * between requests; a model known not to steer compacts on the socket. An unknown model compacts
 * standalone (it works with or without steering).
 */
export function compactionMode(settings: Pick<AgentSettings, 'model' | 'compactionThreshold' | 'compactionMode'>, steeringUsed: boolean): CompactionMode {
  if (!(settings.compactionThreshold > 0)) return 'off';
  if (settings.compactionMode) return settings.compactionMode;
  const known = knownModel(settings.model);
  return known && !known.steers && !steeringUsed ? 'socket' : 'standalone';
}
