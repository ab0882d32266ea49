// Holdfast itself, three ways: the real `WorkspaceTransport` (src/transport/workspaceTransport.ts) over its warm
// WebSocket, and the same class forced to HTTP/SSE, stateless or with previous_response_id (store: true).
// The driver passes the FULL transcript every time, exactly as the agent loop does; the session alone
// decides what goes on the wire.
import type { ModelRequest } from '../../../src/transport/modelClient';
import { WorkspaceTransport, type TransportMode } from '../../../src/transport/workspaceTransport';
import type { SocketFactory } from '../../../src/transport/socket';
import { BENCH_INSTRUCTIONS, BENCH_MODEL, BENCH_TOOLS } from '../benchTools';
import type { ContenderClient, ContenderSpec, EmulatorEndpoint, TurnRequest, TurnResult } from './contender';

interface HoldfastVariant {
  transport: TransportMode;
  store: boolean;
  /** Warm the socket with generate:false before the first prompt, as activation does. */
  warmUp: boolean;
  /** Default: the extension's own (src/transport/socket.ts). The CPU phase passes `ws`'s inflation as its baseline. */
  socketFactory?: SocketFactory;
}

function stderrLogger(tag: string): { info(m: string): void; warn(m: string): void; error(m: string): void } {
  const write = (level: string) => (message: string) => process.stderr.write(`[holdfast ${tag} ${level} ${performance.now().toFixed(0)}] ${message}\n`);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

function request(input: ModelRequest['input']): ModelRequest {
  return { model: BENCH_MODEL, instructions: BENCH_INSTRUCTIONS, tools: BENCH_TOOLS, input };
}

class HoldfastClient implements ContenderClient {
  private readonly session: WorkspaceTransport;

  constructor(
    endpoint: EmulatorEndpoint,
    private readonly variant: HoldfastVariant,
  ) {
    this.session = new WorkspaceTransport({
      baseUrl: endpoint.url,
      apiKey: () => Promise.resolve(endpoint.apiKey),
      transport: variant.transport,
      store: variant.store,
      ...(variant.socketFactory ? { socketFactory: variant.socketFactory } : {}),
      // Generous: a modelled mobile link with a large full request must not trip a timeout.
      connectTimeoutMs: 15_000,
      // Against a (modelled) remote server Holdfast offers permessage-deflate as it would for a real one.
      ...(endpoint.modelsRemote ? { perMessageDeflate: true } : {}),
      // HOLDFAST_BENCH_LOG=1 shows the transport's own log (delta/full decisions, recoveries) on stderr.
      ...(process.env['HOLDFAST_BENCH_LOG'] === '1' ? { logger: stderrLogger(variant.transport) } : {}),
    });
  }

  async activate(): Promise<void> {
    if (!this.variant.warmUp) return;
    const result = await this.session.warmUp(request([]));
    if (result.kind === 'failed') throw new Error(`Holdfast warm-up failed: ${JSON.stringify(result.outcome)}`);
    if (result.kind === 'skipped') throw new Error(`Holdfast warm-up skipped: ${result.reason}`);
  }

  async request(turn: TurnRequest): Promise<TurnResult> {
    const started = performance.now();
    let firstTokenAt: number | undefined;
    let textDeltas = 0;
    const outcome = await this.session.run(request(turn.fullInput), {
      onEvent: (event) => {
        if (event.kind === 'textDelta' || event.kind === 'reasoningDelta' || event.kind === 'toolCallArgumentsDelta') {
          firstTokenAt ??= performance.now();
        }
        if (event.kind === 'textDelta') {
          textDeltas += 1;
          turn.onTextDelta?.(event.itemId, event.delta);
        }
      },
    });
    if (outcome.kind !== 'completed') throw new Error(`Holdfast (${this.variant.transport}) request ended ${JSON.stringify(outcome)}`);
    return {
      responseId: outcome.responseId,
      output: outcome.output,
      ttftMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
      textDeltas,
    };
  }

  close(): Promise<void> {
    this.session.dispose();
    return Promise.resolve();
  }
}

export const holdfastWs: ContenderSpec = {
  id: 'holdfast-ws',
  label: 'Holdfast WS',
  description: 'WorkspaceTransport, transport websocket: socket opened and warmed (generate:false) at activation, deltas with previous_response_id, permessage-deflate, store:false',
  create: (endpoint) => new HoldfastClient(endpoint, { transport: 'websocket', store: false, warmUp: true }),
};

/** Holdfast WS with another socket factory (the CPU phase's same-run baseline). */
export function holdfastWsWith(endpoint: EmulatorEndpoint, socketFactory: SocketFactory): ContenderClient {
  return new HoldfastClient(endpoint, { transport: 'websocket', store: false, warmUp: true, socketFactory });
}

/** The same, without the warm-up: the socket opens on the first prompt (for the cold time-to-first-token). */
export const holdfastWsCold: ContenderSpec = {
  id: 'holdfast-ws-cold',
  label: 'Holdfast WS (cold)',
  description: 'as Holdfast WS, but no warm-up: the first prompt opens the socket',
  create: (endpoint) => new HoldfastClient(endpoint, { transport: 'websocket', store: false, warmUp: false }),
};

export const holdfastHttp: ContenderSpec = {
  id: 'holdfast-http',
  label: 'Stateless HTTP',
  description: 'WorkspaceTransport forced to HTTP/SSE with store:false: the full context on every request, as most agents talk today',
  create: (endpoint) => new HoldfastClient(endpoint, { transport: 'http', store: false, warmUp: false }),
};

export const holdfastHttpStore: ContenderSpec = {
  id: 'holdfast-http-store',
  label: 'HTTP + previous_response_id',
  description: 'WorkspaceTransport forced to HTTP/SSE with store:true: deltas with previous_response_id, the server loads the chain from storage',
  create: (endpoint) => new HoldfastClient(endpoint, { transport: 'http', store: true, warmUp: false }),
};
