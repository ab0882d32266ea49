/**
 * One question to the model, one answer: what inline edit, Fix and Explain share. The request
 * shape, the stream folded into what the feature shows while the answer arrives, and the outcome in
 * words. Pure: `ui/` shows and asks, this talks to the model client.
 */
import type { CancellationToken } from '../common/cancellation';
import { assistantText, type FunctionToolDefinition, type ResponseItem } from '../protocol/items';
import type { ModelClient, ModelOutcome, ModelRequest, ModelStreamEvent, RequestMetrics } from '../transport/modelClient';
import type { ModelFailure } from './events';

/** `store` as set, and what a response must bring back when the server keeps nothing. Shared with the agent's requests. */
export function storageFields(store: boolean): { store: boolean; include: string[] } {
  // With store:false the server keeps nothing; encrypted reasoning in the transcript lets a full resend
  // (new socket, lost cache) carry the model's reasoning forward.
  return { store, include: store ? [] : ['reasoning.encrypted_content'] };
}

export interface SingleShotSettings {
  model: string;
  store: boolean;
}

export interface SingleShotQuestion {
  instructions: string;
  tools: readonly FunctionToolDefinition[];
  input: readonly ResponseItem[];
  /** Its own lane of the workspace socket (`inline-1`, `fix-2`, `explain-1`), beside the chat's. */
  lane: string;
  /** `required` when only a tool call answers the question (inline edit, fix). */
  toolChoice?: 'auto' | 'required';
}

export function singleShotRequest(settings: SingleShotSettings, question: SingleShotQuestion): ModelRequest {
  const request: ModelRequest = {
    model: settings.model,
    instructions: question.instructions,
    tools: question.tools,
    input: question.input,
    lane: question.lane,
    ...storageFields(settings.store),
  };
  if (question.tools.length === 0) return request;
  return { ...request, toolChoice: question.toolChoice ?? 'auto', parallelToolCalls: true };
}

/** What a feature shows while the answer streams, built up from the stream's events. */
export interface StreamFold<T> {
  /** Takes one event; true when `value` changed. */
  add(event: ModelStreamEvent): boolean;
  readonly value: T;
}

export type SingleShotOutcome =
  | {
      kind: 'answered';
      output: ResponseItem[];
      metrics: RequestMetrics;
      /** Why the answer stopped early (`max_output_tokens`, …), when it did. */
      cutShort: string | undefined;
    }
  | { kind: 'cancelled' }
  | { kind: 'failed'; failure: ModelFailure; /** One sentence for the user. */ message: string };

export interface AskOptions<T> {
  token?: CancellationToken;
  fold?: StreamFold<T>;
  /** Called with the fold's value each time it changes. */
  onProgress?: (value: T) => void;
}

/** Runs the request and says how it ended; never throws (a client that throws counts as unreachable). */
export async function askOnce<T>(client: ModelClient, request: ModelRequest, options: AskOptions<T> = {}): Promise<SingleShotOutcome> {
  const { fold, onProgress } = options;
  let outcome: ModelOutcome;
  try {
    outcome = await client.run(request, {
      ...(options.token ? { token: options.token } : {}),
      onEvent: (event) => {
        if (fold?.add(event)) onProgress?.(fold.value);
      },
    });
  } catch (error) {
    outcome = { kind: 'networkError', message: error instanceof Error ? error.message : String(error) };
  }
  switch (outcome.kind) {
    case 'completed':
      return { kind: 'answered', output: outcome.output, metrics: outcome.metrics, cutShort: undefined };
    case 'incomplete':
      return { kind: 'answered', output: outcome.output, metrics: outcome.metrics, cutShort: outcome.reason };
    case 'cancelled':
      return { kind: 'cancelled' };
    default:
      return { kind: 'failed', failure: outcome, message: describeModelFailure(outcome) };
  }
}

/** A failed model call in one sentence: what went wrong, then the server's or the network's own words. */
export function describeModelFailure(failure: ModelFailure): string {
  const detail = failure.message.trim().replace(/\.$/, '');
  switch (failure.kind) {
    case 'authFailed':
      return `The model server refused the API key: ${detail}.`;
    case 'rateLimited': {
      const wait = failure.retryAfterMs === undefined ? '' : ` (try again in ${Math.ceil(failure.retryAfterMs / 1000)} s)`;
      return `The model server is limiting requests${wait}: ${detail}.`;
    }
    case 'networkError':
      return `The model server could not be reached: ${detail}.`;
    case 'serverError':
      return `The model server failed the request (${failure.code}): ${detail}.`;
  }
}

/** Folds the streamed answer text (an explanation, a refusal). */
export class AnswerTextFold implements StreamFold<string> {
  value = '';

  add(event: ModelStreamEvent): boolean {
    if (event.kind !== 'textDelta') return false;
    this.value += event.delta;
    return true;
  }
}

/** The text of a finished answer: its assistant messages, a blank line apart. */
export function answerText(output: readonly ResponseItem[]): string {
  return output.flatMap((item) => (item.type === 'message' && item.role === 'assistant' ? [assistantText(item)] : [])).join('\n\n');
}
