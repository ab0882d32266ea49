/**
 * One WebSocket connection: opens it (with a connect timeout), sends frames, and routes every inbound
 * event to the in-flight request of its lane (`stream_id`; none = the default lane).
 *
 * The connection is disposable by design: it is never repaired, only replaced. Anything that makes
 * event attribution doubtful (a malformed or binary frame, a stalled read, a stopped response whose
 * remaining events would still arrive) ends it for every lane, and each in-flight request is told why
 * so it can resend in full on the next connection. An error listener is always on, because the 60-minute
 * `websocket_connection_limit_reached` can arrive unsolicited on an idle socket.
 */
import { Emitter, type Event } from '../common/event';
import { err, ok, type Result } from '../common/result';
import { isTerminalEvent, normalizeError, parseServerEvent, type ServerEvent } from '../protocol/responses';
import { ChainMemory, DEFAULT_LANE, laneKey } from './chain';
import { setIdleTimer, type IdleTimer } from './idleTimer';
import { steerErrorCode } from './steer';
import type { ModelSocket, SocketFactory, UnexpectedResponse } from './socket';

export type ConnectFailure =
  | { kind: 'status'; status: number; headers: Record<string, string> }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'network'; message: string };

export type LossReason =
  | 'closed'
  | 'socketError'
  | 'idleTimeout'
  | 'malformedFrame'
  | 'binaryFrame'
  | 'connectionLimit'
  /** Stop on some lane closed the socket (there is no cancel frame). */
  | 'cancelled'
  | 'disposed';

export interface ConnectionLoss {
  reason: LossReason;
  message: string;
  /** The lane whose Stop closed the socket (for `cancelled`). */
  lane?: string | undefined;
}

/** What a request on this connection hears. Exactly one of `onEnd`-by-terminal or `onLost` happens. */
export interface RequestListener {
  /** Every event routed to this request; `bytes` is the frame's payload size. */
  onEvent(event: ServerEvent, bytes: number): void;
  onLost(loss: ConnectionLoss): void;
}

export interface ConnectOptions {
  url: string;
  headers: Record<string, string>;
  connectTimeoutMs: number;
  perMessageDeflate: boolean;
  now: () => number;
  log: { warn(message: string): void };
}

interface InFlight {
  listener: RequestListener;
  idleTimer: IdleTimer | undefined;
  idleTimeoutMs: number;
}

let nextConnectionNumber = 1;

export class WsConnection {
  /** Chain memory lives and dies with the connection: the server's cache is per connection. */
  readonly chain = new ChainMemory();
  readonly number = nextConnectionNumber++;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly lossEmitter = new Emitter<ConnectionLoss>();
  private readonly strayEmitter = new Emitter<ServerEvent>();
  /** Fires once, when the connection ends for any reason. */
  readonly onDidLose: Event<ConnectionLoss> = this.lossEmitter.event;
  /** Events for a lane with no request in flight (late steer replies, unsolicited errors). */
  readonly onStrayEvent: Event<ServerEvent> = this.strayEmitter.event;
  private lost: ConnectionLoss | undefined;
  private retiring = false;
  /** Distinct named lanes used on this socket (the server caps them at 32 per connection). */
  private readonly namedLanesUsed = new Set<string>();

  private constructor(
    private readonly socket: ModelSocket,
    readonly openedAt: number,
    readonly deflate: boolean,
    readonly handshakeMs: number,
    private readonly log: { warn(message: string): void },
  ) {
    socket.onMessage((message) => this.onMessage(message.data, message.binary, message.bytes));
    socket.onClose((close) => this.lose({ reason: 'closed', message: `The connection closed (code ${close.code}${close.reason ? `: ${close.reason}` : ''}).` }));
    socket.onError((error) => this.lose({ reason: 'socketError', message: error.message }));
  }

  static open(factory: SocketFactory, options: ConnectOptions): Promise<Result<WsConnection, ConnectFailure>> {
    const startedAt = options.now();
    return new Promise((resolve) => {
      let settled = false;
      let unexpected: UnexpectedResponse | undefined;
      let lastError: Error | undefined;
      const socket = factory(options.url, options.headers, {
        perMessageDeflate: options.perMessageDeflate,
        handshakeTimeoutMs: options.connectTimeoutMs,
      });
      const settle = (result: Result<WsConnection, ConnectFailure>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        subscriptions.forEach((s) => s.dispose());
        resolve(result);
      };
      const timer = setTimeout(() => {
        settle(err({ kind: 'timeout', afterMs: options.connectTimeoutMs }));
        socket.close(1000, 'connect timeout');
      }, options.connectTimeoutMs);
      const subscriptions = [
        socket.onUnexpectedResponse((response) => {
          unexpected = response;
        }),
        socket.onError((error) => {
          lastError = error;
        }),
        socket.onOpen((info) => {
          settle(ok(new WsConnection(socket, options.now(), info.deflate, options.now() - startedAt, options.log)));
        }),
        socket.onClose((close) => {
          if (unexpected) settle(err({ kind: 'status', status: unexpected.status, headers: unexpected.headers }));
          else settle(err({ kind: 'network', message: lastError?.message ?? `closed before opening (code ${close.code})` }));
        }),
      ];
    });
  }

  /** Usable for a new request: open, not lost, not being rotated out. */
  get isUsable(): boolean {
    return this.lost === undefined && !this.retiring;
  }

  get isLost(): boolean {
    return this.lost !== undefined;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  namedLaneCount(): number {
    return this.namedLanesUsed.size;
  }

  hasUsedLane(lane: string | undefined): boolean {
    return lane === undefined || this.namedLanesUsed.has(lane);
  }

  /** No new requests; closes as soon as the requests in flight have read their terminal events. */
  retire(): void {
    this.retiring = true;
    if (this.inFlight.size === 0) this.close('rotated');
  }

  /**
   * Sends a request's frame and routes its lane's events to `listener` until a terminal event (then the
   * lane is free again) or the connection is lost. The idle watchdog guards every read.
   */
  startRequest(
    lane: string | undefined,
    frameText: string,
    listener: RequestListener,
    idleTimeoutMs: number,
    onWritten?: (wireBytes: number | undefined) => void,
  ): void {
    if (this.lost) {
      const loss = this.lost;
      queueMicrotask(() => listener.onLost(loss));
      return;
    }
    const key = laneKey(lane);
    if (this.inFlight.has(key)) throw new Error(`Lane ${lane ?? '(default)'} already has a request in flight`);
    if (lane !== undefined) this.namedLanesUsed.add(lane);
    const entry: InFlight = { listener, idleTimer: undefined, idleTimeoutMs };
    this.inFlight.set(key, entry);
    this.armIdle(key, entry);
    this.socket.send(frameText, onWritten);
  }

  /** Sends a frame outside any request (response.steer). */
  sendFrame(frameText: string): boolean {
    if (this.lost) return false;
    this.socket.send(frameText);
    return true;
  }

  /** Ends the connection for everyone (Stop, rotation, dispose). In-flight requests hear `onLost`. */
  close(reason: 'rotated' | 'disposed' | 'cancelled', lane?: string): void {
    const message =
      reason === 'cancelled' ? 'Stopped: the socket was closed to stop the response.' : reason === 'rotated' ? 'Rotated before the 60-minute limit.' : 'Closed.';
    this.lose({ reason: reason === 'rotated' ? 'closed' : reason, message, lane });
    this.socket.close(1000, reason);
  }

  private armIdle(key: string, entry: InFlight): void {
    entry.idleTimer?.clear();
    entry.idleTimer = setIdleTimer(entry.idleTimeoutMs, () => {
      const seconds = Math.round(entry.idleTimeoutMs / 100) / 10;
      this.lose({ reason: 'idleTimeout', message: `No event from the server for ${seconds} s.` });
      this.socket.close(1000, 'idle timeout');
    });
  }

  private onMessage(data: string, binary: boolean, bytes: number): void {
    if (this.lost) return;
    if (binary) {
      this.lose({ reason: 'binaryFrame', message: 'The server sent a binary frame (a protocol error for this API).' });
      this.socket.close(1003, 'binary frame');
      return;
    }
    const parsed = parseServerEvent(data);
    if (!parsed.ok) {
      this.log.warn(`${parsed.error.message} Frame starts: ${parsed.error.excerpt.slice(0, 120)}`);
      this.lose({ reason: 'malformedFrame', message: parsed.error.message });
      this.socket.close(1007, 'malformed frame');
      return;
    }
    const event = parsed.value;
    const key = this.refusedLaneKey(event) ?? laneKey(event.stream_id);
    const entry = this.inFlight.get(key);
    const isConnectionLimit = event.type === 'error' && normalizeError(event).code === 'websocket_connection_limit_reached';

    if (!entry) {
      this.strayEmitter.fire(event);
      if (isConnectionLimit) {
        this.lose({ reason: 'connectionLimit', message: 'The server ended the connection at its 60-minute limit.' });
        this.socket.close(1000, 'connection limit');
      } else if (event.type === 'error') {
        this.log.warn(`Unsolicited error on the socket: ${normalizeError(event).code}`);
      }
      return;
    }

    const steered = event.type === 'response.incomplete' && event.response.incomplete_details?.reason === 'steered';
    if (isTerminalEvent(event) && !steered && steerErrorCode(event) === undefined) {
      // Read to its terminal event: the lane is clean and free before the listener runs (so it may start the next request).
      entry.idleTimer?.clear();
      this.inFlight.delete(key);
      entry.listener.onEvent(event, bytes);
      if (isConnectionLimit) {
        this.lose({ reason: 'connectionLimit', message: 'The server ended the connection at its 60-minute limit.' });
        this.socket.close(1000, 'connection limit');
      } else if (this.retiring && this.inFlight.size === 0) {
        this.close('rotated');
      }
      return;
    }
    this.armIdle(key, entry);
    entry.listener.onEvent(event, bytes);
  }

  /**
   * A gateway that refuses `stream_id` may answer without naming the lane; such an error cannot be the
   * default lane's (its requests carry no stream_id), so it goes to the oldest named lane in flight
   * (the gateway answers in order).
   */
  private refusedLaneKey(event: ServerEvent): string | undefined {
    if (event.type !== 'error' || event.stream_id !== undefined || normalizeError(event).param !== 'stream_id') return undefined;
    for (const key of this.inFlight.keys()) if (key !== DEFAULT_LANE) return key;
    return undefined;
  }

  private lose(loss: ConnectionLoss): void {
    if (this.lost) return;
    this.lost = loss;
    const entries = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const entry of entries) {
      entry.idleTimer?.clear();
      entry.listener.onLost(loss);
    }
    this.lossEmitter.fire(loss);
    this.lossEmitter.dispose();
    this.strayEmitter.dispose();
  }
}
