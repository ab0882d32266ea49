import { type DoctorReport, runConnectionDoctor } from '../transport/connectionDoctor';
import { wsSocketFactory } from '../transport/socket';
import type { HoldfastConfig } from './config';

/**
 * "Test Connection" on the real network: the connection doctor with the `ws` socket and the runtime's
 * `fetch`, for the configured server, model and key. The UI asks for the report through here, so it
 * never picks a socket implementation itself.
 */
export function checkConnection(config: HoldfastConfig, apiKey: string | undefined): Promise<DoctorReport> {
  return runConnectionDoctor({
    baseUrl: config.baseUrl,
    apiKey,
    model: config.model,
    socketFactory: wsSocketFactory,
    fetch: (url, init) => fetch(url, init),
  });
}
