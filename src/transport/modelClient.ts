/**
 * The contract between the transport and everything above it (agent loop, inline edit, code actions).
 * Callers always pass the FULL context from their local transcript; the transport alone decides whether
 * the wire carries a delta (previous_response_id + new items) or the full input, and it may drop its
 * chain state at any time. Nothing here throws across the layer: every run ends in a typed outcome.
 */
import type { CancellationToken } from '../common/cancellation';
import type { Event } from '../common/event';
import type { FunctionToolDefinition, ResponseItem, Usage } from '../protocol/items';

export interface ModelRequest {
  model: string;
  instructions: string;
  tools: readonly FunctionToolDefinition[];
  /** The whole conversation so far, oldest first, as the local transcript holds it. */
  input: readonly ResponseItem[];
  /** Overrides the transport's `holdfast.store` setting. */
  store?: boolean;
  toolChoice?: 'auto' | 'none' | 'required';
  parallelToolCalls?: boolean;
  reasoning?: { effort?: 'minimal' | 'low' | 'medium' | 'high'; summary?: 'auto' | 'concise' | 'detailed' };
  include?: readonly string[];
  maxOutputTokens?: number;
  /**
   * Which lane of the workspace socket this runs on. Undefined: the default lane (the chat agent).
   * Named lanes (inline edit, code-action fixes) run concurrently with the default lane.
   */
  lane?: string;
  /**
   * Start this lane's chain from a response made on another lane (branch from an earlier turn) instead
   * of its own last response. Only an optimisation: the full input is still the truth.
   */
  forkFromResponseId?: string;
  /**
   * With `forkFromResponseId` and `store: true`: the fork source's server-side context is the first
   * this-many items of `input`, so the server can hydrate it from storage when no lane caches it.
   */
  forkPrefixItems?: number;
  /**
   * Compaction on the server past this many tokens (`context_management`, protocol §8). Part of the
   * chain like the other parameters. Never with steering: the server refuses a steer into such a response.
   */
  contextManagement?: { compactThreshold: number };
  /** `service_tier` (`holdfast.serviceTier`); absent: the server's default. */
  serviceTier?: string;
}

/** A standalone compaction (`POST /responses/compact`): the window to compact, and for which model. */
export interface CompactRequest {
  model: string;
  /** The context to compact (the caller's model window, as a full request would send it). */
  input: readonly ResponseItem[];
  /** Per-request instructions, if any. */
  instructions?: string;
}

export type CompactOutcome =
  /** `output`: the compacted window (user messages, then one compaction item); start a NEW chain with it. */
  | { kind: 'compacted'; output: ResponseItem[]; usage: Usage | undefined; bytesSent: number; totalMs: number }
  | { kind: 'cancelled' }
  | { kind: 'authFailed'; message: string }
  | { kind: 'rateLimited'; message: string; retryAfterMs: number | undefined }
  | { kind: 'networkError'; message: string }
  | { kind: 'serverError'; code: string; message: string; retryable: boolean };

/** Normalised streaming events, for display. Deltas are for the eye; `itemDone` is what to act on. */
export type ModelStreamEvent =
  | { kind: 'created'; responseId: string }
  | { kind: 'textDelta'; itemId: string; delta: string }
  | { kind: 'reasoningDelta'; itemId: string; delta: string }
  | { kind: 'toolCallStarted'; itemId: string; callId: string; name: string }
  | { kind: 'toolCallArgumentsDelta'; itemId: string; delta: string }
  | { kind: 'itemDone'; item: ResponseItem }
  /** The server is compacting the context (`context_management`); a compaction item follows. */
  | { kind: 'compacting' }
  /** The transport lost the connection or the server's state and is resending; nothing is lost. */
  | { kind: 'recovering'; reason: string; attempt: number };

export interface RunOptions {
  token?: CancellationToken;
  onEvent?: (event: ModelStreamEvent) => void;
}

/** Per-request wire and token figures, for the turn footer, the status bar and the benchmarks. */
export interface RequestMetrics {
  lane: string | undefined;
  transport: 'websocket' | 'http';
  /** `delta`: previous_response_id + new items; `full`: the whole input; `warmup`: generate:false. */
  mode: 'delta' | 'full' | 'warmup';
  responseId: string | undefined;
  /** JSON payload bytes the client sent for this request (all attempts). */
  bytesSent: number;
  /** Bytes on the wire after compression, when known (permessage-deflate), else equal to bytesSent. */
  wireBytesSent: number;
  bytesReceived: number;
  /** What a stateless client (full context, no previous_response_id) would have sent for this request. */
  statelessBytes: number;
  usage: Usage | undefined;
  timeToFirstEventMs: number | undefined;
  timeToFirstTokenMs: number | undefined;
  totalMs: number;
  /** Reconnects or full resends this request needed. */
  recoveries: number;
  /**
   * Measured connect duration (TCP + TLS + WebSocket upgrade, timed when the socket opened) of the
   * socket this request ran on; undefined over HTTP.
   */
  connectMs: number | undefined;
  /**
   * Connect time this request did not wait for: the `connectMs` of the socket its first attempt ran on
   * when that socket was already open before the request was made, else 0. Always 0 over HTTP, for a
   * warm-up, and after a recovery (a resend on a new socket paid a connect anyway).
   */
  connectAvoidedMs: number;
  /**
   * When this request continued a warm-up response (generate:false) as a delta: the warm-up request's
   * measured time on the socket (its connect excluded) that ran before this request was made, i.e. off
   * the critical path. Else 0; the same zero rules as `connectAvoidedMs`.
   */
  warmupAvoidedMs: number;
  /** The `service_tier` the server reported for this request's response (the tier it actually ran on). */
  serviceTier?: string;
}

export type ModelOutcome =
  | {
      kind: 'completed';
      responseId: string;
      /**
       * Items to append to the transcript, in order. Usually the response's output; after a delivered
       * steer it is the steered response's partial output, the steered user message, then the
       * successor's output, so a later full resend reproduces exactly what the server saw.
       */
      output: ResponseItem[];
      usage: Usage | undefined;
      metrics: RequestMetrics;
    }
  | {
      kind: 'incomplete';
      responseId: string;
      reason: string;
      output: ResponseItem[];
      usage: Usage | undefined;
      metrics: RequestMetrics;
    }
  | { kind: 'cancelled' }
  | { kind: 'authFailed'; message: string }
  | { kind: 'rateLimited'; message: string; retryAfterMs: number | undefined }
  | { kind: 'networkError'; message: string }
  /** The server answered but refused or failed the request (`response.failed`, an `error` event). */
  | { kind: 'serverError'; code: string; message: string; retryable: boolean };

export type SteerResult =
  /** The server took the text into the running response; the outcome's `output` includes it. */
  | { status: 'delivered' }
  /**
   * The response stopped for tool outputs and the server holds the text for the next request: the
   * caller appends the user message to its transcript after this round's tool outputs; the transport
   * knows not to send it twice.
   */
  | { status: 'pending' }
  /** Not delivered (no running response, steering unsupported, …): send it with the next request. */
  | { status: 'notDelivered'; reason: string };

export type TransportState =
  | { kind: 'idle' }
  | { kind: 'noKey' }
  | { kind: 'connecting' }
  | { kind: 'warm'; latencyMs: number | undefined }
  | { kind: 'busy' }
  | { kind: 'reconnecting'; attempt: number; reason: string }
  | { kind: 'httpFallback'; reason: string }
  | { kind: 'authError'; message: string }
  | { kind: 'offline'; message: string };

/** What the agent, the inline edit and the code actions use to talk to the model. */
export interface ModelClient {
  run(request: ModelRequest, options?: RunOptions): Promise<ModelOutcome>;
  /** Offer user text to the response running on `lane`; never loses the text (see SteerResult). */
  steer(text: string, lane?: string): Promise<SteerResult>;
  /** The standalone compaction, between requests; absent where the client cannot compact. */
  compact?(request: CompactRequest, options?: { token?: CancellationToken }): Promise<CompactOutcome>;
  /**
   * Speculative prefill: `request` prepared on a side lane with `generate: false`, forked from the head
   * of `request.lane`'s chain; a later request continues it with `forkFromResponseId`. WebSocket only
   * (over HTTP it answers `prefill_skipped`); absent where the client cannot prefill.
   */
  prefill?(request: ModelRequest, options?: { token?: CancellationToken }): Promise<ModelOutcome>;
  readonly state: TransportState;
  readonly onDidChangeState: Event<TransportState>;
  readonly onDidMeasure: Event<RequestMetrics>;
}
