/**
 * Runs a turn's tool calls: a round of them (reading calls together, the others one at a time, in
 * order), one call with its events and Stop's grace, a background (async) call, and the approvals a
 * call asks with the turn's ids. A call is never run twice; a call Stop came before gets NOT_RUN_OUTPUT.
 */
import { raceCancellation, settleWithinGrace } from '../common/async';
import type { CancellationToken } from '../common/cancellation';
import { functionCallOutput, type FunctionCallItem } from '../protocol/items';
import { FileReadTracker } from '../tools/fileReadTracker';
import type { ApprovalAnswer, ApprovalRequest, Approvals, Clock } from '../tools/ports';
import { EditAttempts, type ToolCallContext } from '../tools/toolContext';
import type { ToolCallResult, ToolRunner } from '../tools/toolRunner';
import type { ModelRequest } from '../transport/modelClient';
import { type ActiveTurn, NOT_RUN_OUTPUT } from './activeTurn';
import type { AgentSettings } from './agentSettings';
import type { ChatSession } from './chatSession';
import { EarlyToolStarts } from './earlyToolStart';
import type { AgentEvent } from './events';
import { LiveOutputTail } from './liveOutputTail';
import { DELEGATE_TOOL_NAME } from './subagents/delegateTool';
import type { SubagentRunner } from './subagents/subagentRunner';
import { firstLine, summarizeArguments } from './toolCallSummary';
import { answeredCallIds } from './transcript';

export interface TurnToolCallsDependencies {
  tools: ToolRunner;
  /** The UI's approval prompts. */
  approvals: Approvals;
  clock: Clock;
  settings: () => AgentSettings;
  newId: () => string;
  emit: (event: AgentEvent) => void;
  subagents: SubagentRunner;
  /** The main agent's request now, which a subagent's first request continues. */
  mainRequest: (session: ChatSession, settings: AgentSettings) => ModelRequest;
  toolCancelGraceMs?: number;
  earlyToolStart?: boolean;
}

/** An async call's own token (its Stop) and where its live output goes. */
interface BackgroundRun {
  token: CancellationToken;
  onOutput: (chunk: string) => void;
}

export class TurnToolCalls {
  constructor(private readonly deps: TurnToolCallsDependencies) {}

  /**
   * Runs one round of calls. Consecutive reading calls run concurrently; a writing or executing call
   * runs alone, in the order the model gave. Outputs are appended in call order after each group.
   */
  async runRound(turn: ActiveTurn, calls: FunctionCallItem[]): Promise<void> {
    const groups: FunctionCallItem[][] = [];
    for (const call of calls) {
      const reads = this.deps.tools.effectOf(call.name) === 'read';
      const last = groups[groups.length - 1];
      if (reads && last && last.every((c) => this.deps.tools.effectOf(c.name) === 'read')) last.push(call);
      else groups.push([call]);
    }
    for (const group of groups) {
      if (turn.token.isCancellationRequested) {
        for (const call of group) this.recordNotRun(turn, call);
        continue;
      }
      const results = await Promise.all(group.map((call) => this.runCall(turn, call)));
      for (const result of results) {
        if (result) turn.session.items.push(functionCallOutput(result.callId, result.output));
      }
    }
  }

  /** Starts an async call in the background; its output is written at a later request boundary (backgroundCalls.ts). */
  startBackground(turn: ActiveTurn, call: FunctionCallItem): void {
    const publish = (tail: string): void => this.deps.emit({ type: 'toolCallOutput', turnId: turn.turnId, callId: call.call_id, tail });
    turn.jobs.start(call, async (token) => {
      const tail = new LiveOutputTail(this.deps.clock, () => this.deps.tools.services.knownSecrets(), publish);
      try {
        return await this.runCall(turn, call, { token, onOutput: (chunk) => tail.push(chunk) });
      } finally {
        tail.dispose();
      }
    });
  }

  /** Early starts for the next request, with the context a call of this turn gets (but no approvals: see earlyToolStart.ts). */
  earlyStarts(turn: ActiveTurn): EarlyToolStarts | undefined {
    if (this.deps.earlyToolStart === false) return undefined;
    const { tools } = this.deps;
    const run = (call: FunctionCallItem, token: CancellationToken, approvals: Approvals, reads: ToolCallContext['reads']) =>
      tools.run(call, { turnId: turn.turnId, callId: call.call_id, token, approvals, journal: turn.session.journal, reads, editAttempts: turn.editAttempts, onEditApplied: () => undefined });
    return new EarlyToolStarts({ isReadOnly: (name) => tools.effectOf(name) === 'read', run }, turn.token, turn.session.reads);
  }

  /** The UI's Approvals, asked with the turn's ids, with events around each question and Stop settling it as a denial. */
  approvalsFor(turn: ActiveTurn, onAnswer?: (request: ApprovalRequest, answer: ApprovalAnswer) => void): Approvals {
    return {
      request: async (request: ApprovalRequest, token: CancellationToken): Promise<ApprovalAnswer> => {
        const context = { turnId: turn.turnId, approvalId: this.deps.newId() };
        this.deps.emit({ type: 'approvalRequested', ...context, request });
        const answer = await raceCancellation(this.deps.approvals.request(request, token, context), token, 'deny' as const, { rejectAsCancel: true });
        // Stop settles an open question as a denial; the event says so, so the card reads "No longer needed".
        this.deps.emit({ type: 'approvalResolved', ...context, answer, ...(token.isCancellationRequested ? { cancelled: true as const } : {}) });
        onAnswer?.(request, answer);
        return answer;
      },
    };
  }

  /** `background`: an async call's own token (its Stop) and live output; else the turn's token. */
  private async runCall(turn: ActiveTurn, call: FunctionCallItem, background?: BackgroundRun): Promise<ToolCallResult | undefined> {
    if (turn.started.has(call.call_id) || answeredCallIds(turn.session.items).has(call.call_id)) return undefined;
    turn.started.add(call.call_id);
    turn.metrics.toolCalls++;
    const token = background?.token ?? turn.token;
    const summary = summarizeArguments(call, this.deps.tools.services.knownSecrets());
    this.deps.emit({ type: 'toolCallStarted', turnId: turn.turnId, callId: call.call_id, name: call.name, argsSummary: summary.text, path: summary.path, ...(background ? { background: true as const } : {}) });
    // A review the user kept in this call is that edit's one question: its card must not ask again.
    let kept: string | undefined;
    const approvals = this.approvalsFor(turn, (request, answer) => {
      if (request.kind === 'reviewEdit') kept = answer === 'deny' ? undefined : request.after;
    });
    const ctx: ToolCallContext = {
      turnId: turn.turnId,
      callId: call.call_id,
      token,
      approvals,
      journal: turn.session.journal,
      reads: turn.session.reads,
      editAttempts: turn.editAttempts,
      onEditApplied: (entry) => this.deps.emit({ type: 'editApplied', turnId: turn.turnId, entry, reviewed: kept !== undefined && kept === entry.after }),
      ...(background ? { onOutput: background.onOutput } : {}),
    };
    const started = this.deps.clock.now();
    const settled = await settleWithinGrace(turn.early?.take(call) ?? this.runTool(turn, call, ctx), token, this.deps.toolCancelGraceMs ?? 3000, (): ToolCallResult => ({
      callId: call.call_id,
      name: call.name,
      output: `${call.name} was still running when the user stopped the turn, and was abandoned; it may have partially completed. Check before repeating it.`,
      status: 'cancelled',
      path: summary.path,
      durationMs: this.deps.clock.now() - started,
    }));
    // A background call the user stopped reports how far it got; its card says it was stopped.
    const result = background && token.isCancellationRequested && settled.status === 'ok' ? { ...settled, status: 'cancelled' as const } : settled;
    this.deps.emit({
      type: 'toolCallFinished',
      turnId: turn.turnId,
      callId: call.call_id,
      name: call.name,
      status: result.status,
      durationMs: result.durationMs,
      outputSummary: firstLine(result.output),
      path: result.path ?? summary.path,
      ...(result.sandbox ? { sandbox: result.sandbox } : {}),
    });
    return result;
  }

  /** A workspace tool, or `delegate` when subagents are on (subagents/subagentRunner.ts). */
  private runTool(turn: ActiveTurn, call: FunctionCallItem, ctx: ToolCallContext): Promise<ToolCallResult> {
    const settings = this.deps.settings();
    if (call.name !== DELEGATE_TOOL_NAME || !settings.subagents?.enabled) return this.deps.tools.run(call, ctx);
    return this.deps.subagents.run({
      turnId: turn.turnId,
      call,
      token: turn.token,
      main: this.deps.mainRequest(turn.session, settings),
      forkFromResponseId: turn.latestResponseId,
      // Each subagent tracks its own reads: what it read, the main agent has not seen.
      toolContext: (_subagentId, callId) => ({ ...ctx, callId, reads: new FileReadTracker(), editAttempts: new EditAttempts() }),
    });
  }

  private recordNotRun(turn: ActiveTurn, call: FunctionCallItem): void {
    if (answeredCallIds(turn.session.items).has(call.call_id)) return;
    turn.session.items.push(functionCallOutput(call.call_id, NOT_RUN_OUTPUT));
    this.deps.emit({ type: 'toolCallFinished', turnId: turn.turnId, callId: call.call_id, name: call.name, status: 'cancelled', durationMs: 0, outputSummary: NOT_RUN_OUTPUT, path: undefined });
  }
}
