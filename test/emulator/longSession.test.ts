// Long sessions on the wire (issue 16, the emulator's side; protocol notes §8): model windows and
// context_length_exceeded, compaction over the socket (context_management) and standalone
// (/responses/compact, with the `openai` package's client), steering per model family and its
// refusal next to context_management, where instructions go on a GPT-6.2-like model, cache writes
// and the cost of each request. Each test writes its frames, in the shape of
// /work/shared/protocol/frames, to a temporary folder; HOLDFAST_KEEP_FRAMES=1 keeps it (else removed).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readCompaction } from './compaction';
import type { Emulator, EmulatorOptions, Scenario } from './index';
import { CACHE_WRITE_FACTOR, CACHED_READ_FACTOR, profileOf } from './modelProfiles';
import { cacheableTokens } from './promptCache';
import { emulatorFixture, errorCodeOf, type RawClient, READ_FILE_TOOL, responseOf, toolOutput, userMessage, type Frame } from './testClient';
import type { JsonObject } from './types';
import { STEER_WITH_COMPACTION } from './wsConnection';

const FRAMES_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-long-session-frames-'));
const words = (n: number, seed = 0): string => Array.from({ length: n }, (_, i) => `w${(i * 7 + seed) % 997}`).join(' ');
/** ~2,000 tokens of instructions (8 KB): big enough for the prompt cache's 1,024-token minimum. */
const LONG_INSTRUCTIONS = `Project rules. ${words(1800)}`;

const SCENARIO: Scenario = {
  name: 'long-session',
  tokensPerSecond: 0,
  fallback: 'auto',
  steps: [
    { id: 'read', when: { userText: 'start the work' }, calls: [{ name: 'read_file', callId: 'call_read', arguments: { path: 'src/a.ts' } }] },
    { id: 'after-read', when: { toolOutputs: [{ callId: 'call_read' }] }, say: 'Read it; the bug is on line 3.' },
    { id: 'slow', when: { userText: 'long essay' }, say: 'word '.repeat(400), tokensPerSecond: 400 },
    { id: 'ack', when: { userText: 'note' }, say: 'Noted.', repeat: true },
  ],
};

const fixture = emulatorFixture({ scenario: SCENARIO });
let emulator: Emulator;
const start = async (options: EmulatorOptions = {}): Promise<Emulator> => (emulator = await fixture.start(options));
const connect = (): Promise<RawClient> => fixture.connect();

function create(model: string, extra: Record<string, unknown>): JsonObject {
  return { type: 'response.create', model, store: false, instructions: 'Be brief.', tools: [READ_FILE_TOOL], ...extra } as JsonObject;
}

function usageOf(frame: Frame | undefined): { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number; cache_write_tokens?: number } } {
  return responseOf(frame)['usage'] as never;
}

function record(name: string): void {
  fs.writeFileSync(path.join(FRAMES_DIR, `${name}.jsonl`), emulator.framesJsonl());
}

afterEach(() => fixture.cleanup());

afterAll(() => {
  // Every line is a frame-file line: {"dir","frame"}.
  for (const file of fs.readdirSync(FRAMES_DIR)) {
    for (const line of fs.readFileSync(path.join(FRAMES_DIR, file), 'utf8').trim().split('\n')) {
      expect(Object.keys(JSON.parse(line) as object).sort()).toEqual(['dir', 'frame']);
    }
  }
  if (process.env['HOLDFAST_KEEP_FRAMES'] === '1') process.stderr.write(`frames kept in ${FRAMES_DIR}\n`);
  else fs.rmSync(FRAMES_DIR, { recursive: true, force: true });
});

describe('model windows', () => {
  it('answers context_length_exceeded when a request exceeds the window, and evicts the chain it continued', async () => {
    await start();
    const c = await connect();
    c.send(create('test-32k', { input: [userMessage('note this')] }));
    const first = responseOf((await c.untilTerminal()).at(-1));
    c.send(create('test-32k', { previous_response_id: first['id'], input: [userMessage(`note ${words(30_000)}`)] }));
    const error = (await c.untilTerminal()).at(-1);
    expect(error).toMatchObject({ type: 'error', status: 400, error: { code: 'context_length_exceeded', param: 'input' } });
    c.send(create('test-32k', { previous_response_id: first['id'], input: [userMessage('note again')] }));
    expect(errorCodeOf((await c.untilTerminal()).at(-1))).toBe('previous_response_not_found');
    // The same text fits a 400k-token model.
    c.send(create('gpt-6.2', { input: [userMessage(`note ${words(30_000)}`)] }));
    expect((await c.untilTerminal()).at(-1)?.type).toBe('response.completed');
    record('01-context-length-exceeded');
  });

  it('over HTTP too, as a 400 with the same code', async () => {
    await start();
    const res = await fetch(`${emulator.url}/responses`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-32k', input: `note ${words(30_000)}` }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded');
  });
});

describe('compaction over the socket (context_management)', () => {
  it('compacts during generation: compacting event, an opaque compaction item first, and a compacted window after it', async () => {
    await start();
    const c = await connect();
    const cm = { context_management: [{ type: 'compaction', compact_threshold: 1000 }] };
    const start1 = [userMessage(`start the work ${words(1500)}`)];
    c.send(create('test-32k', { ...cm, input: start1 }));
    const frames = await c.untilTerminal();
    const types = frames.map((f) => f.type);
    const compacting = frames.find((f) => f.type === 'response.compaction.compacting');
    expect(compacting).toMatchObject({ output_index: 0 });
    const added = frames.find((f) => f.type === 'response.output_item.added');
    const done = frames.find((f) => f.type === 'response.output_item.done');
    expect(types.indexOf('response.compaction.compacting')).toBeLessThan(types.indexOf('response.output_item.added'));
    expect(added?.['item']).toEqual({ type: 'compaction', id: compacting?.['item_id'] });
    const item = done?.['item'] as JsonObject;
    expect(item).toMatchObject({ type: 'compaction', id: compacting?.['item_id'] });
    expect(typeof item['encrypted_content']).toBe('string');
    // Only added/done for the compaction item; the model's own output follows (the script's next step).
    const completed = responseOf(frames.at(-1));
    const output = completed['output'] as JsonObject[];
    expect(output.map((o) => o['type'])).toEqual(['compaction', 'function_call']);
    const compactedTokens = 4 + (readCompaction(item)?.tokens ?? 0);
    expect(usageOf(frames.at(-1)).input_tokens).toBeGreaterThan(1500);

    // The chain continues from the compacted window: far fewer input tokens, and the script goes on.
    c.send(create('test-32k', { ...cm, previous_response_id: completed['id'], input: [toolOutput('call_read', 'export const a = 1;')] }));
    const next = await c.untilTerminal();
    const nextUsage = usageOf(next.at(-1));
    expect(nextUsage.input_tokens).toBeLessThan(compactedTokens + 200);
    expect(next.filter((f) => f.type === 'response.output_text.delta').map((f) => f['delta']).join('')).toBe('Read it; the bug is on line 3.');

    // A full resend of the whole transcript drops everything before the compaction item: same window.
    const transcript = [...start1, ...output, toolOutput('call_read', 'export const a = 1;')];
    c.send(create('test-32k', { input: transcript }));
    expect(usageOf((await c.untilTerminal()).at(-1)).input_tokens).toBe(nextUsage.input_tokens);
    expect(emulator.stats().requests[0]?.compacted).toBe(true);
    record('02-context-management-compaction');
  });

  it('refuses a compact_threshold below 1,000 tokens', async () => {
    await start();
    const c = await connect();
    c.send(create('test-32k', { context_management: [{ type: 'compaction', compact_threshold: 999 }], input: [userMessage('note')] }));
    expect((await c.untilTerminal()).at(-1)).toMatchObject({ type: 'error', status: 400, error: { code: 'invalid_value', param: 'context_management[0].compact_threshold' } });
  });
});

describe('standalone compaction (/responses/compact, openai package client)', () => {
  it('returns the user messages and one compaction item; a new chain started with it continues the work', async () => {
    await start();
    const client = new OpenAI({ apiKey: emulator.apiKey, baseURL: emulator.url });
    const first = await client.responses.create({ model: 'test-32k', store: true, instructions: 'Be brief.', tools: [READ_FILE_TOOL as never], input: 'start the work' });
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && call.call_id).toBe('call_read');
    // The file read is large; the user's words are short and stay verbatim.
    const compacted = await client.responses.compact({ model: 'test-32k', previous_response_id: first.id, input: [toolOutput('call_read', `export const a = 1; // ${words(3000)}`) as never] });
    expect(compacted.object).toBe('response.compaction');
    expect(compacted.output.map((o) => o.type)).toEqual(['message', 'compaction']);
    expect(compacted.usage.input_tokens).toBeGreaterThan(3000);
    // A NEW chain (no previous_response_id) with the window: the script picks up where it was.
    const next = await client.responses.create({ model: 'test-32k', store: false, instructions: 'Be brief.', tools: [READ_FILE_TOOL as never], input: [...(compacted.output as never[]), userMessage('note: carry on') as never] });
    expect(next.usage?.input_tokens).toBeLessThan(compacted.usage.input_tokens);
    expect(next.output_text).toBe('Read it; the bug is on line 3.');
    expect(emulator.stats().requests.map((r) => r.kind)).toEqual(['full', 'compact', 'full']);
    record('03-standalone-compact');
  });
});

describe('steering by model family', () => {
  it('GPT-6-like models steer, GPT-5.6-like answer steering_not_supported, and context_management refuses steering', async () => {
    await start();
    const steerInto = async (model: string, extra: Record<string, unknown> = {}): Promise<Frame> => {
      const c = await connect();
      c.send(create(model, { input: [userMessage('write a long essay')], ...extra }));
      const created = await c.waitFor((f) => f.type === 'response.created');
      await c.waitFor((f) => f.type === 'response.output_text.delta');
      c.send({ type: 'response.steer', previous_response_id: responseOf(created)['id'] ?? null, input: [userMessage('note the helper')] });
      return c.waitFor((f) => String(f.type).startsWith('response.steer.'));
    };
    expect((await steerInto('gpt-6.2')).type).toBe('response.steer.accepted');
    expect(errorCodeOf(await steerInto('gpt-5.6'))).toBe('steering_not_supported');
    const refused = await steerInto('gpt-6.2', { context_management: [{ type: 'compaction', compact_threshold: 50_000 }] });
    expect(refused).toMatchObject({ type: 'response.steer.failed', error: { code: STEER_WITH_COMPACTION } });
    record('04-steering-by-family');
  });
});

describe('instructions placement and cache economics', () => {
  type Usage = ReturnType<typeof usageOf>;
  async function chainOfTwo(model: string, how: 'instructions' | 'developer'): Promise<[Usage, Usage]> {
    const c = await connect();
    const preamble = how === 'instructions' ? { instructions: LONG_INSTRUCTIONS } : { instructions: null };
    const lead = how === 'developer' ? [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: LONG_INSTRUCTIONS }] }] : [];
    c.send(create(model, { ...preamble, input: [...lead, userMessage('note one')] }));
    const first = (await c.untilTerminal()).at(-1);
    c.send(create(model, { ...preamble, previous_response_id: responseOf(first)['id'], input: [userMessage('note two')] }));
    const second = (await c.untilTerminal()).at(-1);
    return [usageOf(first), usageOf(second)];
  }

  it('GPT-6.2-like: top-level instructions come after the input and are uncached every request; a leading developer message rides the chain cached', async () => {
    await start();
    const [, viaInstructions] = await chainOfTwo('gpt-6.2', 'instructions');
    const [, viaDeveloper] = await chainOfTwo('gpt-6.2', 'developer');
    const uncached = (u: Usage): number => u.input_tokens - u.input_tokens_details.cached_tokens;
    expect(uncached(viaInstructions)).toBeGreaterThan(2000);
    expect(uncached(viaDeveloper)).toBeLessThan(50);
    // A legacy model reads instructions first: cached on the continuation.
    const [, legacy] = await chainOfTwo('gpt-5.2', 'instructions');
    expect(uncached(legacy)).toBeLessThan(50);
    record('05-instructions-placement');
  });

  it('reports cache_write_tokens (a warm-up is a cache write) on GPT-5.6+ and prices each request', async () => {
    await start();
    const c = await connect();
    const lead = [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: LONG_INSTRUCTIONS }] }];
    c.send(create('gpt-6.2', { instructions: null, generate: false, input: lead }));
    const warm = usageOf((await c.untilTerminal()).at(-1));
    expect(warm.input_tokens_details).toEqual({ cached_tokens: 0, cache_write_tokens: cacheableTokens(warm.input_tokens) });
    c.send(create('gpt-5.2', { instructions: LONG_INSTRUCTIONS, input: [userMessage('note')] }));
    expect(usageOf((await c.untilTerminal()).at(-1)).input_tokens_details).not.toHaveProperty('cache_write_tokens');
    const [warmRecord] = emulator.stats().requests;
    const price = profileOf('gpt-6.2').price;
    const writes = cacheableTokens(warm.input_tokens);
    const expected = ((warm.input_tokens - writes) * (price?.input ?? 0) + writes * CACHE_WRITE_FACTOR * (price?.input ?? 0)) / 1e6;
    expect(warmRecord?.kind).toBe('warmup');
    expect(warmRecord?.cacheWriteTokens).toBe(writes);
    expect(warmRecord?.costUsd).toBeCloseTo(expected, 12);
    expect(CACHED_READ_FACTOR).toBe(0.1);
    record('06-cache-writes-and-cost');
  });
});
