/** A ModelClient whose responses a test scripts step by step; records every request it was given. */
import { Emitter } from '../../src/common/event';
import type { AssistantMessageItem, FunctionCallItem, ResponseItem, Usage } from '../../src/protocol/items';
import type { CompactOutcome, CompactRequest, ModelClient, ModelOutcome, ModelRequest, RequestMetrics, RunOptions, SteerResult, TransportState } from '../../src/transport/modelClient';

export type ScriptedStep = (request: ModelRequest, options: RunOptions) => Promise<ModelOutcome> | ModelOutcome;

export class FakeModelClient implements ModelClient {
  /** Each request as it was sent (input copied, so later transcript changes do not leak in). */
  readonly requests: ModelRequest[] = [];
  readonly steered: string[] = [];
  steerHandler: (text: string) => Promise<SteerResult> | SteerResult = () => ({ status: 'notDelivered', reason: 'no response running' });
  /** The standalone compaction; absent unless a test sets it (a client that cannot compact). */
  compact?: (request: CompactRequest) => Promise<CompactOutcome>;
  /** The speculative prefill; absent unless a test sets it (a client that cannot prefill, like HTTP). */
  prefill?: (request: ModelRequest) => Promise<ModelOutcome>;
  readonly state: TransportState = { kind: 'warm', latencyMs: 1 };
  private readonly stateEmitter = new Emitter<TransportState>();
  private readonly measureEmitter = new Emitter<RequestMetrics>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidMeasure = this.measureEmitter.event;
  private responses = 0;

  constructor(private readonly steps: ScriptedStep[] = []) {}

  script(...steps: ScriptedStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  async run(request: ModelRequest, options: RunOptions = {}): Promise<ModelOutcome> {
    this.requests.push({ ...request, input: structuredClone([...request.input]) });
    const step = this.steps.shift();
    if (!step) throw new Error(`No scripted step for request ${this.requests.length}`);
    return step(request, options);
  }

  async steer(text: string): Promise<SteerResult> {
    this.steered.push(text);
    return this.steerHandler(text);
  }

  nextResponseId(): string {
    return `resp_${++this.responses}`;
  }
}

export function metrics(overrides: Partial<RequestMetrics> = {}): RequestMetrics {
  return {
    lane: undefined,
    transport: 'websocket',
    mode: 'full',
    responseId: 'resp',
    bytesSent: 100,
    wireBytesSent: 100,
    bytesReceived: 50,
    statelessBytes: 100,
    usage: undefined,
    timeToFirstEventMs: 1,
    timeToFirstTokenMs: 1,
    totalMs: 2,
    recoveries: 0,
    connectMs: undefined,
    connectAvoidedMs: 0,
    warmupAvoidedMs: 0,
    ...overrides,
  };
}

export function usage(input: number, output: number): Usage {
  return { inputTokens: input, cachedTokens: 0, outputTokens: output, reasoningTokens: 0 };
}

/** A step that completes with these output items. */
export function respond(output: ResponseItem[], tokens: Usage = usage(100, 20)): ScriptedStep {
  return (_request, options) => {
    for (const item of output) {
      if (item.type === 'message' && item.role === 'assistant') {
        options.onEvent?.({ kind: 'textDelta', itemId: item.id ?? 'msg', delta: item.content.map((c) => (c.type === 'output_text' ? c.text : '')).join('') });
      }
      options.onEvent?.({ kind: 'itemDone', item });
    }
    return { kind: 'completed', responseId: 'resp', output, usage: tokens, metrics: metrics({ usage: tokens }) };
  };
}

export function say(text: string, id = 'msg_1'): AssistantMessageItem {
  return { type: 'message', role: 'assistant', id, status: 'completed', content: [{ type: 'output_text', text }] };
}

export function callTool(callId: string, name: string, args: object | string): FunctionCallItem {
  return { type: 'function_call', id: `fc_${callId}`, call_id: callId, name, arguments: typeof args === 'string' ? args : JSON.stringify(args), status: 'completed' };
}
