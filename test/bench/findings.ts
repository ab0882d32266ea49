// Plain sentences for the report: where Holdfast is ahead, where it is not, and how far it is from
// the floor — generated from the numbers so a rerun can never keep a stale claim.
import type { ContenderId } from './contenders/contender';
import type { CpuReport } from './cpuCost';
import { CONTENDERS } from './contenders/registry';
import { LINKS } from './links';
import type { ScenarioSummary } from './summarize';

/** Within 3% counts as a tie: the repetitions on a shared machine spread at least that much. */
const TIE = 0.03;

const pct = (r: number): string => `${Math.round(Math.abs(1 - r) * 100)}%`;
const label = (id: ContenderId): string => CONTENDERS[id].label;

export function findings(summaries: readonly ScenarioSummary[], cpu: CpuReport | null = null): string[] {
  const out: string[] = [];
  const perDelta = (id: ContenderId): number | undefined => cpu?.contenders.find((c) => c.contender === id)?.perDelta?.cpuUsPerDelta.median;
  const wsDelta = perDelta('holdfast-ws');
  const sseDelta = perDelta('holdfast-http');
  const deflateNote =
    wsDelta !== undefined && sseDelta !== undefined
      ? ` Holdfast's client CPU per text delta is ${wsDelta.toFixed(0)} µs over a compressed socket (a remote server) vs ${sseDelta.toFixed(0)} µs over SSE (see Client cost).`
      : '';
  let loopbackExplained = false;
  let deflateFloorNoted = false;
  /** "(ranges overlap …)" when the repetitions of the two overlap: then a median difference is not a finding. */
  const overlapNote = (s: ScenarioSummary, other: ContenderId): string => {
    const a = s.contenders.find((c) => c.contender === 'holdfast-ws')?.endToEndMs;
    const b = s.contenders.find((c) => c.contender === other)?.endToEndMs;
    if (!a || !b || a.n < 2 || b.n < 2 || a.min > b.max || b.min > a.max) return '';
    const sec = (v: number): string => (v / 1000).toFixed(1);
    return ` The repetitions overlap (Holdfast ${sec(a.min)}–${sec(a.max)} s, ${label(other)} ${sec(b.min)}–${sec(b.max)} s): noise on this machine rather than a difference.`;
  };
  for (const s of summaries) {
    const where = `${s.scenario} on ${s.link}`;
    const holdfast = s.contenders.find((c) => c.contender === 'holdfast-ws');
    if (!holdfast || holdfast.runs === 0) {
      out.push(`${where}: Holdfast WS produced no successful run (${holdfast?.failures.join('; ') ?? 'not run'}).`);
      continue;
    }
    for (const c of s.contenders) if (c.failures.length > 0) out.push(`${where}: ${label(c.contender)} failed ${c.failures.length}× — ${c.failures[0]}`);
    for (const r of s.ratios) {
      if (r.rival === 'floor') continue;
      const name = label(r.rival);
      if (r.endToEnd > 1 + TIE) {
        let why = '';
        if (s.link === 'loopback' && r.rival !== 'openai-ws' && !loopbackExplained) {
          loopbackExplained = true;
          why =
            ' Why, on loopback: with no network, no server cost and an unpaced model, end-to-end time is the per-event work of the pipeline (one WebSocket message per event against one SSE stream). Holdfast offers no permessage-deflate to loopback servers (inflating every event cost ~10× the CPU of reading it plain); the per-delta figure in Client cost is for a remote server, where it does.' +
            deflateNote +
            ' With a real model pacing its output (≤ 1,000 tokens/s here) this cost hides behind the pace: compare broadband and mobile.';
        }
        out.push(`${where}: Holdfast is SLOWER than ${name} end to end (×${r.endToEnd.toFixed(2)}).${why}${overlapNote(s, r.rival)}`);
      }
      else if (r.endToEnd >= 1 - TIE) {
        out.push(`${where}: Holdfast is not meaningfully faster than ${name} end to end (×${r.endToEnd.toFixed(2)}, within noise)${r.rival === 'openai-ws' ? ': both chain deltas on one socket; what Holdfast adds is the warm socket before the first prompt (see time to first token)' : ''}.`);
      }
      if (r.bytesSentWire > 1 + TIE) {
        const reason =
          r.rival !== 'openai-ws'
            ? ''
            : s.link === 'loopback'
              ? ' — by design: Holdfast offers no permessage-deflate to a loopback server (nothing to save on the same machine, CPU to lose), while ResponsesWS compresses; before compression they send the same deltas'
              : ' — its generate:false warm-up (instructions + tools, sent once at activation) is counted in its total; the requests themselves are the same deltas';
        out.push(`${where}: Holdfast sends MORE bytes on the wire than ${name} (×${r.bytesSentWire.toFixed(2)})${reason}.`);
      } else if (r.bytesSentWire >= 1 - TIE) {
        out.push(`${where}: Holdfast sends about as many bytes as ${name} (×${r.bytesSentWire.toFixed(2)} on the wire).`);
      }
    }
    if (s.scenario === 'chat-5') {
      const cold = s.contenders.find((c) => c.contender === 'holdfast-ws-cold');
      if (cold && cold.firstTtftMs.n > 0) {
        const gain = cold.firstTtftMs.median - holdfast.firstTtftMs.median;
        out.push(
          `${where}: warming the socket at activation saves ${Math.round(gain)} ms on the first prompt's first token (warm ${Math.round(holdfast.firstTtftMs.median)} ms vs cold ${Math.round(cold.firstTtftMs.median)} ms)${gain <= 0 ? ' — i.e. nothing measurable here' : ''}.`,
        );
      }
      for (const r of s.ratios) {
        if (r.rival !== 'floor' && r.firstTtft > 1 + TIE) {
          out.push(`${where}: Holdfast's warm first token is SLOWER than ${label(r.rival)}'s cold one (×${r.firstTtft.toFixed(2)}).`);
        }
      }
    }
    const floor = s.ratios.find((r) => r.rival === 'floor');
    if (floor && s.floor && floor.endToEnd > 1.25) {
      const downMbps = LINKS[s.link].link.downMbps;
      const downloadMs = downMbps > 0 ? (holdfast.bytesReceivedWire.median * 8) / (downMbps * 1000) : 0;
      const gapMs = holdfast.endToEndMs.median - s.floor.endToEndMs;
      out.push(
        `${where}: Holdfast takes ×${floor.endToEnd.toFixed(2)} the floor (${Math.round(gapMs)} ms more).` +
          (downloadMs > 0 ? ` Part of the gap is the event stream the floor leaves out: ${Math.round(holdfast.bytesReceivedWire.median / 1024)} KB down ≈ ${Math.round(downloadMs)} ms at ${downMbps} Mbit/s;` : '') +
          ' the rest is one event per token through the emulator\'s pacer and the client, which the floor does not model.',
      );
    }
    if (floor && floor.bytesSentWire < 1 && !deflateFloorNoted) {
      deflateFloorNoted = true;
      out.push(
        `${where} (and likewise everywhere): Holdfast's wire bytes are ${pct(floor.bytesSentWire)} below the floor's uncompressed bytes — permessage-deflate with context takeover shrinks the instructions and tools every request must resend; before compression Holdfast sends ×${floor.bytesSentPayload.toFixed(2)} the floor (the extra is its warm-up).`,
      );
    }
  }
  return out;
}
