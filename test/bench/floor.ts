// The floor: the least any client could take for a scenario on a link, computed from the scenario
// (the driver's transcript sizes and the emulator's token rule), not measured. Per request: one round
// trip; the bytes the protocol requires (instructions, tools, model, previous_response_id and the new
// items, uncompressed) over the uplink; the cheapest server time the cost model allows (a warm
// continuation: new tokens at the uncached rate, everything before at the cached rate); and the
// model's output at its pace. Not in it: the handshake (a warm client paid it earlier), the download
// of the event stream, and client CPU.
import type { ClientRequestSample } from './agentDriver';
import { BENCH_INSTRUCTIONS, BENCH_MODEL, BENCH_TOOLS } from './benchTools';
import { costOf, type BenchLink } from './links';

export interface FloorRequest {
  bytes: number;
  ms: number;
}

export interface Floor {
  bytesSent: number;
  endToEndMs: number;
  firstTtftMs: number;
  requests: FloorRequest[];
}

/** A response.create with everything but the new items; `resp_` ids are ~29 characters. */
const PREAMBLE_BYTES = Buffer.byteLength(
  JSON.stringify({ type: 'response.create', model: BENCH_MODEL, instructions: BENCH_INSTRUCTIONS, tools: BENCH_TOOLS, previous_response_id: `resp_${'x'.repeat(24)}`, input: [] }),
) - 2;

export function computeFloor(samples: readonly ClientRequestSample[], link: BenchLink, tokensPerSecond: number): Floor {
  const cost = costOf(link);
  const requests = samples.map((s): FloorRequest => {
    const bytes = PREAMBLE_BYTES + s.newItemsBytes;
    const uploadMs = link.link.upMbps > 0 ? (bytes * 8) / (link.link.upMbps * 1000) : 0;
    const serverMs = cost.warmContinuationMs + cost.uncachedTokenMs * s.newTokens + cost.cachedTokenMs * s.priorTokens;
    const outputMs = tokensPerSecond > 0 ? (s.outputTokens * 1000) / tokensPerSecond : 0;
    return { bytes, ms: link.link.rttMs + uploadMs + serverMs + outputMs };
  });
  const first = samples[0];
  const firstTtftMs = first
    ? link.link.rttMs +
      (link.link.upMbps > 0 ? ((PREAMBLE_BYTES + first.newItemsBytes) * 8) / (link.link.upMbps * 1000) : 0) +
      cost.warmContinuationMs + cost.uncachedTokenMs * first.newTokens + cost.cachedTokenMs * first.priorTokens
    : Number.NaN;
  return {
    bytesSent: requests.reduce((a, r) => a + r.bytes, 0),
    endToEndMs: requests.reduce((a, r) => a + r.ms, 0),
    firstTtftMs,
    requests,
  };
}
