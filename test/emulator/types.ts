// Shared types of the emulator. The wire objects are deliberately loose (`Json`) because the emulator
// must accept whatever a client sends and judge it itself, instead of trusting the SDK's typings.
import type { Fault } from './faults';
import type { LinkOptions } from './link';
import type { CostModel } from './costModel';
import type { ReasoningEffort } from './modelProfiles';
import type { ScenarioSource } from './scenarios';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Options accepted by `startEmulator`. Every field is optional; defaults suit unit tests. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. The emulator only ever listens on 127.0.0.1. */
  port?: number;
  /** Bearer key the clients must present. Default 'sk-test-emulator'. */
  apiKey?: string;
  /** Accept any bearer key, as local servers do (the offline demo). Default false. */
  acceptAnyKey?: boolean;
  /** Base path of the API. Default '/v1'. */
  basePath?: string;
  /** The scripted model: a built-in name ('default'), a file path (.json/.yaml), or an object. */
  scenario?: ScenarioSource;
  /** Overrides the scenario's output pace, in tokens per second (0 = as fast as possible). */
  tokensPerSecond?: number;
  /** Model ids served by /models and accepted by response.create. */
  models?: string[];
  /** Whether `response.steer` is supported: one switch for all models or per model id. Default true. */
  steering?: boolean | Record<string, boolean>;
  /** Serve https:// and wss:// with a self-signed certificate generated at start. */
  tls?: boolean;
  /** Accept permessage-deflate when the client offers it. Default true. */
  deflate?: boolean;
  /** The modelled network link between client and server (off by default). */
  link?: Partial<LinkOptions>;
  /** The modelled server-side processing cost (off by default). */
  cost?: Partial<CostModel>;
  /** Injectable clock (ms since epoch). Default Date.now. `setClock`/`advanceClock` add an offset. */
  clock?: () => number;
  /** The hard connection limit. Default 60 minutes. */
  connectionLimitMs?: number;
  /** How often idle sockets are checked against the connection limit. Default 1000 ms. */
  connectionLimitCheckMs?: number;
  /** Server ping period; a socket that misses a pong until the next ping is terminated. 0 = off (default 30 s). */
  pingIntervalMs?: number;
  /** Extra delay when a continuation is hydrated from the server-wide store (store: true). Default 0. */
  hydrationDelayMs?: number;
  /**
   * Record the modelled server time (cost, hidden reasoning, compaction, output at the model's pace) in
   * `stats().requests[].modelledMs` without waiting for it, and stream unpaced: deterministic modelled
   * time for tests (the calibration). Default false: modelled delays are real waits.
   */
  virtualTime?: boolean;
  /**
   * OpenAI's prompt caching (prefixes of 1,024+ tokens, 128-token steps) on every request. Default true.
   * false = only the WebSocket connection cache gives cached tokens (the emulator before issue 15; kept
   * so a test can show what the calibration depends on).
   */
  promptCaching?: boolean;
  /**
   * Behave like a gateway that does not know lanes: any `response.create` carrying `stream_id` gets a
   * 400 `unknown_parameter` (param `stream_id`) and runs nothing. `true`: the error echoes the
   * `stream_id` (as named-lane errors do); `'withoutStreamId'`: it does not (a gateway that never looked
   * at the field). Default false.
   */
  rejectStreamId?: boolean | 'withoutStreamId';
  /** Faults armed from the start. */
  faults?: Fault[];
  /** Replay a recorded JSONL conversation instead of running the scripted model. */
  replay?: string | ReplayOptions;
  /** Log every frame to stderr (for the CLI). */
  verbose?: boolean;
}

export interface ReplayOptions {
  /** Path of a JSONL file in the shape of /work/shared/protocol/frames (`{"dir","frame"}` lines). */
  file: string;
  /** Give recorded response ids fresh values and expect the client to use the fresh ones. Default false. */
  freshIds?: boolean;
}

/** A `response.create` after validation, normalised (string input → one user message). */
export interface CreateRequest {
  model: string;
  input: JsonObject[];
  instructions: string | null;
  tools: JsonObject[];
  toolChoice: Json;
  parallelToolCalls: boolean;
  store: boolean;
  include: string[];
  previousResponseId: string | null;
  streamId: string | null;
  generate: boolean;
  /** `context_management: [{type:'compaction', compact_threshold}]`: compact past this many tokens (null = not asked). */
  compactThreshold: number | null;
  /** `reasoning.effort` (default medium): how many hidden reasoning tokens the model spends (timing profile). */
  reasoningEffort: ReasoningEffort;
  /** The body exactly as received, for echoing fields back in the response object. */
  raw: JsonObject;
}

export type Transport = 'ws' | 'http-sse' | 'http-json';
