/**
 * What a proxy said when it would not carry a connection. The message is the user-facing sentence (the
 * connector's log, the doctor, the status bar) and is also how the connector recognises a refusal after
 * it crossed `ws` (which keeps only an error's message): see `isProxyRefusal`.
 */
export class ProxyRefusedError extends Error {
  constructor(
    /** `host:port` of the proxy. */
    readonly proxy: string,
    /** `host:port` the tunnel was asked for. */
    readonly target: string,
    readonly status: number,
  ) {
    super(
      status === 407
        ? `The proxy ${proxy} refused CONNECT to ${target} (407): proxy authentication required or wrong; check the user and password in http.proxy (or http.proxyAuthorization).`
        : `The proxy ${proxy} refused CONNECT to ${target} (${status}).`,
    );
    this.name = 'ProxyRefusedError';
  }
}

/** A request forwarded by the proxy (plain http:// target) that the proxy itself answered 407. */
export function proxyAuthMessage(proxy: string, target: string): string {
  return `The proxy ${proxy} refused the request to ${target} (407): proxy authentication required or wrong; check the user and password in http.proxy (or http.proxyAuthorization).`;
}

const REFUSAL = /^The proxy (\S+) refused (?:CONNECT|the request) to (\S+) \((\d{3})\)/;

/** True when a connect error's message is a proxy's refusal (see `ProxyRefusedError`). */
export function isProxyRefusal(message: string): boolean {
  return REFUSAL.test(message);
}
