/**
 * The fault campaign (issue 9): seeded, reproducible runs of agent scenarios on the real transport and
 * the emulator, each with one or more faults injected at random points, and the invariants checked
 * after every run:
 * - the run completes with the fault-free run's final files and (normalised) transcript, or ends with a
 *   typed error outcome allowed for the faults it met;
 * - no tool ran twice (agent tool starts, terminal runs, journal entries, applied batches, and the
 *   outputs the emulator received per call_id);
 * - no edit lost or half-applied (every file is its initial content or its last journalled edit, each
 *   journalled edit is answered in the transcript, and it is a state the fault-free run went through);
 * - the transcript is valid for the API (one output per call) and the stored session equals it;
 * - every steer the user sent is in the transcript exactly once, whatever the run met;
 * - no hang (a time bound per run); memory back to baseline (measured by the caller).
 * Runs go through a `ScenarioRunner`: by default the pure agent and transport in plain Node
 * (harness.ts); the integration suite passes one that drives Holdfast inside a real VS Code.
 */
import type { AgentEvent } from '../../src/agent/events';
import { userText } from '../../src/agent/transcript';
import type { ResponseItem } from '../../src/protocol/items';
import type { Emulator, Fault } from '../emulator';
import { withoutAsides } from '../emulator/context';
import type { JsonObject } from '../emulator/types';
import { normaliseTranscript, runScenario, type RunControl, type RunRecord, type RunSetup } from './harness';
import { int, mulberry32, pick, runSeed, type Rng } from '../fakes/prng';
import { CAMPAIGN_SCENARIOS, isAside, PLAIN_NODE_SCENARIOS, STEER_TEXT, type CampaignScenario } from './scenarios';

/** Runs one scenario and records what the invariants look at (plain Node: `runScenario`). */
export type ScenarioRunner = (setup: RunSetup) => Promise<RunRecord>;

/** Where the campaign runs: how a scenario is run, and which tools' outputs depend on that place's timing. */
export interface CampaignHost {
  run: ScenarioRunner;
  /**
   * Tools whose output legitimately differs between two fault-free runs there (in a real VS Code,
   * `get_diagnostics` reports whatever the language server has got to): compared as "some output".
   */
  volatileTools?: readonly string[];
}

export const PLAIN_NODE: CampaignHost = { run: runScenario };

export const FAULT_KINDS = [
  'drop',
  'stall',
  'connectionLimit',
  'previousResponseNotFound',
  'malformedFrame',
  'binaryFrame',
  'oversizedFrame',
  'reconnect426',
  'reconnect401',
  'reconnect429',
  'reconnect500',
  'slowHandshake',
  'rateLimit',
  'overloaded',
  /** The user presses Stop at a random point (mid-stream, as a tool starts, as a request starts). */
  'userStop',
  /** The user types while the turn runs: steered into the streaming response, or sent after the tools. */
  'steer',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * When a fault is armed (or, for connectionLimit, userStop and steer, acts): the n-th agent event of a
 * type, or `warmUp`: armed before the warm-up (the generate:false request right after connect), so it
 * hits the warm-up's connect, request or stream (previousResponseNotFound: the first delta after it).
 */
export interface Trigger {
  on: 'warmUp' | 'requestStarted' | 'textDelta' | 'toolCallStarted';
  index: number;
}

/** The kinds that can hit the warm-up: all but the user's own actions and the mid-session limit. */
export const WARM_UP_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(
  FAULT_KINDS.filter((kind) => kind !== 'connectionLimit' && kind !== 'userStop' && kind !== 'steer'),
);

/** No warm-up; a warm-up awaited before the first prompt; or the first prompt sent while it runs. */
export type WarmUpMode = 'off' | 'awaited' | 'concurrent';

export interface PlannedFault {
  kind: FaultKind;
  trigger: Trigger;
  /** The emulator faults armed at the trigger (empty for connectionLimit, which acts at once). */
  faults: Fault[];
}

export interface RunPlan {
  seed: number;
  run: number;
  scenario: CampaignScenario;
  warmUp: WarmUpMode;
  faults: PlannedFault[];
}

export interface Reference {
  record: RunRecord;
  normalised: string;
  /** Every content each file had in the fault-free run (initial and after each edit). */
  statesByPath: Map<string, Set<string>>;
  volatileTools: readonly string[];
  requests: number;
  textDeltas: number;
  toolCalls: number;
}

export interface RunVerdict {
  plan: RunPlan;
  outcome: string;
  violations: string[];
  /** Faults that actually fired (armed minus still pending at the end; connectionLimit when triggered). */
  injected: FaultKind[];
  /** Of those, the ones armed at the warm-up. */
  injectedAtWarmUp: FaultKind[];
  /** How each steer reached the model (`steerDelivered` events by channel). */
  steers: string[];
  durationMs: number;
  recoveries: number;
  usedHttp: boolean;
}

export const IDLE_TIMEOUT_MS = 400;
export const CONNECT_TIMEOUT_MS = 1000;
export const RUN_TIMEOUT_MS = 20_000;

// ─── Planning ───────────────────────────────────────────────────────────────────────────────────────

export async function buildReference(scenario: CampaignScenario, host: CampaignHost = PLAIN_NODE): Promise<Reference> {
  const record = await host.run({ scenario, timeoutMs: RUN_TIMEOUT_MS });
  const volatileTools = host.volatileTools ?? [];
  if (record.hung || record.outcomes.some((o) => o.kind !== 'completed')) {
    throw new Error(`the fault-free run of ${scenario.name} did not complete: ${JSON.stringify(record.outcomes).slice(0, 500)}`);
  }
  const statesByPath = new Map<string, Set<string>>();
  for (const [path, text] of Object.entries(record.initialFiles)) statesByPath.set(path, new Set([text]));
  for (const entry of record.journal) {
    const set = statesByPath.get(entry.path) ?? new Set<string>();
    if (entry.before === undefined) set.add('<absent>');
    set.add(entry.after);
    statesByPath.set(entry.path, set);
  }
  return {
    record,
    normalised: comparableTranscript(record.transcript, volatileTools),
    statesByPath,
    volatileTools,
    requests: record.stats.totals.requests,
    textDeltas: record.events.filter((e) => e.type === 'textDelta').length,
    toolCalls: record.events.filter((e) => e.type === 'toolCallStarted').length,
  };
}

function afterEvents(rng: Rng, ref: Reference, requestIndex: number): number {
  const events = ref.record.eventsPerRequest[requestIndex] ?? 20;
  return int(rng, 0, Math.max(1, events - 1));
}

function planFault(rng: Rng, kind: FaultKind, ref: Reference): PlannedFault {
  const request = int(rng, 0, Math.max(0, ref.requests - 1));
  const atRequest: Trigger = { on: 'requestStarted', index: request };
  const drop = (): Fault => ({ kind: 'drop', afterEvents: afterEvents(rng, ref, request) });
  switch (kind) {
    case 'drop':
      return { kind, trigger: atRequest, faults: [drop()] };
    case 'stall':
      return { kind, trigger: atRequest, faults: [{ kind: 'stall', ms: IDLE_TIMEOUT_MS * 2 + int(rng, 0, 400), afterEvents: afterEvents(rng, ref, request) }] };
    case 'connectionLimit':
    case 'userStop':
    case 'steer': {
      if (kind === 'steer' && rng() < 0.6) {
        // Into a running response: its stream pauses (for less than the idle timeout) at a random event,
        // and the user's text arrives meanwhile: steered, or held when the response already asked for a tool.
        const faults: Fault[] = [{ kind: 'stall', ms: int(rng, 150, 300), afterEvents: afterEvents(rng, ref, request) }];
        // Half of them lose the connection at a point of the steer's life (drawn last, so plans of other
        // kinds and seeds stay as they were): before any reply, after accepted / pending, or once steered.
        if (rng() < 0.5) faults.push({ kind: 'dropOnSteer', at: pick(rng, ['received', 'accepted', 'pending', 'steered'] as const) });
        return { kind, trigger: atRequest, faults };
      }
      // Mid-stream (a text delta), between requests (a tool starting), or right as a request starts.
      const options: Trigger[] = [atRequest];
      if (ref.textDeltas > 0) options.push({ on: 'textDelta', index: int(rng, 0, ref.textDeltas - 1) });
      if (ref.toolCalls > 0) options.push({ on: 'toolCallStarted', index: int(rng, 0, ref.toolCalls - 1) });
      return { kind, trigger: pick(rng, options), faults: [] };
    }
    case 'previousResponseNotFound':
      return { kind, trigger: atRequest, faults: [{ kind: 'previousResponseNotFound' }] };
    case 'malformedFrame':
      return { kind, trigger: atRequest, faults: [{ kind: 'malformedFrame', afterEvents: afterEvents(rng, ref, request) }] };
    case 'binaryFrame':
      return { kind, trigger: atRequest, faults: [{ kind: 'binaryFrame', afterEvents: afterEvents(rng, ref, request) }] };
    case 'oversizedFrame':
      return { kind, trigger: atRequest, faults: [{ kind: 'oversizedFrame', bytes: int(rng, 256 * 1024, 3 * 1024 * 1024), afterEvents: afterEvents(rng, ref, request) }] };
    case 'reconnect426':
    case 'reconnect401':
    case 'reconnect429':
    case 'reconnect500': {
      const status = Number(kind.slice('reconnect'.length));
      return { kind, trigger: atRequest, faults: [drop(), { kind: 'upgradeStatus', status }] };
    }
    case 'slowHandshake':
      // Sometimes within the connect timeout (slow but fine), sometimes past it (fall back to HTTP).
      return { kind, trigger: atRequest, faults: [drop(), { kind: 'handshakeDelay', ms: int(rng, 50, CONNECT_TIMEOUT_MS + 500) }] };
    case 'rateLimit':
      return { kind, trigger: atRequest, faults: [{ kind: 'rateLimit', retryAfterMs: int(rng, 10, 300) }] };
    case 'overloaded':
      return { kind, trigger: atRequest, faults: [{ kind: 'overloaded' }] };
  }
}

/** A fault armed before the warm-up: its connect, its request, or its two events (created, completed). */
function planWarmUpFault(rng: Rng, kind: FaultKind): PlannedFault {
  const trigger: Trigger = { on: 'warmUp', index: 0 };
  switch (kind) {
    case 'drop':
    case 'malformedFrame':
    case 'binaryFrame':
      return { kind, trigger, faults: [{ kind, afterEvents: 0 }] };
    case 'stall':
      return { kind, trigger, faults: [{ kind: 'stall', ms: IDLE_TIMEOUT_MS * 2 + int(rng, 0, 400), afterEvents: 0 }] };
    case 'oversizedFrame':
      return { kind, trigger, faults: [{ kind: 'oversizedFrame', bytes: int(rng, 256 * 1024, 3 * 1024 * 1024), afterEvents: 0 }] };
    case 'reconnect426':
    case 'reconnect401':
    case 'reconnect429':
    case 'reconnect500':
      return { kind, trigger, faults: [{ kind: 'upgradeStatus', status: Number(kind.slice('reconnect'.length)) }] };
    case 'slowHandshake':
      return { kind, trigger, faults: [{ kind: 'handshakeDelay', ms: int(rng, 50, CONNECT_TIMEOUT_MS + 500) }] };
    case 'rateLimit':
      return { kind, trigger, faults: [{ kind: 'rateLimit', retryAfterMs: int(rng, 10, 300) }] };
    case 'overloaded':
    case 'previousResponseNotFound':
      return { kind, trigger, faults: [{ kind }] };
    case 'steer':
      // The warm-up's stream pauses; the first prompt, sent meanwhile, waits for the lane, and the user
      // types then (executeRun sends the steer once the prompt's request has started).
      return { kind, trigger, faults: [{ kind: 'stall', ms: int(rng, 150, 300), afterEvents: 0 }] };
    default:
      throw new Error(`${kind} cannot hit the warm-up`);
  }
}

export function planRun(
  seed: number,
  run: number,
  references: ReadonlyMap<string, Reference>,
  scenarios: readonly CampaignScenario[] = CAMPAIGN_SCENARIOS,
): RunPlan {
  const rng = mulberry32(runSeed(seed, run));
  const scenario = pick(rng, scenarios);
  const ref = references.get(scenario.name);
  if (!ref) throw new Error(`no reference for ${scenario.name}`);
  const warmRoll = rng();
  const warmUp: WarmUpMode = warmRoll < 0.2 ? 'awaited' : warmRoll < 0.4 ? 'concurrent' : 'off';
  const count = rng() < 0.7 ? 1 : rng() < 0.8 ? 2 : 3;
  const faults = Array.from({ length: count }, () => {
    const kind = pick(rng, FAULT_KINDS);
    // In a run with a warm-up, about half the faults that can hit it do (a steer: while the prompt waits for it).
    const hitsWarmUp = warmUp !== 'off' && (WARM_UP_KINDS.has(kind) || (kind === 'steer' && warmUp === 'concurrent'));
    if (hitsWarmUp && rng() < 0.5) return planWarmUpFault(rng, kind);
    return planFault(rng, kind, ref);
  });
  return { seed, run, scenario, warmUp, faults };
}

// ─── Running and judging ────────────────────────────────────────────────────────────────────────────

/** Typed failures the UI can show, allowed per fault kind (besides `completed`). */
const ALLOWED_FAILURES: Partial<Record<FaultKind, string[]>> = {
  reconnect401: ['authFailed'],
  reconnect429: ['rateLimited'],
  userStop: ['cancelled'],
};
/** With several faults, one request may meet more than its recovery budget: these are then fine too. */
const ALLOWED_WITH_SEVERAL = ['networkError', 'serverError', 'rateLimited'];
/** Outcomes that are not failures but may end a run early. */
const NOT_FAILED = new Set(['cancelled']);

export async function executeRun(plan: RunPlan, ref: Reference, host: CampaignHost = PLAIN_NODE): Promise<RunVerdict> {
  const counters: Record<Trigger['on'], number> = { warmUp: 0, requestStarted: 0, textDelta: 0, toolCallStarted: 0 };
  const fired = new Set<number>();
  const connectionLimitsActed: number[] = [];
  const onEmulator = (emu: Emulator): void => {
    plan.faults.forEach((fault, i) => {
      if (fault.trigger.on !== 'warmUp') return;
      fired.add(i);
      for (const f of fault.faults) emu.setFault(f);
    });
  };
  const onAgentEvent = (event: AgentEvent, emu: Emulator, control: RunControl): void => {
    if (event.type !== 'requestStarted' && event.type !== 'textDelta' && event.type !== 'toolCallStarted') return;
    const index = counters[event.type]++;
    if (event.type === 'requestStarted' && index === 0) {
      // A steer planned at the warm-up: the first prompt's request has started, behind the paused warm-up.
      for (const fault of plan.faults) if (fault.kind === 'steer' && fault.trigger.on === 'warmUp') steerOnceStreaming(emu, control, 0);
    }
    plan.faults.forEach((fault, i) => {
      if (fired.has(i) || fault.trigger.on !== event.type || fault.trigger.index !== index) return;
      fired.add(i);
      if (fault.kind === 'userStop') {
        control.stop();
      } else if (fault.kind === 'steer') {
        for (const f of fault.faults) emu.setFault(f);
        if (fault.faults.length > 0) steerOnceStreaming(emu, control, responsesCreated(emu));
        else control.steer(STEER_TEXT);
      } else if (fault.kind === 'connectionLimit') {
        const open = emu.stats().connections.some((c) => c.transport === 'ws' && c.closedAt === null);
        emu.setFault({ kind: 'connectionLimitNow' });
        if (open) connectionLimitsActed.push(i);
      } else {
        for (const f of fault.faults) emu.setFault(f);
      }
    });
  };
  const warmUp = plan.warmUp === 'off' ? false : plan.warmUp === 'awaited' ? true : 'concurrent';
  const record = await host.run({ scenario: plan.scenario, warmUp, hooks: { onEmulator, onAgentEvent }, timeoutMs: RUN_TIMEOUT_MS });
  // Which faults fired: triggered, and (for armed ones) no longer pending in the emulator.
  const injected: FaultKind[] = [];
  const injectedAtWarmUp: FaultKind[] = [];
  plan.faults.forEach((fault, i) => {
    if (!fired.has(i)) return;
    let didFire: boolean;
    if (fault.kind === 'userStop' || fault.kind === 'steer') didFire = true;
    else if (fault.kind === 'connectionLimit') didFire = connectionLimitsActed.includes(i);
    else didFire = fault.faults.some((f) => !record.pendingFaults.includes(f));
    if (!didFire) return;
    injected.push(fault.kind);
    if (fault.trigger.on === 'warmUp') injectedAtWarmUp.push(fault.kind);
  });
  const violations = judge(plan, ref, record, injected);
  const outcome = describeOutcome(record);
  return {
    plan,
    outcome,
    violations,
    injected,
    injectedAtWarmUp,
    steers: record.events.flatMap((e) => (e.type === 'steerDelivered' ? [e.via] : e.type === 'steerUnknown' ? ['unknown'] : e.type === 'steerReturned' ? ['returned'] : [])),
    durationMs: record.durationMs,
    recoveries: record.events.reduce((n, e) => n + (e.type === 'turnFinished' ? e.metrics.recoveries : 0), 0),
    usedHttp: record.stats.totals.httpConnections > 0,
  };
}

function responsesCreated(emu: Emulator): number {
  return emu.frames().filter((f) => f.dir === 'recv' && (f.frame as { type?: unknown } | null)?.type === 'response.created').length;
}

/**
 * Types the steer once a response has started streaming after `createdBefore` responses (its stream is
 * paused by the planned stall), or after 2 s if none does (e.g. the request failed to connect).
 */
function steerOnceStreaming(emu: Emulator, control: RunControl, createdBefore: number): void {
  const deadline = performance.now() + 2000;
  const poll = (): void => {
    if (responsesCreated(emu) > createdBefore || performance.now() > deadline) control.steer(STEER_TEXT);
    else setTimeout(poll, 5);
  };
  setTimeout(poll, 0);
}

function describeOutcome(record: RunRecord): string {
  if (record.hung) return 'hung';
  const last = record.outcomes[record.outcomes.length - 1];
  if (!last) return 'none';
  return last.kind === 'failed' ? `failed:${last.error.kind}` : last.kind;
}

export function judge(plan: RunPlan, ref: Reference, record: RunRecord, injected: readonly FaultKind[]): string[] {
  const v: string[] = [];
  if (record.hung) v.push(`hang: the run did not end within ${RUN_TIMEOUT_MS} ms`);

  // 1. Completed like the fault-free run, or a typed failure allowed for the faults met.
  const allCompleted = record.outcomes.length === plan.scenario.prompts.length && record.outcomes.every((o) => o.kind === 'completed');
  if (allCompleted) {
    if (JSON.stringify(record.files) !== JSON.stringify(ref.record.files)) v.push(`files differ from the fault-free run: ${diffFiles(ref.record.files, record.files)}`);
    const normalised = comparableTranscript(record.transcript, ref.volatileTools);
    if (normalised !== ref.normalised) v.push(`transcript differs from the fault-free run: ${firstDifference(ref.normalised, normalised)}`);
  } else if (!record.hung) {
    const last = record.outcomes[record.outcomes.length - 1];
    const earlierOk = record.outcomes.slice(0, -1).every((o) => o.kind === 'completed');
    const allowed = new Set<string>(injected.flatMap((k) => ALLOWED_FAILURES[k] ?? []));
    // The async scenario's own socket close (the job outlives it) is one fault of the run too.
    const faultsMet = plan.faults.length + (plan.scenario.asyncJobOutlivesSocket ? 1 : 0);
    if (faultsMet > 1) ALLOWED_WITH_SEVERAL.forEach((k) => allowed.add(k));
    const kind = last?.kind === 'failed' ? last.error.kind : last?.kind ?? 'none';
    if (!earlierOk || (last?.kind !== 'failed' && !NOT_FAILED.has(kind)) || !allowed.has(kind)) {
      const detail = last?.kind === 'failed' ? ` (${'message' in last.error ? last.error.message : ''}${'code' in last.error ? `, code ${last.error.code}` : ''})` : '';
      v.push(`outcome ${kind}${detail} is not allowed for faults [${injected.join(', ') || 'none fired'}]`);
    }
  }

  // 2. No tool ran twice.
  const starts = new Map<string, number>();
  for (const e of record.events) if (e.type === 'toolCallStarted') starts.set(e.callId, (starts.get(e.callId) ?? 0) + 1);
  for (const [callId, n] of starts) if (n > 1) v.push(`tool call ${callId} started ${n} times`);
  const commandCalls = record.transcript.filter((i) => i.type === 'function_call' && i.name === 'run_command').length;
  if (record.terminalRuns.length > commandCalls) v.push(`${record.terminalRuns.length} terminal runs for ${commandCalls} run_command calls`);
  const journalByCall = new Map<string, number>();
  for (const entry of record.journal) journalByCall.set(entry.callId, (journalByCall.get(entry.callId) ?? 0) + 1);
  for (const [callId, n] of journalByCall) if (n > 1) v.push(`edit ${callId} journalled ${n} times`);
  if (record.appliedBatches !== record.journal.length) v.push(`${record.appliedBatches} edit batches applied but ${record.journal.length} journalled`);
  const outputsInTranscript = new Map<string, string>();
  for (const item of record.transcript) if (item.type === 'function_call_output') outputsInTranscript.set(item.call_id, item.output);
  const receivedByCall = new Map<string, Set<string>>();
  for (const out of record.stats.toolOutputs) receivedByCall.set(out.callId, (receivedByCall.get(out.callId) ?? new Set()).add(out.output));
  for (const [callId, outputs] of receivedByCall) {
    if (outputs.size > 1) v.push(`the server received ${outputs.size} different outputs for ${callId} (a tool ran twice?)`);
    const local = outputsInTranscript.get(callId);
    if (local === undefined) v.push(`the server received an output for ${callId} that the transcript does not have`);
    else if (!outputs.has(local)) v.push(`the output the server received for ${callId} differs from the transcript's`);
  }

  // 3. No edit lost or half-applied.
  const lastAfter = new Map<string, string>();
  for (const entry of record.journal) lastAfter.set(entry.path, entry.after);
  const paths = new Set([...Object.keys(record.initialFiles), ...Object.keys(record.files), ...lastAfter.keys()]);
  for (const path of paths) {
    const expected = lastAfter.get(path) ?? record.initialFiles[path];
    const actual = record.files[path];
    if (expected !== actual) v.push(`${path}: content is neither its last journalled edit nor its initial content`);
    const states = ref.statesByPath.get(path);
    if (actual !== undefined && !(states?.has(actual) ?? false)) v.push(`${path}: a state the fault-free run never had (half-applied edit?)`);
  }
  for (const entry of record.journal) {
    const output = outputsInTranscript.get(entry.callId);
    if (output === undefined || !/^(Edited|Created) /.test(output)) v.push(`edit ${entry.callId} applied but the transcript does not say so (${JSON.stringify(output ?? null).slice(0, 80)})`);
  }

  // 4. The transcript is valid for the API and is what the store holds; every steer is in it once.
  v.push(...transcriptProblems(record.transcript));
  // A steer whose outcome is unknown (connection lost) or that the server refused is shown so, and not
  // in the transcript: the user resends it with one click. Every other one is in it exactly once.
  const steersSent = record.events.filter((e) => e.type === 'steerQueued').length;
  const steersShown = record.events.filter((e) => e.type === 'steerUnknown' || e.type === 'steerReturned').length;
  const steersKept = record.transcript.filter((i) => isAside(userText(i) ?? '')).length;
  if (steersKept + steersShown !== steersSent) v.push(`${steersSent} steer(s) sent but ${steersKept} in the transcript and ${steersShown} shown as unknown or refused (lost or duplicated)`);
  if (!record.storedTranscript) v.push('the session was not stored');
  else if (JSON.stringify(record.storedTranscript) !== JSON.stringify(JSON.parse(JSON.stringify(record.transcript)))) v.push('the stored session differs from the transcript');
  return v;
}

/**
 * The transcript as compared with the fault-free run's: normalised (harness.ts), without the user's
 * steers and the assistant text they interrupted, which the scripted model replays in full (the same
 * rule as the emulator's `asides`), and with the outputs of `volatileTools` blanked.
 */
export function comparableTranscript(items: readonly ResponseItem[], volatileTools: readonly string[] = []): string {
  const kept = withoutAsides(items as unknown as JsonObject[], isAside) as unknown as ResponseItem[];
  const volatileCalls = new Set(kept.flatMap((i) => (i.type === 'function_call' && volatileTools.includes(i.name) ? [i.call_id] : [])));
  const comparable = kept.map((i) => (i.type === 'function_call_output' && volatileCalls.has(i.call_id) ? { ...i, output: '<volatile>' } : i));
  return JSON.stringify(normaliseTranscript(comparable));
}

export function transcriptProblems(items: readonly ResponseItem[]): string[] {
  const problems: string[] = [];
  const calls = new Map<string, number>();
  const outputs = new Map<string, number>();
  for (const item of items) {
    if (item.type === 'function_call') calls.set(item.call_id, (calls.get(item.call_id) ?? 0) + 1);
    if (item.type === 'function_call_output') outputs.set(item.call_id, (outputs.get(item.call_id) ?? 0) + 1);
  }
  for (const [id, n] of calls) {
    if (n > 1) problems.push(`function_call ${id} appears ${n} times in the transcript`);
    if ((outputs.get(id) ?? 0) !== 1) problems.push(`function_call ${id} has ${outputs.get(id) ?? 0} outputs`);
  }
  for (const id of outputs.keys()) if (!calls.has(id)) problems.push(`output for unknown call ${id}`);
  return problems;
}

function diffFiles(a: Record<string, string>, b: Record<string, string>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
  return keys.map((k) => `${k}: expected ${JSON.stringify(a[k] ?? null).slice(0, 80)}, got ${JSON.stringify(b[k] ?? null).slice(0, 80)}`).join('; ');
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at char ${i}: expected …${a.slice(Math.max(0, i - 60), i + 80)}… got …${b.slice(Math.max(0, i - 60), i + 80)}…`;
}

// ─── The campaign ───────────────────────────────────────────────────────────────────────────────────

export interface CampaignOptions {
  seed: number;
  runs: number;
  /** Run only this run index (replay of a failing run). */
  onlyRun?: number;
  /** Called after each run. */
  onRun?: (verdict: RunVerdict, done: number) => void;
  /** A garbage collector (global.gc) to measure memory against a baseline. */
  gc?: () => void;
  /** Heap samples every this many runs (default 50). */
  sampleEvery?: number;
  /** Where the runs go (default: plain Node, `runScenario`). */
  host?: CampaignHost;
  /** The scenarios drawn from (default: all of them in plain Node, `CAMPAIGN_SCENARIOS` on another host). */
  scenarios?: readonly CampaignScenario[];
}

export interface CampaignSummary {
  seed: number;
  runs: number;
  faultsPlanned: Record<string, number>;
  faultsInjected: Record<string, number>;
  /** Of the injected faults, those armed at the warm-up, by kind. */
  faultsAtWarmUp: Record<string, number>;
  /** Runs by warm-up mode. */
  warmUps: Record<string, number>;
  /** Steers by how they reached the model (stream, afterTools, nextRequest, keptInTranscript). */
  steers: Record<string, number>;
  outcomes: Record<string, number>;
  violations: RunVerdict[];
  recoveries: number;
  httpFallbackRuns: number;
  durationMs: number;
  slowestRunMs: number;
  memory: { baselineMb: number; sampleEvery: number; samplesMb: number[]; finalMb: number; gc: boolean };
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignSummary> {
  const started = performance.now();
  const references = new Map<string, Reference>();
  const scenarios = options.scenarios ?? (options.host ? CAMPAIGN_SCENARIOS : PLAIN_NODE_SCENARIOS);
  for (const scenario of scenarios) references.set(scenario.name, await buildReference(scenario, options.host));
  const heapMb = (): number => {
    options.gc?.();
    options.gc?.();
    return Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
  };
  const baselineMb = heapMb();
  const samplesMb: number[] = [];
  const summary: CampaignSummary = {
    seed: options.seed,
    runs: 0,
    faultsPlanned: {},
    faultsInjected: {},
    faultsAtWarmUp: {},
    warmUps: {},
    steers: {},
    outcomes: {},
    violations: [],
    recoveries: 0,
    httpFallbackRuns: 0,
    durationMs: 0,
    slowestRunMs: 0,
    memory: { baselineMb, sampleEvery: options.sampleEvery ?? 50, samplesMb, finalMb: baselineMb, gc: options.gc !== undefined },
  };
  const indices = options.onlyRun !== undefined ? [options.onlyRun] : Array.from({ length: options.runs }, (_, k) => k);
  for (const k of indices) {
    const plan = planRun(options.seed, k, references, scenarios);
    const verdict = await executeRun(plan, references.get(plan.scenario.name)!, options.host);
    summary.runs += 1;
    const count = (table: Record<string, number>, key: string): void => void (table[key] = (table[key] ?? 0) + 1);
    for (const f of plan.faults) count(summary.faultsPlanned, f.kind);
    for (const kind of verdict.injected) count(summary.faultsInjected, kind);
    for (const kind of verdict.injectedAtWarmUp) count(summary.faultsAtWarmUp, kind);
    for (const via of verdict.steers) count(summary.steers, via);
    count(summary.warmUps, plan.warmUp);
    summary.outcomes[verdict.outcome] = (summary.outcomes[verdict.outcome] ?? 0) + 1;
    summary.recoveries += verdict.recoveries;
    if (verdict.usedHttp) summary.httpFallbackRuns += 1;
    summary.slowestRunMs = Math.max(summary.slowestRunMs, Math.round(verdict.durationMs));
    if (verdict.violations.length > 0) summary.violations.push(verdict);
    if (summary.runs % (options.sampleEvery ?? 50) === 0) samplesMb.push(heapMb());
    options.onRun?.(verdict, summary.runs);
  }
  summary.memory.finalMb = heapMb();
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

export function replayCommand(seed: number, run: number): string {
  return `npm run test:faults -- --seed ${seed} --only-run ${run}`;
}

export function describePlan(plan: RunPlan): string {
  const faults = plan.faults.map((f) => `${f.kind}@${f.trigger.on}#${f.trigger.index}${f.faults.length ? ` ${JSON.stringify(f.faults)}` : ''}`).join(' + ');
  const warmUp = plan.warmUp === 'awaited' ? ' (warm-up)' : plan.warmUp === 'concurrent' ? ' (warm-up, prompt meanwhile)' : '';
  return `run ${plan.run}: ${plan.scenario.name}${warmUp}: ${faults}`;
}

export function formatSummary(s: CampaignSummary): string {
  const lines: string[] = [];
  const table = (title: string, rows: Record<string, number>): void => {
    lines.push(title);
    for (const [k, n] of Object.entries(rows).sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${k.padEnd(28)} ${String(n).padStart(6)}`);
  };
  lines.push(`fault campaign: seed ${s.seed}, ${s.runs} runs, ${(s.durationMs / 1000).toFixed(1)} s (slowest run ${s.slowestRunMs} ms)`);
  table('faults planned by kind', s.faultsPlanned);
  table('faults injected (fired) by kind', s.faultsInjected);
  table('  of which armed at the warm-up', s.faultsAtWarmUp);
  table('runs by warm-up', s.warmUps);
  table('steers by how they reached the model', s.steers);
  table('outcomes by kind', s.outcomes);
  lines.push(`recoveries (full resends) ${s.recoveries}; runs that fell back to HTTP/SSE ${s.httpFallbackRuns}`);
  lines.push(
    `heap after GC: baseline ${s.memory.baselineMb} MB, every ${s.memory.sampleEvery} runs [${s.memory.samplesMb.join(', ')}] MB, final ${s.memory.finalMb} MB${s.memory.gc ? '' : ' (no --expose-gc: figures include garbage)'}`,
  );
  lines.push(`violations: ${s.violations.length}`);
  for (const verdict of s.violations) {
    lines.push(`  ${describePlan(verdict.plan)} → ${verdict.outcome}`);
    for (const problem of verdict.violations) lines.push(`    - ${problem}`);
    lines.push(`    replay: ${replayCommand(verdict.plan.seed, verdict.plan.run)}`);
  }
  return lines.join('\n');
}
