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
}

export const defaultAgentSettings = (): AgentSettings => ({
  model: 'gpt-5.2',
  maxToolRoundsPerTurn: 25,
  maxTokensPerTurn: 1_000_000,
  store: false,
  reasoningEffort: undefined,
  lane: undefined,
});
