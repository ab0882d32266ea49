/**
 * Runs a `delegate` call: one subagent per subtask, in parallel on named lanes of the shared socket,
 * each forked from the main lane's latest response; their reports become the call's output.
 *
 * Fallbacks: a server that refuses `stream_id` (a gateway's 400) gets one socket per subagent (full
 * context, no fork: another connection's cache does not hold the parent), or, without a way to open
 * one, the subagents run one after another on the main client; over HTTP they run one after another.
 *
 * The fork race (protocol §8: a fork loses its parent if the source lane advances before the fork is
 * `in_progress`) cannot happen here: the main lane's next request waits for this call's output, i.e.
 * for every subagent to end. Should the parent be gone anyway, the transport resends the full context.
 */
import type { CancellationToken } from '../../common/cancellation';
import type { Disposable } from '../../common/disposable';
import type { FunctionCallItem } from '../../protocol/items';
import { parseArguments } from '../../tools/definitions';
import { prepareToolOutput } from '../../tools/boundOutput';
import type { Clock } from '../../tools/ports';
import type { ToolCallContext } from '../../tools/toolContext';
import type { ToolCallResult, ToolRunner } from '../../tools/toolRunner';
import type { ModelClient, ModelRequest } from '../../transport/modelClient';
import { firstLine } from '../toolCallSummary';
import { DELEGATE } from './delegateTool';
import { forkInput, type SubagentTask } from './forkInput';
import { Subagent, type SubagentPlacement, type SubagentResult } from './subagent';
import type { SubagentEvent, SubagentMode } from './subagentEvents';
import type { SubagentSettings } from './subagentSettings';

export interface DelegateRequest {
  turnId: string;
  call: FunctionCallItem;
  token: CancellationToken;
  /** The main agent's next request as it stands now: its parameters, and the window the fork starts from. */
  main: ModelRequest;
  /** The main lane's latest response, which the subagents fork from; undefined: full context. */
  forkFromResponseId: string | undefined;
  /** The context for a subagent's tool call (the turn's, with a read tracker of the subagent's own). */
  toolContext(subagentId: string, callId: string): ToolCallContext;
}

export interface SubagentRunnerDeps {
  model: ModelClient;
  tools: ToolRunner;
  clock: Clock;
  settings: () => SubagentSettings;
  /** A client on a socket of its own, for servers that refuse lanes; undefined: run one after another instead. */
  openLaneClient?: (() => ModelClient & Disposable) | undefined;
  emit(event: SubagentEvent): void;
}

/** The lane of the n-th subagent: a small fixed pool, so named lanes stay far below the server's 32. */
export function subagentLane(index: number): string {
  return `subagent-${index}`;
}

export class SubagentRunner {
  /** Learnt once per runner: this server refuses `stream_id`. */
  private lanesRejected = false;
  /** Serializes whole subagents when they must run one after another. */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SubagentRunnerDeps) {}

  /** Where subagents run now. */
  get mode(): SubagentMode {
    if (this.deps.model.state.kind === 'httpFallback' || this.deps.settings().parallel === false) return 'sequential';
    if (this.lanesRejected) return this.deps.openLaneClient ? 'socketPerLane' : 'sequential';
    return 'lanes';
  }

  async run(request: DelegateRequest): Promise<ToolCallResult> {
    const started = this.deps.clock.now();
    const done = (output: string, status: ToolCallResult['status']): ToolCallResult => ({
      callId: request.call.call_id,
      name: request.call.name,
      output: prepareToolOutput(output, { knownSecrets: this.deps.tools.services.knownSecrets() }),
      status,
      path: undefined,
      durationMs: this.deps.clock.now() - started,
    });
    const parsed = parseArguments(DELEGATE, request.call.arguments);
    if (!parsed.ok) return done(parsed.message, 'error');
    const settings = this.deps.settings();
    const tasks: SubagentTask[] = parsed.value.tasks.map((task, i) => ({
      id: `${request.call.call_id}.${i + 1}`,
      index: i + 1,
      title: task.title.trim() || `Subtask ${i + 1}`,
      instructions: task.instructions,
    }));
    const mode = this.mode;
    const results = await Promise.all(tasks.map((task) => this.runOne(request, task, tasks.length, settings, mode)));
    const answered = results.filter((r) => r.kind === 'answered' || r.kind === 'stopped').length;
    if (request.token.isCancellationRequested) return done(`The user stopped the turn while ${tasks.length - answered} subagent(s) were running.\n\n${reports(tasks, results)}`, 'cancelled');
    // Lanes refused on the way: they ran as the fallback does.
    const ranAs = mode === 'lanes' && this.lanesRejected ? this.mode : mode;
    return done(`${answered} of ${tasks.length} subagent(s) answered (${MODE_WORDS[ranAs]}).\n\n${reports(tasks, results)}`, answered > 0 ? 'ok' : 'error');
  }

  private async runOne(request: DelegateRequest, task: SubagentTask, peers: number, settings: SubagentSettings, mode: SubagentMode): Promise<SubagentResult> {
    const ids = { turnId: request.turnId, callId: request.call.call_id, subagentId: task.id };
    const started = this.deps.clock.now();
    this.deps.emit({ type: 'subagentStarted', ...ids, index: task.index, title: task.title, mode });
    let result: SubagentResult;
    try {
      result = await this.attempt(request, task, peers, settings, mode);
      if (result.kind === 'laneRejected') {
        this.lanesRejected = true;
        const fallback = this.mode;
        this.deps.emit({ type: 'subagentActivity', ...ids, activity: `the server refused lanes (${firstLine(result.message)}); ${MODE_WORDS[fallback]}` });
        result = await this.attempt(request, task, peers, settings, fallback);
      }
    } catch (error) {
      result = { kind: 'failed', error: { kind: 'networkError', message: error instanceof Error ? error.message : String(error) }, toolCalls: 0, requests: 0 };
    }
    const finished = finishedView(result);
    this.deps.emit({ type: 'subagentFinished', ...ids, ...finished, durationMs: this.deps.clock.now() - started });
    return result;
  }

  private attempt(request: DelegateRequest, task: SubagentTask, peers: number, settings: SubagentSettings, mode: SubagentMode): Promise<SubagentResult> {
    const ids = { turnId: request.turnId, callId: request.call.call_id, subagentId: task.id };
    const { input: _input, ...shape } = request.main;
    const subagent = new Subagent(
      {
        tools: this.deps.tools,
        settings,
        toolContext: (callId) => request.toolContext(task.id, callId),
        onActivity: (activity) => this.deps.emit({ type: 'subagentActivity', ...ids, activity }),
      },
      shape,
    );
    const input = forkInput(request.main.input, request.call.call_id, task, peers, settings.tools);
    const runOn = (placement: SubagentPlacement): Promise<SubagentResult> => subagent.run(input, placement, request.token);
    const forkFromResponseId = request.forkFromResponseId;
    if (mode === 'lanes') return runOn({ model: this.deps.model, lane: subagentLane(task.index), forkFromResponseId });
    if (mode === 'socketPerLane' && this.deps.openLaneClient) {
      const client = this.deps.openLaneClient();
      return runOn({ model: client, lane: undefined, forkFromResponseId: undefined }).finally(() => client.dispose());
    }
    // One after another: over HTTP on the subagent's lane name (never on the wire, it keeps the chains
    // apart), or on the default lane when the server refused lanes.
    const lane = this.lanesRejected ? undefined : subagentLane(task.index);
    return this.serialized(() => runOn({ model: this.deps.model, lane, forkFromResponseId }));
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.serial.then(run, run);
    this.serial = next.catch(() => undefined);
    return next;
  }
}

const MODE_WORDS: Record<SubagentMode, string> = {
  lanes: 'in parallel on lanes of the shared connection',
  socketPerLane: 'in parallel, one connection each',
  sequential: 'one after another',
};

function finishedView(result: SubagentResult): { status: 'answered' | 'stopped' | 'failed' | 'cancelled'; summary: string; toolCalls: number; requests: number } {
  switch (result.kind) {
    case 'answered':
    case 'stopped':
      return { status: result.kind, summary: firstLine(result.text) || '(no answer)', toolCalls: result.toolCalls, requests: result.requests };
    case 'failed':
      return { status: 'failed', summary: failureText(result), toolCalls: result.toolCalls, requests: result.requests };
    case 'cancelled':
      return { status: 'cancelled', summary: 'Stopped by the user.', toolCalls: result.toolCalls, requests: result.requests };
    case 'laneRejected':
      return { status: 'failed', summary: `The server refused lanes: ${result.message}`, toolCalls: 0, requests: 1 };
  }
}

function failureText(result: Extract<SubagentResult, { kind: 'failed' }>): string {
  return `${result.error.kind}: ${result.error.message}`;
}

function reports(tasks: readonly SubagentTask[], results: readonly SubagentResult[]): string {
  return tasks
    .map((task, i) => {
      const result = results[i]!;
      const view = finishedView(result);
      const heading = `## Subagent ${task.index}: ${task.title} (${view.status}, ${view.toolCalls} tool call(s))`;
      const body =
        result.kind === 'answered' || result.kind === 'stopped'
          ? (result.text || '(no answer)') + (result.kind === 'stopped' ? '\n\n(Stopped at its request budget; the report may be incomplete.)' : '')
          : view.summary;
      return `${heading}\n${body}`;
    })
    .join('\n\n');
}
