// Everything the emulator saw and did, so tests and benchmarks can assert on it: bytes, frames,
// handshakes, cache behaviour, modelled delays, and every tool call issued / tool output received.
import { randomBytes } from 'node:crypto';
import type { Json, JsonObject, Transport } from './types';

export interface FrameRecord {
  /** From the CLIENT's point of view, like /work/shared/protocol/frames: 'send' = client → server. */
  dir: 'send' | 'recv';
  frame: Json;
  connectionId: string;
  /** ms since the emulator started (performance clock). */
  t: number;
}

export interface ConnectionStats {
  id: string;
  transport: 'ws' | 'http';
  openedAt: number;
  closedAt: number | null;
  deflate: boolean;
  /** Frame / body payload bytes (uncompressed JSON). */
  payloadBytesReceived: number;
  payloadBytesSent: number;
  /** Raw socket bytes (after TLS and permessage-deflate, including HTTP headers). */
  wireBytesReceived: number;
  wireBytesSent: number;
  framesReceived: number;
  framesSent: number;
  requests: number;
  closeReason: string | null;
}

export type CacheOutcome = 'none' | 'hit' | 'miss' | 'hydrated';

export interface RequestRecord {
  requestId: string;
  responseId: string | null;
  connectionId: string;
  transport: Transport;
  lane: string | null;
  /** 'full' = no previous_response_id; 'continuation' = has one; 'warmup' = generate:false. */
  kind: 'full' | 'continuation' | 'warmup' | 'compact';
  previousResponseId: string | null;
  cache: CacheOutcome;
  inputItems: number;
  inputTokens: number;
  cachedTokens: number;
  /** Tokens written to the prompt cache (0 when the model does not bill cache writes it still counts them). */
  cacheWriteTokens?: number;
  /** Output tokens including hidden reasoning (what is billed). */
  outputTokens: number;
  /** The modelled server time of this request by kind (cost.*, model.reasoning, model.compaction, model.output), ms. */
  modelledMs?: Record<string, number>;
  /** What the request cost per the model's price table and the §8 cache economics, USD (absent when unknown). */
  costUsd?: number;
  /** This response compacted the context (context_management). */
  compacted?: boolean;
  payloadBytes: number;
  /**
   * Raw socket bytes the client sent on this connection since the previous request on it (or since it
   * opened): this request's frame or body after permessage-deflate, plus the upgrade or HTTP headers and
   * any control frames in between. Lets a benchmark compare compressed request sizes per request.
   */
  wireBytesIn?: number;
  status: 'queued' | 'in_progress' | 'completed' | 'failed' | 'incomplete' | 'error';
  errorCode: string | null;
  /** Which scripted step answered (index), if any. */
  scenarioStep: number | null;
  startedAt: number;
  endedAt: number | null;
}

export interface ToolCallRecord {
  responseId: string;
  callId: string;
  name: string;
  arguments: string;
}

export interface ToolOutputRecord {
  requestId: string;
  callId: string;
  output: string;
}

export interface DelayRecord {
  kind: string;
  ms: number;
  connectionId: string | null;
}

export class Accounting {
  readonly startedAt = performance.now();
  readonly connections = new Map<string, ConnectionStats>();
  readonly requests: RequestRecord[] = [];
  readonly frames: FrameRecord[] = [];
  readonly toolCalls: ToolCallRecord[] = [];
  readonly toolOutputs: ToolOutputRecord[] = [];
  readonly delays: DelayRecord[] = [];
  readonly handshakes = { attempted: 0, accepted: 0, rejected: {} as Record<string, number> };
  readonly cache = { hits: 0, misses: 0, hydrations: 0, evictions: 0 };
  readonly errorsSent: Record<string, number> = {};
  readonly replayMismatches: string[] = [];
  readonly warnings: string[] = [];
  pingTimeouts = 0;
  /** Live wire counters of open sockets, read when stats are taken. */
  private readonly wireReaders = new Map<string, () => { read: number; written: number }>();
  /** Bytes read per connection when its previous request arrived (for `RequestRecord.wireBytesIn`). */
  private readonly wireInMarks = new Map<string, number>();

  now(): number {
    return performance.now() - this.startedAt;
  }

  openConnection(id: string, transport: 'ws' | 'http', deflate: boolean, wire?: () => { read: number; written: number }): ConnectionStats {
    const stats: ConnectionStats = {
      id,
      transport,
      openedAt: this.now(),
      closedAt: null,
      deflate,
      payloadBytesReceived: 0,
      payloadBytesSent: 0,
      wireBytesReceived: 0,
      wireBytesSent: 0,
      framesReceived: 0,
      framesSent: 0,
      requests: 0,
      closeReason: null,
    };
    this.connections.set(id, stats);
    if (wire) this.wireReaders.set(id, wire);
    return stats;
  }

  closeConnection(id: string, reason: string): void {
    const stats = this.connections.get(id);
    if (!stats || stats.closedAt !== null) return;
    this.refreshWire(id);
    this.wireReaders.delete(id);
    stats.closedAt = this.now();
    stats.closeReason = reason;
  }

  private refreshWire(id: string): void {
    const read = this.wireReaders.get(id);
    const stats = this.connections.get(id);
    if (!read || !stats) return;
    const { read: r, written: w } = read();
    stats.wireBytesReceived = r;
    stats.wireBytesSent = w;
  }

  /** Client → server socket bytes on `id` since the last call for it (undefined when the counter is unknown). */
  takeWireIn(id: string): number | undefined {
    const read = this.wireReaders.get(id);
    if (!read) return undefined;
    const now = read().read;
    const delta = now - (this.wireInMarks.get(id) ?? 0);
    this.wireInMarks.set(id, now);
    return delta;
  }

  /** Opens the record of a request as it arrives (counted on its connection, with its wire bytes). */
  openRequest(init: Pick<RequestRecord, 'connectionId' | 'transport' | 'lane' | 'kind' | 'previousResponseId' | 'inputItems' | 'payloadBytes'>): RequestRecord {
    const record: RequestRecord = {
      ...init,
      requestId: `req_${randomBytes(12).toString('hex')}`,
      responseId: null,
      cache: 'none',
      inputTokens: 0,
      cachedTokens: 0,
      outputTokens: 0,
      status: 'in_progress',
      errorCode: null,
      scenarioStep: null,
      startedAt: this.now(),
      endedAt: null,
    };
    const wireIn = this.takeWireIn(init.connectionId);
    if (wireIn !== undefined) record.wireBytesIn = wireIn;
    this.requests.push(record);
    const conn = this.connections.get(init.connectionId);
    if (conn) conn.requests += 1;
    return record;
  }

  /** A frame (WS) or an SSE event / HTTP body (HTTP), `dir` from the client's point of view. */
  recordFrame(connectionId: string, dir: 'send' | 'recv', frame: Json, bytes: number): void {
    this.frames.push({ dir, frame, connectionId, t: this.now() });
    const stats = this.connections.get(connectionId);
    if (!stats) return;
    if (dir === 'send') {
      stats.framesReceived += 1;
      stats.payloadBytesReceived += bytes;
    } else {
      stats.framesSent += 1;
      stats.payloadBytesSent += bytes;
    }
    if (frame && typeof frame === 'object' && !Array.isArray(frame) && frame['type'] === 'error' && dir === 'recv') {
      const nested = frame['error'];
      const code =
        nested && typeof nested === 'object' && !Array.isArray(nested) ? nested['code'] : frame['code'];
      const key = typeof code === 'string' ? code : 'null';
      this.errorsSent[key] = (this.errorsSent[key] ?? 0) + 1;
    }
  }

  recordDelay(kind: string, ms: number, connectionId: string | null): void {
    if (ms > 0) this.delays.push({ kind, ms, connectionId });
  }

  recordToolOutputs(requestId: string, input: readonly JsonObject[]): void {
    for (const item of input) {
      if (item['type'] !== 'function_call_output') continue;
      const output = item['output'];
      this.toolOutputs.push({
        requestId,
        callId: String(item['call_id'] ?? ''),
        output: typeof output === 'string' ? output : JSON.stringify(output ?? null),
      });
    }
  }

  snapshot(): EmulatorStats {
    for (const id of this.wireReaders.keys()) this.refreshWire(id);
    const delayTotals: Record<string, number> = {};
    for (const d of this.delays) delayTotals[d.kind] = (delayTotals[d.kind] ?? 0) + d.ms;
    const conns = [...this.connections.values()].map((c) => ({ ...c }));
    const ws = conns.filter((c) => c.transport === 'ws');
    const sum = (list: ConnectionStats[], key: keyof ConnectionStats): number =>
      list.reduce((acc, c) => acc + (typeof c[key] === 'number' ? (c[key] as number) : 0), 0);
    return {
      connections: conns,
      requests: this.requests.map((r) => ({ ...r })),
      handshakes: { ...this.handshakes, rejected: { ...this.handshakes.rejected } },
      cache: { ...this.cache },
      toolCalls: [...this.toolCalls],
      toolOutputs: [...this.toolOutputs],
      delays: [...this.delays],
      delayTotals,
      errorsSent: { ...this.errorsSent },
      replayMismatches: [...this.replayMismatches],
      warnings: [...this.warnings],
      pingTimeouts: this.pingTimeouts,
      totals: {
        wsConnections: ws.length,
        httpConnections: conns.length - ws.length,
        requests: this.requests.length,
        fullRequests: this.requests.filter((r) => r.kind === 'full').length,
        continuations: this.requests.filter((r) => r.kind === 'continuation').length,
        warmups: this.requests.filter((r) => r.kind === 'warmup').length,
        payloadBytesReceived: sum(conns, 'payloadBytesReceived'),
        payloadBytesSent: sum(conns, 'payloadBytesSent'),
        wireBytesReceived: sum(conns, 'wireBytesReceived'),
        wireBytesSent: sum(conns, 'wireBytesSent'),
        framesReceived: sum(conns, 'framesReceived'),
        framesSent: sum(conns, 'framesSent'),
        inputTokens: this.requests.reduce((a, r) => a + r.inputTokens, 0),
        cachedTokens: this.requests.reduce((a, r) => a + r.cachedTokens, 0),
        outputTokens: this.requests.reduce((a, r) => a + r.outputTokens, 0),
      },
    };
  }

  /** The frame log as JSONL in the shape of /work/shared/protocol/frames (`{"dir","frame"}` per line). */
  framesJsonl(filter?: { connectionId?: string; withMeta?: boolean }): string {
    return this.frames
      .filter((f) => !filter?.connectionId || f.connectionId === filter.connectionId)
      .map((f) =>
        JSON.stringify(filter?.withMeta ? { dir: f.dir, frame: f.frame, conn: f.connectionId, t: Math.round(f.t) } : { dir: f.dir, frame: f.frame }),
      )
      .join('\n')
      .concat(this.frames.length ? '\n' : '');
  }
}

export interface EmulatorStats {
  connections: ConnectionStats[];
  requests: RequestRecord[];
  handshakes: { attempted: number; accepted: number; rejected: Record<string, number> };
  cache: { hits: number; misses: number; hydrations: number; evictions: number };
  toolCalls: ToolCallRecord[];
  toolOutputs: ToolOutputRecord[];
  delays: DelayRecord[];
  delayTotals: Record<string, number>;
  errorsSent: Record<string, number>;
  replayMismatches: string[];
  warnings: string[];
  pingTimeouts: number;
  totals: {
    wsConnections: number;
    httpConnections: number;
    requests: number;
    fullRequests: number;
    continuations: number;
    warmups: number;
    payloadBytesReceived: number;
    payloadBytesSent: number;
    wireBytesReceived: number;
    wireBytesSent: number;
    framesReceived: number;
    framesSent: number;
    inputTokens: number;
    cachedTokens: number;
    outputTokens: number;
  };
}
