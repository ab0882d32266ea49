// State shared by every connection: options, clock, the server-wide response store (store: true),
// the scripted model, faults and accounting; and the transport-independent part of a turn
// (building the model's context, counting tokens, planning).
import { randomBytes } from 'node:crypto';
import { Accounting, type CacheOutcome } from './accounting';
import { pairingError } from './context';
import { resolveCost, type CostModel } from './costModel';
import { apiError, type ApiError } from './errors';
import { FaultBook } from './faults';
import { resolveLink, type LinkOptions } from './link';
import { sleep } from './pacing';
import type { Plan } from './plan';
import { loadScenario } from './scenarios';
import { ScriptedModel } from './scriptedModel';
import { itemsTokens, promptPreambleTokens } from './tokens';
import type { CreateRequest, EmulatorOptions, JsonObject } from './types';

export const DEFAULT_MODELS = [
  'gpt-5.2',
  'gpt-5.2-codex',
  'gpt-5.1',
  'gpt-5.1-codex',
  'gpt-5',
  'gpt-5-mini',
  'gpt-5-nano',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4o',
  'gpt-4o-mini',
  'o4-mini',
  'o3',
];

export const DEFAULT_API_KEY = 'sk-test-emulator';
export const SIXTY_MINUTES_MS = 60 * 60 * 1000;

/** A finished response as the server remembers it: enough to continue a chain from it. */
export interface StoredResponse {
  id: string;
  model: string;
  /** The model's full context after this response: previous context + input + output. */
  context: JsonObject[];
  output: JsonObject[];
  inputTokens: number;
  outputTokens: number;
  /** Function calls in the output, which the next request must answer. */
  pendingCallIds: string[];
  request: CreateRequest;
}

export interface TurnSetup {
  context: JsonObject[];
  inputTokens: number;
  cachedTokens: number;
  plan: Plan | null;
}

export class Engine {
  readonly accounting = new Accounting();
  readonly faults = new FaultBook();
  /** The server-wide store: responses made with store: true, by id. */
  readonly store = new Map<string, StoredResponse>();
  readonly model: ScriptedModel;
  readonly apiKey: string;
  readonly basePath: string;
  readonly models: string[];
  readonly link: LinkOptions;
  readonly cost: CostModel;
  readonly connectionLimitMs: number;
  private clockOffsetMs = 0;
  private readonly baseClock: () => number;

  constructor(readonly options: EmulatorOptions) {
    this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
    this.basePath = (options.basePath ?? '/v1').replace(/\/$/, '');
    this.models = options.models ?? DEFAULT_MODELS;
    this.link = resolveLink(options.link);
    this.cost = resolveCost(options.cost);
    this.connectionLimitMs = options.connectionLimitMs ?? SIXTY_MINUTES_MS;
    this.baseClock = options.clock ?? Date.now;
    this.model = new ScriptedModel(loadScenario(options.scenario), options.tokensPerSecond, randomBytes(4).toString('hex'));
    for (const fault of options.faults ?? []) this.faults.arm(fault);
  }

  clock(): number {
    return this.baseClock() + this.clockOffsetMs;
  }

  setClock(nowMs: number): void {
    this.clockOffsetMs = nowMs - this.baseClock();
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  steeringSupported(model: string): boolean {
    const s = this.options.steering;
    if (s === undefined || typeof s === 'boolean') return s ?? true;
    return s[model] ?? true;
  }

  authorized(header: string | undefined): boolean {
    // Like local servers (Ollama, LM Studio), the demo accepts any bearer; a missing header still fails.
    if (this.options.acceptAnyKey) return typeof header === 'string' && /^Bearer \S+$/.test(header);
    return header === `Bearer ${this.apiKey}`;
  }

  /** Sleeps for a modelled delay and records it (kind e.g. 'cost.httpRequest', 'link.handshake'). */
  async modelledDelay(kind: string, ms: number, connectionId: string | null, signal?: AbortSignal): Promise<void> {
    if (!(ms > 0)) return;
    this.accounting.recordDelay(kind, ms, connectionId);
    await sleep(ms, signal);
  }

  /**
   * Forms the model's context (the previous response's context + the new input [+ steered text]) and
   * plans the answer. Returns an ApiError for requests the real server rejects before running the model.
   */
  setupTurn(request: CreateRequest, previous: StoredResponse | null, cache: CacheOutcome, extraInput: JsonObject[] = []): TurnSetup | ApiError {
    const context = [...(previous?.context ?? []), ...request.input, ...extraInput];
    const inputTokens = promptPreambleTokens(request.instructions, request.tools) + itemsTokens(context);
    const cachedTokens = cache === 'hit' && previous ? Math.min(previous.inputTokens + previous.outputTokens, inputTokens) : 0;
    if (!request.generate) return { context, inputTokens, cachedTokens, plan: null };
    const pairing = pairingError(context);
    if (pairing) return apiError(400, null, pairing, 'input');
    if (previous && previous.model !== request.model) {
      this.accounting.warnings.push(`model changed along a chain: ${previous.id} was ${previous.model}, continuation asks ${request.model}`);
    }
    const plan = this.model.plan({ model: request.model, context, instructions: request.instructions, tools: request.tools, include: request.include });
    return { context, inputTokens, cachedTokens, plan };
  }

  /** What is remembered of a finished response. */
  remember(id: string, request: CreateRequest, setup: TurnSetup, output: JsonObject[], outputTokens: number): StoredResponse {
    const stored: StoredResponse = {
      id,
      model: request.model,
      context: [...setup.context, ...output],
      output,
      inputTokens: setup.inputTokens,
      outputTokens,
      pendingCallIds: output.filter((o) => o['type'] === 'function_call').map((o) => String(o['call_id'] ?? '')),
      request,
    };
    if (request.store) this.store.set(id, stored);
    return stored;
  }

  recordToolCalls(responseId: string, output: readonly JsonObject[]): void {
    for (const item of output) {
      if (item['type'] !== 'function_call') continue;
      this.accounting.toolCalls.push({ responseId, callId: String(item['call_id'] ?? ''), name: String(item['name'] ?? ''), arguments: String(item['arguments'] ?? '') });
    }
  }
}
