// One response, streamed: turns a Plan into the documented event sequence (created, in_progress,
// output_item.added, content_part.added, deltas, .done events, output_item.done, terminal), each with a
// per-response sequence_number from 0, applying stream faults at the requested event.
import type { StreamFault } from './faults';
import { newId } from './ids';
import { Pacer, sleep, tokenPieces } from './pacing';
import type { Plan, PlannedItem } from './plan';
import { itemsTokens, itemTokens } from './tokens';
import type { CreateRequest, Json, JsonObject } from './types';

/** Where a response's events go (a WebSocket lane or an SSE stream). */
export interface EventSink {
  event(event: JsonObject): void;
  /** Raw text that is not valid JSON (malformed-frame fault). */
  malformed(text: string): void;
  /** A binary frame (binary-frame fault; SSE cannot carry one and sends garbage bytes instead). */
  binary(data: Buffer): void;
  /** Cut the transport without a goodbye. */
  drop(): void;
  isOpen(): boolean;
}

export type RunStatus = 'completed' | 'failed' | 'incomplete' | 'error' | 'dropped' | 'steered' | 'closed';

export interface RunResult {
  status: RunStatus;
  output: JsonObject[];
  outputTokens: number;
  errorCode: string | null;
  response: JsonObject;
}

export interface RunParams {
  responseId: string;
  request: CreateRequest;
  /** null for a warm-up (generate: false): created + completed, no output. */
  plan: Plan | null;
  inputTokens: number;
  cachedTokens: number;
  sink: EventSink;
  /** Seconds since epoch for created_at (from the injectable clock). */
  createdAt: number;
  extraFaults?: StreamFault[];
  /** Reasoning tokens the model spent without showing them (billed as reasoning output). Default 0. */
  hiddenReasoningTokens?: number;
  /** Tokens written to the prompt cache; null = the model does not report cache writes. */
  cacheWriteTokens?: number | null;
  /** context_management compaction: emitted as the first output item. */
  compaction?: JsonObject | null;
  /** Fields the response object reports beyond the request's echo (service_tier, reasoning). */
  reported?: JsonObject;
}

export class ResponseRun {
  private sequence = 0;
  private readonly abortController = new AbortController();
  private abortReason: 'steered' | 'closed' | null = null;
  readonly output: JsonObject[] = [];
  status: 'in_progress' | RunStatus = 'in_progress';
  private readonly faults: StreamFault[];

  constructor(private readonly params: RunParams) {
    this.faults = [...(params.plan?.faults ?? []), ...(params.extraFaults ?? [])];
  }

  get id(): string {
    return this.params.responseId;
  }

  get request(): CreateRequest {
    return this.params.request;
  }

  /** The next sequence number (steer replies are numbered in the running response's sequence). */
  takeSequence(): number {
    const n = this.sequence;
    this.sequence += 1;
    return n;
  }

  /** Stops streaming at the next opportunity: 'steered' ends it response.incomplete, 'closed' silently. */
  abort(reason: 'steered' | 'closed'): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.abortController.abort();
  }

  responseObject(status: string, extra: JsonObject = {}): JsonObject {
    const r = this.params.request;
    return {
      id: this.params.responseId,
      object: 'response',
      created_at: this.params.createdAt,
      status,
      model: r.model,
      output: this.output.map((o) => ({ ...o })),
      previous_response_id: r.previousResponseId,
      instructions: r.instructions,
      tools: r.tools,
      tool_choice: r.toolChoice,
      parallel_tool_calls: r.parallelToolCalls,
      store: r.store,
      error: null,
      incomplete_details: null,
      usage: null,
      metadata: (r.raw['metadata'] as Json) ?? {},
      ...(r.streamId ? { stream_id: r.streamId } : {}),
      ...this.params.reported,
      ...extra,
    };
  }

  private get hiddenTokens(): number {
    return this.params.hiddenReasoningTokens ?? 0;
  }

  private usage(): JsonObject {
    const outputTokens = itemsTokens(this.output) + this.hiddenTokens;
    const reasoningTokens = itemsTokens(this.output.filter((o) => o['type'] === 'reasoning')) + this.hiddenTokens;
    const writes = this.params.cacheWriteTokens;
    return {
      input_tokens: this.params.inputTokens,
      input_tokens_details: { cached_tokens: this.params.cachedTokens, ...(typeof writes === 'number' ? { cache_write_tokens: writes } : {}) },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: this.params.inputTokens + outputTokens,
    };
  }

  private emit(event: JsonObject): void {
    if (!this.params.sink.isOpen()) return;
    const seq = this.takeSequence();
    const streamId = this.params.request.streamId;
    this.params.sink.event({ type: event['type'] ?? null, sequence_number: seq, ...(streamId ? { stream_id: streamId } : {}), ...event });
  }

  /** Applies stream faults due after the event just sent. Returns false when the response must stop. */
  private async afterEvent(): Promise<boolean> {
    const justSent = this.sequence - 1;
    for (const fault of this.faults.filter((f) => (f.kind === 'drop' ? f.afterEvents : (f.afterEvents ?? 0)) === justSent)) {
      this.faults.splice(this.faults.indexOf(fault), 1);
      switch (fault.kind) {
        case 'stall':
          await sleep(fault.ms, this.abortController.signal);
          break;
        case 'malformedFrame':
          this.params.sink.malformed('{"type":"response.output_text.delta","sequence_number":');
          break;
        case 'binaryFrame':
          this.params.sink.binary(Buffer.from([0x00, 0xff, 0x13, 0x37]));
          break;
        case 'oversizedFrame':
          this.params.sink.event({ type: 'emulator.padding', padding: 'x'.repeat(Math.max(0, fault.bytes - 48)) });
          break;
        case 'drop':
          this.params.sink.drop();
          return false;
      }
    }
    return this.params.sink.isOpen() && !this.abortController.signal.aborted;
  }

  private finish(status: RunStatus, errorCode: string | null, response: JsonObject): RunResult {
    this.status = status;
    return { status, output: this.output, outputTokens: itemsTokens(this.output) + this.hiddenTokens, errorCode, response };
  }

  private stopped(): RunResult {
    if (!this.params.sink.isOpen()) return this.finish(this.abortReason === 'closed' ? 'closed' : 'dropped', null, this.responseObject('incomplete'));
    if (this.abortReason === 'steered') {
      const response = this.responseObject('incomplete', { incomplete_details: { reason: 'steered' }, usage: this.usage() });
      this.emit({ type: 'response.incomplete', response });
      return this.finish('steered', null, response);
    }
    return this.finish('closed', null, this.responseObject('incomplete'));
  }

  async run(): Promise<RunResult> {
    const plan = this.params.plan;
    if (plan?.error?.shape === 'request') {
      return this.finish('error', plan.error.code, this.responseObject('failed'));
    }
    this.emit({ type: 'response.created', response: this.responseObject('in_progress') });
    if (!(await this.afterEvent())) return this.stopped();
    if (plan === null) {
      const response = this.responseObject('completed', { usage: this.usage() });
      this.emit({ type: 'response.completed', response });
      return this.finish('completed', null, response);
    }
    this.emit({ type: 'response.in_progress', response: this.responseObject('in_progress') });
    if (!(await this.afterEvent())) return this.stopped();
    if (plan.stallMs > 0) await sleep(plan.stallMs, this.abortController.signal);
    if (this.abortController.signal.aborted || !this.params.sink.isOpen()) return this.stopped();

    if (this.params.compaction && !(await this.emitCompaction(this.params.compaction))) return this.stopped();
    const pacer = new Pacer(plan.tokensPerSecond, this.abortController.signal);
    for (const planned of plan.items) {
      if (plan.error && this.sequence > plan.error.afterEvents) break;
      const ok = await this.streamItem(planned, pacer, plan);
      if (!ok) return this.stopped();
    }
    if (plan.error) {
      const { code, message } = plan.error;
      this.emit({ type: 'error', code, message, param: null });
      return this.finish('error', code, this.responseObject('failed', { error: { code, message } }));
    }
    const ending = plan.ending;
    if (ending.kind === 'failed') {
      const response = this.responseObject('failed', { error: { code: ending.code, message: ending.message }, usage: this.usage() });
      this.emit({ type: 'response.failed', response });
      return this.finish('failed', ending.code, response);
    }
    if (ending.kind === 'incomplete') {
      const response = this.responseObject('incomplete', { incomplete_details: { reason: ending.reason }, usage: this.usage() });
      this.emit({ type: 'response.incomplete', response });
      return this.finish('incomplete', null, response);
    }
    const response = this.responseObject('completed', { usage: this.usage() });
    this.emit({ type: 'response.completed', response });
    return this.finish('completed', null, response);
  }

  /** The compaction item: announced, then added and done (no deltas: its content is opaque). */
  private async emitCompaction(item: JsonObject): Promise<boolean> {
    const id = String(item['id']);
    const outputIndex = this.output.length;
    this.emit({ type: 'response.compaction.compacting', item_id: id, output_index: outputIndex });
    if (!(await this.afterEvent())) return false;
    this.emit({ type: 'response.output_item.added', output_index: outputIndex, item: { type: 'compaction', id } });
    if (!(await this.afterEvent())) return false;
    this.output.push(item);
    this.emit({ type: 'response.output_item.done', output_index: outputIndex, item });
    return this.afterEvent();
  }

  /** Streams one output item; false when the response must stop (abort, drop, or a mid-stream error is due). */
  private async streamItem(planned: PlannedItem, pacer: Pacer, plan: Plan): Promise<boolean> {
    const outputIndex = this.output.length;
    const errorDue = (): boolean => plan.error !== null && this.sequence > plan.error.afterEvents;
    const step = async (event: JsonObject): Promise<boolean> => {
      this.emit(event);
      return (await this.afterEvent()) && !errorDue();
    };
    if (planned.kind === 'text') {
      const id = newId('msg');
      if (!(await step({ type: 'response.output_item.added', output_index: outputIndex, item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] } }))) return errorDue();
      const at = { item_id: id, output_index: outputIndex, content_index: 0 };
      if (!(await step({ type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [] } }))) return errorDue();
      for (const piece of tokenPieces(planned.text)) {
        await pacer.release(1);
        if (this.abortController.signal.aborted) return false;
        if (!(await step({ type: 'response.output_text.delta', ...at, delta: piece, logprobs: [] }))) return errorDue();
      }
      const text = planned.text;
      if (!(await step({ type: 'response.output_text.done', ...at, text, logprobs: [] }))) return errorDue();
      if (!(await step({ type: 'response.content_part.done', ...at, part: { type: 'output_text', text, annotations: [] } }))) return errorDue();
      const item: JsonObject = { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
      this.output.push(item);
      return step({ type: 'response.output_item.done', output_index: outputIndex, item });
    }
    if (planned.kind === 'call') {
      const id = newId('fc');
      const base = { type: 'function_call', id, call_id: planned.callId, name: planned.name, ...(planned.async ? { async: true } : {}) };
      if (!(await step({ type: 'response.output_item.added', output_index: outputIndex, item: { ...base, arguments: '', status: 'in_progress' } }))) return errorDue();
      for (const piece of tokenPieces(planned.arguments)) {
        await pacer.release(1);
        if (this.abortController.signal.aborted) return false;
        if (!(await step({ type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta: piece }))) return errorDue();
      }
      if (!(await step({ type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, name: planned.name, arguments: planned.arguments }))) return errorDue();
      const item: JsonObject = { ...base, arguments: planned.arguments, status: 'completed' };
      this.output.push(item);
      return step({ type: 'response.output_item.done', output_index: outputIndex, item });
    }
    const id = newId('rs');
    const at = { item_id: id, output_index: outputIndex, summary_index: 0 };
    if (!(await step({ type: 'response.output_item.added', output_index: outputIndex, item: { type: 'reasoning', id, summary: [] } }))) return errorDue();
    if (!(await step({ type: 'response.reasoning_summary_part.added', ...at, part: { type: 'summary_text', text: '' } }))) return errorDue();
    for (const piece of tokenPieces(planned.summary)) {
      await pacer.release(1);
      if (this.abortController.signal.aborted) return false;
      if (!(await step({ type: 'response.reasoning_summary_text.delta', ...at, delta: piece }))) return errorDue();
    }
    const text = planned.summary;
    if (!(await step({ type: 'response.reasoning_summary_text.done', ...at, text }))) return errorDue();
    if (!(await step({ type: 'response.reasoning_summary_part.done', ...at, part: { type: 'summary_text', text } }))) return errorDue();
    const item: JsonObject = { type: 'reasoning', id, summary: [{ type: 'summary_text', text }] };
    if (this.params.request.include.includes('reasoning.encrypted_content')) {
      // Opaque to clients; the emulator can read it back, which is all "encrypted" needs to mean here.
      item['encrypted_content'] = Buffer.from(JSON.stringify({ emulator: true, summary: text, tokens: itemTokens(item) })).toString('base64');
    }
    this.output.push(item);
    return step({ type: 'response.output_item.done', output_index: outputIndex, item });
  }
}
