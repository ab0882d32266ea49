/**
 * Settings of subagents (`holdfast.subagents.*`). `tools: 'all'` widens what a subagent may do, so the
 * host reads it from the user's own settings only (a repository must not grant itself writes).
 */
export interface SubagentSettings {
  /** Offer the `delegate` tool to the model. */
  enabled: boolean;
  /** 'readOnly': subagents may only read; 'all': they may also edit and run, with the usual approvals. */
  tools: 'readOnly' | 'all';
  /** Tool calls one subagent may make before it must answer with what it has. */
  maxToolCalls: number;
  /** Model requests one subagent may make (a hard stop, so a looping subagent ends). */
  maxRequests: number;
  /** false: one after another even where lanes work (the benchmark's baseline). Default true. */
  parallel?: boolean;
}

export const defaultSubagentSettings = (): SubagentSettings => ({ enabled: true, tools: 'readOnly', maxToolCalls: 12, maxRequests: 8 });
