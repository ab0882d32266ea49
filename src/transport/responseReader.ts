/**
 * Reads the events of one request (WebSocket or SSE, same payloads) into display events and, at the
 * terminal event, the items to append to the transcript. Knows about steered responses: an
 * `incomplete` with reason `steered` is not the end; the successor's events follow on the same lane.
 */
import type { ResponseItem, Usage } from '../protocol/items';
import {
  normalizeError,
  type ServerEvent,
  type WireError,
  type WireResponse,
  type WireUsage,
} from '../protocol/responses';
import type { ModelStreamEvent } from './modelClient';
import { steerErrorCode, type SteerTracker } from './steer';

export type ReadEnd =
  | { kind: 'completed'; responseId: string; output: ResponseItem[]; usage: Usage | undefined }
  | { kind: 'incomplete'; responseId: string; reason: string; output: ResponseItem[]; usage: Usage | undefined }
  | { kind: 'failed'; responseId: string; code: string; message: string }
  | { kind: 'error'; error: WireError };

export class ResponseReader {
  private currentResponseId: string | undefined;
  /** Output of the current response, by output_index, from `response.output_item.done`. */
  private doneItems = new Map<number, ResponseItem>();
  /** Output of earlier (steered) responses of this request, plus the steered user messages. */
  private readonly carried: ResponseItem[];
  private usageTotal: Usage | undefined;
  private reportedTier: string | undefined;
  private firstTokenSeen = false;

  constructor(
    private readonly emit: (event: ModelStreamEvent) => void,
    private readonly steer: SteerTracker | undefined,
    /** Called once, on the first text/reasoning/arguments delta: time to first token. */
    private readonly onFirstToken: () => void = () => undefined,
    /** Items a previous attempt of this request already settled (a delivered steer survives a resend). */
    carried: readonly ResponseItem[] = [],
  ) {
    this.carried = [...carried];
  }

  /** The steered responses' output and the steered user messages so far. */
  get carriedItems(): readonly ResponseItem[] {
    return this.carried;
  }

  get responseId(): string | undefined {
    return this.currentResponseId;
  }

  /** The `service_tier` the latest response object reported: the tier that actually served it. */
  get serviceTier(): string | undefined {
    return this.reportedTier;
  }

  /** Returns the end of the request when `event` is its terminal event. */
  handle(event: ServerEvent): ReadEnd | undefined {
    if ('response' in event && typeof event.response.service_tier === 'string') this.reportedTier = event.response.service_tier;
    switch (event.type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        return this.delta({ kind: 'textDelta', itemId: event.item_id, delta: event.delta });
      case 'response.function_call_arguments.delta':
        return this.delta({ kind: 'toolCallArgumentsDelta', itemId: event.item_id, delta: event.delta });
      case 'response.reasoning_text.delta':
      case 'response.reasoning_summary_text.delta':
        return this.delta({ kind: 'reasoningDelta', itemId: event.item_id, delta: event.delta });
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
        if (this.currentResponseId !== event.response.id) {
          this.currentResponseId = event.response.id;
          this.doneItems = new Map();
          this.emit({ kind: 'created', responseId: event.response.id });
        }
        return undefined;
      case 'response.output_item.added':
        this.onItemAdded(event.item as { type: string; id?: string; call_id?: string; name?: string });
        return undefined;
      case 'response.compaction.compacting':
        this.emit({ kind: 'compacting' });
        return undefined;
      case 'response.output_item.done':
        this.doneItems.set(event.output_index, event.item);
        this.emit({ kind: 'itemDone', item: event.item });
        return undefined;
      case 'response.completed':
        this.currentResponseId = event.response.id;
        return {
          kind: 'completed',
          responseId: event.response.id,
          output: [...this.carried, ...this.outputOf(event.response)],
          usage: this.addUsage(event.response.usage),
        };
      case 'response.incomplete':
        return this.onIncomplete(event.response);
      case 'response.failed':
        return {
          kind: 'failed',
          responseId: event.response.id,
          code: event.response.error?.code ?? 'response_failed',
          message: event.response.error?.message ?? 'The response failed.',
        };
      case 'error': {
        const steerCode = steerErrorCode(event);
        if (steerCode !== undefined) {
          this.steer?.onSteerError(steerCode); // it answers a steer: the response goes on
          return undefined;
        }
        return { kind: 'error', error: normalizeError(event) };
      }
      case 'response.steer.accepted':
        this.steer?.onAccepted(event);
        return undefined;
      case 'response.steer.pending':
        this.steer?.onPending(event);
        return undefined;
      case 'response.steer.failed':
        this.steer?.onFailed(event);
        return undefined;
      default:
        // Done-events, content parts, annotations, unknown types: nothing to show or keep beyond itemDone.
        return undefined;
    }
  }

  /** A delta is for the eye only; the first one is the time to first token. */
  private delta(event: ModelStreamEvent): undefined {
    this.firstToken();
    this.emit(event);
    return undefined;
  }

  private onItemAdded(item: { type: string; id?: string; call_id?: string; name?: string }): void {
    if (item.type === 'function_call' && typeof item.call_id === 'string') {
      this.emit({ kind: 'toolCallStarted', itemId: item.id ?? item.call_id, callId: item.call_id, name: item.name ?? '' });
    }
  }

  private onIncomplete(response: WireResponse): ReadEnd | undefined {
    const reason = response.incomplete_details?.reason ?? 'unknown';
    const usage = this.addUsage(response.usage);
    if (reason === 'steered') {
      // Not the end: the successor continues automatically. Keep what the steered response said, then
      // the user's steer, so a later full resend reproduces the context the successor saw.
      this.carried.push(...this.outputOf(response), ...(this.steer?.onSteered() ?? []));
      this.doneItems = new Map();
      return undefined;
    }
    return { kind: 'incomplete', responseId: response.id, reason, output: [...this.carried, ...this.outputOf(response)], usage };
  }

  /** The response's own `output` is authoritative; the streamed `output_item.done` items stand in when it is empty. */
  private outputOf(response: WireResponse): ResponseItem[] {
    if (response.output && response.output.length > 0) return response.output;
    return [...this.doneItems.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  }

  private addUsage(wire: WireUsage | null | undefined): Usage | undefined {
    if (!wire) return this.usageTotal;
    const usage = toUsage(wire);
    this.usageTotal = this.usageTotal ? addUsage(this.usageTotal, usage) : usage;
    return this.usageTotal;
  }

  private firstToken(): void {
    if (this.firstTokenSeen) return;
    this.firstTokenSeen = true;
    this.onFirstToken();
  }
}

export function toUsage(wire: WireUsage): Usage {
  const usage: Usage = {
    inputTokens: wire.input_tokens,
    cachedTokens: wire.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: wire.output_tokens,
    reasoningTokens: wire.output_tokens_details?.reasoning_tokens ?? 0,
  };
  // Only where the server reports them (GPT-5.6+): absent is "not reported", not zero.
  const writes = wire.input_tokens_details?.cache_write_tokens;
  if (writes !== undefined) usage.cacheWriteTokens = writes;
  return usage;
}

/** The sum of two usages (a steered response and its successor); cache writes stay absent when neither reports them. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
  if (a.cacheWriteTokens !== undefined || b.cacheWriteTokens !== undefined) sum.cacheWriteTokens = (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0);
  return sum;
}
