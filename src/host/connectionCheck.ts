import { type DoctorReport, runConnectionDoctor } from '../transport/connectionDoctor';
import { proxyDialer } from '../transport/proxy/proxyDialer';
import { wsSocketFactory } from '../transport/socket';
import type { HoldfastConfig } from './config';
import { LOOPBACK_PLACEHOLDER_KEY } from './connection';

/**
 * "Test Connection" on the real network: the connection doctor with the `ws` socket and the runtime's
 * `fetch`, for the configured server, model and key. The UI asks for the report through here, so it
 * never picks a socket implementation itself.
 */
export function checkConnection(config: HoldfastConfig, apiKey: string | undefined): Promise<DoctorReport> {
  // The same proxy routing as the transport's, so the doctor tests what a turn will use.
  const dialer = proxyDialer({ settings: () => config.proxy, direct: { socketFactory: wsSocketFactory, fetch: (url, init) => fetch(url, init) } });
  return runConnectionDoctor({
    baseUrl: config.baseUrl,
    apiKey,
    keyIsPlaceholder: apiKey === LOOPBACK_PLACEHOLDER_KEY,
    model: config.model,
    socketFactory: dialer.socketFactory,
    fetch: dialer.fetch,
  });
}
