// The wire contract, shown frame by frame with a raw client: event order, sequence numbers, errors,
// warm-up, the connection cache, lanes, steering and the 60-minute limit.
import type { JsonObject } from './types';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorOptions, Scenario } from './index';
import { emulatorFixture, errorCodeOf, type RawClient, READ_FILE_TOOL, responseOf, toolOutput, userMessage, type Frame } from './testClient';

const INSTRUCTIONS = 'You are a coding agent inside VS Code.';

const SCENARIO: Scenario = {
  name: 'protocol',
  tokensPerSecond: 0,
  fallback: 'auto',
  asides: { matches: '/^\\(aside\\)/' },
  steps: [
    { id: 'read', when: { userText: 'fail to compile' }, calls: [{ name: 'read_file', callId: 'call_1', arguments: { path: 'src/a.ts' } }] },
    { id: 'explain', when: { toolOutputs: [{ callId: 'call_1' }] }, expect: { toolOutputs: [{ callId: 'call_1', output: 'export const' }] }, say: '`a` is a number but gets a string.' },
    { id: 'slow', when: { userText: 'long essay' }, say: 'word '.repeat(400), tokensPerSecond: 400 },
    { id: 'steered', when: { userText: 'util.ts' }, say: 'Using the helper in util.ts.' },
    { id: 'inline', when: { userText: 'async' }, say: 'async function load() { return read(); }' },
    { id: 'lookup', when: { userText: 'look up' }, calls: [{ name: 'read_file', callId: 'call_look', arguments: { path: 'src/b.ts' } }] },
    { id: 'after-lookup', when: { toolOutputs: [{ callId: 'call_look' }] }, expect: { userText: 'helper' }, say: 'Read it, and I will use the helper.' },
    { id: 'call-then-talk', when: { userText: 'check c' }, output: [{ call: { name: 'read_file', callId: 'call_c', arguments: { path: 'src/c.ts' } } }, { text: 'word '.repeat(400) }], tokensPerSecond: 400 },
    { id: 'after-c', when: { toolOutputs: [{ callId: 'call_c' }] }, expect: { userText: 'hurry' }, say: 'Done with c, hurrying.' },
    { id: 'hello', when: { userText: 'hello' }, say: 'Hello there.', repeat: true },
  ],
};

const fixture = emulatorFixture({ scenario: SCENARIO });
let emulator: Emulator;
const start = async (options: EmulatorOptions = {}): Promise<Emulator> => (emulator = await fixture.start(options));
const connect = (): Promise<RawClient> => fixture.connect();

function create(extra: Record<string, unknown>): JsonObject {
  return { type: 'response.create', model: 'gpt-5.2', store: false, instructions: INSTRUCTIONS, tools: [READ_FILE_TOOL], ...extra } as JsonObject;
}

afterEach(() => fixture.cleanup());

describe('events', () => {
  it('streams a tool call in the documented order with per-response sequence numbers', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('Why does src/a.ts fail to compile?')] }));
    const frames = await c.untilTerminal();
    expect(frames.map((f) => f.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(frames.map((f) => f['sequence_number'])).toEqual(frames.map((_, i) => i));
    const done = frames.find((f) => f.type === 'response.output_item.done');
    expect(done?.['item']).toMatchObject({ type: 'function_call', call_id: 'call_1', name: 'read_file', arguments: '{"path":"src/a.ts"}', status: 'completed' });
    const deltas = frames.filter((f) => f.type === 'response.function_call_arguments.delta').map((f) => f['delta']).join('');
    expect(deltas).toBe('{"path":"src/a.ts"}');
    expect(frames.some((f) => 'stream_id' in f)).toBe(false);
  });

  it('streams text with content parts and reports usage', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    const frames = await c.untilTerminal();
    const types = frames.map((f) => f.type);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-5)).toEqual(['response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    const text = frames.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('');
    expect(text).toBe('Hello there.');
    const usage = responseOf(frames.at(-1))['usage'] as Record<string, unknown>;
    expect(usage['input_tokens']).toBeGreaterThan(0);
    expect(usage['input_tokens_details']).toEqual({ cached_tokens: 0 });
    expect(usage['output_tokens']).toBe(4 + Math.ceil('Hello there.'.length / 4));
  });

  it('answers unknown, malformed and binary client frames with an error', async () => {
    await start();
    const c = await connect();
    c.send({ type: 'response.cancel' });
    expect(errorCodeOf((await c.untilTerminal())[0])).toBe('unknown_event_type');
    c.ws.send('{"type": "response.create",');
    const malformed = (await c.untilTerminal())[0];
    expect(malformed).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error', code: 'invalid_json' } });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(errorCodeOf((await c.untilTerminal())[0])).toBe('invalid_frame');
    expect(c.isOpen).toBe(true);
  });

  it('fails the response with a clear message when the client sends the wrong tool output', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('Why does src/a.ts fail to compile?')] }));
    const first = responseOf((await c.untilTerminal()).at(-1));
    c.send(create({ previous_response_id: first['id'], input: [toolOutput('call_1', 'nothing useful')] }));
    const failed = (await c.untilTerminal()).at(-1);
    expect(failed?.type).toBe('response.failed');
    expect(responseOf(failed)['error']).toMatchObject({ code: 'scenario_expectation_failed' });
    expect(String((responseOf(failed)['error'] as Record<string, unknown>)['message'])).toContain('expected a function_call_output for call call_1 containing "export const"');
  });

  it('rejects a continuation that leaves a tool call unanswered, as the real server does', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('Why does src/a.ts fail to compile?')] }));
    const first = responseOf((await c.untilTerminal()).at(-1));
    c.send(create({ previous_response_id: first['id'], input: [userMessage('hello')] }));
    const err = (await c.untilTerminal()).at(-1);
    expect(err).toMatchObject({ type: 'error', status: 400, error: { message: 'No tool output found for function call call_1.' } });
  });

  it('continues the script, not restarts it, when a client resends the full context on a new socket', async () => {
    await start();
    const a = await connect();
    a.send(create({ input: [userMessage('Why does src/a.ts fail to compile?')] }));
    const first = responseOf((await a.untilTerminal()).at(-1));
    a.close();
    const b = await connect();
    const full = [userMessage('Why does src/a.ts fail to compile?'), ...(first['output'] as Frame[]), toolOutput('call_1', 'export const a: number = "x";')];
    b.send(create({ input: full }));
    const frames = await b.untilTerminal();
    expect(frames.at(-1)?.type).toBe('response.completed');
    expect(frames.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('')).toBe('`a` is a number but gets a string.');
    expect(emulator.stats().requests.map((r) => r.kind)).toEqual(['full', 'full']);
  });
});

describe('warm-up', () => {
  it('generate:false completes with empty output and a usable id; input:[] continues from it', async () => {
    await start();
    const c = await connect();
    c.send(create({ generate: false, input: [] }));
    const warm = await c.untilTerminal();
    expect(warm.map((f) => f.type)).toEqual(['response.created', 'response.completed']);
    const warmResponse = responseOf(warm[1]);
    expect(warmResponse['output']).toEqual([]);
    const warmUsage = warmResponse['usage'] as { input_tokens: number; output_tokens: number };
    expect(warmUsage.input_tokens).toBeGreaterThan(0);
    expect(warmUsage.output_tokens).toBe(0);
    c.send(create({ previous_response_id: warmResponse['id'], input: [userMessage('hello')] }));
    const next = await c.untilTerminal();
    const usage = responseOf(next.at(-1))['usage'] as { input_tokens: number; input_tokens_details: { cached_tokens: number } };
    expect(usage.input_tokens_details.cached_tokens).toBe(warmUsage.input_tokens);
    expect(usage.input_tokens).toBeGreaterThan(warmUsage.input_tokens);
    c.send(create({ previous_response_id: responseOf(next.at(-1))['id'], input: [] }));
    expect((await c.untilTerminal()).at(-1)?.type).toBe('response.completed');
    expect(emulator.stats().totals).toMatchObject({ warmups: 1, continuations: 2, fullRequests: 0 });
  });

  it('rejects generate over HTTP with 400', async () => {
    await start();
    const res = await fetch(`${emulator.url}/responses`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-test-emulator', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.2', generate: false, input: [] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'generate' } });
  });
});

describe('connection cache', () => {
  async function chainOfTwo(c: RawClient, store = false): Promise<{ first: string; second: string }> {
    c.send(create({ store, input: [userMessage('hello')] }));
    const first = String(responseOf((await c.untilTerminal()).at(-1))['id']);
    c.send(create({ store, previous_response_id: first, input: [userMessage('hello')] }));
    const second = String(responseOf((await c.untilTerminal()).at(-1))['id']);
    return { first, second };
  }

  it('hits for the latest response and counts cached tokens', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    const first = responseOf((await c.untilTerminal()).at(-1));
    c.send(create({ previous_response_id: first['id'], input: [userMessage('Why does src/a.ts fail to compile?')] }));
    const second = responseOf((await c.untilTerminal()).at(-1));
    const u1 = first['usage'] as { input_tokens: number; output_tokens: number };
    const u2 = second['usage'] as { input_tokens: number; input_tokens_details: { cached_tokens: number } };
    expect(u2.input_tokens_details.cached_tokens).toBe(u1.input_tokens + u1.output_tokens);
    expect(emulator.stats().cache).toMatchObject({ hits: 1, misses: 0 });
    expect(emulator.stats().requests.map((r) => r.cache)).toEqual(['none', 'hit']);
  });

  it('misses for an older id with store:false (previous_response_not_found)', async () => {
    await start();
    const c = await connect();
    const { first } = await chainOfTwo(c);
    c.send(create({ previous_response_id: first, input: [userMessage('hello')] }));
    const err = (await c.untilTerminal()).at(-1);
    expect(err).toMatchObject({ type: 'error', status: 400, error: { code: 'previous_response_not_found', param: 'previous_response_id' } });
    expect(emulator.stats().cache.misses).toBe(1);
  });

  it('hydrates an older id from the store with store:true (slow path, counted and delayed)', async () => {
    await start({ hydrationDelayMs: 30 });
    const c = await connect();
    const { first } = await chainOfTwo(c, true);
    c.send(create({ store: true, previous_response_id: first, input: [userMessage('hello')] }));
    const done = (await c.untilTerminal()).at(-1);
    expect(done?.type).toBe('response.completed');
    const usage = responseOf(done)['usage'] as { input_tokens_details: { cached_tokens: number } };
    expect(usage.input_tokens_details.cached_tokens).toBe(0);
    const stats = emulator.stats();
    expect(stats.cache).toMatchObject({ hydrations: 1, misses: 1 });
    expect(stats.delayTotals['cost.hydration']).toBe(30);
    expect(stats.requests.at(-1)?.cache).toBe('hydrated');
  });

  it('hydrates on a new socket with store:true, and not with store:false', async () => {
    await start();
    const a = await connect();
    a.send(create({ store: true, input: [userMessage('hello')] }));
    const stored = responseOf((await a.untilTerminal()).at(-1))['id'];
    a.send(create({ store: false, input: [userMessage('hello')] }));
    const unstored = responseOf((await a.untilTerminal()).at(-1))['id'];
    const b = await connect();
    b.send(create({ store: true, previous_response_id: stored, input: [userMessage('hello')] }));
    expect((await b.untilTerminal()).at(-1)?.type).toBe('response.completed');
    b.send(create({ store: false, previous_response_id: unstored, input: [userMessage('hello')] }));
    expect(errorCodeOf((await b.untilTerminal()).at(-1))).toBe('previous_response_not_found');
  });

  it('evicts the referenced id after a failed turn', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('Why does src/a.ts fail to compile?')] }));
    const first = responseOf((await c.untilTerminal()).at(-1))['id'];
    c.send(create({ previous_response_id: first, input: [toolOutput('call_1', 'wrong')] }));
    expect((await c.untilTerminal()).at(-1)?.type).toBe('response.failed');
    c.send(create({ previous_response_id: first, input: [toolOutput('call_1', 'export const a = 1;')] }));
    expect(errorCodeOf((await c.untilTerminal()).at(-1))).toBe('previous_response_not_found');
    expect(emulator.stats().cache.evictions).toBe(1);
  });

  it('does not carry instructions over: the model sees only what this request sends', async () => {
    await start({ scenario: { name: 'instr', tokensPerSecond: 0, fallback: 'fail', steps: [{ when: { userText: 'one' }, say: 'first' }, { when: { userText: 'two' }, expect: { instructions: 'coding agent' }, say: 'second' }] } });
    const c = await connect();
    c.send(create({ input: [userMessage('one')] }));
    const first = responseOf((await c.untilTerminal()).at(-1))['id'];
    c.send({ type: 'response.create', model: 'gpt-5.2', store: false, previous_response_id: first, input: [userMessage('two')] } as never);
    const failed = (await c.untilTerminal()).at(-1);
    expect(failed?.type).toBe('response.failed');
    expect(JSON.stringify(responseOf(failed)['error'])).toContain('expected instructions containing');
  });
});

describe('lanes', () => {
  it('a named-lane response completes while a long default-lane one streams; events echo stream_id', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('write a long essay')] }));
    await c.waitFor((f) => f.type === 'response.output_text.delta');
    c.send(create({ stream_id: 'inline-1', input: [userMessage('Make this function async')] }));
    await c.waitFor((f) => f.type === 'response.completed' && f['stream_id'] === 'inline-1');
    const defaultDone = c.frames.find((f) => f.type === 'response.completed' && !('stream_id' in f));
    expect(defaultDone).toBeUndefined();
    const laneFrames = c.frames.filter((f) => f['stream_id'] === 'inline-1');
    expect(laneFrames.every((f) => f['stream_id'] === 'inline-1')).toBe(true);
    expect(laneFrames.map((f) => f['sequence_number'])).toEqual(laneFrames.map((_, i) => i));
    expect(c.frames.filter((f) => !('stream_id' in f)).every((f) => f['stream_id'] === undefined)).toBe(true);
  });

  it('queues a second create on the default lane (FIFO, no overlap)', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    c.send(create({ input: [userMessage('Make this function async')] }));
    await c.untilTerminal();
    await c.untilTerminal();
    const types = c.frames.map((f) => f.type);
    expect(types.indexOf('response.completed')).toBeLessThan(types.lastIndexOf('response.created'));
    expect(types.filter((t) => t === 'response.created')).toHaveLength(2);
  });

  it('rejects invalid stream ids and enforces 16 in flight and 32 named lanes', async () => {
    await start({ scenario: { name: 'stall', steps: [{ say: 'x', stallMs: 400 }] } });
    const c = await connect();
    c.send(create({ stream_id: 'bad lane!', input: [userMessage('x')] }));
    expect((await c.untilTerminal('bad lane!'))[0]).toMatchObject({ type: 'error', status: 400, stream_id: 'bad lane!', error: { code: 'invalid_stream_id' } });
    for (let i = 0; i < 17; i += 1) c.send(create({ stream_id: `lane-${i}`, input: [userMessage('x')] }));
    const limited = await c.waitFor((f) => f.type === 'error' && f['stream_id'] === 'lane-16');
    expect(errorCodeOf(limited)).toBe('websocket_stream_limit_reached');
    // Other lanes continue: lane-0 still completes.
    await c.waitFor((f) => f.type === 'response.completed' && f['stream_id'] === 'lane-0', 5000);
    await c.waitFor((f) => f.type === 'response.completed' && f['stream_id'] === 'lane-15', 5000);
    // 16 distinct lanes used so far (lane-16 was refused before it existed); 16 more are fine, the 33rd is not.
    for (let i = 16; i < 32; i += 1) c.send(create({ stream_id: `lane-${i}`, input: [userMessage('x')] }));
    await c.waitFor((f) => f.type === 'response.completed' && f['stream_id'] === 'lane-31', 5000);
    c.send(create({ stream_id: 'lane-32', input: [userMessage('x')] }));
    const tooMany = await c.waitFor((f) => f.type === 'error' && f['stream_id'] === 'lane-32');
    expect(errorCodeOf(tooMany)).toBe('websocket_stream_limit_reached');
  });
});

describe('steering', () => {
  it('accepted: the running response ends steered and a successor continues with the steered text', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('write a long essay')] }));
    const created = await c.waitFor((f) => f.type === 'response.created');
    await c.waitFor((f) => f.type === 'response.output_text.delta');
    const steeredId = responseOf(created)['id'];
    c.send({ type: 'response.steer', previous_response_id: steeredId ?? null, input: [userMessage('Use the existing helper in util.ts instead.')] });
    const first = await c.collect((f) => f.type === 'response.incomplete');
    const accepted = first.find((f) => f.type === 'response.steer.accepted');
    expect(accepted).toMatchObject({ steer: { previous_response_id: steeredId } });
    const incomplete = first.at(-1);
    expect(responseOf(incomplete)['incomplete_details']).toEqual({ reason: 'steered' });
    expect(incomplete?.['sequence_number']).toBe(Number(accepted?.['sequence_number']) + 1);
    const successor = await c.untilTerminal();
    expect(successor[0]?.type).toBe('response.created');
    expect(responseOf(successor[0])['previous_response_id']).toBe(steeredId);
    expect(successor.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('')).toBe('Using the helper in util.ts.');
  });

  it('pending: a response stopped for tool output queues the text for the next create', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('look up b')] }));
    const stopped = responseOf((await c.untilTerminal()).at(-1));
    c.send({ type: 'response.steer', previous_response_id: stopped['id'] ?? null, input: [userMessage('Use the helper.')] });
    const pending = (await c.collect((f) => String(f.type).startsWith('response.steer')))[0];
    expect(pending).toMatchObject({ type: 'response.steer.pending', steer: { previous_response_id: stopped['id'], required_input: [{ type: 'function_call_output', call_id: 'call_look' }] } });
    c.send(create({ previous_response_id: stopped['id'], input: [toolOutput('call_look', 'export const b = 2;')] }));
    const after = await c.untilTerminal();
    expect(after.at(-1)?.type).toBe('response.completed');
    expect(after.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('')).toBe('Read it, and I will use the helper.');
  });

  it('accepted after a tool call was streamed: the response still stops for the tool output; the text goes to the next create', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('check c')] }));
    const created = await c.waitFor((f) => f.type === 'response.created');
    await c.waitFor((f) => f.type === 'response.output_item.done');
    const id = responseOf(created)['id'];
    c.send({ type: 'response.steer', previous_response_id: id ?? null, input: [userMessage('Please hurry.')] });
    const frames = await c.untilTerminal();
    expect(frames.find((f) => f.type === 'response.steer.accepted')).toMatchObject({ steer: { previous_response_id: id } });
    const done = responseOf(frames.at(-1));
    expect(frames.at(-1)?.type).toBe('response.completed');
    expect((done['output'] as JsonObject[]).map((o) => o['type'])).toEqual(['function_call', 'message']);
    c.send(create({ previous_response_id: id, input: [toolOutput('call_c', 'export const c = 3;')] }));
    const after = await c.untilTerminal();
    expect(after.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('')).toBe('Done with c, hurrying.');
  });

  it('an aside steered into a response: the script looks past it and replays what it interrupted', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('write a long essay')] }));
    const created = await c.waitFor((f) => f.type === 'response.created');
    await c.waitFor((f) => f.type === 'response.output_text.delta');
    c.send({ type: 'response.steer', previous_response_id: responseOf(created)['id'] ?? null, input: [userMessage('(aside) just a note')] });
    await c.collect((f) => f.type === 'response.incomplete');
    const successor = await c.untilTerminal();
    expect(successor.at(-1)?.type).toBe('response.completed');
    expect(successor.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('')).toBe('word '.repeat(400));
  });

  it('failed: not supported, already completed, not found, and non-user input', async () => {
    await start({ steering: { 'gpt-4.1': false } });
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    const done = responseOf((await c.untilTerminal()).at(-1))['id'];
    const steer = (id: unknown, input: unknown[] = [userMessage('more')]): void => c.send({ type: 'response.steer', previous_response_id: id, input } as never);
    steer(done);
    expect(errorCodeOf((await c.collect((f) => f.type === 'response.steer.failed'))[0])).toBe('response_already_completed');
    steer('resp_nope');
    const notFound = (await c.collect((f) => f.type === 'response.steer.failed'))[0];
    expect(notFound).toMatchObject({ steer: { previous_response_id: 'resp_nope', input: [userMessage('more')] }, error: { code: 'response_not_found' } });
    steer(done, [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'x' }] }]);
    expect(errorCodeOf((await c.collect((f) => f.type === 'response.steer.failed'))[0])).toBe('invalid_steer_input');
    c.send(create({ model: 'gpt-4.1', input: [userMessage('write a long essay')] }));
    const created = await c.waitFor((f) => f.type === 'response.created' && responseOf(f)['model'] === 'gpt-4.1');
    steer(responseOf(created)['id']);
    const unsupported = await c.waitFor((f) => f.type === 'response.steer.failed' && errorCodeOf(f) === 'steering_not_supported');
    expect(unsupported['steer']).toMatchObject({ input: [userMessage('more')] });
  });
});

describe('the 60-minute limit', () => {
  it('answers a create on an aged socket with websocket_connection_limit_reached, then closes', async () => {
    let now = 1_000_000;
    await start({ clock: () => now, connectionLimitCheckMs: 60_000 });
    const c = await connect();
    now += 61 * 60_000;
    c.send(create({ input: [userMessage('hello')] }));
    const err = (await c.untilTerminal())[0];
    expect(err).toMatchObject({ type: 'error', status: 400, error: { code: 'websocket_connection_limit_reached' } });
    expect((await c.closed).code).toBe(1000);
  });

  it('sends it unsolicited on an idle socket when the clock passes the limit', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    await c.untilTerminal();
    emulator.advanceClock(59 * 60_000);
    expect(c.isOpen).toBe(true);
    emulator.advanceClock(2 * 60_000);
    const err = (await c.untilTerminal())[0];
    expect(errorCodeOf(err)).toBe('websocket_connection_limit_reached');
    await c.closed;
    expect(emulator.stats().errorsSent['websocket_connection_limit_reached']).toBe(1);
  });

  it('checks on a timer too (no frame, no advanceClock call)', async () => {
    let now = 0;
    await start({ clock: () => now, connectionLimitCheckMs: 20 });
    const c = await connect();
    now = 60 * 60_000;
    expect(errorCodeOf((await c.untilTerminal())[0])).toBe('websocket_connection_limit_reached');
  });
});
