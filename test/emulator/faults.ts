// Faults on demand. Every fault is counted (default: fires once) so that tests are deterministic:
// arm it, provoke it, and it is gone. Faults armed without `connectionId` hit the next opportunity on any
// connection; with it, only that connection.

/** Faults that act on the next response(s) while they stream (WebSocket or SSE). */
export type StreamFault =
  /** Cut the transport (no close frame / no SSE end) right after event `afterEvents` (its sequence_number). */
  | { kind: 'drop'; afterEvents: number }
  /** Send nothing for `ms` after event `afterEvents` (default 0 = right after response.created). */
  | { kind: 'stall'; ms: number; afterEvents?: number }
  /** Send a truncated, unparsable JSON text frame after event `afterEvents` (default 0). */
  | { kind: 'malformedFrame'; afterEvents?: number }
  /** Send a binary frame (a protocol error for this API) after event `afterEvents` (default 0). */
  | { kind: 'binaryFrame'; afterEvents?: number }
  /** Send one valid but huge text frame (`emulator.padding` event) of about `bytes` bytes. */
  | { kind: 'oversizedFrame'; bytes: number; afterEvents?: number };

/** Faults that replace the answer to the next request(s) with an error. */
export type RequestFault =
  /** `rate_limit_exceeded` (429) with "try again in Ns" and `headers.retry-after-ms`. */
  | { kind: 'rateLimit'; retryAfterMs?: number }
  /** `server_is_overloaded` (503). */
  | { kind: 'overloaded' }
  /** Answer the next continuation (a request with previous_response_id) with previous_response_not_found. */
  | { kind: 'previousResponseNotFound' };

/** Faults on the WebSocket upgrade / handshake. */
export type UpgradeFault =
  /** Answer the next upgrade(s) with this HTTP status instead of 101. */
  | { kind: 'upgradeStatus'; status: 401 | 426 | 429 | 500 | number }
  /** Hold the next upgrade(s) for `ms` before answering. */
  | { kind: 'handshakeDelay'; ms: number };

/** Immediate faults: act when armed. */
export type ImmediateFault =
  /** Send the unsolicited 60-minute `websocket_connection_limit_reached` error now, then close the socket(s). */
  { kind: 'connectionLimitNow' };

/**
 * Faults at a point of a steer's life (WebSocket): cut the connection when the next steer frame is
 * `received` (before any reply: its outcome is unknown to the client), right after its `accepted` or
 * `pending` reply, or once the response it steered ended `steered` (before the successor starts).
 */
export type SteerFault = { kind: 'dropOnSteer'; at: 'received' | 'accepted' | 'pending' | 'steered' };

export type FaultSpec = StreamFault | RequestFault | UpgradeFault | ImmediateFault | SteerFault;

/** What `setFault()` and `POST /__admin/fault` take. */
export type Fault = FaultSpec & {
  /** How many opportunities it fires on (default 1). */
  count?: number;
  /** Restrict to one connection (ids are in `stats().connections`). */
  connectionId?: string;
};

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

const STREAM_KINDS = new Set(['drop', 'stall', 'malformedFrame', 'binaryFrame', 'oversizedFrame']);
const REQUEST_KINDS = new Set(['rateLimit', 'overloaded', 'previousResponseNotFound']);
const UPGRADE_KINDS = new Set(['upgradeStatus', 'handshakeDelay']);

export function isStreamFault(f: FaultSpec): f is StreamFault {
  return STREAM_KINDS.has(f.kind);
}

export class FaultBook {
  private armed: ArmedFault[] = [];
  /** Every fault that fired, in order, for stats. */
  readonly fired: Array<{ kind: string; connectionId: string | null; at: number }> = [];

  arm(fault: Fault): void {
    const known = STREAM_KINDS.has(fault.kind) || REQUEST_KINDS.has(fault.kind) || UPGRADE_KINDS.has(fault.kind);
    if (!known && fault.kind !== 'connectionLimitNow' && fault.kind !== 'dropOnSteer') throw new Error(`unknown fault kind: ${String(fault.kind)}`);
    this.armed.push({ fault, remaining: fault.count ?? 1 });
  }

  pending(): Fault[] {
    return this.armed.map((a) => a.fault);
  }

  /** Takes (and counts down) the first armed fault matching `kinds` for this connection. */
  private take<T extends FaultSpec>(
    kinds: Set<string>,
    connectionId: string | null,
    extra?: (f: Fault) => boolean,
  ): (T & Fault) | null {
    const index = this.armed.findIndex(
      (a) =>
        kinds.has(a.fault.kind) &&
        (a.fault.connectionId === undefined || a.fault.connectionId === connectionId) &&
        (extra ? extra(a.fault) : true),
    );
    const entry = index >= 0 ? this.armed[index] : undefined;
    if (!entry) return null;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.armed.splice(index, 1);
    this.fired.push({ kind: entry.fault.kind, connectionId, at: Date.now() });
    return entry.fault as T & Fault;
  }

  takeUpgradeStatus(): (UpgradeFault & Fault) | null {
    return this.take<UpgradeFault>(new Set(['upgradeStatus']), null);
  }

  takeHandshakeDelay(): (UpgradeFault & Fault) | null {
    return this.take<UpgradeFault>(new Set(['handshakeDelay']), null);
  }

  takeRequestFault(connectionId: string | null, isContinuation: boolean): (RequestFault & Fault) | null {
    return this.take<RequestFault>(REQUEST_KINDS, connectionId, (f) => f.kind !== 'previousResponseNotFound' || isContinuation);
  }

  takeSteerFault(connectionId: string | null): (SteerFault & Fault) | null {
    return this.take<SteerFault>(new Set(['dropOnSteer']), connectionId);
  }

  /** All stream faults armed for the next response are taken together (e.g. a stall and then a drop). */
  takeStreamFaults(connectionId: string | null): StreamFault[] {
    const taken: StreamFault[] = [];
    for (;;) {
      const kindsLeft = new Set([...STREAM_KINDS].filter((k) => !taken.some((t) => t.kind === k)));
      const next = this.take<StreamFault>(kindsLeft, connectionId);
      if (!next) return taken;
      taken.push(next);
    }
  }

  clear(): void {
    this.armed = [];
  }
}
