/**
 * The state of the one turn an Agent runs at a time (agent.ts), shared by the collaborators that run
 * its requests, tool calls and background calls.
 */
import { type CancellationToken, CancellationTokenSource } from '../common/cancellation';
import type { ReasoningEffortLevel } from '../protocol/items';
import { EditAttempts } from '../tools/toolContext';
import { AsyncJobs } from './asyncJobs';
import type { ChatSession } from './chatSession';
import type { EarlyToolStarts } from './earlyToolStart';
import type { TurnMetrics } from './events';
import { SteeringInbox } from './steeringInbox';

/** The output a call gets when Stop came before it started. */
export const NOT_RUN_OUTPUT = 'Not run: the user stopped the turn before this call started. Nothing was done.';

export interface ActiveTurn {
  session: ChatSession;
  turnId: string;
  source: CancellationTokenSource;
  token: CancellationToken;
  requestInFlight: boolean;
  steering: SteeringInbox;
  editAttempts: EditAttempts;
  /** Call ids this turn has started, so a call is never run twice. */
  started: Set<string>;
  /** The current request's read-only calls started while it streams; discarded after each tool round. */
  early: EarlyToolStarts | undefined;
  /** Why a steer now waits for the next request instead of being offered (set per request). */
  steerBlocked: string | undefined;
  /** This turn's top-level effort when the model cannot take a `configuration_update` (a new cached prefix). */
  effortOverride: ReasoningEffortLevel | undefined;
  /** Async calls running in the background (asyncJobs.ts); the turn waits for them before it ends. */
  jobs: AsyncJobs;
  startedAt: number;
  /** The latest response of the turn: subagents fork from it. */
  latestResponseId?: string;
  metrics: TurnMetrics;
}

/** A fresh turn's state, its token a child of `token` (the caller's cancellation). */
export function newActiveTurn(session: ChatSession, turnId: string, token: CancellationToken, now: number): ActiveTurn {
  const source = new CancellationTokenSource(token);
  return {
    session,
    turnId,
    source,
    token: source.token,
    requestInFlight: false,
    steering: new SteeringInbox(),
    editAttempts: new EditAttempts(),
    started: new Set(),
    early: undefined,
    steerBlocked: undefined,
    effortOverride: undefined,
    jobs: new AsyncJobs(source.token),
    startedAt: now,
    metrics: {
      requests: 0,
      toolRounds: 0,
      toolCalls: 0,
      modelMs: 0,
      toolMs: 0,
      totalMs: 0,
      usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
      bytesSent: 0,
      statelessBytes: 0,
      recoveries: 0,
      perRequest: [],
    },
  };
}
