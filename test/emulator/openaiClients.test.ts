// Clients nobody here wrote drive the emulator: the `openai` package's ResponsesWS (WebSocket mode)
// and its HTTP client (SSE and plain JSON) complete multi-turn tool-calling chains against it.
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import type { ResponsesServerEvent, ResponseFunctionToolCall, Tool } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index';
import { RawClient } from './testClient';

const TOOLS: Tool[] = ['read_file', 'get_diagnostics', 'apply_edit'].map((name) => ({
  type: 'function',
  name,
  description: name,
  parameters: { type: 'object', properties: { path: { type: 'string' }, edits: { type: 'array' } }, additionalProperties: true },
  strict: false,
}));

function fakeTool(call: ResponseFunctionToolCall): string {
  if (call.name === 'read_file') return 'export function add(a: number, b: number): string {\n  return a + b;\n}\n';
  if (call.name === 'get_diagnostics') return 'src/util.ts:1: Type number is not assignable to type string.';
  return 'applied 1 edit';
}

let emulator: Emulator;
afterEach(async () => {
  await emulator?.close();
});

describe('openai ResponsesWS (WebSocket mode)', () => {
  it('completes a multi-turn tool chain with deltas on a warm socket', async () => {
    emulator = await startEmulator({ scenario: 'agent-edit', pingIntervalMs: 0 });
    const client = new OpenAI({ apiKey: emulator.apiKey, baseURL: emulator.url });
    const ws = new ResponsesWS(client);
    const events: ResponsesServerEvent[] = [];
    ws.on('event', (e) => events.push(e));
    ws.on('error', (e) => events.push({ type: 'error', code: 'client', message: e.message, param: null, sequence_number: -1 }));
    const turn = (body: Parameters<typeof ws.send>[0]): Promise<ResponsesServerEvent> =>
      new Promise((resolve) => {
        const onEvent = (e: ResponsesServerEvent): void => {
          if (['response.completed', 'response.failed', 'response.incomplete', 'error'].includes(e.type)) {
            ws.off('event', onEvent);
            resolve(e);
          }
        };
        ws.on('event', onEvent);
        ws.send(body);
      });

    const common = { model: 'gpt-5.2', store: false, instructions: 'You are a coding agent.', tools: TOOLS } as const;
    let last = await turn({ type: 'response.create', ...common, input: [{ role: 'user', content: 'Please fix the bug in src/util.ts' }] });
    const texts: string[] = [];
    for (let i = 0; i < 5 && last.type === 'response.completed'; i += 1) {
      const calls = last.response.output.filter((o): o is ResponseFunctionToolCall => o.type === 'function_call');
      texts.push(last.response.output_text ?? '');
      if (calls.length === 0) break;
      last = await turn({
        type: 'response.create',
        ...common,
        previous_response_id: last.response.id,
        input: calls.map((c) => ({ type: 'function_call_output' as const, call_id: c.call_id, output: fakeTool(c) })),
      });
    }
    ws.close();
    expect(last.type).toBe('response.completed');
    const final = last.type === 'response.completed' ? last.response : null;
    const finalText = final?.output.flatMap((o) => (o.type === 'message' ? o.content : [])).map((c) => (c.type === 'output_text' ? c.text : '')).join('');
    expect(finalText).toContain('```ts\nexport function add(a: number, b: number): number {');
    const stats = emulator.stats();
    expect(stats.toolCalls.map((c) => c.name)).toEqual(['read_file', 'get_diagnostics', 'apply_edit']);
    expect(new Set(stats.toolCalls.map((c) => c.callId)).size).toBe(3);
    expect(stats.toolOutputs.map((o) => o.callId)).toEqual(['call_read', 'call_diag', 'call_edit']);
    expect(stats.requests.map((r) => [r.kind, r.cache])).toEqual([['full', 'none'], ['continuation', 'hit'], ['continuation', 'hit']]);
    expect(stats.handshakes.accepted).toBe(1);
    expect(events.some((e) => e.type === 'response.reasoning_summary_text.delta')).toBe(true);
    expect(events.filter((e) => e.type === 'response.function_call_arguments.delta').length).toBeGreaterThan(6);
    expect(stats.connections[0]?.deflate).toBe(true);
  });
});

describe('openai HTTP client', () => {
  it('completes a tool chain over SSE with previous_response_id (store:true)', async () => {
    emulator = await startEmulator({ scenario: 'agent-edit', pingIntervalMs: 0 });
    const client = new OpenAI({ apiKey: emulator.apiKey, baseURL: emulator.url, maxRetries: 0 });
    let previous: string | undefined;
    let input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'fix src/util.ts please' }];
    let finalText = '';
    const seenTypes = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const stream = await client.responses.create({ model: 'gpt-5.2', stream: true, store: true, tools: TOOLS, input, ...(previous ? { previous_response_id: previous } : {}) });
      let completed: OpenAI.Responses.Response | null = null;
      for await (const event of stream) {
        seenTypes.add(event.type);
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(completed?.status).toBe('completed');
      if (!completed) return;
      previous = completed.id;
      const calls = completed.output.filter((o): o is ResponseFunctionToolCall => o.type === 'function_call');
      if (calls.length === 0) {
        finalText = completed.output_text ?? completed.output.flatMap((o) => (o.type === 'message' ? o.content : [])).map((c) => (c.type === 'output_text' ? c.text : '')).join('');
        break;
      }
      input = calls.map((c) => ({ type: 'function_call_output', call_id: c.call_id, output: fakeTool(c) }));
    }
    expect(finalText).toContain('Fixed.');
    expect(seenTypes).toContain('response.output_text.delta');
    const stats = emulator.stats();
    expect(stats.requests.map((r) => [r.transport, r.kind, r.cache])).toEqual([
      ['http-sse', 'full', 'none'],
      ['http-sse', 'continuation', 'hydrated'],
      ['http-sse', 'continuation', 'hydrated'],
    ]);
    expect(stats.cache.hydrations).toBe(2);
  });

  it('returns the final response JSON without stream, lists models, and rejects a wrong key with 401', async () => {
    emulator = await startEmulator({ pingIntervalMs: 0, tokensPerSecond: 0 });
    const client = new OpenAI({ apiKey: emulator.apiKey, baseURL: emulator.url, maxRetries: 0 });
    const response = await client.responses.create({ model: 'gpt-5.2', input: 'Explain closures briefly' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toContain('```ts');
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-5.2');

    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: emulator.url, maxRetries: 0 });
    await expect(wrong.responses.create({ model: 'gpt-5.2', input: 'hi' })).rejects.toMatchObject({ status: 401 });
    await expect(RawClient.connect(emulator.wsUrl, 'sk-wrong')).rejects.toMatchObject({ status: 401 });
    const stats = emulator.stats();
    expect(stats.handshakes.rejected['401']).toBe(1);
    expect(stats.totals.wsConnections).toBe(0);
  });

  it('the default scenario reads a mentioned file, proposes an edit, then answers', async () => {
    emulator = await startEmulator({ pingIntervalMs: 0, tokensPerSecond: 0 });
    const client = new OpenAI({ apiKey: emulator.apiKey, baseURL: emulator.url, maxRetries: 0 });
    const tools: Tool[] = [
      { type: 'function', name: 'read_file', description: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: false },
      { type: 'function', name: 'apply_edit', description: 'edit', parameters: { type: 'object', properties: { path: { type: 'string' }, edits: { type: 'array' } } }, strict: false },
    ];
    const r1 = await client.responses.create({ model: 'gpt-5.2', tools, input: 'What does src/main.ts do?' });
    const call1 = r1.output.find((o): o is ResponseFunctionToolCall => o.type === 'function_call');
    expect(call1?.name).toBe('read_file');
    expect(JSON.parse(call1?.arguments ?? '{}')).toEqual({ path: 'src/main.ts' });
    const r2 = await client.responses.create({ model: 'gpt-5.2', tools, previous_response_id: r1.id, input: [{ type: 'function_call_output', call_id: call1?.call_id ?? '', output: 'console.log("hi");\n' }] });
    const call2 = r2.output.find((o): o is ResponseFunctionToolCall => o.type === 'function_call');
    expect(call2?.name).toBe('apply_edit');
    expect(JSON.parse(call2?.arguments ?? '{}')).toEqual({ path: 'src/main.ts', edits: [{ old_text: 'console.log("hi");', new_text: '// Reviewed by Holdfast.\nconsole.log("hi");' }] });
    const r3 = await client.responses.create({ model: 'gpt-5.2', tools, previous_response_id: r2.id, input: [{ type: 'function_call_output', call_id: call2?.call_id ?? '', output: 'ok' }] });
    expect(r3.output_text).toContain('Done: I edited `src/main.ts`');
    const noTools = await client.responses.create({ model: 'gpt-5.2', input: 'What does src/main.ts do?' });
    expect(noTools.output.every((o) => o.type === 'message')).toBe(true);
  });
});
