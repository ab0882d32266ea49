// What the benchmark driver needs from a contender: activate (whatever the client does before the
// user's first prompt, not timed as part of the run), then one request per model response.
// The driver keeps the transcript; each contender sends what its own protocol needs from it.
import type { ResponseItem } from '../../../src/protocol/items';

export type ContenderId = 'holdfast-ws' | 'holdfast-ws-cold' | 'holdfast-http' | 'holdfast-http-store' | 'openai-ws';

export interface EmulatorEndpoint {
  /** HTTP base URL including /v1. */
  url: string;
  wsUrl: string;
  apiKey: string;
  /**
   * The emulator listens on loopback but may model a remote server (the broadband and mobile links).
   * Holdfast decides compression by the URL (none for loopback), so a modelled remote link tells it.
   */
  modelsRemote?: boolean;
}

export interface TurnRequest {
  /** The whole transcript so far (what Holdfast's ModelClient takes: the transport picks delta or full). */
  fullInput: readonly ResponseItem[];
  /** The items added since the last response (what a previous_response_id client sends). */
  newItems: readonly ResponseItem[];
  /** Called for every text delta (the per-delta CPU measurement feeds the chat presenter from here). */
  onTextDelta?: (itemId: string, text: string) => void;
}

export interface TurnResult {
  responseId: string;
  output: ResponseItem[];
  /** From handing the request to the client until its first streamed token (text, reasoning or call arguments). */
  ttftMs: number | undefined;
  textDeltas: number;
}

export interface ContenderClient {
  activate(): Promise<void>;
  /** Resolves with the completed response; rejects (with the server's words) on anything else. */
  request(turn: TurnRequest): Promise<TurnResult>;
  close(): Promise<void>;
}

export interface ContenderSpec {
  id: ContenderId;
  label: string;
  /** One line for the report: what this contender is and how it talks. */
  description: string;
  create(endpoint: EmulatorEndpoint): ContenderClient;
}
