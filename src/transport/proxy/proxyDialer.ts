/**
 * The proxy-aware socket factory and fetch: each connect and each request resolves its proxy from the
 * settings of the moment (so a changed `http.proxy` applies at the next connect) and goes direct when
 * none applies. Agents are kept per proxy route, so HTTP requests through one proxy reuse their tunnels.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { FetchLike } from '../httpTransport';
import { wsSocketFactoryVia, type SocketFactory } from '../socket';
import { proxiedFetch } from './proxiedFetch';
import { resolveProxy, type ProxyEnvironment, type ProxyRoute, type ProxySettings } from './proxySettings';
import { TunnelAgent } from './tunnelAgent';

export interface ProxyDialerOptions {
  /** Read at every connect and request. */
  settings: () => ProxySettings | undefined;
  /** Default `process.env`. */
  env?: ProxyEnvironment;
  /** Where a request goes when no proxy applies. */
  direct: { socketFactory: SocketFactory; fetch: FetchLike };
}

export interface ProxyDialer {
  socketFactory: SocketFactory;
  fetch: FetchLike;
  /** The proxy a URL would go through (for the doctor and the log), or undefined for direct. */
  routeFor(url: string): ProxyRoute | undefined;
}

export function proxyDialer(options: ProxyDialerOptions): ProxyDialer {
  const routeFor = (url: string): ProxyRoute | undefined => resolveProxy(url, options.settings() ?? {}, options.env ?? process.env);
  const agents = new Map<string, http.Agent>();
  const agent = <T extends http.Agent>(key: string, make: () => T): T => {
    const known = agents.get(key);
    if (known) return known as T;
    const made = make();
    agents.set(key, made);
    return made;
  };
  const keyOf = (route: ProxyRoute): string => `${route.url.href} ${route.authorization ?? ''} ${route.strictSSL}`;
  return {
    routeFor,
    socketFactory: (url, headers, socketOptions) => {
      const route = routeFor(url);
      if (!route) return options.direct.socketFactory(url, headers, socketOptions);
      // One agent per socket: an upgraded socket leaves the agent's pool anyway.
      return wsSocketFactoryVia(new TunnelAgent(route, url.startsWith('wss:'), false))(url, headers, socketOptions);
    },
    fetch: (url, init) => {
      const route = routeFor(url);
      if (!route) return options.direct.fetch(url, init);
      const key = keyOf(route);
      const tunnel = (): TunnelAgent => agent(`tunnel ${key}`, () => new TunnelAgent(route, true, true));
      const forwarding = agent(`forward ${key}`, () =>
        route.url.protocol === 'https:' ? new https.Agent({ keepAlive: true, rejectUnauthorized: route.strictSSL }) : new http.Agent({ keepAlive: true }),
      );
      return proxiedFetch(route, tunnel, forwarding)(url, init);
    },
  };
}
