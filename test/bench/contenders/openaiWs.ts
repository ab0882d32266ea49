// The straightforward client: the `openai` package's own ResponsesWS (WebSocket mode), chained with
// previous_response_id as its documentation shows, connecting on first use (no warm-up), default
// socket options (the `ws` library offers permessage-deflate by default). Driven as in
// test/emulator/openaiClients.test.ts.
import OpenAI from 'openai';
import type { ResponseInputItem, ResponsesServerEvent, Tool } from 'openai/resources/responses/responses';
import { ResponsesWS } from 'openai/resources/responses/ws';
import type { ResponseItem } from '../../../src/protocol/items';
import { BENCH_INSTRUCTIONS, BENCH_MODEL, BENCH_TOOLS } from '../benchTools';
import type { ContenderClient, ContenderSpec, EmulatorEndpoint, TurnRequest, TurnResult } from './contender';

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);
const TOKEN_EVENTS = new Set(['response.output_text.delta', 'response.function_call_arguments.delta', 'response.reasoning_summary_text.delta', 'response.reasoning_text.delta']);

class OpenAiWsClient implements ContenderClient {
  private ws: ResponsesWS | undefined;
  private previousResponseId: string | undefined;

  constructor(private readonly endpoint: EmulatorEndpoint) {}

  activate(): Promise<void> {
    return Promise.resolve();
  }

  request(turn: TurnRequest): Promise<TurnResult> {
    const started = performance.now();
    // Created on first use, so its handshake is part of the first request, as with a plain client.
    this.ws ??= new ResponsesWS(new OpenAI({ apiKey: this.endpoint.apiKey, baseURL: this.endpoint.url, maxRetries: 0 }));
    const ws = this.ws;
    const input = (this.previousResponseId ? turn.newItems : turn.fullInput) as unknown as ResponseInputItem[];
    return new Promise<TurnResult>((resolve, reject) => {
      let firstTokenAt: number | undefined;
      let textDeltas = 0;
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onEvent = (event: ResponsesServerEvent): void => {
        if (TOKEN_EVENTS.has(event.type)) firstTokenAt ??= performance.now();
        if (event.type === 'response.output_text.delta') {
          textDeltas += 1;
          turn.onTextDelta?.(event.item_id, event.delta);
        }
        if (!TERMINAL.has(event.type)) return;
        cleanup();
        if (event.type !== 'response.completed') {
          reject(new Error(`openai ResponsesWS request ended ${JSON.stringify(event).slice(0, 500)}`));
          return;
        }
        this.previousResponseId = event.response.id;
        resolve({
          responseId: event.response.id,
          output: event.response.output as unknown as ResponseItem[],
          ttftMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
          textDeltas,
        });
      };
      const cleanup = (): void => {
        ws.off('event', onEvent);
        ws.off('error', onError);
      };
      ws.on('event', onEvent);
      ws.on('error', onError);
      ws.send({
        type: 'response.create',
        model: BENCH_MODEL,
        store: false,
        instructions: BENCH_INSTRUCTIONS,
        // Same JSON as Holdfast sends; only the TypeScript declarations differ (strict is optional here).
        tools: BENCH_TOOLS as unknown as Tool[],
        input,
        ...(this.previousResponseId ? { previous_response_id: this.previousResponseId } : {}),
      });
    });
  }

  close(): Promise<void> {
    this.ws?.close();
    this.ws = undefined;
    return Promise.resolve();
  }
}

export const openaiWs: ContenderSpec = {
  id: 'openai-ws',
  label: 'openai ResponsesWS',
  description: 'the openai package\'s ResponsesWS (openai@6.49.0), previous_response_id chaining as documented, store:false, connects on the first prompt (no warm-up), library defaults',
  create: (endpoint) => new OpenAiWsClient(endpoint),
};
