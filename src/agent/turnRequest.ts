/**
 * One model request of a turn: kept inside the window (compaction before, one recovery after a
 * `context_length_exceeded`), sent with the turn's effort, fork source and prefilled draft, its stream
 * feeding early tool starts and the chat, and its metrics added to the turn's.
 */
import { errorMessage } from '../common/result';
import type { Clock } from '../tools/ports';
import type { ToolRunner } from '../tools/toolRunner';
import type { ModelClient, ModelOutcome } from '../transport/modelClient';
import type { ActiveTurn } from './activeTurn';
import { withEffort, type AgentRequests } from './agentRequests';
import type { AgentSettings } from './agentSettings';
import { withForkSource } from './branches/branchOps';
import { type ContextKeeper, isContextOverflow } from './context/contextKeeper';
import type { AgentEvent } from './events';
import type { SpeculativePrefill } from './speculativePrefill';
import type { SteerReceipts } from './steerReceipts';
import type { TurnToolCalls } from './turnToolCalls';

export interface TurnRequestDependencies {
  model: ModelClient;
  tools: ToolRunner;
  clock: Clock;
  context: ContextKeeper;
  requests: AgentRequests;
  receipts: SteerReceipts;
  prefill: SpeculativePrefill;
  calls: TurnToolCalls;
  emit: (event: AgentEvent) => void;
}

export class TurnRequests {
  constructor(private readonly deps: TurnRequestDependencies) {}

  /**
   * One model request of a turn, kept inside the window: compacts first when it would not fit, and
   * after a `context_length_exceeded` compacts once and retries once (never a loop).
   */
  async run(turn: ActiveTurn, settings: AgentSettings): Promise<ModelOutcome> {
    const { session, turnId, token } = turn;
    // MCP servers start (or restart) here, so the request offers their tools.
    await this.deps.tools.prepare(this.deps.calls.approvalsFor(turn), token);
    this.deps.context.prepare(session, this.deps.requests.shape(settings), settings);
    const before = await this.deps.context.beforeRequest(session, turnId, token);
    if (before !== undefined) return before === 'cancelled' ? { kind: 'cancelled' } : before;
    const outcome = await this.send(turn, settings);
    if (!isContextOverflow(outcome) || outcome.kind !== 'serverError') return outcome;
    const recovered = await this.deps.context.recover(session, turnId, token, outcome);
    if (recovered !== undefined) return recovered === 'cancelled' ? { kind: 'cancelled' } : recovered;
    const retried = await this.send(turn, settings);
    return isContextOverflow(retried) ? this.deps.context.tooLarge(session) : retried;
  }

  private async send(turn: ActiveTurn, settings: AgentSettings): Promise<ModelOutcome> {
    const request = withEffort(withForkSource(turn.session, this.deps.context.request(turn.session, this.deps.requests.shape(settings), settings)), turn.effortOverride);
    turn.steerBlocked = this.deps.receipts.blockedWhy(request);
    // A branch's first request names its own fork source; a prefilled draft forks from the chain head it left.
    const prefilled = turn.metrics.requests === 0 && request.forkFromResponseId === undefined ? await this.deps.prefill.adopt(request, turn.token) : undefined;
    if (prefilled !== undefined) request.forkFromResponseId = prefilled;
    this.deps.emit({ type: 'requestStarted', turnId: turn.turnId, index: turn.metrics.requests });
    turn.metrics.requests++;
    const started = this.deps.clock.now();
    turn.requestInFlight = true;
    void turn.early?.discard();
    const early = (turn.early = this.deps.calls.earlyStarts(turn));
    let outcome: ModelOutcome;
    try {
      outcome = await this.deps.model.run(request, {
        token: turn.token,
        onEvent: (event) => {
          early?.offer(event);
          if (event.kind === 'textDelta') this.deps.emit({ type: 'textDelta', turnId: turn.turnId, itemId: event.itemId, delta: event.delta });
          else if (event.kind === 'reasoningDelta') this.deps.emit({ type: 'reasoningDelta', turnId: turn.turnId, itemId: event.itemId, delta: event.delta });
          else if (event.kind === 'recovering') this.deps.emit({ type: 'modelRecovering', turnId: turn.turnId, reason: event.reason, attempt: event.attempt });
        },
      });
    } catch (error) {
      // The transport promises typed outcomes; a throw is a bug there, reported as a network error here.
      outcome = { kind: 'networkError', message: errorMessage(error) };
    } finally {
      turn.requestInFlight = false;
    }
    // Steers offered during the request must have their answer before the transcript moves on.
    await turn.steering.settle();
    turn.metrics.modelMs += this.deps.clock.now() - started;
    if (outcome.kind !== 'completed' && outcome.kind !== 'incomplete') void early?.discard();
    if (outcome.kind === 'completed' || outcome.kind === 'incomplete') {
      const m = outcome.metrics;
      turn.metrics.perRequest.push(m);
      turn.metrics.bytesSent += m.bytesSent;
      turn.metrics.statelessBytes += m.statelessBytes;
      turn.metrics.recoveries += m.recoveries;
      if (outcome.usage) {
        turn.metrics.usage.inputTokens += outcome.usage.inputTokens;
        turn.metrics.usage.cachedTokens += outcome.usage.cachedTokens;
        turn.metrics.usage.outputTokens += outcome.usage.outputTokens;
        turn.metrics.usage.reasoningTokens += outcome.usage.reasoningTokens;
      }
    }
    return outcome;
  }
}
