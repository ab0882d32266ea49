/** Builds a WorkspaceTransport wired to a FakeServer, a fake fetch and a settable clock. */
import { WorkspaceTransport, type WorkspaceTransportOptions } from '../../../src/transport/workspaceTransport';
import type { ModelRequest, ModelStreamEvent, RequestMetrics, TransportState } from '../../../src/transport/modelClient';
import { userMessage, type FunctionToolDefinition } from '../../../src/protocol/items';
import { FakeServer, responseEvents, assistantMessage, type Json } from '../../fakes/fakeSocket';
import { ManualClock } from '../../fakes/manualClock';

export const API_KEY = 'sk-test-abcdefghijklmnopqrstuvwxyz0123';

export const tools: FunctionToolDefinition[] = [
  { type: 'function', name: 'read_file', description: 'Read a workspace file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
];

export function request(input: ModelRequest['input'], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { model: 'gpt-5.2', instructions: 'You are a coding agent.', tools, input, ...extra };
}

export interface FetchCall {
  url: string;
  headers: Record<string, string>;
  body: Json;
}

/** A fake `fetch` answering POST /responses with SSE built by `answer`. */
export class FakeHttp {
  readonly calls: FetchCall[] = [];
  private counter = 0;
  answer: (body: Json, call: FetchCall) => Response = (body) => sseResponse(responseEvents(body, this.nextId(), [assistantMessage(`msg_http_${this.counter}`, `http reply ${this.counter}`)]));

  nextId(): string {
    this.counter += 1;
    return `resp_http_${this.counter}`;
  }

  readonly fetch = async (url: string, init: { headers: Record<string, string>; body?: string }): Promise<Response> => {
    const body = JSON.parse(init.body ?? '{}') as Json;
    const call = { url, headers: init.headers, body };
    this.calls.push(call);
    return this.answer(body, call);
  };
}

export function sseResponse(events: Json[], status = 200): Response {
  const text = events.map((e) => `event: ${String(e['type'])}\ndata: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
  return new Response(text, { status, headers: { 'content-type': 'text/event-stream' } });
}

export { ManualClock };

export interface Harness {
  server: FakeServer;
  http: FakeHttp;
  clock: ManualClock;
  transport: WorkspaceTransport;
  logs: string[];
  states: TransportState[];
  measured: RequestMetrics[];
}

export function makeTransport(options: Partial<WorkspaceTransportOptions> = {}): Harness {
  const server = new FakeServer();
  const http = new FakeHttp();
  const clock = new ManualClock(1_000_000);
  const logs: string[] = [];
  const transport = new WorkspaceTransport({
    baseUrl: 'https://api.example.test/v1',
    apiKey: async () => API_KEY,
    socketFactory: server.factory,
    fetch: http.fetch,
    clock,
    idleTimeoutMs: 300,
    connectTimeoutMs: 200,
    overloadBackoffMs: 5,
    logger: {
      info: (m) => logs.push(`info ${m}`),
      warn: (m) => logs.push(`warn ${m}`),
      error: (m) => logs.push(`error ${m}`),
    },
    ...options,
  });
  const states: TransportState[] = [];
  const measured: RequestMetrics[] = [];
  transport.onDidChangeState((s) => states.push(s));
  transport.onDidMeasure((m) => measured.push(m));
  return { server, http, clock, transport, logs, states, measured };
}

export function collectEvents(): { events: ModelStreamEvent[]; onEvent: (e: ModelStreamEvent) => void } {
  const events: ModelStreamEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

export const hello = userMessage('hello');
