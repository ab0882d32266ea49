// One measured run (a contender playing a scenario once over a link), joined from the two sides:
// the client's own timings (agentDriver) and the emulator's accounting of what crossed the wire.
import type { EmulatorStats } from '../emulator';
import type { AgentRunResult } from './agentDriver';
import type { ContenderId } from './contenders/contender';
import type { LinkName } from './links';
import type { ScenarioName } from './scenarioFormat';

export interface RequestRecordOut {
  index: number;
  /** 'full' | 'continuation' (a delta) as the server saw it. */
  kind: string;
  /** Connection-cache outcome on the server: none | hit | miss | hydrated. */
  cache: string;
  contextBytes: number;
  /** JSON payload the client sent for this request (uncompressed). */
  payloadBytes: number;
  /** Socket bytes for it after permessage-deflate, including headers/handshake on a connection's first request. */
  wireBytes: number | null;
  ms: number;
  ttftMs: number | null;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

export interface RunRecord {
  link: LinkName;
  scenario: ScenarioName;
  contender: ContenderId;
  rep: number;
  ok: boolean;
  error?: string;
  endToEndMs: number;
  /** Work before the first prompt (Holdfast WS: open + warm-up); 0 for contenders that do nothing. */
  activationMs: number;
  firstTtftMs: number | null;
  requests: RequestRecordOut[];
  /** The generate:false warm-up (Holdfast WS only): sent at activation, included in the byte totals. */
  warmup: { payloadBytes: number; wireBytes: number | null } | null;
  totals: {
    requests: number;
    /** Client → server, every byte including the warm-up, handshakes and headers. */
    bytesSentPayload: number;
    bytesSentWire: number;
    bytesReceivedPayload: number;
    bytesReceivedWire: number;
    /** WebSocket upgrades + new HTTP (TCP) connections. */
    handshakes: number;
    wsHandshakes: number;
    httpConnections: number;
    deflate: boolean;
    inputTokens: number;
    cachedTokens: number;
  };
  /** The emulator's modelled delays by kind (link.up, cost.uncachedTokens, …), summed. */
  modelledMs: Record<string, number>;
  /** The driver's per-request samples, for the floor (token counts, new-item sizes). */
  client: AgentRunResult['requests'];
}

export function buildRunRecord(
  key: Pick<RunRecord, 'link' | 'scenario' | 'contender' | 'rep'>,
  run: AgentRunResult,
  stats: EmulatorStats,
): RunRecord {
  const warmupRecord = stats.requests.find((r) => r.kind === 'warmup');
  const serverRequests = stats.requests.filter((r) => r.kind !== 'warmup');
  if (serverRequests.length !== run.requests.length) {
    throw new Error(`${key.contender}/${key.scenario}: the client made ${run.requests.length} requests, the server saw ${serverRequests.length}`);
  }
  const failed = serverRequests.filter((r) => r.status !== 'completed');
  if (failed.length > 0) throw new Error(`${key.contender}/${key.scenario}: ${failed.length} requests did not complete (${failed[0]?.errorCode ?? failed[0]?.status})`);
  const requests: RequestRecordOut[] = serverRequests.map((r, index) => {
    const client = run.requests[index]!;
    return {
      index,
      kind: r.kind,
      cache: r.cache,
      contextBytes: client.contextBytes,
      payloadBytes: r.payloadBytes,
      wireBytes: r.wireBytesIn ?? null,
      ms: client.ms,
      ttftMs: client.ttftMs ?? null,
      inputTokens: r.inputTokens,
      cachedTokens: r.cachedTokens,
      outputTokens: r.outputTokens,
    };
  });
  const t = stats.totals;
  return {
    ...key,
    ok: true,
    endToEndMs: run.endToEndMs,
    activationMs: run.activationMs,
    firstTtftMs: run.requests[0]?.ttftMs ?? null,
    requests,
    warmup: warmupRecord ? { payloadBytes: warmupRecord.payloadBytes, wireBytes: warmupRecord.wireBytesIn ?? null } : null,
    totals: {
      requests: requests.length,
      bytesSentPayload: t.payloadBytesReceived,
      bytesSentWire: t.wireBytesReceived,
      bytesReceivedPayload: t.payloadBytesSent,
      bytesReceivedWire: t.wireBytesSent,
      handshakes: stats.handshakes.accepted + t.httpConnections,
      wsHandshakes: stats.handshakes.accepted,
      httpConnections: t.httpConnections,
      deflate: stats.connections.some((c) => c.deflate),
      inputTokens: t.inputTokens,
      cachedTokens: t.cachedTokens,
    },
    modelledMs: stats.delayTotals,
    client: run.requests,
  };
}

export function failedRunRecord(key: Pick<RunRecord, 'link' | 'scenario' | 'contender' | 'rep'>, error: unknown): RunRecord {
  return {
    ...key,
    ok: false,
    error: error instanceof Error ? error.message : String(error),
    endToEndMs: Number.NaN,
    activationMs: Number.NaN,
    firstTtftMs: null,
    requests: [],
    warmup: null,
    totals: {
      requests: 0,
      bytesSentPayload: Number.NaN,
      bytesSentWire: Number.NaN,
      bytesReceivedPayload: Number.NaN,
      bytesReceivedWire: Number.NaN,
      handshakes: Number.NaN,
      wsHandshakes: Number.NaN,
      httpConnections: Number.NaN,
      deflate: false,
      inputTokens: Number.NaN,
      cachedTokens: Number.NaN,
    },
    modelledMs: {},
    client: [],
  };
}
