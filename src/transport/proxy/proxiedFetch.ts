/**
 * `FetchLike` through a proxy, on Node's http/https: https:// targets through a CONNECT tunnel
 * (`TunnelAgent`, so the proxy sees only the host and port, never the request or its API key), http://
 * targets as absolute-form requests to the proxy (the way every HTTP proxy forwards plain HTTP: the proxy
 * sees the whole request, key included, which README says).
 *
 * Errors are shaped like undici's (`TypeError('fetch failed', { cause })`) so `describeFetchError` and
 * the stale-connection retry read them the same way as the direct path's.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import type { FetchLike } from '../httpTransport';
import { proxyAuthMessage } from './proxyRefusal';
import type { ProxyRoute } from './proxySettings';
import type { TunnelAgent } from './tunnelAgent';

export function proxiedFetch(route: ProxyRoute, tunnel: () => TunnelAgent, forwarding: http.Agent): FetchLike {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const failed = (cause: unknown): void => reject(new TypeError('fetch failed', { cause }));
      if (init.signal?.aborted) return reject(init.signal.reason);
      const request = target.protocol === 'https:' ? https.request(target, { method: init.method, headers: init.headers, agent: tunnel() }) : forwardedRequest(route, target, init, forwarding);
      const onAbort = (): void => {
        request.destroy(init.signal?.reason instanceof Error ? init.signal.reason : new Error('aborted'));
      };
      init.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => (init.signal?.aborted ? reject(init.signal.reason) : failed(error)));
      request.on('response', (response) => {
        if (target.protocol !== 'https:' && response.statusCode === 407) {
          response.resume();
          return failed(new Error(proxyAuthMessage(route.display, target.host)));
        }
        resolve(toResponse(response));
      });
      request.on('close', () => init.signal?.removeEventListener('abort', onAbort));
      request.end(init.body);
    });
}

function forwardedRequest(route: ProxyRoute, target: URL, init: Parameters<FetchLike>[1], agent: http.Agent): http.ClientRequest {
  const headers: Record<string, string> = { ...init.headers, host: target.host };
  if (route.authorization) headers['proxy-authorization'] = route.authorization;
  const options: https.RequestOptions = {
    host: route.url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(route.url.port),
    method: init.method,
    path: target.href,
    headers,
    agent,
  };
  return route.url.protocol === 'https:' ? https.request({ ...options, rejectUnauthorized: route.strictSSL }) : http.request(options);
}

function toResponse(response: http.IncomingMessage): Response {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] ?? '', raw[i + 1] ?? '');
  const status = response.statusCode ?? 502;
  const noBody = status === 204 || status === 304;
  if (noBody) response.resume();
  const body = noBody ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: response.statusMessage ?? '', headers });
}
