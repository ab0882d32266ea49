// What the model decided to do for one response, before it is streamed.
import type { StreamFault } from './faults';
import type { JsonObject } from './types';

export type PlannedItem =
  | { kind: 'text'; text: string }
  | { kind: 'call'; name: string; arguments: string; callId: string; async?: boolean }
  | { kind: 'reasoning'; summary: string };

export type PlanEnding =
  | { kind: 'completed' }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'incomplete'; reason: string };

export interface PlannedError {
  code: string;
  message: string;
  status: number;
  shape: 'request' | 'streaming';
  afterEvents: number;
}

export interface Plan {
  items: PlannedItem[];
  ending: PlanEnding;
  /** Answer with an `error` event instead of (request shape) or in the middle of (streaming shape) the response. */
  error: PlannedError | null;
  stallMs: number;
  tokensPerSecond: number;
  faults: StreamFault[];
  /** Which scenario step answered (null = fallback / default behaviour). */
  stepIndex: number | null;
}

/** What the model receives. */
export interface ModelInput {
  model: string;
  context: JsonObject[];
  instructions: string | null;
  tools: JsonObject[];
  include: string[];
}
