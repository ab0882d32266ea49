/**
 * The agent loop. A turn: the user's message (with editor context) → a model response → for each tool
 * call: validate, check policy, run (reading calls in parallel, writing and executing calls one at a
 * time, in order) and record its output → the next response, until the model answers without tool
 * calls. The local transcript is the truth and stays valid for the API at every point:
 * - Stop cancels the turn's token; running tools get it, every call that ran keeps its output, a call
 *   that did not run gets an output saying so, and no call ever runs twice;
 * - budgets (tool rounds, tokens) pause the turn and ask the user "continue?";
 * - text the user sends meanwhile is steered into the running response, or sent at the next tool
 *   boundary, and in every case ends up in the transcript.
 * Outcomes are typed; nothing here throws at the caller. The model window (instructions, compaction,
 * pins, cost) is the context keeper's (context/contextKeeper.ts). The turn's state is activeTurn.ts; its
 * requests turnRequest.ts (shaped by agentRequests.ts), its tool calls turnToolCalls.ts and
 * backgroundCalls.ts, its steering turnSteering.ts. This file keeps the loop: when each of them runs.
 */
import { noteResponse } from './branches/branchOps';
import { randomUUID } from '../common/ids';
import { CancellationToken } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/event';
import { redactUserText } from '../common/redact';
import { errorMessage } from '../common/result';
import { assistantText, type FunctionCallItem, type ResponseItem } from '../protocol/items';
import type { RevertResult } from '../tools/editJournal';
import type { Approvals, Clock } from '../tools/ports';
import { cancelledOutput, type ToolRunner } from '../tools/toolRunner';
import type { ModelClient, ModelRequest } from '../transport/modelClient';
import type { AgentSettings } from './agentSettings';
import type { ChatSession } from './chatSession';
import type { AgentEvent, TurnOutcome } from './events';
import { ContextKeeper } from './context/contextKeeper';
import { PendingReads } from './earlyToolStart';
import { SpeculativePrefill } from './speculativePrefill';
import { type ActiveTurn, newActiveTurn, NOT_RUN_OUTPUT } from './activeTurn';
import { priceFor, warmupCostUsd } from './context/pricing';
import { AgentRequests } from './agentRequests';
import { TurnToolCalls } from './turnToolCalls';
import { TurnRequests } from './turnRequest';
import { type SteerAcceptance, TurnSteering } from './turnSteering';
import { queueBackgroundOutputs, untilBackgroundChanges } from './backgroundCalls';
import { describeIncluded, type ProjectInstructionsSnapshot } from './projectInstructions';
import { ProjectInstructionsTracker } from './projectInstructionsTracker';
import { isAsyncCall } from './asyncJobs';
import type { SessionStore } from './sessionStore';
import { SteerReceipts } from './steerReceipts';
import { EFFORT_NOTE, planEffort, type EffortChoice } from './effort';
import { answeredCallIds, closeUnansweredCalls } from './transcript';
import { buildUserMessage, type UserInput } from './userInput';
import { SubagentRunner } from './subagents/subagentRunner';
import { defaultSubagentSettings } from './subagents/subagentSettings';

export interface AgentDependencies {
  model: ModelClient;
  tools: ToolRunner;
  /** The UI's approval prompts. */
  approvals: Approvals;
  /** Where sessions are saved after each round; undefined to keep them in memory only. */
  sessions: SessionStore | undefined;
  settings: () => AgentSettings;
  clock: Clock;
  newId?: () => string;
  /** How long a tool may keep running after Stop before its output is written as "interrupted". */
  toolCancelGraceMs?: number;
  /** Start read-only calls at their `output_item.done`, while the response streams (earlyToolStart.ts). Default on. */
  earlyToolStart?: boolean;
  /** A model client on a socket of its own, for subagents where the server refuses lanes (subagents/). */
  openLaneClient?: () => ModelClient & Disposable;
}

export type { SteerAcceptance };

export { NOT_RUN_OUTPUT };

export class Agent implements Disposable {
  private readonly emitter = new Emitter<AgentEvent>();
  readonly onEvent: Event<AgentEvent> = this.emitter.event;
  private active: ActiveTurn | undefined;
  private readonly newId: () => string;
  /** The sessions' model windows: instructions, pins, compaction, cost (context/contextKeeper.ts). */
  readonly context: ContextKeeper;
  /** Drafts prepared while the user types (speculativePrefill.ts): the host feeds it typing pauses. */
  readonly prefill: SpeculativePrefill;
  /** Runs `delegate` calls (subagents on lanes). */
  private readonly subagents: SubagentRunner;
  /** The project's instruction files (AGENTS.md…) the requests carry; read at each turn's start. */
  readonly projectInstructions: ProjectInstructionsTracker;
  private readonly receipts: SteerReceipts;
  private readonly requests: AgentRequests;
  private readonly calls: TurnToolCalls;
  private readonly turnRequests: TurnRequests;
  private readonly steering: TurnSteering;

  constructor(private readonly deps: AgentDependencies) {
    this.newId = deps.newId ?? randomUUID;
    this.context = new ContextKeeper({ model: deps.model, settings: deps.settings, emit: (event) => this.emit(event) });
    this.prefill = new SpeculativePrefill({
      model: deps.model,
      mode: () => deps.settings().speculativePrefill ?? 'largeDrafts',
      requestFor: (session, input) => this.draftRequest(session, input),
      costOf: (usage) => {
        const settings = deps.settings();
        return warmupCostUsd(usage, priceFor(settings.model, settings.modelPrices));
      },
      now: () => deps.clock.now(),
    });
    this.subagents = new SubagentRunner({
      model: deps.model,
      tools: deps.tools,
      clock: deps.clock,
      settings: () => deps.settings().subagents ?? defaultSubagentSettings(),
      openLaneClient: deps.openLaneClient,
      emit: (event) => this.emit(event),
    });
    this.projectInstructions = new ProjectInstructionsTracker(deps.tools.services);
    this.receipts = new SteerReceipts((event) => this.emit(event));
    this.requests = new AgentRequests(deps.settings, deps.tools, this.projectInstructions);
    this.calls = new TurnToolCalls({
      tools: deps.tools,
      approvals: deps.approvals,
      clock: deps.clock,
      settings: deps.settings,
      newId: this.newId,
      emit: (event) => this.emit(event),
      subagents: this.subagents,
      mainRequest: (session, settings) => this.context.request(session, this.requests.shape(settings), settings),
      toolCancelGraceMs: deps.toolCancelGraceMs,
      earlyToolStart: deps.earlyToolStart,
    });
    this.steering = new TurnSteering({ model: deps.model, tools: deps.tools, settings: deps.settings, newId: this.newId, receipts: this.receipts, emit: (event) => this.emit(event) });
    this.turnRequests = new TurnRequests({
      model: deps.model,
      tools: deps.tools,
      clock: deps.clock,
      context: this.context,
      requests: this.requests,
      receipts: this.receipts,
      prefill: this.prefill,
      calls: this.calls,
      emit: (event) => this.emit(event),
    });
  }

  get runningTurn(): { sessionId: string; turnId: string } | undefined {
    return this.active ? { sessionId: this.active.session.id, turnId: this.active.turnId } : undefined;
  }

  /**
   * Runs a turn for what the user typed. Resolves when the turn ends, with how it ended. An API key in
   * the text is replaced here, before the text reaches the transcript, the model, storage or an event.
   */
  async runTurn(session: ChatSession, input: UserInput, token: CancellationToken = CancellationToken.None): Promise<TurnOutcome> {
    if (this.active) return { kind: 'busy' };
    const typed = redactUserText(input.text, this.deps.tools.services.knownSecrets());
    input = { ...input, text: typed.text };
    // Read before the turn begins: the window's instructions go in before its prompt.
    const instructionFiles = await this.projectInstructions.refresh(session, input);
    if (this.active) return { kind: 'busy' };
    const turn = this.begin(session, token, input.text);
    try {
      const message = await buildUserMessage(input, session, this.deps.tools.services);
      session.items.push(message);
      this.emit({ type: 'turnStarted', sessionId: session.id, turnId: turn.turnId, userText: input.text });
      // After the prompt (which stays the turn's first item): the effort holds for the responses that follow.
      this.applyEffort(turn, input.effort);
      if (typed.redacted) this.emit({ type: 'userTextRedacted', turnId: turn.turnId });
      this.reportProjectInstructions(turn, instructionFiles);
      return await this.loop(turn);
    } catch (error) {
      return await this.finish(turn, { kind: 'failed', error: { kind: 'networkError', message: `Internal error: ${errorMessage(error)}` } });
    } finally {
      this.end(turn);
    }
  }

  /** Continues the conversation without new input: "Retry" after a failure, "Continue" after a budget pause. */
  async continueTurn(session: ChatSession, token: CancellationToken = CancellationToken.None): Promise<TurnOutcome> {
    if (this.active) return { kind: 'busy' };
    const instructionFiles = await this.projectInstructions.refresh(session);
    if (this.active) return { kind: 'busy' };
    const turn = this.begin(session, token, '');
    try {
      closeUnansweredCalls(session.items, () => NOT_RUN_OUTPUT);
      this.emit({ type: 'turnStarted', sessionId: session.id, turnId: turn.turnId, userText: '' });
      this.reportProjectInstructions(turn, instructionFiles);
      return await this.loop(turn);
    } catch (error) {
      return await this.finish(turn, { kind: 'failed', error: { kind: 'networkError', message: `Internal error: ${errorMessage(error)}` } });
    } finally {
      this.end(turn);
    }
  }

  /** Stop: cancels the running turn (if any). */
  stop(): void {
    this.active?.source.cancel();
  }

  /** The background card's Stop: cancels one async call; the model still gets its (cancelled) output. */
  stopBackgroundCall(callId: string): boolean {
    return this.active?.jobs.stop(callId) ?? false;
  }

  /** Text the user sent while a turn runs. Never lost: see SteeringInbox. An API key in it is replaced as in `runTurn`. */
  steer(text: string): SteerAcceptance {
    const turn = this.active;
    if (!turn || text.trim() === '') return { status: 'noTurnRunning' };
    return this.steering.accept(turn, text);
  }

  /** Restores every file a turn touched (deleting the ones it created) and tells the model so. */
  async revertTurn(session: ChatSession, turnId: string, options: { force?: boolean } = {}): Promise<RevertResult> {
    const result = await session.journal.revertTurn(turnId, this.deps.tools.services.workspace, options);
    if (result.reverted.length && !result.error) {
      session.items.push({
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: `The user reverted the edits of an earlier turn. These files are back to their earlier content: ${result.reverted.join(', ')}. Read them again before editing.` }],
      });
      await this.save(session);
    }
    return result;
  }

  dispose(): void {
    this.active?.source.cancel();
    this.emitter.dispose();
    this.context.dispose();
    this.prefill.dispose();
  }

  private begin(session: ChatSession, token: CancellationToken, text: string): ActiveTurn {
    // The window's instructions (and pins after a compaction) go before the turn's first item.
    this.context.prepare(session, this.requests.shape());
    this.context.turnStarted(session);
    const turnId = this.newId();
    const now = this.deps.clock.now();
    session.turns.push({ id: turnId, startedAt: now, firstItem: session.items.length, userText: text, outcome: undefined });
    const turn = newActiveTurn(session, turnId, token, now);
    this.active = turn;
    return turn;
  }

  private end(turn: ActiveTurn): void {
    this.receipts.turnEnded(turn.turnId);
    if (this.active === turn) this.active = undefined;
    turn.jobs.dispose();
    turn.source.dispose();
  }

  private async loop(turn: ActiveTurn): Promise<TurnOutcome> {
    const settings = this.deps.settings();
    let roundLimit = settings.maxToolRoundsPerTurn;
    let tokenLimit = settings.maxTokensPerTurn;
    const { session } = turn;

    for (;;) {
      if (turn.token.isCancellationRequested) return this.finish(turn, { kind: 'cancelled' });
      this.steering.keep(turn, turn.steering.takeQueued(), 'nextRequest');
      queueBackgroundOutputs(turn, (event) => this.emit(event));

      const outcome = await this.turnRequests.run(turn, settings);
      if (outcome.kind === 'cancelled' || turn.token.isCancellationRequested) return this.finish(turn, { kind: 'cancelled' });
      if (outcome.kind !== 'completed' && outcome.kind !== 'incomplete') return this.finish(turn, { kind: 'failed', error: outcome });

      const outputStart = session.items.length;
      turn.latestResponseId = outcome.responseId;
      session.items.push(...outcome.output);
      this.context.afterResponse(session, turn.turnId, outcome, outputStart);
      noteResponse(session, turn.turnId, outcome.responseId);
      this.steering.recordDeliveredInStream(turn, outcome.output);
      this.receipts.answered(turn.turnId);
      for (const item of outcome.output) {
        if (item.type === 'message' && item.role === 'assistant') {
          this.emit({ type: 'assistantMessage', turnId: turn.turnId, itemId: item.id, text: assistantText(item) });
        }
      }

      const answered = answeredCallIds(session.items);
      const calls = outcome.output.filter((item): item is FunctionCallItem => item.type === 'function_call' && !answered.has(item.call_id));
      if (calls.length === 0) {
        if (turn.steering.hasWaiting) {
          this.steering.keep(turn, turn.steering.takeAfterTools(), 'afterTools');
          continue; // the user spoke while the model answered: let it answer that too
        }
        if (turn.jobs.hasAny) {
          await untilBackgroundChanges(turn, (event) => this.emit(event)); // the model waits for its background calls
          continue;
        }
        const text = outcome.output.map((item) => (item.type === 'message' && item.role === 'assistant' ? assistantText(item) : '')).join('');
        if (outcome.kind === 'incomplete' && outcome.reason !== 'steered') return this.finish(turn, { kind: 'incomplete', reason: outcome.reason, text });
        return this.finish(turn, { kind: 'completed', text });
      }

      turn.metrics.toolRounds++;
      const roundStarted = this.deps.clock.now();
      const itemsBefore = session.items.length;
      for (const call of calls.filter(isAsyncCall)) this.calls.startBackground(turn, call);
      await this.calls.runRound(turn, calls.filter((call) => !isAsyncCall(call)));
      void turn.early?.discard();
      turn.metrics.toolMs += this.deps.clock.now() - roundStarted;
      this.steering.keep(turn, turn.steering.takeAfterTools(), 'afterTools');
      await this.save(session);
      if (turn.token.isCancellationRequested) return this.finish(turn, { kind: 'cancelled' });

      if (turn.metrics.toolRounds >= roundLimit) {
        const answer = await this.askToContinue(turn, 'toolRounds', turn.metrics.toolRounds, roundLimit);
        if (answer !== 'continue') return this.finish(turn, answer);
        roundLimit += settings.maxToolRoundsPerTurn;
      }
      const tokens = turn.metrics.usage.inputTokens + turn.metrics.usage.outputTokens;
      if (tokens >= tokenLimit) {
        const answer = await this.askToContinue(turn, 'tokens', tokens, tokenLimit);
        if (answer !== 'continue') return this.finish(turn, answer);
        tokenLimit = tokens + settings.maxTokensPerTurn;
      }
      // Only background calls this round: nothing new for the model until one ends (or the user types).
      if (session.items.length === itemsBefore && !turn.steering.hasWaiting) await untilBackgroundChanges(turn, (event) => this.emit(event));
    }
  }

  /** Tells the chat which project instruction files the turn's requests carry, when they changed. */
  private reportProjectInstructions(turn: ActiveTurn, changed: ProjectInstructionsSnapshot | undefined): void {
    if (changed) this.emit({ type: 'projectInstructions', turnId: turn.turnId, files: changed.files, summary: describeIncluded(changed) });
  }

  /** The agent's request for `input` as given, with the instructions where `instructionsPlacement` puts them. */
  buildRequest(input: readonly ResponseItem[], settings: AgentSettings = this.deps.settings()): ModelRequest {
    return this.requests.build(input, settings);
  }

  /**
   * What the host warms the socket with: a new session's first request without its prompt (the
   * instructions' developer message, or nothing), so the first prompt continues the warm chain.
   */
  warmupRequest(settings: AgentSettings = this.deps.settings()): ModelRequest {
    return this.requests.warmup(settings);
  }

  /**
   * The first request a turn for `input` would send now, for a speculative prefill; undefined while a
   * turn runs. Built as runTurn builds it, except that the files it attaches are not recorded as read.
   */
  private async draftRequest(session: ChatSession, input: UserInput): Promise<ModelRequest | undefined> {
    if (this.active) return undefined;
    const text = redactUserText(input.text, this.deps.tools.services.knownSecrets()).text;
    const draft = Object.create(session, { reads: { value: new PendingReads(session.reads) } }) as ChatSession;
    const message = await buildUserMessage({ ...input, text }, draft, this.deps.tools.services);
    if (this.active) return undefined;
    const settings = this.deps.settings();
    this.context.prepare(session, this.requests.shape(settings), settings);
    const request = this.context.request(session, this.requests.shape(settings), settings);
    return { ...request, input: [...request.input, message] };
  }

  private async askToContinue(turn: ActiveTurn, budget: 'toolRounds' | 'tokens', used: number, limit: number): Promise<'continue' | TurnOutcome> {
    this.emit({ type: 'budgetPaused', turnId: turn.turnId, budget, used, limit });
    const answer = await this.calls.approvalsFor(turn).request({ kind: 'continueAfterBudget', budget, used, limit }, turn.token);
    if (turn.token.isCancellationRequested) return { kind: 'cancelled' };
    return answer === 'deny' ? { kind: 'budgetPaused', budget, used, limit } : 'continue';
  }

  /** This message's "think harder / faster": a configuration_update item where the model takes one, else this turn's top-level effort. */
  private applyEffort(turn: ActiveTurn, choice: EffortChoice | undefined): void {
    const settings = this.deps.settings();
    const plan = planEffort(settings.model, turn.session.items, settings.reasoningEffort ?? 'medium', choice);
    if (plan.kind === 'item') {
      turn.session.items.push(plan.item);
      if (plan.announce) this.emit({ type: 'effortChanged', turnId: turn.turnId, effort: plan.effort, via: 'configurationUpdate', note: EFFORT_NOTE.kept(plan.effort) });
    } else if (plan.kind === 'topLevel') {
      turn.effortOverride = plan.effort;
      this.emit({ type: 'effortChanged', turnId: turn.turnId, effort: plan.effort, via: 'topLevel', note: EFFORT_NOTE.newPrefix(plan.effort) });
    }
  }

  private async finish(turn: ActiveTurn, outcome: TurnOutcome): Promise<TurnOutcome> {
    const { session } = turn;
    // Whatever the user typed and the model did not get stays in the transcript for the next request.
    await turn.steering.settle();
    this.steering.keep(turn, turn.steering.takeAll(), 'keptInTranscript');
    void turn.early?.discard();
    // The turn ends only after its background calls (Stop cancels them): their outputs stay in the transcript.
    if (turn.jobs.runningCount > 0) this.emit({ type: 'backgroundWait', turnId: turn.turnId, callIds: turn.jobs.runningCallIds() });
    await turn.jobs.settle();
    queueBackgroundOutputs(turn, (event) => this.emit(event));
    closeUnansweredCalls(session.items, (call) => (outcome.kind === 'cancelled' ? NOT_RUN_OUTPUT : cancelledOutput(call.name)));
    const record = session.turns.find((t) => t.id === turn.turnId);
    if (record) record.outcome = outcome.kind;
    await this.save(session);
    turn.metrics.totalMs = this.deps.clock.now() - turn.startedAt;
    this.emit({ type: 'turnFinished', sessionId: session.id, turnId: turn.turnId, outcome, metrics: turn.metrics });
    return outcome;
  }

  private async save(session: ChatSession): Promise<void> {
    if (!this.deps.sessions) return;
    try {
      await this.deps.sessions.save(session);
    } catch (error) {
      this.emit({ type: 'sessionSaveFailed', sessionId: session.id, message: errorMessage(error) });
    }
  }

  private emit(event: AgentEvent): void {
    this.emitter.fire(event);
  }
}
