/** What the agent tells the UI about subagents (part of AgentEvent): a nested card per subagent. */

/** Where subagents ran: lanes of the shared socket, a socket each (lanes refused), or one after another (HTTP). */
export type SubagentMode = 'lanes' | 'socketPerLane' | 'sequential';

export type SubagentStatus = 'answered' | 'stopped' | 'failed' | 'cancelled';

export type SubagentEvent =
  /** `callId`: the delegate call the subagent belongs to (its parent card). */
  | { type: 'subagentStarted'; turnId: string; callId: string; subagentId: string; index: number; title: string; mode: SubagentMode }
  /** What it is doing now: "thinking", "read_file src/a.ts", a fallback notice. */
  | { type: 'subagentActivity'; turnId: string; callId: string; subagentId: string; activity: string }
  | {
      type: 'subagentFinished';
      turnId: string;
      callId: string;
      subagentId: string;
      status: SubagentStatus;
      /** The first line of its report, or why it failed. */
      summary: string;
      toolCalls: number;
      requests: number;
      durationMs: number;
    };
