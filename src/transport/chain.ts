/**
 * The delta-vs-full rule (protocol §5), per connection and lane. Pure: no I/O, no clock.
 *
 * After each completed response we remember its request parameters (everything but `input`), the full
 * input the caller gave, the response id and its output items. The next request on that lane may go as a
 * delta (`previous_response_id` + the new items) only if its parameters are equal and its full input
 * starts with `last input ++ last output`. Anything else, or no memory at all, goes full. The caller's
 * full input is the truth; this memory is an optimisation that may be dropped at any moment.
 */
import type { ResponseItem } from '../protocol/items';
import type { ResponseRequestParams } from '../protocol/responses';

/** What the server holds for one completed response, as far as the client knows. */
export interface ChainLink {
  responseId: string;
  /** Canonical JSON of the request parameters (see `paramsKey`). */
  paramsKey: string;
  input: readonly ResponseItem[];
  output: readonly ResponseItem[];
}

export type WirePlan =
  | { mode: 'delta'; previousResponseId: string; input: ResponseItem[] }
  | { mode: 'full'; input: ResponseItem[]; reason: FullReason };

export type FullReason =
  | 'noChain'
  | 'paramsChanged'
  | 'inputDiverged'
  /** Continuation is disabled (HTTP with `store: false`: the server has nothing to continue from). */
  | 'chainingUnavailable';

/** Lane key for the default lane (events without `stream_id`). Not a valid stream_id, so it cannot clash. */
export const DEFAULT_LANE = '\u0000default';

export function laneKey(lane: string | undefined): string {
  return lane ?? DEFAULT_LANE;
}

/** Key-order-independent JSON, so `{a,b}` and `{b,a}` compare equal. `undefined` fields are dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

export function paramsKey(params: ResponseRequestParams): string {
  return canonicalJson(params);
}

/** The parameters a `paramsKey` was made from (`paramsKey(paramsFromKey(k)) === k`): to resend a chain's request. */
export function paramsFromKey(key: string): ResponseRequestParams {
  return JSON.parse(key) as ResponseRequestParams;
}

/**
 * What the server holds after a completed response: the request's input ++ its output, unless the output
 * carries a compaction item (`context_management`, §8), which stands for everything before it: then the
 * server's context is the output from the latest compaction item on. A caller that continues the chain
 * sends exactly that as its prefix (its model window now starts at the compaction item).
 */
export function completedLink(responseId: string, key: string, input: readonly ResponseItem[], output: readonly ResponseItem[]): ChainLink {
  const compactedAt = lastCompactionIndex(output);
  if (compactedAt < 0) return { responseId, paramsKey: key, input: [...input], output };
  return { responseId, paramsKey: key, input: [], output: output.slice(compactedAt) };
}

/** Index of the latest compaction item in `items`, or -1. */
export function lastCompactionIndex(items: readonly ResponseItem[]): number {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]?.type === 'compaction') return i;
  return -1;
}

export function itemsEqual(a: ResponseItem, b: ResponseItem): boolean {
  if (a === b) return true;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Decides what goes on the wire. `pendingSteer` are user messages the server already holds for this
 * lane (a `response.steer.pending`): they are in the caller's full input but must not be sent again in a
 * delta. A full request always carries them, since a full request starts from nothing.
 */
export function planRequest(
  link: ChainLink | undefined,
  params: ResponseRequestParams,
  fullInput: readonly ResponseItem[],
  pendingSteer: readonly ResponseItem[] = [],
): WirePlan {
  if (!link) return { mode: 'full', input: [...fullInput], reason: 'noChain' };
  if (link.paramsKey !== paramsKey(params)) return { mode: 'full', input: [...fullInput], reason: 'paramsChanged' };
  const prefix = [...link.input, ...link.output];
  if (fullInput.length < prefix.length) return { mode: 'full', input: [...fullInput], reason: 'inputDiverged' };
  for (let i = 0; i < prefix.length; i++) {
    if (!itemsEqual(prefix[i] as ResponseItem, fullInput[i] as ResponseItem)) {
      return { mode: 'full', input: [...fullInput], reason: 'inputDiverged' };
    }
  }
  return {
    mode: 'delta',
    previousResponseId: link.responseId,
    input: withoutFirstOccurrences(fullInput.slice(prefix.length), pendingSteer),
  };
}

/**
 * A fork source no lane caches, as the server can still read it with `store: true` (§4: hydrated from
 * storage, a slower first hop): its context is the caller's first `prefixItems` input items.
 */
export function hydratedLink(
  params: ResponseRequestParams,
  fullInput: readonly ResponseItem[],
  responseId: string | undefined,
  prefixItems: number | undefined,
): ChainLink | undefined {
  if (responseId === undefined || prefixItems === undefined || params.store !== true || prefixItems > fullInput.length) return undefined;
  return { responseId, paramsKey: paramsKey(params), input: fullInput.slice(0, prefixItems), output: [] };
}

function withoutFirstOccurrences(items: ResponseItem[], remove: readonly ResponseItem[]): ResponseItem[] {
  const result = [...items];
  for (const unwanted of remove) {
    const index = result.findIndex((item) => itemsEqual(item, unwanted));
    if (index >= 0) result.splice(index, 1);
  }
  return result;
}

/**
 * The chain memory of one connection: the latest link per lane (the server keeps only the most recent
 * response per lane), held steer input per lane, and links by id so a lane can fork from another's
 * response. Replaced wholesale when the connection is replaced.
 */
export class ChainMemory {
  private readonly latestByLane = new Map<string, ChainLink>();
  private readonly pendingSteerByLane = new Map<string, ResponseItem[]>();

  /** The link a request on `lane` would continue from (or the fork source, when given and known). */
  linkFor(lane: string | undefined, forkFromResponseId?: string): ChainLink | undefined {
    if (forkFromResponseId !== undefined) {
      // Only a lane's latest response is in the server's connection cache; an older id is not forkable
      // as a delta, so it goes full (the caller's full input is the truth anyway).
      for (const link of this.latestByLane.values()) if (link.responseId === forkFromResponseId) return link;
      return undefined;
    }
    return this.latestByLane.get(laneKey(lane));
  }

  plan(
    lane: string | undefined,
    params: ResponseRequestParams,
    fullInput: readonly ResponseItem[],
    forkFromResponseId?: string,
    forkPrefixItems?: number,
  ): WirePlan {
    const link = this.linkFor(lane, forkFromResponseId) ?? hydratedLink(params, fullInput, forkFromResponseId, forkPrefixItems);
    // Held steer input belongs to the lane's own chain; a fork starts elsewhere.
    const pending = forkFromResponseId === undefined ? this.pendingSteer(lane) : [];
    return planRequest(link, params, fullInput, pending);
  }

  /** Records a completed response; the held steer input (if any) has now been consumed by the server. */
  recordCompleted(lane: string | undefined, link: ChainLink): void {
    this.latestByLane.set(laneKey(lane), link);
    this.pendingSteerByLane.delete(laneKey(lane));
  }

  /** After a failure, an incomplete response or a cancelled one: the next request on the lane goes full. */
  forget(lane: string | undefined): void {
    this.latestByLane.delete(laneKey(lane));
    this.pendingSteerByLane.delete(laneKey(lane));
  }

  clear(): void {
    this.latestByLane.clear();
    this.pendingSteerByLane.clear();
  }

  holdPendingSteer(lane: string | undefined, items: readonly ResponseItem[]): void {
    const key = laneKey(lane);
    this.pendingSteerByLane.set(key, [...(this.pendingSteerByLane.get(key) ?? []), ...items]);
  }

  pendingSteer(lane: string | undefined): readonly ResponseItem[] {
    return this.pendingSteerByLane.get(laneKey(lane)) ?? [];
  }

  get laneCount(): number {
    return this.latestByLane.size;
  }
}
