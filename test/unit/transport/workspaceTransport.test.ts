import { describe, expect, it } from 'vitest';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { functionCallOutput, userMessage, type ResponseItem } from '../../../src/protocol/items';
import { webSocketUrl } from '../../../src/transport/workspaceTransport';
import {
  assistantMessage,
  errorEvent,
  functionCall,
  responseEvents,
  routing,
  usage,
  type FakeSocket,
  type Json,
} from '../../fakes/fakeSocket';
import { API_KEY, collectEvents, hello, makeTransport, request, sseResponse } from './transportHarness';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkspaceTransport: warm-up and the delta chain', () => {
  it('warms with generate:false and the real request, then chains every turn as a delta', async () => {
    const { server, transport } = makeTransport();
    const warm = await transport.warmUp(request([]));
    expect(warm).toMatchObject({ kind: 'warm', responseId: 'resp_1' });

    server.handler = (frame, socket) => {
      const id = server.nextResponseId();
      const input = frame['input'] as Json[];
      const last = input[input.length - 1];
      if (last && last['type'] === 'function_call_output') socket.emit(...responseEvents(frame, id, [assistantMessage(`msg_${id}`, 'done')]));
      else socket.emit(...responseEvents(frame, id, [functionCall(`fc_${id}`, `call_${id}`, 'read_file', '{"path":"a.ts"}')]));
    };
    const transcript: ResponseItem[] = [hello];
    const first = await transport.run(request(transcript));
    expect(first.kind).toBe('completed');
    if (first.kind !== 'completed') return;
    transcript.push(...first.output, functionCallOutput('call_resp_2', 'file text'));
    const second = await transport.run(request(transcript));
    expect(second).toMatchObject({ kind: 'completed', responseId: 'resp_3' });

    const creates = server.creates;
    expect(creates).toHaveLength(3);
    expect(creates[0]).toMatchObject({ type: 'response.create', generate: false, input: [], model: 'gpt-5.2', instructions: 'You are a coding agent.', store: false });
    expect(creates[0]).not.toHaveProperty('previous_response_id');
    expect(creates[1]).toMatchObject({ previous_response_id: 'resp_1', input: [hello] });
    expect(creates[1]).not.toHaveProperty('generate');
    expect(creates[2]).toMatchObject({ previous_response_id: 'resp_2', input: [functionCallOutput('call_resp_2', 'file text')] });
    // Per-request parameters are resent unchanged on every request of the chain.
    for (const frame of creates) expect(frame['tools']).toEqual(creates[0]?.['tools']);
    expect(server.sockets).toHaveLength(1);
  });

  it('connects to base + /responses with the auth and beta headers', async () => {
    const { server, transport } = makeTransport({ organization: 'org_1', project: 'proj_1' });
    await transport.run(request([hello]));
    const socket = server.sockets[0] as FakeSocket;
    expect(socket.url).toBe('wss://api.example.test/v1/responses');
    expect(socket.headers).toEqual({
      Authorization: `Bearer ${API_KEY}`,
      'OpenAI-Beta': 'responses_websockets=2026-02-06',
      'OpenAI-Organization': 'org_1',
      'OpenAI-Project': 'proj_1',
    });
    expect(webSocketUrl('http://127.0.0.1:9/v1/')).toBe('ws://127.0.0.1:9/v1/responses');
  });

  it('starts a new chain in full when the model changes', async () => {
    const { server, transport } = makeTransport();
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);
    await transport.run(request([hello, ...first.output, userMessage('again')], { model: 'gpt-5.2-mini' }));
    expect(server.creates[1]).not.toHaveProperty('previous_response_id');
    expect(server.creates[1]?.['input']).toHaveLength(3);
  });

  it('measures bytes sent, the stateless size and usage per request', async () => {
    const { server, transport, measured } = makeTransport();
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);
    const fullInput = [hello, ...first.output, userMessage('next')];
    const second = await transport.run(request(fullInput));
    if (second.kind !== 'completed') throw new Error(second.kind);
    const socket = server.sockets[0] as FakeSocket;
    expect(second.metrics.mode).toBe('delta');
    expect(second.metrics.bytesSent).toBe(Buffer.byteLength(socket.sent[1] as string));
    expect(second.metrics.wireBytesSent).toBe(second.metrics.bytesSent);
    const fullFrame: Json = { ...(JSON.parse(socket.sent[1] as string) as Json), input: fullInput };
    delete fullFrame['previous_response_id'];
    expect(second.metrics.statelessBytes).toBe(Buffer.byteLength(JSON.stringify(fullFrame)));
    expect(second.metrics.statelessBytes).toBeGreaterThan(second.metrics.bytesSent);
    expect(second.usage).toEqual({ inputTokens: 10, cachedTokens: 0, outputTokens: 5, reasoningTokens: 0 });
    expect(second.metrics.timeToFirstTokenMs).toBeTypeOf('number');
    expect(measured).toHaveLength(2);
    expect(transport.totals).toMatchObject({ requests: 2, deltaRequests: 1, fullRequests: 1 });
  });
});

describe('WorkspaceTransport: lanes', () => {
  it('completes a named-lane request while a default-lane response is still streaming on the same socket', async () => {
    const { server, transport } = makeTransport();
    let heldDefault: { frame: Json; socket: FakeSocket } | undefined;
    server.handler = (frame, socket) => {
      const id = server.nextResponseId();
      if (frame['stream_id'] === undefined) {
        heldDefault = { frame, socket };
        socket.emit({ type: 'response.created', sequence_number: 0, response: { id, status: 'in_progress', output: [] } });
        socket.emit({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'm', output_index: 0, content_index: 0, delta: 'thinking' });
      } else {
        socket.emit(...responseEvents(frame, id, [assistantMessage('msg_inline', 'async function load() {}')]));
      }
    };
    const defaultEvents = collectEvents();
    const chat = transport.run(request([hello]), { onEvent: defaultEvents.onEvent });
    await tick();
    await tick();
    const inline = await transport.run(request([userMessage('make it async')], { lane: 'inline-1' }));
    expect(inline).toMatchObject({ kind: 'completed', responseId: 'resp_2' });
    expect(server.creates[1]).toMatchObject({ stream_id: 'inline-1' });
    // The default lane heard none of the named lane's events.
    expect(defaultEvents.events.map((e) => e.kind)).toEqual(['created', 'textDelta']);

    const held = heldDefault as { frame: Json; socket: FakeSocket };
    held.socket.emit({ type: 'response.completed', sequence_number: 2, response: { id: 'resp_1', status: 'completed', output: [assistantMessage('m', 'thinking')], usage: usage() } });
    expect(await chat).toMatchObject({ kind: 'completed', responseId: 'resp_1' });
    expect(server.sockets).toHaveLength(1);
  });

  it('serializes the default lane: a second run waits for the first terminal event', async () => {
    const { server, transport } = makeTransport();
    const a = transport.run(request([hello]));
    const b = transport.run(request([userMessage('other')]));
    await Promise.all([a, b]);
    // The second create was only sent after the first response completed.
    const log = server.sentLog.map((e) => e.frame['type']);
    expect(log).toEqual(['response.create', 'response.create']);
    expect(server.creates[1]).not.toHaveProperty('previous_response_id'); // its input does not extend the first
  });

  it('rejects an invalid lane name without touching the wire', async () => {
    const { server, transport } = makeTransport();
    expect(await transport.run(request([hello], { lane: 'bad lane!' }))).toMatchObject({ kind: 'serverError', code: 'invalid_stream_id', retryable: false });
    expect(server.sockets).toHaveLength(0);
  });
});

describe('WorkspaceTransport: errors and recovery', () => {
  it('ignores unknown event types', async () => {
    const { server, transport } = makeTransport();
    server.handler = (frame, socket) => {
      const events = responseEvents(frame, 'resp_x', [assistantMessage('m', 'hi')]);
      events.splice(1, 0, { type: 'response.brand_new_thing', sequence_number: 99, payload: [1, 2] });
      socket.emit(...events);
    };
    expect(await transport.run(request([hello]))).toMatchObject({ kind: 'completed', responseId: 'resp_x' });
  });

  it('maps a request-shaped error to a non-retryable serverError', async () => {
    const { server, transport } = makeTransport();
    server.handler = (_frame, socket) => socket.emit(errorEvent('context_length_exceeded', 'Your input exceeds the context window.'));
    expect(await transport.run(request([hello]))).toEqual({
      kind: 'serverError',
      code: 'context_length_exceeded',
      message: 'Your input exceeds the context window.',
      retryable: false,
    });
  });

  it('maps a streaming-shaped error too', async () => {
    const { server, transport } = makeTransport();
    server.handler = (_frame, socket) => socket.emit({ type: 'error', code: 'invalid_prompt', message: 'Nope.', param: null, sequence_number: 3 });
    expect(await transport.run(request([hello]))).toEqual({ kind: 'serverError', code: 'invalid_prompt', message: 'Nope.', retryable: false });
  });

  it.each([
    ['a malformed frame', (socket: FakeSocket) => socket.emit('{"type":"response.output_text.delta", "delta": ')],
    ['a binary frame', (socket: FakeSocket) => socket.emitBinary([1, 2, 3])],
    ['a dropped connection', (socket: FakeSocket) => socket.drop()],
  ])('recovers from %s mid-stream: new socket, full resend, same output', async (_what, fault) => {
    const { server, transport } = makeTransport();
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);
    let faulted = false;
    server.handler = (frame, socket) => {
      const id = server.nextResponseId();
      if (!faulted) {
        faulted = true;
        socket.emit({ type: 'response.created', sequence_number: 0, response: { id, status: 'in_progress', output: [] } });
        fault(socket);
        return;
      }
      socket.emit(...responseEvents(frame, id, [assistantMessage('msg_ok', 'the answer')]));
    };
    const { events, onEvent } = collectEvents();
    const outcome = await transport.run(request([hello, ...first.output, userMessage('q2')]), { onEvent });
    expect(outcome).toMatchObject({ kind: 'completed', output: [assistantMessage('msg_ok', 'the answer')] });
    if (outcome.kind === 'completed') expect(outcome.metrics.recoveries).toBe(1);
    expect(events.find((e) => e.kind === 'recovering')).toBeDefined();
    expect(server.sockets).toHaveLength(2);
    const resend = server.sentLog.filter((e) => e.socket === 1).map((e) => e.frame);
    expect(resend[0]).not.toHaveProperty('previous_response_id');
    expect(resend[0]?.['input']).toHaveLength(3);
  });

  it('gives up with networkError when recovery fails too (never a hang)', async () => {
    const { server, transport } = makeTransport();
    server.handler = (_frame, socket) => socket.drop();
    // A hang would be caught by the test's timeout; what is asserted is that it tried exactly twice.
    expect(await transport.run(request([hello]))).toMatchObject({ kind: 'networkError' });
    expect(server.creates).toHaveLength(2);
  });

  it('ends a stalled read with the idle watchdog and resends on a new socket', async () => {
    const { server, transport } = makeTransport({ idleTimeoutMs: 100 });
    let stalled = false;
    server.handler = (frame, socket) => {
      const id = server.nextResponseId();
      if (!stalled) {
        stalled = true;
        socket.emit({ type: 'response.created', sequence_number: 0, response: { id, status: 'in_progress', output: [] } });
        return; // and then nothing
      }
      socket.emit(...responseEvents(frame, id, [assistantMessage('m', 'ok')]));
    };
    const started = Date.now();
    expect(await transport.run(request([hello]))).toMatchObject({ kind: 'completed', responseId: 'resp_2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(server.sockets[0]?.closedByClient).toBe(true);
  });

  it('after an unsolicited 60-minute error on an idle socket, the next request goes full on a new socket', async () => {
    const { server, transport } = makeTransport();
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);
    (server.sockets[0] as FakeSocket).emit(errorEvent('websocket_connection_limit_reached', 'Responses websocket connection limit reached (60 minutes).'));
    await tick();
    await tick();
    expect(transport.state).toEqual({ kind: 'idle' });
    const second = await transport.run(request([hello, ...first.output, userMessage('q2')]));
    expect(second).toMatchObject({ kind: 'completed' });
    expect(server.sockets).toHaveLength(2);
    expect(server.creates[1]).not.toHaveProperty('previous_response_id');
    if (second.kind === 'completed') expect(second.metrics.recoveries).toBe(0);
  });

  it('on previous_response_not_found, resends the full context once on the same socket', async () => {
    const { server, transport } = makeTransport();
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);
    server.handler = (frame, socket) => {
      if (frame['previous_response_id']) {
        socket.emit(errorEvent('previous_response_not_found', `Previous response with id '${String(frame['previous_response_id'])}' not found.`));
        return;
      }
      socket.emit(...responseEvents(frame, server.nextResponseId(), [assistantMessage('m', 'ok')]));
    };
    const outcome = await transport.run(request([hello, ...first.output, userMessage('q2')]));
    expect(outcome).toMatchObject({ kind: 'completed', metrics: { recoveries: 1, mode: 'full' } });
    expect(server.creates.map((f) => f['previous_response_id'] ?? null)).toEqual([null, 'resp_1', null]);
    expect(server.sockets).toHaveLength(1);
  });

  it('401 on the upgrade: authFailed, authError state, no retry', async () => {
    const { server, transport } = makeTransport();
    server.upgrades = [{ kind: 'status', status: 401 }];
    const outcome = await transport.run(request([hello]));
    expect(outcome).toEqual({ kind: 'authFailed', message: 'The server refused the API key (HTTP 401).' });
    expect(transport.state).toMatchObject({ kind: 'authError' });
    expect(server.sockets).toHaveLength(1);
  });

  it('429: waits as told, then resends in full', async () => {
    const { server, transport } = makeTransport();
    let limited = false;
    server.handler = (frame, socket) => {
      if (!limited) {
        limited = true;
        socket.emit(errorEvent('rate_limit_exceeded', 'Rate limit reached. Please try again in 0.08s.', 429, { headers: { 'retry-after-ms': '80' } }));
        return;
      }
      socket.emit(...responseEvents(frame, server.nextResponseId(), [assistantMessage('m', 'ok')]));
    };
    const started = Date.now();
    const outcome = await transport.run(request([hello]));
    expect(outcome).toMatchObject({ kind: 'completed', metrics: { recoveries: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(server.creates).toHaveLength(2);
  });

  it('429 asking for longer than the bound: rateLimited at once', async () => {
    const { server, transport } = makeTransport({ maxRateLimitWaitMs: 1000 });
    server.handler = (_frame, socket) => socket.emit(errorEvent('rate_limit_exceeded', 'Please try again in 20s.', 429));
    expect(await transport.run(request([hello]))).toEqual({ kind: 'rateLimited', message: 'Please try again in 20s.', retryAfterMs: 20_000 });
    expect(server.creates).toHaveLength(1);
  });

  it('server_is_overloaded: bounded retries, then a retryable serverError', async () => {
    const { server, transport } = makeTransport({ maxOverloadRetries: 2 });
    server.handler = (_frame, socket) => socket.emit({ type: 'error', status: 503, error: { type: 'server_error', code: 'server_is_overloaded', message: 'Overloaded.' } });
    expect(await transport.run(request([hello]))).toEqual({ kind: 'serverError', code: 'server_is_overloaded', message: 'Overloaded.', retryable: true });
    expect(server.creates).toHaveLength(3);
  });

  it('Stop closes the socket; the next request goes full on a new socket', async () => {
    const { server, transport } = makeTransport();
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);
    server.handler = (_frame, socket) => {
      socket.emit({ type: 'response.created', sequence_number: 0, response: { id: 'resp_long', status: 'in_progress', output: [] } });
    };
    const source = new CancellationTokenSource();
    const running = transport.run(request([hello, ...first.output, userMessage('long')]), { token: source.token });
    await tick();
    await tick();
    await tick();
    source.cancel();
    expect(await running).toEqual({ kind: 'cancelled' });
    expect(server.sockets[0]?.closedByClient).toBe(true);

    server.handler = (frame, socket) => socket.emit(...responseEvents(frame, server.nextResponseId(), [assistantMessage('m', 'ok')]));
    const after = await transport.run(request([hello, ...first.output, userMessage('next')]));
    expect(after.kind).toBe('completed');
    expect(server.sockets).toHaveLength(2);
    expect(server.creates[2]).not.toHaveProperty('previous_response_id');
  });

  it('a named lane caught by another lane’s Stop resends in full on a new socket', async () => {
    const { server, transport } = makeTransport();
    server.handler = (frame, socket) => {
      if (socket.index === 0) {
        socket.emit({ type: 'response.created', sequence_number: 0, ...routing(frame), response: { id: `r_${String(frame['stream_id'] ?? 'd')}`, status: 'in_progress', output: [] } });
        return;
      }
      socket.emit(...responseEvents(frame, server.nextResponseId(), [assistantMessage('m', 'inline ok')]));
    };
    const source = new CancellationTokenSource();
    const chat = transport.run(request([hello]), { token: source.token });
    const inline = transport.run(request([userMessage('edit')], { lane: 'inline-1' }));
    await tick();
    await tick();
    await tick();
    source.cancel();
    expect(await chat).toEqual({ kind: 'cancelled' });
    expect(await inline).toMatchObject({ kind: 'completed', metrics: { recoveries: 1 } });
    expect(server.sentLog.filter((e) => e.socket === 1).map((e) => e.frame['stream_id'])).toEqual(['inline-1']);
  });
});

describe('WorkspaceTransport: rotation', () => {
  it('rotates at 55 minutes between requests, never mid-request', async () => {
    const { server, transport, clock } = makeTransport();
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);

    // A request that is running when the socket turns 55 minutes old finishes on it.
    server.handler = (frame, socket) => {
      const id = server.nextResponseId();
      socket.emit({ type: 'response.created', sequence_number: 0, response: { id, status: 'in_progress', output: [] } });
      setTimeout(() => {
        clock.advance(56 * 60_000);
        socket.emit(...responseEvents(frame, id, [assistantMessage('m', 'long one')]).slice(1));
      }, 20);
    };
    const second = await transport.run(request([hello, ...first.output, userMessage('q2')]));
    expect(second).toMatchObject({ kind: 'completed', metrics: { mode: 'delta' } });
    expect(server.sockets).toHaveLength(1);
    if (second.kind !== 'completed') return;

    server.handler = (frame, socket) => socket.emit(...responseEvents(frame, server.nextResponseId(), [assistantMessage('m', 'ok')]));
    const third = await transport.run(request([hello, ...first.output, userMessage('q2'), ...second.output, userMessage('q3')]));
    expect(third).toMatchObject({ kind: 'completed', metrics: { mode: 'full', recoveries: 0 } });
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[0]?.closedByClient).toBe(true);
  });
});

describe('WorkspaceTransport: HTTP fallback', () => {
  it('HTTP 426 on the upgrade: the turn completes over HTTP at once, and the fallback is remembered', async () => {
    const { server, http, transport, clock } = makeTransport({ fallbackMemoryMs: 60_000 });
    server.upgrades = [{ kind: 'status', status: 426 }];
    const outcome = await transport.run(request([hello]));
    expect(outcome).toMatchObject({ kind: 'completed', responseId: 'resp_http_1', metrics: { transport: 'http' } });
    expect(server.sockets).toHaveLength(1); // one refused upgrade, no retry before falling back
    expect(transport.state).toMatchObject({ kind: 'httpFallback' });
    expect(http.calls[0]?.url).toBe('https://api.example.test/v1/responses');
    expect(http.calls[0]?.headers).toMatchObject({ Authorization: `Bearer ${API_KEY}`, Accept: 'text/event-stream' });
    expect(http.calls[0]?.body).toMatchObject({ stream: true, input: [hello] });
    expect(http.calls[0]?.body).not.toHaveProperty('generate');
    expect(http.calls[0]?.body).not.toHaveProperty('type');

    await transport.run(request([hello]));
    expect(server.sockets).toHaveLength(1); // remembered: no new upgrade attempt
    clock.advance(61_000);
    await transport.run(request([hello]));
    expect(server.sockets).toHaveLength(2); // forgotten: the socket is tried again
  });

  it('a connect timeout falls back to HTTP in auto mode', async () => {
    const { server, http, transport } = makeTransport({ connectTimeoutMs: 50 });
    server.upgrades = [{ kind: 'hang' }];
    expect(await transport.run(request([hello]))).toMatchObject({ kind: 'completed', metrics: { transport: 'http' } });
    expect(http.calls).toHaveLength(1);
    expect(transport.state).toMatchObject({ kind: 'httpFallback', reason: expect.stringContaining('did not finish within') });
  });

  it('websocket mode reports connect failures instead of falling back', async () => {
    const { server, http, transport } = makeTransport({ transport: 'websocket', connectTimeoutMs: 30 });
    server.upgrades = [{ kind: 'hang' }, { kind: 'hang' }];
    expect(await transport.run(request([hello]))).toMatchObject({ kind: 'networkError' });
    expect(http.calls).toHaveLength(0);
    expect(transport.state).toMatchObject({ kind: 'offline' });
  });

  it('store:false over HTTP always sends the full input; store:true chains with previous_response_id', async () => {
    const { http, transport } = makeTransport({ transport: 'http' });
    const first = await transport.run(request([hello]));
    if (first.kind !== 'completed') throw new Error(first.kind);
    await transport.run(request([hello, ...first.output, userMessage('q2')]));
    expect(http.calls[1]?.body).not.toHaveProperty('previous_response_id');
    expect(http.calls[1]?.body['input']).toHaveLength(3);

    const stored = await transport.run(request([userMessage('s1')], { store: true }));
    if (stored.kind !== 'completed') throw new Error(stored.kind);
    await transport.run(request([userMessage('s1'), ...stored.output, userMessage('s2')], { store: true }));
    expect(http.calls[3]?.body).toMatchObject({ previous_response_id: stored.responseId, input: [userMessage('s2')], store: true });
  });

  it('HTTP 401 is authFailed with no retry', async () => {
    const { http, transport } = makeTransport({ transport: 'http' });
    http.answer = () => new Response(JSON.stringify({ error: { message: 'Incorrect API key provided.', code: 'invalid_api_key' } }), { status: 401 });
    expect(await transport.run(request([hello]))).toEqual({ kind: 'authFailed', message: 'Incorrect API key provided.' });
    expect(http.calls).toHaveLength(1);
  });

  it('warm-up is skipped over HTTP (it never sends generate)', async () => {
    const { http, transport } = makeTransport({ transport: 'http' });
    expect(await transport.warmUp(request([]))).toMatchObject({ kind: 'skipped' });
    expect(http.calls).toHaveLength(0);
  });

  it('reads an SSE stream that ends without [DONE] and with CRLF line ends', async () => {
    const { http, transport } = makeTransport({ transport: 'http' });
    http.answer = (body) => {
      const text = responseEvents(body, 'resp_crlf', [assistantMessage('m', 'hi')]).map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');
      return new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    };
    expect(await transport.run(request([hello]))).toMatchObject({ kind: 'completed', responseId: 'resp_crlf' });
    void sseResponse;
  });
});

describe('WorkspaceTransport: the API key never leaks', () => {
  it('redacts the key from outcomes and logs', async () => {
    const { server, transport, logs } = makeTransport();
    server.handler = (_frame, socket) => socket.emit(errorEvent('invalid_request', `Bad header Authorization: Bearer ${API_KEY} and raw ${API_KEY}`));
    const outcome = await transport.run(request([hello]));
    expect(JSON.stringify(outcome)).not.toContain(API_KEY);
    expect(JSON.stringify(outcome)).toContain('[REDACTED]');
    expect(logs.join('\n')).not.toContain(API_KEY);
  });

  it('no key: authFailed and the noKey state, nothing on the wire', async () => {
    const { server, transport } = makeTransport({ apiKey: async () => undefined });
    expect(await transport.run(request([hello]))).toEqual({ kind: 'authFailed', message: 'No API key is set.' });
    expect(transport.state).toEqual({ kind: 'noKey' });
    expect(server.sockets).toHaveLength(0);
  });
});

describe('WorkspaceTransport: dispose', () => {
  it('ends a request in flight without reconnecting', async () => {
    const { server, transport } = makeTransport();
    server.handler = (_frame, socket) => socket.emit({ type: 'response.created', sequence_number: 0, response: { id: 'resp_x', status: 'in_progress', output: [] } });
    const running = transport.run(request([hello]));
    await tick();
    await tick();
    await tick();
    transport.dispose();
    expect(await running).toEqual({ kind: 'networkError', message: 'The session was closed.' });
    expect(server.sockets).toHaveLength(1);
    expect(server.sockets[0]?.closedByClient).toBe(true);
  });
});

describe('WorkspaceTransport: state', () => {
  it('goes connecting → busy → warm', async () => {
    const { transport, states } = makeTransport();
    await transport.run(request([hello]));
    const kinds = states.map((s) => s.kind);
    expect(kinds).toContain('connecting');
    expect(kinds).toContain('busy');
    expect(kinds[kinds.length - 1]).toBe('warm');
  });
});
