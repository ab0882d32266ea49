// The links and the server cost the contenders run under. Loopback isolates the client and the
// protocol: no modelled network, no modelled server time and the model streaming unpaced, so what is
// left is real work — the client's and the emulator's (in another process) — and the runs double as
// the client-CPU measurement. The two real-world links add the emulator's link model, its typical
// server cost model (test/emulator/costModel.ts; assumptions printed in the report) and the
// scenario's output pace.
import { TYPICAL_COST, type CostModel, type LinkOptions } from '../emulator';

export type LinkName = 'loopback' | 'broadband' | 'mobile';

export interface BenchLink {
  name: LinkName;
  link: LinkOptions;
  cost: CostModel | undefined;
  /** Overrides the scenario's output pace (tokens/s; 0 = unpaced). */
  tokensPerSecond?: number;
  /** Where the figures come from, for the report. */
  assumption: string;
}

const NO_COST: CostModel = { uncachedTokenMs: 0, cachedTokenMs: 0, httpRequestMs: 0, warmContinuationMs: 0, coldRequestMs: 0 };

export const LINKS: Record<LinkName, BenchLink> = {
  loopback: {
    name: 'loopback',
    link: { rttMs: 0, upMbps: 0, downMbps: 0 },
    cost: undefined,
    tokensPerSecond: 0,
    assumption: 'no modelled network, no modelled server cost, model unpaced: real client + protocol + emulator work only (runs one at a time)',
  },
  broadband: {
    name: 'broadband',
    link: { rttMs: 40, upMbps: 20, downMbps: 100 },
    cost: TYPICAL_COST,
    assumption: '40 ms RTT, 20 Mbit/s up (as the issue states), 100 Mbit/s down (assumption: the emulator\'s typical downlink); emulator typical server cost',
  },
  mobile: {
    name: 'mobile',
    link: { rttMs: 120, upMbps: 5, downMbps: 20 },
    cost: TYPICAL_COST,
    assumption: '120 ms RTT, 5 Mbit/s up (as the issue states), 20 Mbit/s down (assumption: a 4G uplink/downlink ratio of about 1:4); emulator typical server cost',
  },
};

export function costOf(link: BenchLink): CostModel {
  return link.cost ?? NO_COST;
}
