// The listening server: HTTP(S) on 127.0.0.1, the WebSocket upgrade on {base}/responses (with
// upgrade faults, auth, handshake delay and the modelled connect cost), routing to WsConnection or,
// in replay mode, ReplayConnection.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Engine } from './engine';
import { apiError, httpErrorBody } from './errors';
import type { Fault } from './faults';
import { HttpHandler } from './httpHandler';
import { deflateInline } from './inlineDeflate';
import { connectRoundTrips } from './link';
import { readRecording, ReplayConnection, type RecordedLine } from './replay';
import { selfSignedCertificate } from './tls';
import type { ReplayOptions } from './types';
import { WsConnection } from './wsConnection';

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 426: 'Upgrade Required', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** Writes a plain HTTP response on a socket that asked to upgrade, then closes it. */
function rejectUpgrade(socket: Socket, status: number, code: string, message: string, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify(httpErrorBody(apiError(status, code, message)));
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close', ...extraHeaders };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${head}\r\n\r\n${body}`);
}

export interface RunningServer {
  port: number;
  tlsCert: string | null;
  /** The open WebSocket-mode connections (for the connectionLimitNow fault and clock checks). */
  connections: Set<WsConnection>;
  setFault(fault: Fault): void;
  close(): Promise<void>;
}

export async function startServer(engine: Engine, port: number): Promise<RunningServer> {
  const tls = engine.options.tls ? await selfSignedCertificate() : null;
  const connections = new Set<WsConnection>();
  const setFault = (fault: Fault): void => {
    if (fault.kind === 'connectionLimitNow') {
      for (const conn of connections) if (!fault.connectionId || fault.connectionId === conn.id) conn.limitReached();
      return;
    }
    engine.faults.arm(fault);
  };
  const httpHandler = new HttpHandler(engine, tls !== null, {
    setFault,
    advanceClock: (ms) => {
      engine.advanceClock(ms);
      for (const conn of connections) conn.checkAge();
    },
    setClock: (now) => {
      engine.setClock(now);
      for (const conn of connections) conn.checkAge();
    },
  });
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => void httpHandler.handle(req, res);
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
  const deflate = engine.options.deflate !== false;
  // Context takeover on both sides, as the real service negotiates it: resent tools/instructions
  // compress to almost nothing.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: deflate ? { threshold: 64 } : false });
  wss.on('headers', (headers) => {
    // Rate-limit headers arrive only once, on the 101 (contract §1).
    headers.push('x-ratelimit-limit-requests: 10000', 'x-ratelimit-remaining-requests: 9999', 'x-ratelimit-reset-requests: 6ms');
  });
  const replay: { lines: RecordedLine[]; options: ReplayOptions } | null = engine.options.replay
    ? (() => {
        const options = typeof engine.options.replay === 'string' ? { file: engine.options.replay } : engine.options.replay;
        return { lines: readRecording(options.file), options };
      })()
    : null;

  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    void (async () => {
      engine.accounting.handshakes.attempted += 1;
      const rejected = (status: number): void => {
        const key = String(status);
        engine.accounting.handshakes.rejected[key] = (engine.accounting.handshakes.rejected[key] ?? 0) + 1;
      };
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== `${engine.basePath}/responses`) {
        rejected(404);
        return rejectUpgrade(socket, 404, 'not_found', `No WebSocket endpoint at ${url.pathname}.`);
      }
      const delay = engine.faults.takeHandshakeDelay();
      if (delay && delay.kind === 'handshakeDelay') await engine.modelledDelay('fault.handshakeDelay', delay.ms, null);
      // TCP (+ TLS) handshakes, then the upgrade request/response round trip.
      await engine.modelledDelay('link.handshake', engine.link.rttMs * (connectRoundTrips(tls !== null) + 1), null);
      if (socket.destroyed) return;
      const statusFault = engine.faults.takeUpgradeStatus();
      if (statusFault && statusFault.kind === 'upgradeStatus') {
        rejected(statusFault.status);
        const extra: Record<string, string> = statusFault.status === 429 ? { 'retry-after': '1', 'retry-after-ms': '1000' } : {};
        const message = statusFault.status === 426 ? 'WebSocket mode is not available on this endpoint.' : `Emulated upgrade failure (${statusFault.status}).`;
        const code = statusFault.status === 429 ? 'rate_limit_exceeded' : statusFault.status === 426 ? 'upgrade_required' : statusFault.status === 401 ? 'invalid_api_key' : 'server_error';
        return rejectUpgrade(socket, statusFault.status, code, message, extra);
      }
      if (!engine.authorized(req.headers.authorization)) {
        rejected(401);
        return rejectUpgrade(socket, 401, 'invalid_api_key', 'Incorrect API key provided.');
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        engine.accounting.handshakes.accepted += 1;
        const negotiated = ws.extensions.includes('permessage-deflate');
        // `_extensions` is ws's map of negotiated extensions (deflateInline checks its shape).
        if (negotiated) deflateInline((ws as unknown as { _extensions?: Record<string, unknown> })._extensions?.['permessage-deflate']);
        if (replay) {
          new ReplayConnection(engine, ws, socket, replay.lines, replay.options, negotiated);
          return;
        }
        const conn = new WsConnection(engine, ws, socket, negotiated, (c) => connections.delete(c));
        connections.add(conn);
      });
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    tlsCert: tls?.cert ?? null,
    connections,
    setFault,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
