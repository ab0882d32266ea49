// The GPT-6-like and GPT-5.6-like profiles on the wire: configuration_update (accepted on gpt-6.2,
// rejected on the pro model and on gpt-5.6), the effort it puts in force without breaking the cached
// prefix, service_tier echoed as the tier used, and too_many_pending_steers.
import { afterEach, describe, expect, it } from 'vitest';
import type { Scenario } from './index';
import { emulatorFixture, errorCodeOf, READ_FILE_TOOL, responseOf, toolOutput, userMessage } from './testClient';
import type { JsonObject } from './types';
import { MAX_PENDING_STEERS } from './wsConnection';

const SCENARIO: Scenario = {
  name: 'configuration',
  tokensPerSecond: 0,
  fallback: 'auto',
  steps: [
    { id: 'slow', when: { userText: 'long essay' }, say: 'word '.repeat(400), tokensPerSecond: 200 },
    { id: 'lookup', when: { userText: 'look up' }, calls: [{ name: 'read_file', callId: 'call_look', arguments: { path: 'src/b.ts' } }] },
    { id: 'after-lookup', when: { toolOutputs: [{ callId: 'call_look' }] }, say: 'Read it.' },
    { id: 'hello', when: { userText: 'hello' }, say: 'Hello there.', repeat: true },
  ],
};

const fixture = emulatorFixture({ scenario: SCENARIO });
afterEach(() => fixture.cleanup());

const HIGH: JsonObject = { type: 'configuration_update', reasoning: { effort: 'high' } };
const create = (model: string, extra: JsonObject): JsonObject => ({ type: 'response.create', model, store: false, tools: [READ_FILE_TOOL], reasoning: { effort: 'low' }, ...extra });

describe('configuration_update', () => {
  it('gpt-6.2 accepts it: the effort is in force from there on and the continuation still reads the cached prefix', async () => {
    await fixture.start();
    const c = await fixture.connect();
    c.send(create('gpt-6.2', { input: [userMessage('hello')] }));
    const first = responseOf((await c.untilTerminal()).at(-1));
    expect(first['reasoning']).toEqual({ effort: 'low' });
    c.send(create('gpt-6.2', { previous_response_id: first['id'] ?? null, input: [HIGH, userMessage('hello again')] }));
    const second = responseOf((await c.untilTerminal()).at(-1));
    expect(second['status']).toBe('completed');
    expect(second['reasoning']).toEqual({ effort: 'high' });
    const usage = second['usage'] as { input_tokens_details: { cached_tokens: number } };
    expect(usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
  });

  it('changing the top-level effort instead starts a new prefix: nothing is read from the cache', async () => {
    await fixture.start();
    const c = await fixture.connect();
    c.send(create('gpt-6.2', { input: [userMessage('hello')] }));
    const first = responseOf((await c.untilTerminal()).at(-1));
    c.send(create('gpt-6.2', { previous_response_id: first['id'] ?? null, reasoning: { effort: 'high' }, input: [userMessage('hello again')] }));
    const second = responseOf((await c.untilTerminal()).at(-1));
    expect((second['usage'] as { input_tokens_details: { cached_tokens: number } }).input_tokens_details.cached_tokens).toBe(0);
  });

  it.each(['gpt-6.2-pro', 'gpt-5.6'])('%s rejects it with a request error', async (model) => {
    await fixture.start();
    const c = await fixture.connect();
    c.send(create(model, { input: [userMessage('hello'), HIGH] }));
    const frames = await c.untilTerminal();
    expect(frames.at(-1)?.type).toBe('error');
    expect(errorCodeOf(frames.at(-1))).toBe('unsupported_input_item');
  });
});

describe('service_tier', () => {
  it.each([
    [undefined, 'default'],
    ['auto', 'default'],
    ['flex', 'flex'],
    ['fast', 'priority'],
    ['priority', 'priority'],
  ])('asked %s, the response reports %s', async (asked, reported) => {
    await fixture.start();
    const c = await fixture.connect();
    c.send(create('gpt-6.2', { input: [userMessage('hello')], ...(asked ? { service_tier: asked } : {}) }));
    const frames = await c.untilTerminal();
    expect(responseOf(frames.at(-1))['service_tier']).toBe(reported);
    expect(responseOf(frames[0])['service_tier']).toBe(reported);
  });

  it('an unknown tier is a 400', async () => {
    await fixture.start();
    const c = await fixture.connect();
    c.send(create('gpt-6.2', { input: [userMessage('hello')], service_tier: 'turbo' }));
    expect(errorCodeOf((await c.untilTerminal()).at(-1))).toBe('invalid_value');
  });
});

describe('too_many_pending_steers', () => {
  it(`a response stopped for tool output holds ${MAX_PENDING_STEERS} steers; the next fails, and the count resets with the next create`, async () => {
    await fixture.start();
    const c = await fixture.connect();
    c.send(create('gpt-6.2', { input: [userMessage('look up b')] }));
    const stopped = responseOf((await c.untilTerminal()).at(-1));
    const steer = (): void => c.send({ type: 'response.steer', previous_response_id: stopped['id'] ?? null, input: [userMessage('more')] });
    for (let i = 0; i < MAX_PENDING_STEERS; i++) {
      steer();
      expect((await c.collect((f) => String(f.type).startsWith('response.steer')))[0]?.type).toBe('response.steer.pending');
    }
    steer();
    const refused = (await c.collect((f) => String(f.type).startsWith('response.steer')))[0];
    expect(refused).toMatchObject({ type: 'response.steer.failed', error: { code: 'too_many_pending_steers' }, steer: { input: [userMessage('more')] } });
    c.send(create('gpt-6.2', { previous_response_id: stopped['id'] ?? null, input: [toolOutput('call_look', 'export const b = 2;')] }));
    const after = responseOf((await c.untilTerminal()).at(-1));
    expect(after['status']).toBe('completed');
    c.send({ type: 'response.steer', previous_response_id: after['id'] ?? null, input: [userMessage('late')] });
    expect(errorCodeOf((await c.collect((f) => String(f.type).startsWith('response.steer')))[0])).toBe('response_already_completed');
  });

  it('gpt-5.6 answers steering_not_supported', async () => {
    await fixture.start();
    const c = await fixture.connect();
    c.send(create('gpt-5.6', { input: [userMessage('write a long essay')] }));
    const created = await c.waitFor((f) => f.type === 'response.created');
    c.send({ type: 'response.steer', previous_response_id: responseOf(created)['id'] ?? null, input: [userMessage('more')] });
    const failed = await c.waitFor((f) => f.type === 'response.steer.failed');
    expect(errorCodeOf(failed)).toBe('steering_not_supported');
  });
});
