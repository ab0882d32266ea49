/**
 * Keeps a session inside its model's window (issue 16): the window's instructions and pins
 * (window.ts), when and how to compact, what each request and compaction cost, and the meter's figures.
 *
 * - Past the threshold (`holdfast.compaction.threshold` of the window) a session compacts: on the
 *   socket (`context_management` rides its requests from then on and the server compacts during a
 *   response) when it does not steer, or standalone (`/responses/compact`, between requests, a new
 *   chain) when it does. Never both on one request (contextStatus.ts decides).
 * - A request that would not fit compacts first (standalone) instead of failing; a
 *   `context_length_exceeded` answer gets one compaction and one retry (the agent asks `recover` once
 *   per request); a window that does not fit even compacted ends the turn with words saying so.
 * Outcomes are typed; nothing here throws at the agent.
 */
import type { CancellationToken } from '../../common/cancellation';
import { Emitter, type Event } from '../../common/event';
import type { FunctionToolDefinition, Usage } from '../../protocol/items';
import type { ModelClient, ModelOutcome, ModelRequest } from '../../transport/modelClient';
import type { AgentSettings } from '../agentSettings';
import type { ChatSession } from '../chatSession';
import type { AgentEvent, ModelFailure } from '../events';
import { compactAt, compactionMode, modelWindow, type ContextStatus } from './contextStatus';
import { addCost, costUsd, priceFor, warmupCostUsd, warmupWriteTokens } from './pricing';
import { MAX_PINS, type CompactionMark, type Pin } from './sessionContext';
import { adoptCompactedWindow, estimateTokens, noteCompactedOutput, prepareWindow, unansweredTail, windowItems, windowTokens } from './window';

export interface ContextKeeperDeps {
  model: ModelClient;
  settings: () => AgentSettings;
  emit: (event: AgentEvent) => void;
}

/** A request that would take more than this share of the window compacts first, in any mode. */
const OVERFLOW_SHARE = 0.95;

export type CompactResult = { kind: 'compacted'; mark: CompactionMark } | { kind: 'failed'; error: ModelFailure } | { kind: 'cancelled' };

/** A session's window changed (a request measured it, a compaction moved it, a pin, a warm-up). */
export interface ContextChange {
  sessionId: string;
  status: ContextStatus;
}

export class ContextKeeper {
  /** The fixed part of the latest request (tools, top-level instructions), in tokens. */
  private overheadTokens = 0;
  private readonly changeEmitter = new Emitter<ContextChange>();
  /** Where a threshold compaction last failed, per session: not tried again until the window grew further. */
  private readonly failedAt = new Map<string, number>();
  /** The meter's figures, on every change: apart from the agent's turn events (the meter is not part of a turn's story). */
  readonly onDidChange: Event<ContextChange> = this.changeEmitter.event;

  constructor(private readonly deps: ContextKeeperDeps) {}

  dispose(): void {
    this.changeEmitter.dispose();
  }

  /** The instructions the window carries as a developer message; undefined when they go top-level. */
  private windowInstructions(settings: AgentSettings, instructions: string): string | undefined {
    return settings.instructionsPlacement === 'developerMessage' ? instructions : undefined;
  }

  /**
   * Before a turn's prompt or a request: the window's instructions (and, after a socket compaction, its
   * pins), and the size of the request's fixed part (tools, top-level instructions) for the estimates.
   */
  prepare(session: ChatSession, shape: { instructions: string; tools: readonly FunctionToolDefinition[] }, settings: AgentSettings = this.deps.settings()): void {
    const placed = this.windowInstructions(settings, shape.instructions);
    prepareWindow(session, placed);
    const topLevel = placed === undefined ? shape.instructions.length : 0;
    this.overheadTokens = Math.ceil((JSON.stringify(shape.tools).length + topLevel) / 4);
  }

  /** A turn starts: its cost starts at nothing. */
  turnStarted(session: ChatSession): void {
    session.context.lastTurnCostUsd = 0;
  }

  /** The request for the session's window: its input, and where the instructions and compaction go. */
  request(session: ChatSession, shape: Omit<ModelRequest, 'input'>, settings: AgentSettings = this.deps.settings()): ModelRequest {
    const input = windowItems(session);
    const placement = this.windowInstructions(settings, shape.instructions);
    const request: ModelRequest = { ...shape, instructions: placement === undefined ? shape.instructions : '', input };
    const threshold = compactAt(settings);
    if (session.context.socketCompaction && threshold !== undefined && this.mode(session, settings) === 'socket') {
      request.contextManagement = { compactThreshold: threshold };
    }
    return request;
  }

  private mode(session: ChatSession, settings: AgentSettings): ContextStatus['compactionMode'] {
    return compactionMode(settings, session.context.steeringUsed);
  }

  /** The window's size in tokens, the request's fixed part included. */
  usedTokens(session: ChatSession): number {
    return windowTokens(session) + this.overheadTokens;
  }

  /**
   * Before a request: compacts when the window passed the threshold (standalone sessions), arms
   * `context_management` (socket sessions: the server compacts this request), and compacts first,
   * in any mode, when the request would not fit. A failure only ends the turn when the request could
   * not fit anyway.
   */
  async beforeRequest(session: ChatSession, turnId: string, token: CancellationToken): Promise<ModelFailure | 'cancelled' | undefined> {
    const settings = this.deps.settings();
    const mode = this.mode(session, settings);
    if (mode === 'off') return undefined;
    const used = this.usedTokens(session);
    const window = modelWindow(settings).tokens;
    const threshold = compactAt(settings);
    if (window !== undefined && used >= window * OVERFLOW_SHARE) return this.failureOf(await this.compact(session, turnId, 'overflow', token));
    if (threshold === undefined || used < threshold) return undefined;
    if (mode === 'socket') {
      session.context.socketCompaction = true;
      return undefined;
    }
    // A failed compaction (a server without /responses/compact, say) is not retried every request:
    // only once the window grew by another tenth of the threshold; the overflow rule above still holds.
    const failed = this.failedAt.get(session.id);
    if (failed !== undefined && used < failed + threshold / 10) return undefined;
    const result = await this.compact(session, turnId, 'threshold', token);
    if (result.kind === 'failed') this.failedAt.set(session.id, used);
    else this.failedAt.delete(session.id);
    return result.kind === 'cancelled' ? 'cancelled' : undefined;
  }

  /**
   * After `context_length_exceeded` (`refused`): one standalone compaction, so the agent can retry once
   * (undefined). With compaction off, the refusal stands.
   */
  async recover(session: ChatSession, turnId: string, token: CancellationToken, refused: ModelFailure): Promise<ModelFailure | 'cancelled' | undefined> {
    if (this.mode(session, this.deps.settings()) === 'off') return refused;
    return this.failureOf(await this.compact(session, turnId, 'overflow', token));
  }

  private failureOf(result: CompactResult): ModelFailure | 'cancelled' | undefined {
    return result.kind === 'failed' ? result.error : result.kind === 'cancelled' ? 'cancelled' : undefined;
  }

  /**
   * After a request: its usage and cost go into the totals; a compaction item in its output (appended to
   * the transcript at `outputStart`) moves the window and leaves a mark.
   */
  afterResponse(session: ChatSession, turnId: string, outcome: ModelOutcome, outputStart: number): void {
    if (outcome.kind !== 'completed' && outcome.kind !== 'incomplete') return;
    const settings = this.deps.settings();
    const context = session.context;
    // What the server read before it compacted (if it did): the request's input.
    const before = outcome.usage?.inputTokens ?? this.usedTokens(session);
    if (outcome.usage) this.addUsage(session, outcome.usage, settings);
    if (outcome.usage) context.measured = { tokens: Math.max(0, outcome.usage.inputTokens + outcome.usage.outputTokens - this.overheadTokens), items: session.items.length };
    const at = noteCompactedOutput(session, outputStart, outcome.output);
    if (at !== undefined) {
      this.mark(session, { at, turnId, how: 'socket', reason: 'threshold', beforeTokens: before, afterTokens: this.usedTokens(session), costUsd: undefined, pinsCarried: context.pins.length });
    }
    this.changed(session);
  }

  private addUsage(session: ChatSession, usage: Usage, settings: AgentSettings): void {
    const totals = session.context.totals;
    totals.requests += 1;
    totals.inputTokens += usage.inputTokens;
    totals.cachedTokens += usage.cachedTokens;
    totals.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    totals.outputTokens += usage.outputTokens;
    const cost = costUsd(usage, priceFor(settings.model, settings.modelPrices));
    totals.costUsd = addCost(totals.costUsd, cost);
    this.addTurnCost(session, cost);
    session.context.lastRequest = { inputTokens: usage.inputTokens, cachedTokens: usage.cachedTokens, cacheWriteTokens: usage.cacheWriteTokens };
  }

  private addTurnCost(session: ChatSession, cost: number | undefined): void {
    const turn = session.context.lastTurnCostUsd;
    session.context.lastTurnCostUsd = addCost(turn === undefined ? 0 : turn, cost);
  }

  /** A warm-up of the chat's chain: a cache write, with its cost (§8). */
  recordWarmup(session: ChatSession, usage: Usage): void {
    const settings = this.deps.settings();
    const totals = session.context.totals;
    totals.warmupTokens += warmupWriteTokens(usage);
    totals.costUsd = addCost(totals.costUsd, warmupCostUsd(usage, priceFor(settings.model, settings.modelPrices)));
    this.changed(session);
  }

  /**
   * The standalone compaction: `/responses/compact` with the window; its answer becomes the window (a
   * new chain), followed by the instructions and the pins. `turnId`: the turn it happens in or after.
   */
  async compact(session: ChatSession, turnId: string | undefined, reason: CompactionMark['reason'], token?: CancellationToken): Promise<CompactResult> {
    const settings = this.deps.settings();
    if (!this.deps.model.compact) return { kind: 'failed', error: { kind: 'serverError', code: 'compaction_unavailable', message: 'This connection cannot compact the conversation.', retryable: false } };
    const instructions = session.context.instructions;
    const before = this.usedTokens(session);
    const window = modelWindow(settings).tokens;
    // The prompt (and steers) not yet answered stay out of the summary: they come back verbatim, last.
    const tail = unansweredTail(session);
    const tailTokens = estimateTokens(tail);
    if (window !== undefined && tailTokens >= window * OVERFLOW_SHARE) return { kind: 'failed', error: doesNotFit(tailTokens, window, 0, 'the newest message alone is larger than the window') };
    const input = windowItems(session);
    const outcome = await this.deps.model.compact(
      { model: settings.model, input: input.slice(0, input.length - tail.length), ...(settings.instructionsPlacement === 'instructions' && instructions ? { instructions } : {}) },
      token ? { token } : {},
    );
    if (outcome.kind === 'cancelled') return { kind: 'cancelled' };
    if (outcome.kind !== 'compacted') return { kind: 'failed', error: this.explain(outcome, before, settings) };
    const compaction = outcome.output.filter((item) => item.type === 'compaction');
    const at = adoptCompactedWindow(session, outcome.output, settings.instructionsPlacement === 'developerMessage' ? instructions : undefined, tail);
    // The compaction item counts what the server says it produced, not its (encrypted) bytes.
    const others = windowItems(session).filter((item) => item.type !== 'compaction');
    const afterTokens = estimateTokens(others) + (outcome.usage?.outputTokens ?? estimateTokens(compaction));
    session.context.measured = { tokens: afterTokens, items: session.items.length };
    const cost = outcome.usage ? costUsd(outcome.usage, priceFor(settings.model, settings.modelPrices)) : undefined;
    if (outcome.usage) {
      session.context.totals.costUsd = addCost(session.context.totals.costUsd, cost);
      if (reason !== 'manual') this.addTurnCost(session, cost);
    }
    const mark: CompactionMark = { at, turnId, how: 'standalone', reason, beforeTokens: before, afterTokens: this.usedTokens(session), costUsd: cost, pinsCarried: session.context.pins.length };
    this.mark(session, mark);
    this.changed(session);
    if (window !== undefined && mark.afterTokens >= window * OVERFLOW_SHARE) return { kind: 'failed', error: doesNotFit(mark.afterTokens, window, session.context.pins.length) };
    return { kind: 'compacted', mark };
  }

  /** A failed compaction in words the chat can show; "it does not fit" when the server said so. */
  private explain(outcome: Exclude<Awaited<ReturnType<NonNullable<ModelClient['compact']>>>, { kind: 'compacted' | 'cancelled' }>, before: number, settings: AgentSettings): ModelFailure {
    if (outcome.kind === 'serverError' && outcome.code === 'context_length_exceeded') {
      const window = modelWindow(settings).tokens;
      return window !== undefined ? doesNotFit(before, window, 0) : { ...outcome, message: `The conversation is too large to compact (${outcome.message}).` };
    }
    if (outcome.kind === 'serverError') return { ...outcome, message: `Compacting the conversation failed: ${outcome.message}` };
    return outcome;
  }

  /** The failure for a window the server refused even after a compaction. */
  tooLarge(session: ChatSession): ModelFailure {
    const window = modelWindow(this.deps.settings()).tokens;
    const used = this.usedTokens(session);
    return doesNotFit(used, window ?? used, session.context.pins.length);
  }

  private mark(session: ChatSession, mark: CompactionMark): void {
    session.context.compactions.push(mark);
    this.deps.emit({ type: 'compacted', sessionId: session.id, turnId: mark.turnId, mark });
  }

  /** Pins a message of the session (kept verbatim past compaction); false when the pin limit is reached. */
  pin(session: ChatSession, pin: Pin): boolean {
    const pins = session.context.pins;
    if (pins.some((p) => p.id === pin.id)) return true;
    if (pins.length >= MAX_PINS) return false;
    pins.push(pin);
    this.changed(session);
    return true;
  }

  unpin(session: ChatSession, id: string): void {
    const pins = session.context.pins;
    const index = pins.findIndex((p) => p.id === id);
    if (index < 0) return;
    pins.splice(index, 1);
    this.changed(session);
  }

  status(session: ChatSession, settings: AgentSettings = this.deps.settings()): ContextStatus {
    const window = modelWindow(settings);
    const context = session.context;
    return {
      model: settings.model,
      windowTokens: window.tokens,
      windowSource: window.source,
      usedTokens: this.usedTokens(session),
      compactAtTokens: compactAt(settings),
      compactionMode: this.mode(session, settings),
      lastRequest: context.lastRequest,
      totals: { ...context.totals },
      turnCostUsd: context.lastTurnCostUsd,
      compactions: context.compactions.length,
      pins: context.pins.length,
    };
  }

  private changed(session: ChatSession): void {
    this.changeEmitter.fire({ sessionId: session.id, status: this.status(session) });
  }
}

/** The words for a window that does not fit even compacted. */
function doesNotFit(tokens: number, window: number, pins: number, cause = 'something recent is too large to summarise (a very large tool output or attachment)'): ModelFailure {
  const why = pins > 0 ? ' Unpin large messages, or' : '';
  return {
    kind: 'serverError',
    code: 'context_length_exceeded',
    message:
      `The conversation does not fit in the model's context window even compacted (about ${tokens.toLocaleString('en-US')} of ${window.toLocaleString('en-US')} tokens): ` +
      `${cause}.${why} Start a new session, or ask for a smaller part.`,
    retryable: false,
  };
}

/** Whether an outcome is the server saying the window is too large. */
export function isContextOverflow(outcome: ModelOutcome): boolean {
  return outcome.kind === 'serverError' && outcome.code === 'context_length_exceeded';
}
