/**
 * Which proxy (if any) a request to a given URL goes through. Pure: the host reads VS Code's `http.*`
 * settings into `ProxySettings`, the environment is passed in, and this decides.
 *
 * Precedence: `http.proxy` (when set) over `HTTPS_PROXY`/`HTTP_PROXY` (upper- or lower-case, by the
 * target's scheme; ws:// counts as http, wss:// as https). The bypass list is `http.noProxy` plus
 * `NO_PROXY`/`no_proxy` (both apply: either one exempting a host is enough). Loopback targets never go
 * through a proxy (a local server is never behind one; curl and VS Code do the same).
 */
import { isLoopbackUrl } from '../../common/loopback';

/** What the user configured (VS Code's `http.*` settings); empty strings count as unset. */
export interface ProxySettings {
  /** `http.proxy`, e.g. `http://user:pass@proxy.corp:3128`. */
  proxy?: string | undefined;
  /** `http.proxyStrictSSL` (default true): verify the server's certificate (and an https:// proxy's). */
  strictSSL?: boolean | undefined;
  /** `http.noProxy`: hosts that bypass the proxy, same syntax as NO_PROXY entries. */
  noProxy?: readonly string[] | undefined;
  /** `http.proxyAuthorization`: the whole `Proxy-Authorization` header value (wins over URL credentials). */
  proxyAuthorization?: string | undefined;
}

export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/** The proxy one request goes through. */
export interface ProxyRoute {
  /** The proxy's URL without credentials (`http://proxy.corp:3128`). */
  url: URL;
  /** `host:port` of the proxy, for messages and logs. */
  display: string;
  /** The `Proxy-Authorization` header value, from `http.proxyAuthorization` or the URL's user:pass. */
  authorization: string | undefined;
  /** Verify TLS certificates (the server's through the tunnel, and an https:// proxy's). */
  strictSSL: boolean;
}

/** The route for `target`, or undefined to connect directly. */
export function resolveProxy(target: string, settings: ProxySettings, env: ProxyEnvironment): ProxyRoute | undefined {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (isLoopbackUrl(target)) return undefined;
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const configured = nonEmpty(settings.proxy) ?? (secure ? envValue(env, 'https_proxy') ?? envValue(env, 'http_proxy') : envValue(env, 'http_proxy'));
  if (!configured) return undefined;
  const bypass = [...(settings.noProxy ?? []), ...splitList(envValue(env, 'no_proxy'))];
  if (bypassed(url, bypass)) return undefined;
  return proxyRoute(configured, settings);
}

function proxyRoute(configured: string, settings: ProxySettings): ProxyRoute | undefined {
  let proxy: URL;
  try {
    // `proxy.corp:3128` without a scheme is common in HTTPS_PROXY: it means http://.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(configured) ? configured : `http://${configured}`);
  } catch {
    return undefined;
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') return undefined;
  const fromUrl = proxy.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
    : undefined;
  const port = proxy.port || (proxy.protocol === 'https:' ? '443' : '80');
  const clean = new URL(`${proxy.protocol}//${proxy.hostname}:${port}`);
  return {
    url: clean,
    display: `${proxy.hostname}:${port}`,
    authorization: nonEmpty(settings.proxyAuthorization) ?? fromUrl,
    strictSSL: settings.strictSSL !== false,
  };
}

/**
 * NO_PROXY semantics as curl and most tools read them: `*` bypasses everything; `example.com`,
 * `.example.com` and `*.example.com` match the domain and its subdomains; `host:port` only that port;
 * an IP literal matches exactly (CIDR ranges are not interpreted).
 */
export function bypassed(target: URL, entries: readonly string[]): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' || target.protocol === 'wss:' ? '443' : '80');
  return entries.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry === '*') return true;
    const [entryHost, entryPort] = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) return false;
    const domain = entryHost.replace(/^\*?\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
}

function splitHostPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1] ?? '', bracketed[2]];
  const parts = entry.split(':');
  // More than one colon: a bare IPv6 address, no port.
  if (parts.length === 2 && /^\d+$/.test(parts[1] ?? '')) return [parts[0] ?? '', parts[1]];
  return [entry, undefined];
}

function envValue(env: ProxyEnvironment, lowerName: string): string | undefined {
  // Lower-case first, as curl does (HTTP_PROXY upper-case is unsafe in CGI, but both are common).
  return nonEmpty(env[lowerName]) ?? nonEmpty(env[lowerName.toUpperCase()]);
}

function splitList(value: string | undefined): string[] {
  return value ? value.split(/[\s,]+/).filter((s) => s !== '') : [];
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
