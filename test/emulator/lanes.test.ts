// Lanes as §8 states them, frame by frame: a cross-lane fork, the fork race (with store:false a fork
// loses its parent when the source lane advances before the fork is in progress), reusing a stream_id
// without previous_response_id, and the gateway mode that refuses stream_id.
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorOptions, Scenario } from './index';
import { emulatorFixture, errorCodeOf, type RawClient, READ_FILE_TOOL, responseOf, userMessage } from './testClient';
import type { JsonObject } from './types';

const SCENARIO: Scenario = {
  name: 'lanes',
  tokensPerSecond: 0,
  fallback: 'auto',
  steps: [
    // Long enough (~4 s) that the source lane's short answer always completes first, even on a loaded machine.
    { id: 'slow', when: { userText: 'long essay' }, say: 'word '.repeat(1000), tokensPerSecond: 300, repeat: true },
    { id: 'hello', when: { userText: 'hello' }, say: 'Hello there.', repeat: true },
  ],
};

const fixture = emulatorFixture({ scenario: SCENARIO });
let emulator: Emulator;
const start = async (options: EmulatorOptions = {}): Promise<Emulator> => (emulator = await fixture.start(options));
const connect = (): Promise<RawClient> => fixture.connect();
const create = (extra: Record<string, unknown>): JsonObject => ({ type: 'response.create', model: 'gpt-5.2', store: false, instructions: 'x', tools: [READ_FILE_TOOL], ...extra }) as JsonObject;

afterEach(() => fixture.cleanup());

async function completedId(c: RawClient, lane?: string): Promise<string> {
  const frames = await c.untilTerminal(lane);
  return String(responseOf(frames.at(-1)!)['id']);
}

describe('lanes, §8', () => {
  it('a new lane forks from a response made on another lane, as a continuation that hits the cache', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    const parent = await completedId(c);
    c.send(create({ stream_id: 'fork-1', previous_response_id: parent, input: [userMessage('hello again')] }));
    const frames = await c.untilTerminal('fork-1');
    expect(frames.at(-1)).toMatchObject({ type: 'response.completed', stream_id: 'fork-1' });
    expect(emulator.stats().requests.at(-1)).toMatchObject({ lane: 'fork-1', cache: 'hit' });
  });

  it('the fork race: a queued fork loses its parent when the source lane advances first (store:false)', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    const parent = await completedId(c);
    // The fork's lane is busy, so the fork waits in its queue (not yet in progress)…
    c.send(create({ stream_id: 'fork-1', input: [userMessage('write a long essay')] }));
    await c.waitFor((f) => f.type === 'response.output_text.delta' && f['stream_id'] === 'fork-1');
    c.send(create({ stream_id: 'fork-1', previous_response_id: parent, input: [userMessage('hello again')] }));
    // …while the source lane advances: its latest response is no longer the parent.
    c.send(create({ previous_response_id: parent, input: [userMessage('hello')] }));
    await c.untilTerminal();
    await c.untilTerminal('fork-1', 30_000);
    const lost = await c.untilTerminal('fork-1', 30_000);
    expect(errorCodeOf(lost.at(-1)!)).toBe('previous_response_not_found');
    expect(lost.at(-1)).toMatchObject({ stream_id: 'fork-1' });
  });

  it('the fork race, respected: once the fork is in progress, advancing the source lane is safe', async () => {
    await start();
    const c = await connect();
    c.send(create({ input: [userMessage('hello')] }));
    const parent = await completedId(c);
    c.send(create({ stream_id: 'fork-1', previous_response_id: parent, input: [userMessage('write a long essay')] }));
    await c.waitFor((f) => f.type === 'response.in_progress' && f['stream_id'] === 'fork-1');
    c.send(create({ previous_response_id: parent, input: [userMessage('hello')] }));
    await c.untilTerminal();
    const fork = await c.untilTerminal('fork-1', 30_000);
    expect(fork.at(-1)).toMatchObject({ type: 'response.completed', stream_id: 'fork-1' });
  });

  it('reusing a stream_id without previous_response_id starts fresh', async () => {
    await start();
    const c = await connect();
    c.send(create({ stream_id: 'lane-a', input: [userMessage('hello')] }));
    await c.untilTerminal('lane-a');
    c.send(create({ stream_id: 'lane-a', input: [userMessage('hello')] }));
    await c.untilTerminal('lane-a');
    expect(emulator.stats().requests.at(-1)).toMatchObject({ lane: 'lane-a', kind: 'full', previousResponseId: null });
  });

  it('gateway mode: stream_id is refused with a 400 naming the parameter; the default lane still works', async () => {
    await start({ rejectStreamId: true });
    const c = await connect();
    c.send(create({ stream_id: 'lane-a', input: [userMessage('hello')] }));
    const refused = await c.untilTerminal('lane-a');
    expect(refused.at(-1)).toMatchObject({ type: 'error', status: 400, stream_id: 'lane-a', error: { code: 'unknown_parameter', param: 'stream_id' } });
    c.send(create({ input: [userMessage('hello')] }));
    expect((await c.untilTerminal()).at(-1)).toMatchObject({ type: 'response.completed' });
  });

  it("gateway mode 'withoutStreamId': the refusal does not name the lane", async () => {
    await start({ rejectStreamId: 'withoutStreamId' });
    const c = await connect();
    c.send(create({ stream_id: 'lane-a', input: [userMessage('hello')] }));
    const refused = await c.waitFor((f) => f.type === 'error');
    expect(refused).not.toHaveProperty('stream_id');
    expect(refused).toMatchObject({ status: 400, error: { code: 'unknown_parameter', param: 'stream_id' } });
  });
});
