// The shared frame files (shared/protocol/frames beside the checkout) against the emulator: played back in replay
// mode without a mismatch, and file 01 reproduced live by the scripted model, structurally.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index';
import { readRecording } from './replay';
import { RawClient, responseOf, type Frame } from './testClient';
import type { Json, JsonObject } from './types';
import { sharedFramesDir } from '../sharedFrames';

const FRAMES_DIR = sharedFramesDir();
const FILES = readdirSync(FRAMES_DIR).filter((f) => f.endsWith('.jsonl')).sort();

let emulator: Emulator;
afterEach(async () => {
  await emulator?.close();
});

async function nextFrame(client: RawClient): Promise<Frame> {
  const [frame] = await client.collect(() => true, 3000);
  if (!frame) throw new Error('no frame');
  return frame;
}

describe('replay mode', () => {
  it('has the three shared frame files', () => {
    expect(FILES).toEqual(['01-warmup-then-tool-turn.jsonl', '02-errors.jsonl', '03-lanes-and-steer.jsonl']);
  });

  it.each(FILES)('%s replays without a mismatch', async (file) => {
    const lines = readRecording(path.join(FRAMES_DIR, file));
    emulator = await startEmulator({ replay: path.join(FRAMES_DIR, file), pingIntervalMs: 0 });
    const client = await RawClient.connect(emulator.wsUrl);
    for (const line of lines) {
      if (line.dir === 'send') client.send(line.frame);
      else expect(await nextFrame(client)).toEqual(line.frame);
    }
    client.close();
    expect(emulator.stats().replayMismatches).toEqual([]);
    expect(emulator.stats().totals.framesSent).toBe(lines.filter((l) => l.dir === 'recv').length);
  });

  it('reports a client that sends something else than the recording', async () => {
    const file = path.join(FRAMES_DIR, '01-warmup-then-tool-turn.jsonl');
    const [first] = readRecording(file);
    emulator = await startEmulator({ replay: file, pingIntervalMs: 0 });
    const client = await RawClient.connect(emulator.wsUrl);
    client.send({ ...(first?.frame ?? {}), model: 'gpt-4o' });
    const frames = await client.collect((f) => f.type === 'error');
    expect(frames.at(-1)).toMatchObject({ error: { code: 'replay_mismatch' } });
    expect(emulator.stats().replayMismatches[0]).toContain('model: expected "gpt-5.2", got "gpt-4o"');
    client.close();
  });

  it('with freshIds, expects the client to continue from the ids it was given', async () => {
    const file = path.join(FRAMES_DIR, '01-warmup-then-tool-turn.jsonl');
    const lines = readRecording(file);
    emulator = await startEmulator({ replay: { file, freshIds: true }, pingIntervalMs: 0 });
    const client = await RawClient.connect(emulator.wsUrl);
    const idMap = new Map<string, string>();
    for (const line of lines) {
      if (line.dir === 'send') {
        const prev = line.frame['previous_response_id'];
        client.send(typeof prev === 'string' ? { ...line.frame, previous_response_id: idMap.get(prev) ?? prev } : line.frame);
        continue;
      }
      const got = await nextFrame(client);
      const recordedResponse = line.frame['response'] as JsonObject | undefined;
      if (recordedResponse) idMap.set(String(recordedResponse['id']), String(responseOf(got)['id']));
    }
    expect(idMap.get('resp_1')).not.toBe('resp_1');
    expect(emulator.stats().replayMismatches).toEqual([]);
    client.close();
  });
});

/** Recorded keys must exist in the live frame (recursively); these leaves must be equal. */
const EQUAL_LEAVES = new Set(['type', 'name', 'call_id', 'arguments', 'text', 'status', 'role', 'output_index', 'content_index', 'output', 'annotations']);

function structuralProblems(recorded: Json, live: Json, where: string, ids: Map<string, string>): string[] {
  if (recorded === null || typeof recorded !== 'object') return [];
  if (live === null || typeof live !== 'object') return [`${where}: expected an object/array, got ${JSON.stringify(live)}`];
  if (Array.isArray(recorded)) {
    if (!Array.isArray(live) || live.length !== recorded.length) return [`${where}: expected ${recorded.length} entries, got ${JSON.stringify(live).slice(0, 120)}`];
    return recorded.flatMap((r, i) => structuralProblems(r, live[i] ?? null, `${where}[${i}]`, ids));
  }
  const liveObj = live as JsonObject;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(recorded)) {
    if (!(key in liveObj)) {
      problems.push(`${where}.${key}: missing`);
      continue;
    }
    const got = liveObj[key] ?? null;
    if (key === 'previous_response_id' || key === 'id') {
      if (typeof value === 'string' && value.startsWith('resp_') && ids.get(value) !== got) problems.push(`${where}.${key}: expected the live id of ${value}, got ${String(got)}`);
    } else if (EQUAL_LEAVES.has(key) && (typeof value !== 'object' || value === null || key === 'annotations')) {
      if (JSON.stringify(value) !== JSON.stringify(got)) problems.push(`${where}.${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
    } else problems.push(...structuralProblems(value, got, `${where}.${key}`, ids));
  }
  return problems;
}

const isDelta = (t: unknown): boolean => typeof t === 'string' && t.endsWith('.delta');
const skippable = (t: unknown): boolean => isDelta(t) || t === 'response.in_progress';

describe('live: the scripted model reproduces 01-warmup-then-tool-turn', () => {
  it('answers the recorded client frames with structurally matching events', async () => {
    const lines = readRecording(path.join(FRAMES_DIR, '01-warmup-then-tool-turn.jsonl'));
    emulator = await startEmulator({ scenario: 'compile-error', pingIntervalMs: 0 });
    const client = await RawClient.connect(emulator.wsUrl);
    const ids = new Map<string, string>();
    const problems: string[] = [];
    let lastUsage: { input_tokens: number; output_tokens: number } | null = null;
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i];
      if (line?.dir !== 'send') continue;
      const prev = line.frame['previous_response_id'];
      client.send(typeof prev === 'string' ? { ...line.frame, previous_response_id: ids.get(prev) ?? 'unmapped' } : line.frame);
      const recorded: JsonObject[] = [];
      for (let j = i + 1; j < lines.length && lines[j]?.dir === 'recv'; j += 1) recorded.push((lines[j] as { frame: JsonObject }).frame);
      const live = await client.untilTerminal();
      expect(live.map((f) => f['sequence_number'])).toEqual(live.map((_, k) => k));
      const recordedResponse = recorded[0]?.['response'] as JsonObject;
      ids.set(String(recordedResponse['id']), String(responseOf(live[0])['id']));
      // Same lifecycle and item events in the same order (delta chunking and in_progress may differ).
      expect(live.map((f) => f.type).filter((t) => !skippable(t))).toEqual(recorded.map((f) => f['type']).filter((t) => !skippable(t)));
      const liveDeltas = live.filter((f) => isDelta(f.type)).map((f) => f['delta']).join('');
      const recordedDeltas = recorded.filter((f) => isDelta(f['type'])).map((f) => f['delta']).join('');
      expect(liveDeltas).toBe(recordedDeltas);
      const liveCore = live.filter((f) => !skippable(f.type));
      recorded.filter((f) => !skippable(f['type'])).forEach((frame, k) => {
        problems.push(...structuralProblems(frame, liveCore[k] ?? null, `${String(frame['type'])}`, ids).filter((p) => !/usage\.|sequence_number/.test(p)));
      });
      // Usage arithmetic as in the recording: cached = everything of the previous response.
      const usage = responseOf(live.at(-1))['usage'] as { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number } };
      if (lastUsage) expect(usage.input_tokens_details.cached_tokens).toBe(lastUsage.input_tokens + lastUsage.output_tokens);
      lastUsage = usage;
    }
    expect(problems).toEqual([]);
    client.close();
  });
});
