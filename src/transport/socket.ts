/**
 * The socket port: the least the transport needs from a WebSocket, so tests can pass a fake and the
 * extension passes `wsSocketFactory` (built on `ws`, which answers pings itself).
 *
 * Lifecycle guarantee every implementation keeps: after `onOpen` or not, exactly one `onClose` fires
 * at the end (after an `onUnexpectedResponse` or `onError` too), so owners can clean up in one place.
 */
import { WebSocket } from 'ws';
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Emitter, type Event } from '../common/event';
import { installSyncInflate, type SyncInflater } from './syncInflate';

export interface SocketOptions {
  perMessageDeflate: boolean;
  handshakeTimeoutMs: number;
}

export interface SocketOpenInfo {
  /** Whether permessage-deflate was negotiated. */
  deflate: boolean;
  /** Headers of the 101 response (rate-limit headers arrive only here). */
  headers: Record<string, string>;
}

export interface SocketMessage {
  data: string;
  /** A binary frame: a protocol error for this API. `data` is then a best-effort UTF-8 decoding. */
  binary: boolean;
  /** Payload bytes (after decompression). */
  bytes: number;
}

export interface SocketClose {
  code: number;
  reason: string;
}

export interface UnexpectedResponse {
  status: number;
  headers: Record<string, string>;
}

/** Bytes on the wire (TCP payload, i.e. after compression) so far, when the implementation can tell. */
export interface WireCounters {
  written: number;
  read: number;
}

export interface ModelSocket {
  readonly onOpen: Event<SocketOpenInfo>;
  readonly onMessage: Event<SocketMessage>;
  readonly onClose: Event<SocketClose>;
  readonly onError: Event<Error>;
  /** The upgrade was answered with a status other than 101 (401, 426, 429, 5xx…). `onClose` follows. */
  readonly onUnexpectedResponse: Event<UnexpectedResponse>;
  /** Sends one text frame. `onWritten` gets the wire bytes of the frame when known. */
  send(data: string, onWritten?: (wireBytes: number | undefined) => void): void;
  close(code?: number, reason?: string): void;
  wireCounters(): WireCounters | undefined;
}

export type SocketFactory = (url: string, headers: Record<string, string>, options: SocketOptions) => ModelSocket;

/**
 * A `ws`-based socket factory. `syncInflate` (default) inflates permessage-deflate messages on the
 * calling thread (see syncInflate.ts); false keeps `ws`'s thread-pool inflation (the benchmark's
 * same-run baseline).
 */
export function createWsSocketFactory(options: { syncInflate: boolean } = { syncInflate: true }): SocketFactory {
  return (url, headers, socketOptions) => new WsModelSocket(url, headers, socketOptions, options.syncInflate);
}

/** The `ws`-based socket used by the extension host. */
export const wsSocketFactory: SocketFactory = createWsSocketFactory();

/** The same socket, its upgrade request made on `agent` (a proxy tunnel, see `transport/proxy`). */
export function wsSocketFactoryVia(agent: Agent): SocketFactory {
  return (url, headers, options) => new WsModelSocket(url, headers, options, true, agent);
}

class WsModelSocket implements ModelSocket {
  private readonly openEmitter = new Emitter<SocketOpenInfo>();
  private readonly messageEmitter = new Emitter<SocketMessage>();
  private readonly closeEmitter = new Emitter<SocketClose>();
  private readonly errorEmitter = new Emitter<Error>();
  private readonly unexpectedEmitter = new Emitter<UnexpectedResponse>();
  readonly onOpen = this.openEmitter.event;
  readonly onMessage = this.messageEmitter.event;
  readonly onClose = this.closeEmitter.event;
  readonly onError = this.errorEmitter.event;
  readonly onUnexpectedResponse = this.unexpectedEmitter.event;

  private readonly ws: WebSocket;
  private closed = false;
  private upgradeHeaders: Record<string, string> = {};
  private inflater: SyncInflater | null = null;

  constructor(url: string, headers: Record<string, string>, options: SocketOptions, syncInflate: boolean, agent?: Agent) {
    this.ws = new WebSocket(url, {
      headers,
      ...(agent ? { agent } : {}),
      perMessageDeflate: options.perMessageDeflate,
      handshakeTimeout: options.handshakeTimeoutMs,
      // Frames are JSON; a single event can be large (a whole file in a tool call), but not unbounded.
      maxPayload: 64 * 1024 * 1024,
    });
    this.ws.on('upgrade', (response: IncomingMessage) => {
      this.upgradeHeaders = flattenHeaders(response.headers);
    });
    this.ws.on('open', () => {
      // 'open' fires before the receiver reads its first frame: the extension can still be swapped.
      if (syncInflate) this.inflater = installSyncInflate(this.negotiatedDeflate());
      const extensions = this.ws.extensions;
      this.openEmitter.fire({ deflate: /permessage-deflate/.test(extensions), headers: this.upgradeHeaders });
    });
    this.ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      this.messageEmitter.fire({ data: buffer.toString('utf8'), binary: isBinary, bytes: buffer.byteLength });
    });
    this.ws.on('unexpected-response', (request: ClientRequest, response: IncomingMessage) => {
      // With a listener installed, `ws` leaves the request to us: report the status, then abort.
      this.unexpectedEmitter.fire({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers) });
      response.resume();
      request.destroy();
      this.finish(1006, `HTTP ${response.statusCode ?? 0} on upgrade`);
    });
    this.ws.on('error', (error: Error) => {
      this.errorEmitter.fire(error);
      this.finish(1006, error.message);
    });
    this.ws.on('close', (code: number, reason: Buffer) => {
      this.finish(code, reason.toString('utf8'));
    });
  }

  send(data: string, onWritten?: (wireBytes: number | undefined) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      onWritten?.(undefined);
      return;
    }
    const before = this.netSocket()?.bytesWritten;
    this.ws.send(data, (error) => {
      const after = this.netSocket()?.bytesWritten;
      // With permessage-deflate, ws compresses asynchronously; the callback runs once the frame is handed
      // to the TCP socket, so the difference is this frame's compressed size (plus any ping/pong between).
      onWritten?.(error || before === undefined || after === undefined ? undefined : after - before);
    });
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      // Aborting a pending handshake: `ws` emits 'error' + 'close'; terminate() is the documented way.
      this.ws.terminate();
    } else {
      // No close handshake wait: a stopped response must not linger, and we never reuse this socket.
      this.ws.close(code, reason);
      const ws = this.ws;
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    this.finish(code, reason);
  }

  wireCounters(): WireCounters | undefined {
    const socket = this.netSocket();
    return socket ? { written: socket.bytesWritten, read: socket.bytesRead } : undefined;
  }

  private negotiatedDeflate(): unknown {
    // `_extensions` is ws's map of negotiated extensions; not public API, so installSyncInflate checks its shape.
    return (this.ws as unknown as { _extensions?: Record<string, unknown> })._extensions?.['permessage-deflate'];
  }

  private netSocket(): Socket | undefined {
    // `_socket` is ws's handle on the TCP (or TLS) socket; not public API, so read it defensively.
    const candidate = (this.ws as unknown as { _socket?: Socket | null })._socket;
    return candidate && typeof candidate.bytesWritten === 'number' ? candidate : undefined;
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.inflater?.dispose();
    this.inflater = null;
    this.closeEmitter.fire({ code, reason });
    this.openEmitter.dispose();
    this.messageEmitter.dispose();
    this.closeEmitter.dispose();
    this.errorEmitter.dispose();
    this.unexpectedEmitter.dispose();
  }
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
