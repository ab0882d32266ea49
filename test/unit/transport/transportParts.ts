/**
 * The parts of a WorkspaceTransport, built one by one around a FakeServer, a fake fetch and a
 * ManualClock, for the tests of each part on its own (connector, request run, rotation, scope).
 */
import { ConnectionScope } from '../../../src/transport/connectionScope';
import { Connector, dialerFor } from '../../../src/transport/connector';
import { TransportStatus } from '../../../src/transport/state';
import { resolveSettings, type TransportContext, type TransportSettings, type WorkspaceTransportOptions } from '../../../src/transport/transportOptions';
import { WsConnection } from '../../../src/transport/wsConnection';
import { FakeServer } from '../../fakes/fakeSocket';
import { ManualClock } from '../../fakes/manualClock';
import { API_KEY, FakeHttp } from './transportHarness';

export interface Parts {
  server: FakeServer;
  http: FakeHttp;
  clock: ManualClock;
  logs: string[];
  context: TransportContext & { settings: TransportSettings; isDisposed: boolean };
  status: TransportStatus;
  connector: Connector;
}

export function makeParts(options: Partial<WorkspaceTransportOptions> = {}): Parts {
  const server = new FakeServer();
  const http = new FakeHttp();
  const clock = new ManualClock(1_000_000);
  const logs: string[] = [];
  const context = {
    settings: resolveSettings({
      baseUrl: 'https://api.example.test/v1',
      apiKey: async () => API_KEY,
      idleTimeoutMs: 300,
      connectTimeoutMs: 200,
      overloadBackoffMs: 5,
      ...options,
    }),
    isDisposed: false,
    clock,
    log: {
      info: (m: string) => logs.push(`info ${m}`),
      warn: (m: string) => logs.push(`warn ${m}`),
      error: (m: string) => logs.push(`error ${m}`),
    },
    redact: (text: string) => text.split(API_KEY).join('[REDACTED]'),
  };
  const status: TransportStatus = new TransportStatus(() => connector.facts);
  const connector: Connector = new Connector(context, status, dialerFor({ socketFactory: server.factory, fetch: http.fetch }));
  return { server, http, clock, logs, context, status, connector };
}

/** Opens a socket on `server` (accepted by the fake at once) and wraps it in a scope of its own. */
export async function openScope(server: FakeServer, key = API_KEY, clock = new ManualClock(1_000_000)): Promise<ConnectionScope> {
  const opened = await WsConnection.open(server.factory, {
    url: 'wss://api.example.test/v1/responses',
    headers: {},
    connectTimeoutMs: 1000,
    perMessageDeflate: false,
    now: clock.now,
    log: { warn: () => undefined },
  });
  if (!opened.ok) throw new Error(`connect failed: ${JSON.stringify(opened.error)}`);
  return new ConnectionScope(opened.value, key);
}

export const tick = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await tick();
  if (!condition()) throw new Error(`never happened: ${what}`);
}
