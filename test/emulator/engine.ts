// State shared by every connection: options, clock, the server-wide response store (store: true),
// the scripted model, faults and accounting; and the transport-independent part of a turn
// (building the model's context, counting tokens, planning).
import { randomBytes } from 'node:crypto';
import { Accounting, type CacheOutcome, type RequestRecord } from './accounting';
import { asyncDeclarationError, markAsyncCalls } from './asyncTools';
import { CompactionMemory, compactedView, compactionItem, summaryTokens } from './compaction';
import { pairingError } from './context';
import { isCostModelled, requestCost, resolveCost, type CostModel } from './costModel';
import { apiError, contextLengthExceeded, type ApiError } from './errors';
import { FaultBook } from './faults';
import { resolveLink, type LinkOptions } from './link';
import { effectiveEffort, effortSegment, reportedServiceTier } from './configuration';
import { PROFILED_MODELS, profileOf, requestCostUsd, type ModelProfile, type ReasoningEffort } from './modelProfiles';
import { sleep } from './pacing';
import type { Plan } from './plan';
import { cacheWriteTokens, commonPrefixTokens, PromptCache, promptSegments, segmentsOf, totalTokens, type PromptSegment } from './promptCache';
import { loadScenario } from './scenarios';
import { ScriptedModel } from './scriptedModel';
import { itemsTokens, itemTokens } from './tokens';
import type { CreateRequest, EmulatorOptions, JsonObject } from './types';

export const DEFAULT_MODELS: readonly string[] = PROFILED_MODELS;

export const DEFAULT_API_KEY = 'sk-test-emulator';
export const SIXTY_MINUTES_MS = 60 * 60 * 1000;

/** A finished response as the server remembers it: enough to continue a chain from it. */
export interface StoredResponse {
  id: string;
  model: string;
  /** The model's context after this response (previous context + input + output), compacted. */
  context: JsonObject[];
  output: JsonObject[];
  inputTokens: number;
  outputTokens: number;
  /** The prompt this response read, then its output: what a continuation on the same socket extends. */
  segments: PromptSegment[];
  /** Function calls in the output, which the next request must answer. */
  pendingCallIds: string[];
  request: CreateRequest;
}

export interface TurnSetup {
  /** The compacted context the model reads (its prompt, without instructions and tools). */
  context: JsonObject[];
  segments: PromptSegment[];
  inputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  plan: Plan | null;
  profile: ModelProfile;
  /** context_management compaction: the item this response emits first, or null. */
  compaction: JsonObject | null;
  /** The reasoning effort in force: the latest `configuration_update` in the context, else the top-level one. */
  effort: ReasoningEffort;
  /** Reasoning tokens the model spends before answering (billed, never shown): the timing profile's. */
  hiddenReasoningTokens: number;
  /** The output pace used for modelled time (tokens/s; 0 = unpaced). */
  modelledTokensPerSecond: number;
}

export class Engine {
  readonly accounting = new Accounting();
  readonly faults = new FaultBook();
  /** The server-wide store: responses made with store: true, by id. */
  readonly store = new Map<string, StoredResponse>();
  /** OpenAI's prompt caching, server-wide (every request, every transport). */
  readonly promptCache = new PromptCache();
  readonly compactions = new CompactionMemory();
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
    this.models = options.models ?? [...DEFAULT_MODELS];
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
    const byProfile = profileOf(model).features.steering;
    if (byProfile !== 'option') return byProfile;
    const s = this.options.steering;
    if (s === undefined || typeof s === 'boolean') return s ?? true;
    return s[model] ?? true;
  }

  /** Server time is modelled (benchmarks, calibration): the model's timing profile applies. */
  get timed(): boolean {
    return isCostModelled(this.cost) || this.options.virtualTime === true;
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
    if (!this.options.virtualTime) await sleep(ms, signal);
  }

  /**
   * Forms the model's context (the previous response's context + the new input [+ steered text]),
   * counts and caches its prompt, and plans the answer. Returns an ApiError for requests the real
   * server rejects before running the model (pairing, context window).
   */
  setupTurn(request: CreateRequest, previous: StoredResponse | null, cache: CacheOutcome, extraInput: JsonObject[] = []): TurnSetup | ApiError {
    const profile = profileOf(request.model);
    const unsupported = asyncDeclarationError(request, profile);
    if (unsupported) return unsupported;
    const context = compactedView([...(previous?.context ?? []), ...request.input, ...extraInput]);
    const segments = this.promptOf(request, context, profile);
    const inputTokens = totalTokens(segments);
    if (inputTokens > profile.contextWindow) return contextLengthExceeded(inputTokens, profile.contextWindow);
    // The connection cache holds the previous response itself; anything else is prompt caching.
    const cachedTokens = cache === 'hit' && previous ? commonPrefixTokens(previous.segments, segments) : this.prefixCached(segments);
    this.registerPrompt(segments);
    const effort = request.reasoningEffort;
    const base = { context, segments, inputTokens, cachedTokens, cacheWriteTokens: cacheWriteTokens(inputTokens, cachedTokens), profile, compaction: null, effort, hiddenReasoningTokens: 0, modelledTokensPerSecond: 0 };
    if (!request.generate) return { ...base, plan: null };
    const pairing = pairingError(context);
    if (pairing) return apiError(400, null, pairing, 'input');
    if (previous && previous.model !== request.model) {
      this.accounting.warnings.push(`model changed along a chain: ${previous.id} was ${previous.model}, continuation asks ${request.model}`);
    }
    const compaction = request.compactThreshold !== null && inputTokens > request.compactThreshold ? compactionItem(summaryTokens(inputTokens), 'all') : null;
    if (compaction) this.compactions.remember(compaction, context);
    const view = this.compactions.expand(compaction ? [compaction] : context);
    const plan = this.model.plan({ model: request.model, context: view, instructions: request.instructions, tools: request.tools, include: request.include });
    markAsyncCalls(plan, request);
    const pace = this.paceFor(plan, profile);
    if (this.options.virtualTime) plan.tokensPerSecond = 0;
    const inForce = effectiveEffort(request.reasoningEffort, context);
    return { ...base, plan, compaction, effort: inForce, hiddenReasoningTokens: this.timed ? profile.timing.reasoningTokens[inForce] : 0, modelledTokensPerSecond: pace };
  }

  /**
   * The output pace: an explicit one (option, step, scenario) wins; when server time is modelled and
   * none is given, the model's timing profile.
   */
  private paceFor(plan: Plan, profile: ModelProfile): number {
    const explicit = this.options.tokensPerSecond ?? (plan.stepIndex !== null ? this.model.scenario.steps[plan.stepIndex]?.tokensPerSecond : undefined) ?? this.model.scenario.tokensPerSecond;
    if (explicit === undefined && this.timed) plan.tokensPerSecond = profile.timing.tokensPerSecond;
    return plan.tokensPerSecond;
  }

  /** What is remembered of a finished response. */
  remember(id: string, request: CreateRequest, setup: TurnSetup, output: JsonObject[], outputTokens: number): StoredResponse {
    const segments = [...setup.segments, ...segmentsOf(output)];
    // The KV of the output is computed too: a chain that resends it over HTTP finds it cached.
    this.registerPrompt(this.promptOf(request, [...setup.context, ...output], setup.profile));
    const stored: StoredResponse = {
      id,
      model: request.model,
      context: compactedView([...setup.context, ...output]),
      output,
      inputTokens: setup.inputTokens,
      outputTokens,
      segments,
      // Async calls (asyncTools.ts) need no output before the next request.
      pendingCallIds: output.filter((o) => o['type'] === 'function_call' && o['async'] !== true).map((o) => String(o['call_id'] ?? '')),
      request,
    };
    if (request.store) this.store.set(id, stored);
    return stored;
  }

  /** The prompt in reading order; an explicit top-level effort heads it (changing it starts a new prefix). */
  private promptOf(request: CreateRequest, context: readonly JsonObject[], profile: ModelProfile): PromptSegment[] {
    const segments = promptSegments({ instructions: request.instructions, tools: request.tools, context, instructionsAfterInput: profile.features.instructionsAfterInput });
    return hasExplicitEffort(request) ? [effortSegment(request.reasoningEffort), ...segments] : segments;
  }

  prefixCached(segments: readonly PromptSegment[]): number {
    return this.options.promptCaching === false ? 0 : this.promptCache.lookup(segments);
  }

  registerPrompt(segments: readonly PromptSegment[]): void {
    if (this.options.promptCaching !== false) this.promptCache.register(segments);
  }

  /** The server's modelled time before the first output token, by kind (ms). */
  preludeDelays(transport: 'ws' | 'http', warm: boolean, setup: Pick<TurnSetup, 'inputTokens' | 'cachedTokens' | 'hiddenReasoningTokens' | 'compaction' | 'modelledTokensPerSecond'>): Record<string, number> {
    const parts = requestCost(this.cost, { transport, warm, uncachedTokens: setup.inputTokens - setup.cachedTokens, cachedTokens: setup.cachedTokens });
    const pace = setup.modelledTokensPerSecond;
    if (pace > 0 && setup.hiddenReasoningTokens > 0) parts['model.reasoning'] = (setup.hiddenReasoningTokens * 1000) / pace;
    const summary = setup.compaction ? itemTokens(setup.compaction) : 0;
    if (pace > 0 && summary > 0) parts['model.compaction'] = (summary * 1000) / pace;
    return parts;
  }

  /** Waits (or, in virtual time, only records) the prelude of a request. */
  async runPrelude(record: RequestRecord, parts: Record<string, number>, connectionId: string): Promise<void> {
    record.modelledMs = { ...(record.modelledMs ?? {}), ...parts };
    for (const [kind, ms] of Object.entries(parts)) await this.modelledDelay(kind, ms, connectionId);
  }

  /** After the response: its output time at the model's pace, what it compacted, and what it cost. */
  finishRecord(record: RequestRecord, setup: TurnSetup, output: readonly JsonObject[]): void {
    record.cacheWriteTokens = setup.cacheWriteTokens;
    if (setup.compaction) record.compacted = true;
    const visible = itemsTokens(output.filter((o) => o !== setup.compaction));
    if (setup.modelledTokensPerSecond > 0 && visible > 0) record.modelledMs = { ...(record.modelledMs ?? {}), 'model.output': (visible * 1000) / setup.modelledTokensPerSecond };
    const cost = requestCostUsd(setup.profile, { inputTokens: record.inputTokens, cachedTokens: record.cachedTokens, cacheWriteTokens: setup.cacheWriteTokens, outputTokens: record.outputTokens });
    if (cost !== null) record.costUsd = cost;
  }

  recordToolCalls(responseId: string, output: readonly JsonObject[]): void {
    for (const item of output) {
      if (item['type'] !== 'function_call') continue;
      this.accounting.toolCalls.push({ responseId, callId: String(item['call_id'] ?? ''), name: String(item['name'] ?? ''), arguments: String(item['arguments'] ?? '') });
    }
  }
}

/** What a ResponseRun takes from the turn's setup besides the plan. */
export function runExtras(setup: TurnSetup, request: CreateRequest): { hiddenReasoningTokens: number; cacheWriteTokens: number | null; compaction: JsonObject | null; reported: JsonObject } {
  return {
    // What the response object reports besides the request's echo: the tier used, the effort in force.
    reported: { service_tier: reportedServiceTier(request.raw['service_tier']), reasoning: { effort: setup.effort } },
    hiddenReasoningTokens: setup.hiddenReasoningTokens,
    cacheWriteTokens: setup.profile.features.cacheWrites ? setup.cacheWriteTokens : null,
    compaction: setup.compaction,
  };
}

function hasExplicitEffort(request: CreateRequest): boolean {
  const reasoning = request.raw['reasoning'];
  return typeof reasoning === 'object' && reasoning !== null && !Array.isArray(reasoning) && typeof reasoning['effort'] === 'string';
}
