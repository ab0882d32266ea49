/**
 * What the agent tells the UI, as one typed union. Events describe; they never carry control: the
 * UI answers questions through the Approvals port, not by replying to an event. The port call carries
 * the same turn and approval ids as `approvalRequested`, so nothing has to match the two up.
 */
import type { ModelOutcome, RequestMetrics } from '../transport/modelClient';
import type { Usage } from '../protocol/items';
import type { JournalEntry } from '../tools/editJournal';
import type { ApprovalAnswer, ApprovalRequest, SandboxReport } from '../tools/ports';
import type { ToolCallStatus } from '../tools/toolRunner';
import type { CompactionMark } from './context/sessionContext';
import type { SubagentEvent } from './subagents/subagentEvents';
import type { IncludedFile } from './projectInstructions';

export type ModelFailure = Exclude<ModelOutcome, { kind: 'completed' } | { kind: 'incomplete' } | { kind: 'cancelled' }>;

/** How a turn ended. Never an exception: the UI renders each kind (a Retry action for `failed`). */
export type TurnOutcome =
  | { kind: 'completed'; text: string }
  /** The model stopped early (e.g. max_output_tokens, content_filter). */
  | { kind: 'incomplete'; reason: string; text: string }
  | { kind: 'cancelled' }
  /** A budget ran out and the user chose not to continue; `Agent.continueTurn` resumes. */
  | { kind: 'budgetPaused'; budget: 'toolRounds' | 'tokens'; used: number; limit: number }
  | { kind: 'failed'; error: ModelFailure }
  /** Another turn is running on this agent. */
  | { kind: 'busy' };

export interface TurnMetrics {
  requests: number;
  toolRounds: number;
  toolCalls: number;
  /** Time waiting for the model (all requests). */
  modelMs: number;
  /** Time running tools, approvals included (wall clock of each round). */
  toolMs: number;
  totalMs: number;
  usage: Usage;
  bytesSent: number;
  statelessBytes: number;
  recoveries: number;
  perRequest: RequestMetrics[];
}

export type SteerChannel = 'stream' | 'afterTools' | 'nextRequest' | 'keptInTranscript';

export type AgentEvent =
  | { type: 'turnStarted'; sessionId: string; turnId: string; userText: string }
  | { type: 'requestStarted'; turnId: string; index: number }
  | { type: 'textDelta'; turnId: string; itemId: string; delta: string }
  | { type: 'reasoningDelta'; turnId: string; itemId: string; delta: string }
  /** A finished assistant message (deltas were for display; this is what the transcript holds). */
  | { type: 'assistantMessage'; turnId: string; itemId: string | undefined; text: string }
  | { type: 'modelRecovering'; turnId: string; reason: string; attempt: number }
  | {
      type: 'toolCallStarted';
      turnId: string;
      callId: string;
      name: string;
      argsSummary: string;
      path: string | undefined;
      /** An async call (§8): it runs in the background while the model keeps working. */
      background?: true;
    }
  /** A background call's latest output (its redacted tail, not a chunk): the card shows it live. */
  | { type: 'toolCallOutput'; turnId: string; callId: string; tail: string }
  /** A background call's output went into the transcript: the next request carries it to the model. */
  | { type: 'backgroundOutputQueued'; turnId: string; callId: string }
  /** The turn waits for its background calls (the model is idle, or the turn is ending): nothing is sent meanwhile. */
  | { type: 'backgroundWait'; turnId: string; callIds: string[] }
  | {
      type: 'toolCallFinished';
      turnId: string;
      callId: string;
      name: string;
      status: ToolCallStatus;
      durationMs: number;
      outputSummary: string;
      path: string | undefined;
      /** run_command: where it ran and what it could touch (the card shows it). */
      sandbox?: SandboxReport;
    }
  | { type: 'approvalRequested'; turnId: string; approvalId: string; request: ApprovalRequest }
  /** `cancelled`: nobody answered; the turn was stopped (or the question withdrawn) while it waited. */
  | { type: 'approvalResolved'; turnId: string; approvalId: string; answer: ApprovalAnswer; cancelled?: true }
  /**
   * An edit landed; `entry` has the before/after text for a diff and for "revert this turn".
   * `reviewed`: the user kept exactly this change in a review (editApproval "review") before it
   * landed, so the UI does not ask Keep again.
   */
  | { type: 'editApplied'; turnId: string; entry: JournalEntry; reviewed: boolean }
  | { type: 'steerQueued'; turnId: string; steerId: string; text: string }
  /**
   * The user's prompt (`steerId` absent) or steer had an API key or key-shaped secret in it; the agent
   * replaced it (`USER_KEY_MARKER`) before it reached the transcript, the model or storage.
   */
  | { type: 'userTextRedacted'; turnId: string; steerId?: string }
  /** The project instruction files the requests now carry (AGENTS.md…): at a session's first turn with some, and when their text changed. */
  | { type: 'projectInstructions'; turnId: string; files: IncludedFile[]; summary: string }
  | { type: 'steerDelivered'; turnId: string; steerId: string; via: SteerChannel }
  /** The steer waits for the next request (`why`, plain words: held for tool results, the model cannot be steered…). */
  | { type: 'steerWaiting'; turnId: string; steerId: string; why: string }
  /** The model answered a response that had the steer in its context. */
  | { type: 'steerAnswered'; turnId: string; steerId: string }
  /** The connection dropped after the steer was sent: whether the model read it is unknown. Not resent on its own. */
  | { type: 'steerUnknown'; turnId: string; steerId: string; text: string; why: string }
  /** The server refused the text itself: it goes back to the composer. */
  | { type: 'steerReturned'; turnId: string; steerId: string; text: string; why: string }
  /** This message's reasoning effort differs from the base (`note`: how, and what it costs the cache). */
  | { type: 'effortChanged'; turnId: string; effort: string; via: 'configurationUpdate' | 'topLevel'; note: string }
  | { type: 'budgetPaused'; turnId: string; budget: 'toolRounds' | 'tokens'; used: number; limit: number }
  | { type: 'sessionSaveFailed'; sessionId: string; message: string }
  /** The conversation was compacted; `mark` says where, how, and what it cost. `turnId`: the turn it happened in or after. */
  | { type: 'compacted'; sessionId: string; turnId: string | undefined; mark: CompactionMark }
  | { type: 'turnFinished'; sessionId: string; turnId: string; outcome: TurnOutcome; metrics: TurnMetrics }
  /** Subagents of a `delegate` call: a nested card each (subagents/subagentEvents.ts). */
  | SubagentEvent;
