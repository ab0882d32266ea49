/**
 * Speculative prefill while the user types: after a typing pause (the webview decides the pause), the
 * request the agent WOULD send for the draft is prepared on a side lane with `generate: false`, forked
 * from the chain head (ModelClient.prefill). When the user then sends exactly that, the turn's first
 * request continues the prefill (`forkFromResponseId`, an empty delta) and skips the draft's prefill
 * time; anything else discards it.
 *
 * Rules:
 * - One prefill at a time, never while a turn runs, never twice for the same request; over HTTP (or a
 *   client without `prefill`) nothing happens.
 * - The fork race (protocol §8: a fork can lose its parent if the source lane advances before the fork's
 *   `response.in_progress`): the turn's first request waits for a prefill in flight to END before it
 *   goes, whether it uses it or not (an end implies in_progress passed; a draft's prefill is short). A
 *   prefill that lost its parent would otherwise be resent in full by the transport: a billed write
 *   of the whole context for nothing.
 * - Cache writes are billed (§8): every prefill's cost is reported (`onReport`) for the quiet line in
 *   the chat, and the default (`largeDrafts`) prefills only drafts worth it (see `worthPrefilling`).
 */
import { raceCancellation } from '../common/async';
import { CancellationToken, CancellationTokenSource } from '../common/cancellation';
import type { Disposable } from '../common/disposable';
import { Emitter, type Event } from '../common/event';
import type { Usage } from '../protocol/items';
import { canonicalJson } from '../transport/chain';
import type { ModelClient, ModelOutcome, ModelRequest } from '../transport/modelClient';
import type { ChatSession } from './chatSession';
import { warmupWriteTokens } from './context/pricing';
import type { UserInput } from './userInput';

/** `holdfast.speculativePrefill`. */
export type PrefillMode = 'off' | 'largeDrafts' | 'always';

/** A draft this long (characters) counts as large: ~1,024 tokens, the least prompt caching keeps. */
export const LARGE_DRAFT_CHARS = 4096;
/** Shorter than this is never worth a request (a word or two). */
const TRIVIAL_DRAFT_CHARS = 20;

export type PrefillReport =
  /** A prefill finished: what it wrote to the cache and (when the price is known) what it cost. */
  | { kind: 'prefilled'; usage: Usage | undefined; writeTokens: number; costUsd: number | undefined; ms: number }
  /** The sent message matched: its first request continued the prefill. */
  | { kind: 'used'; responseId: string }
  /** The sent message differed (or the prefill failed): the prefill was not used. */
  | { kind: 'discarded'; reason: 'changed' | 'failed' | 'cancelled' };

export interface PrefillPorts {
  model: ModelClient;
  mode(): PrefillMode;
  /** The request the agent would send for `input` in `session` now; undefined when none may be prepared (a turn runs). */
  requestFor(session: ChatSession, input: UserInput): Promise<ModelRequest | undefined>;
  /** What a prefill with this usage cost (a cache write, §8); undefined when no price is known. */
  costOf(usage: Usage): number | undefined;
  now(): number;
}

interface Prepared {
  key: string;
  outcome: Promise<ModelOutcome>;
  source: CancellationTokenSource;
}

/** Whether a draft is worth a (billed) prefill under `mode`. Attachments (mentions, a selection) always are. */
export function worthPrefilling(input: UserInput, mode: PrefillMode): boolean {
  if (mode === 'off') return false;
  const attached = (input.mentions?.length ?? 0) > 0 || (input.activeFile?.selection?.text.trim() ?? '') !== '';
  const chars = input.text.trim().length;
  if (chars < TRIVIAL_DRAFT_CHARS && !attached) return false;
  return mode === 'always' || attached || chars >= LARGE_DRAFT_CHARS;
}

/** What a prefill and the send must agree on: the whole request but where it runs. */
function requestKey(request: ModelRequest): string {
  return canonicalJson({ ...request, lane: undefined, forkFromResponseId: undefined });
}

export class SpeculativePrefill implements Disposable {
  private prepared: Prepared | undefined;
  private inFlight = false;
  /** The prefill on the wire, even once forgotten: the next turn still waits for it (the fork race). */
  private onWire: Promise<ModelOutcome> | undefined;
  private readonly emitter = new Emitter<PrefillReport>();
  /** Every prefill's cost and fate, for the chat's quiet line. */
  readonly onReport: Event<PrefillReport> = this.emitter.event;

  constructor(private readonly ports: PrefillPorts) {}

  /** The user paused typing `input` in `session`. Resolves when the prefill (if one starts) has ended. */
  async draftPaused(session: ChatSession, input: UserInput): Promise<void> {
    const prefill = this.ports.model.prefill?.bind(this.ports.model);
    if (!prefill || this.inFlight || !worthPrefilling(input, this.ports.mode())) return;
    this.inFlight = true;
    try {
      const request = await this.ports.requestFor(session, input);
      if (!request) return;
      const key = requestKey(request);
      if (this.prepared?.key === key) return;
      this.forget();
      const source = new CancellationTokenSource();
      const started = this.ports.now();
      const outcome = prefill(request, { token: source.token }).catch((error: unknown): ModelOutcome => ({ kind: 'networkError', message: String(error) }));
      this.prepared = { key, outcome, source };
      this.onWire = outcome;
      const ended = await outcome;
      if (this.onWire === outcome) this.onWire = undefined;
      if (ended.kind === 'completed') {
        const usage = ended.usage;
        this.emitter.fire({ kind: 'prefilled', usage, writeTokens: usage ? warmupWriteTokens(usage) : 0, costUsd: usage ? this.ports.costOf(usage) : undefined, ms: this.ports.now() - started });
      }
      else if (this.prepared?.outcome === outcome) this.forget();
    } finally {
      this.inFlight = false;
    }
  }

  /**
   * Before a turn's first request: the response id to continue when the prefill prepared exactly
   * `request`, else undefined. Waits for a prefill in flight to end (or for `token`) either way: the
   * fork race above. The prefill is used at most once: it is forgotten here.
   */
  async adopt(request: ModelRequest, token: CancellationToken = CancellationToken.None): Promise<string | undefined> {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (!prepared) {
      if (this.onWire) await raceCancellation(this.onWire, token, undefined);
      return undefined;
    }
    const outcome = await raceCancellation(prepared.outcome, token, undefined);
    if (prepared.key !== requestKey(request)) {
      prepared.source.dispose();
      this.emitter.fire({ kind: 'discarded', reason: 'changed' });
      return undefined;
    }
    prepared.source.dispose();
    if (outcome?.kind !== 'completed') {
      this.emitter.fire({ kind: 'discarded', reason: outcome === undefined ? 'cancelled' : 'failed' });
      return undefined;
    }
    this.emitter.fire({ kind: 'used', responseId: outcome.responseId });
    return outcome.responseId;
  }

  /**
   * Drops the prepared prefill (the draft was cleared, the session changed). Not cancelled on the wire:
   * there is no cancel frame, and a stopped lane request could cost the socket; it just goes unused.
   */
  forget(): void {
    this.prepared?.source.dispose();
    this.prepared = undefined;
  }

  dispose(): void {
    this.forget();
    this.emitter.dispose();
  }
}
