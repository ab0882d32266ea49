// From runs to the claims: per link, scenario and contender the median/min/max of every figure, the
// floor, and the ratios Holdfast / each contender and Holdfast / floor (below 1 = Holdfast is ahead).
import type { ContenderId } from './contenders/contender';
import { CONTENDER_ORDER, RIVALS } from './contenders/registry';
import { computeFloor, type Floor } from './floor';
import { LINKS, type LinkName } from './links';
import type { RunRecord } from './runRecord';
import type { BenchScenario, ScenarioName } from './scenarioFormat';
import { ratio, spread, type Spread } from './summaryStats';

export interface ContenderSummary {
  contender: ContenderId;
  runs: number;
  failures: string[];
  requests: number;
  endToEndMs: Spread;
  firstTtftMs: Spread;
  activationMs: Spread;
  bytesSentPayload: Spread;
  bytesSentWire: Spread;
  bytesReceivedPayload: Spread;
  bytesReceivedWire: Spread;
  handshakes: Spread;
  /** Over every request of every repetition (the warm-up excluded). */
  perRequestPayload: Spread;
  perRequestWire: Spread;
  deltaRequests: number;
  cacheHits: number;
  deflate: boolean;
}

export interface Ratios {
  rival: ContenderId | 'floor';
  /** Holdfast WS / rival, medians. */
  endToEnd: number;
  bytesSentPayload: number;
  bytesSentWire: number;
  firstTtft: number;
}

export interface ScenarioSummary {
  link: LinkName;
  scenario: ScenarioName;
  contenders: ContenderSummary[];
  floor: Floor | null;
  ratios: Ratios[];
}

export function summarize(runs: readonly RunRecord[], scenarios: Record<ScenarioName, BenchScenario>): ScenarioSummary[] {
  const keys = [...new Set(runs.map((r) => `${r.link}|${r.scenario}`))];
  return keys.map((key) => {
    const [link, scenario] = key.split('|') as [LinkName, ScenarioName];
    const here = runs.filter((r) => r.link === link && r.scenario === scenario);
    const contenders = CONTENDER_ORDER.filter((c) => here.some((r) => r.contender === c)).map((c) => summarizeContender(c, here.filter((r) => r.contender === c)));
    const reference = here.find((r) => r.ok && r.client.length > 0);
    const pace = LINKS[link].tokensPerSecond ?? scenarios[scenario].tokensPerSecond ?? 2000;
    // Unpaced on loopback the floor is ~0 (no network, no server time, no output time): nothing to compare with.
    const floor = reference && pace > 0 ? computeFloor(reference.client, LINKS[link], pace) : null;
    const holdfast = contenders.find((c) => c.contender === 'holdfast-ws');
    const ratios: Ratios[] = [];
    if (holdfast) {
      for (const rival of RIVALS) {
        const other = contenders.find((c) => c.contender === rival);
        if (!other) continue;
        ratios.push({
          rival,
          endToEnd: ratio(holdfast.endToEndMs.median, other.endToEndMs.median),
          bytesSentPayload: ratio(holdfast.bytesSentPayload.median, other.bytesSentPayload.median),
          bytesSentWire: ratio(holdfast.bytesSentWire.median, other.bytesSentWire.median),
          firstTtft: ratio(holdfast.firstTtftMs.median, other.firstTtftMs.median),
        });
      }
      if (floor) {
        ratios.push({
          rival: 'floor',
          endToEnd: ratio(holdfast.endToEndMs.median, floor.endToEndMs),
          bytesSentPayload: ratio(holdfast.bytesSentPayload.median, floor.bytesSent),
          bytesSentWire: ratio(holdfast.bytesSentWire.median, floor.bytesSent),
          firstTtft: ratio(holdfast.firstTtftMs.median, floor.firstTtftMs),
        });
      }
    }
    return { link, scenario, contenders, floor, ratios };
  });
}

function summarizeContender(contender: ContenderId, runs: readonly RunRecord[]): ContenderSummary {
  const ok = runs.filter((r) => r.ok);
  const all = ok.flatMap((r) => r.requests);
  return {
    contender,
    runs: ok.length,
    failures: runs.filter((r) => !r.ok).map((r) => `rep ${r.rep}: ${r.error ?? 'failed'}`),
    requests: ok[0]?.totals.requests ?? 0,
    endToEndMs: spread(ok.map((r) => r.endToEndMs)),
    firstTtftMs: spread(ok.map((r) => r.firstTtftMs ?? Number.NaN)),
    activationMs: spread(ok.map((r) => r.activationMs)),
    bytesSentPayload: spread(ok.map((r) => r.totals.bytesSentPayload)),
    bytesSentWire: spread(ok.map((r) => r.totals.bytesSentWire)),
    bytesReceivedPayload: spread(ok.map((r) => r.totals.bytesReceivedPayload)),
    bytesReceivedWire: spread(ok.map((r) => r.totals.bytesReceivedWire)),
    handshakes: spread(ok.map((r) => r.totals.handshakes)),
    perRequestPayload: spread(all.map((q) => q.payloadBytes)),
    perRequestWire: spread(all.map((q) => q.wireBytes ?? Number.NaN)),
    deltaRequests: ok[0]?.requests.filter((q) => q.kind === 'continuation').length ?? 0,
    cacheHits: ok[0]?.requests.filter((q) => q.cache === 'hit').length ?? 0,
    deflate: ok.some((r) => r.totals.deflate),
  };
}
