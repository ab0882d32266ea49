/**
 * One subagent: a small agent loop on its own lane (or socket), started from a fork of the main
 * conversation. It has its own tool budget, may only read unless the user allowed more (enforced here,
 * whatever the model asks), cannot delegate further, and ends with a report for the main agent.
 * Every request resends the same parameters as the main agent's (tools included), so the fork and the
 * lane's later requests stay deltas on the cached prefix; what a subagent may use is decided when it
 * calls, not by changing the tool list (which would invalidate the prefix, protocol §8).
 */
import type { CancellationToken } from '../../common/cancellation';
import { assistantText, type FunctionCallItem, functionCallOutput, type ResponseItem } from '../../protocol/items';
import type { ToolCallContext } from '../../tools/toolContext';
import type { ToolCallResult, ToolRunner } from '../../tools/toolRunner';
import type { ModelClient, ModelOutcome, ModelRequest } from '../../transport/modelClient';
import type { ModelFailure } from '../events';
import { summarizeArguments } from '../toolCallSummary';
import { unansweredCalls } from '../transcript';
import { DELEGATE_TOOL_NAME } from './delegateTool';
import type { SubagentSettings } from './subagentSettings';

/** Where a subagent's requests go: a lane of the shared socket (forked), or a client of its own. */
export interface SubagentPlacement {
  model: ModelClient;
  lane: string | undefined;
  /** The main lane's latest response, for the first request (a cross-lane fork); undefined: full context. */
  forkFromResponseId: string | undefined;
}

export interface SubagentPorts {
  tools: ToolRunner;
  settings: SubagentSettings;
  /** The per-call context for a tool call of this subagent (its own read tracker and edit attempts). */
  toolContext(callId: string): ToolCallContext;
  onActivity(activity: string): void;
}

export type SubagentResult =
  | { kind: 'answered'; text: string; toolCalls: number; requests: number }
  /** The request budget ran out while the model still called tools: what it said so far. */
  | { kind: 'stopped'; text: string; toolCalls: number; requests: number }
  | { kind: 'failed'; error: ModelFailure; toolCalls: number; requests: number }
  | { kind: 'cancelled'; toolCalls: number; requests: number }
  /** The server refused the lane itself (`stream_id`): run again elsewhere; nothing happened. */
  | { kind: 'laneRejected'; message: string };

export const BUDGET_SPENT_OUTPUT = 'Not run: your tool budget is spent. Answer now with what you have found.';
export const NO_NESTING_OUTPUT = 'Refused: a subagent cannot delegate. Do the work yourself with the reading tools.';
export const READ_ONLY_OUTPUT = 'Refused: subagents may only read (the user has not allowed them to edit or run anything). Report what should be changed instead.';

/** A server (or gateway) that does not know lanes answers the first laned request with a 400 naming `stream_id`. */
export function isLaneRejection(outcome: ModelOutcome): boolean {
  if (outcome.kind !== 'serverError') return false;
  if (outcome.code === 'invalid_stream_id') return true;
  return /stream_id/.test(outcome.message) && /unknown_parameter|unsupported_parameter|invalid_request/.test(outcome.code);
}

export class Subagent {
  private toolCalls = 0;
  private requests = 0;

  constructor(
    private readonly ports: SubagentPorts,
    /** The main agent's request parameters (identical, so the fork stays on the cached prefix). */
    private readonly base: Omit<ModelRequest, 'input'>,
  ) {}

  async run(input: readonly ResponseItem[], placement: SubagentPlacement, token: CancellationToken): Promise<SubagentResult> {
    const items = [...input];
    let said = '';
    while (this.requests < this.ports.settings.maxRequests) {
      if (token.isCancellationRequested) return this.cancelled();
      const first = this.requests === 0;
      this.ports.onActivity(first ? 'starting' : 'thinking');
      const outcome = await this.request(items, placement, first, token);
      if (first && isLaneRejection(outcome)) return { kind: 'laneRejected', message: outcome.kind === 'serverError' ? outcome.message : '' };
      if (outcome.kind === 'cancelled' || token.isCancellationRequested) return this.cancelled();
      if (outcome.kind !== 'completed' && outcome.kind !== 'incomplete') return { kind: 'failed', error: outcome, ...this.counts() };
      items.push(...outcome.output);
      said = textOf(outcome.output) || said;
      const calls = unansweredCalls(items);
      if (calls.length === 0) return { kind: 'answered', text: said, ...this.counts() };
      const results = await this.runCalls(calls, token);
      for (const result of results) items.push(functionCallOutput(result.callId, result.output));
    }
    return { kind: 'stopped', text: said, ...this.counts() };
  }

  private async request(items: readonly ResponseItem[], placement: SubagentPlacement, first: boolean, token: CancellationToken): Promise<ModelOutcome> {
    this.requests++;
    const request: ModelRequest = {
      ...this.base,
      input: [...items],
      lane: placement.lane,
      forkFromResponseId: first ? placement.forkFromResponseId : undefined,
    };
    try {
      return await placement.model.run(request, { token });
    } catch (error) {
      return { kind: 'networkError', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Reading calls run together; a call that writes or executes (when allowed) runs alone, in order. */
  private async runCalls(calls: FunctionCallItem[], token: CancellationToken): Promise<Array<{ callId: string; output: string }>> {
    const results: Array<{ callId: string; output: string }> = [];
    let reads: FunctionCallItem[] = [];
    const flushReads = async (): Promise<void> => {
      results.push(...(await Promise.all(reads.map((call) => this.runCall(call, token)))));
      reads = [];
    };
    for (const call of calls) {
      if (this.ports.tools.effectOf(call.name) === 'read' || this.refusal(call) !== undefined) {
        reads.push(call);
        continue;
      }
      await flushReads();
      results.push(await this.runCall(call, token));
    }
    await flushReads();
    return results;
  }

  private refusal(call: FunctionCallItem): string | undefined {
    if (call.name === DELEGATE_TOOL_NAME) return NO_NESTING_OUTPUT;
    const effect = this.ports.tools.effectOf(call.name);
    if (effect !== undefined && effect !== 'read' && this.ports.settings.tools !== 'all') return READ_ONLY_OUTPUT;
    // The next request is the last one allowed: it must answer, so nothing more runs.
    if (this.toolCalls >= this.ports.settings.maxToolCalls || this.requests >= this.ports.settings.maxRequests - 1) return BUDGET_SPENT_OUTPUT;
    return undefined;
  }

  private async runCall(call: FunctionCallItem, token: CancellationToken): Promise<{ callId: string; output: string }> {
    const refused = this.refusal(call);
    if (refused !== undefined) return { callId: call.call_id, output: refused };
    if (token.isCancellationRequested) return { callId: call.call_id, output: 'Not run: the user stopped the turn.' };
    this.toolCalls++;
    const summary = summarizeArguments(call, this.ports.tools.services.knownSecrets());
    this.ports.onActivity(`${call.name} ${summary.text}`.trim());
    const result: ToolCallResult = await this.ports.tools.run(call, this.ports.toolContext(call.call_id));
    return { callId: call.call_id, output: result.output };
  }

  private counts(): { toolCalls: number; requests: number } {
    return { toolCalls: this.toolCalls, requests: this.requests };
  }

  private cancelled(): SubagentResult {
    return { kind: 'cancelled', ...this.counts() };
  }
}

function textOf(output: readonly ResponseItem[]): string {
  return output
    .map((item) => (item.type === 'message' && item.role === 'assistant' ? assistantText(item) : ''))
    .join('')
    .trim();
}
