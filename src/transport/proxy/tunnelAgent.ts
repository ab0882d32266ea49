/**
 * An `http.Agent` whose connections are HTTP CONNECT tunnels through a proxy (then TLS to the server
 * for https:/wss: targets). Used by `ws` for the socket and by `proxiedFetch` for https:// requests.
 *
 * Our own ~100 lines rather than `https-proxy-agent`: that package turns a refused CONNECT into a fake
 * HTTP response replayed to the caller, so a proxy's 403 would look exactly like the server refusing the
 * API key (403) on the upgrade; here a refusal is a `ProxyRefusedError` naming the proxy and its status,
 * which the connector turns into an immediate HTTP fallback and the doctor into a sentence. No new
 * dependency in the bundle either.
 *
 * TLS: no `ca` is passed unless the caller gives one, so Node's default store applies, which includes
 * NODE_EXTRA_CA_CERTS (and, in VS Code's extension host, the system certificates it adds).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { ProxyRefusedError } from './proxyRefusal';
import type { ProxyRoute } from './proxySettings';

/** Longest answer header a proxy may send to CONNECT before we give up on it. */
const MAX_CONNECT_RESPONSE = 16 * 1024;

export class TunnelAgent extends http.Agent {
  constructor(
    private readonly route: ProxyRoute,
    /** TLS to the target inside the tunnel (https:, wss:). */
    private readonly secureTarget: boolean,
    keepAlive: boolean,
  ) {
    super({ keepAlive });
    // https.request (and ws for wss:) checks that the agent speaks the URL's protocol.
    (this as unknown as { protocol: string }).protocol = secureTarget ? 'https:' : 'http:';
    (this as unknown as { defaultPort: number }).defaultPort = secureTarget ? 443 : 80;
  }

  override createConnection(options: http.ClientRequestArgs & tls.ConnectionOptions, callback: (error: Error | null, socket: Duplex) => void): undefined {
    const host = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port) || (this.secureTarget ? 443 : 80);
    openTunnel(this.route, host, port).then(
      (socket) => {
        if (!this.secureTarget) return callback(null, socket);
        const secure = tls.connect({
          socket,
          servername: net.isIP(host) ? undefined : (options.servername ?? host),
          rejectUnauthorized: this.route.strictSSL && options.rejectUnauthorized !== false,
          ...(options.ca ? { ca: options.ca } : {}),
          ...(options.ALPNProtocols ? { ALPNProtocols: options.ALPNProtocols } : {}),
        });
        const onError = (error: Error): void => callback(error, secure);
        secure.once('error', onError);
        secure.once('secureConnect', () => {
          secure.off('error', onError);
          callback(null, secure);
        });
      },
      (error: Error) => callback(error, new net.Socket()),
    );
    return undefined;
  }
}

/** Connects to the proxy and asks for a tunnel to `host:port`; resolves with the tunnel's socket. */
export function openTunnel(route: ProxyRoute, host: string, port: number): Promise<net.Socket> {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const proxyHost = route.url.hostname.replace(/^\[|\]$/g, '');
    const proxyPort = Number(route.url.port);
    const socket: net.Socket =
      route.url.protocol === 'https:'
        ? tls.connect({ host: proxyHost, port: proxyPort, servername: net.isIP(proxyHost) ? undefined : proxyHost, rejectUnauthorized: route.strictSSL })
        : net.connect({ host: proxyHost, port: proxyPort });
    let received = Buffer.alloc(0);
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => fail(new Error(`Could not reach the proxy ${route.display}: ${error.message}`));
    const onClose = (): void => fail(new Error(`The proxy ${route.display} closed the connection before answering CONNECT to ${target}.`));
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > MAX_CONNECT_RESPONSE) fail(new Error(`The proxy ${route.display} sent an oversized answer to CONNECT.`));
        return;
      }
      socket.off('data', onData).off('error', onError).off('close', onClose);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (status !== 200) return fail(new ProxyRefusedError(route.display, target, status));
      const rest = received.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData).on('error', onError).on('close', onClose);
    const auth = route.authorization ? `Proxy-Authorization: ${route.authorization}\r\n` : '';
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
  });
}
