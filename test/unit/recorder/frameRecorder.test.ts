/**
 * The flight recorder: bounded, redacted JSONL in the shape of /work/shared/protocol/frames, recorded
 * by the WorkspaceTransport on the socket and HTTP paths, and replayable by the emulator: a recorded
 * agent session replayed (fresh response ids) against a fresh client run of the same conversation
 * gives the same transcript and no replay mismatch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../src/protocol/items';
import { FrameRecorder } from '../../../src/transport/frameRecorder';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { startEmulator } from '../../emulator';
import { readRecording } from '../../emulator/replay';
import { runScenario } from '../../faults/harness';
import type { CampaignScenario } from '../../faults/scenarios';

const KEY = 'sk-test-recorder-0123456789abcdef';

describe('FrameRecorder (pure)', () => {
  it('writes {"dir","frame"} lines, oldest first', () => {
    const r = new FrameRecorder();
    r.recordText('send', '{"type":"response.create","model":"gpt-5.2","input":[]}');
    r.record('recv', { type: 'response.created', sequence_number: 0, response: { id: 'resp_1' } });
    const lines = r.toJsonl().trimEnd().split('\n').map((l) => JSON.parse(l) as { dir: string; frame: { type: string } });
    expect(lines.map((l) => [l.dir, l.frame.type])).toEqual([
      ['send', 'response.create'],
      ['recv', 'response.created'],
    ]);
    expect(r.toJsonl().endsWith('\n')).toBe(true);
    expect(new FrameRecorder().toJsonl()).toBe('');
  });

  it('redacts the known key and key-shaped strings in every string, at any depth, keys included', () => {
    const r = new FrameRecorder();
    r.setKnownSecrets([KEY, 'short']);
    r.record('send', {
      type: 'response.create',
      input: [{ type: 'function_call_output', call_id: 'c1', output: `OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx\nkey ${KEY}` }],
      nested: { deeper: [[`Bearer abcdefghijklmnop.qrstuv`]], [`sk-proj-${'k'.repeat(20)}`]: 1 },
    });
    r.recordText('recv', `{"type":"response.output_text.delta","delta":"${KEY}"}`);
    const text = r.toJsonl();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('sk-proj-abcdefghijklmnopqrstuvwx');
    expect(text).not.toContain('abcdefghijklmnop.qrstuv');
    expect(text).not.toContain('k'.repeat(20));
    expect(text.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(5);
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('keeps unparsable and binary frames as small redacted notes, never raw bytes', () => {
    const r = new FrameRecorder();
    r.setKnownSecrets([KEY]);
    r.recordText('recv', `{"type":"response.output_text.delta","delta":"${KEY}" ${'x'.repeat(10_000)}`);
    r.recordBinary('recv', 4);
    const [a, b] = r.toJsonl().trimEnd().split('\n').map((l) => JSON.parse(l) as { frame: Record<string, unknown> });
    expect(a!.frame['type']).toBe('holdfast.unparsable_frame');
    expect(String(a!.frame['excerpt']).length).toBeLessThanOrEqual(200);
    expect(JSON.stringify(a)).not.toContain(KEY);
    expect(b!.frame).toEqual({ type: 'holdfast.binary_frame', bytes: 4 });
  });

  it('is a bounded ring: the last N frames and at most maxBytes', () => {
    const byCount = new FrameRecorder({ maxFrames: 10 });
    for (let i = 0; i < 25; i++) byCount.record('recv', { type: 'e', i });
    const kept = byCount.toJsonl().trimEnd().split('\n').map((l) => (JSON.parse(l) as { frame: { i: number } }).frame.i);
    expect(kept).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(byCount.stats()).toMatchObject({ frames: 10, dropped: 15, recorded: 25 });

    const byBytes = new FrameRecorder({ maxBytes: 10_000 });
    for (let i = 0; i < 5_000; i++) byBytes.record('recv', { type: 'e', i, pad: 'x'.repeat(100) });
    expect(byBytes.stats().bytes).toBeLessThanOrEqual(10_000);
    expect(Buffer.byteLength(byBytes.toJsonl())).toBe(byBytes.stats().bytes);
    expect(byBytes.toJsonl()).toContain('"i":4999');
  });

  it('optionally elides instructions and tools equal to the previous send', () => {
    const r = new FrameRecorder({ elideRepeated: true });
    const create = (instructions: string) => ({ type: 'response.create', instructions, tools: [{ type: 'function', name: 'read_file' }], input: [] });
    r.record('send', create('A'));
    r.record('send', create('A'));
    r.record('send', create('B'));
    const lines = r.toJsonl().trimEnd().split('\n').map((l) => JSON.parse(l) as { frame: Record<string, unknown>; elided?: string[] });
    expect(lines[0]!.frame['instructions']).toBe('A');
    expect(lines[1]!.frame).not.toHaveProperty('instructions');
    expect(lines[1]!.frame).not.toHaveProperty('tools');
    expect(lines[1]!.elided).toEqual(['instructions', 'tools']);
    expect(lines[2]!.frame['instructions']).toBe('B');
    expect(lines[2]!.elided).toEqual(['tools']);
  });
});

const AGENT_EDIT: CampaignScenario = {
  name: 'agent-edit',
  emulatorScenario: 'agent-edit',
  files: { 'src/util.ts': 'export function add(a: number, b: number): string {\n  return a + b;\n}\n' },
  prompts: ['Please fix src/util.ts'],
};

describe('recording a session and replaying it with the emulator', () => {
  for (const elideRepeated of [false, true]) {
    it(`a replay of the recording gives the same transcript, with no mismatch${elideRepeated ? ' (instructions/tools elided)' : ''}`, async () => {
      const recorder = new FrameRecorder({ elideRepeated });
      const recorded = await runScenario({ scenario: AGENT_EDIT, session: { recorder, transport: 'websocket' } });
      expect(recorded.outcomes.map((o) => o.kind)).toEqual(['completed']);
      const jsonl = recorder.toJsonl();
      // The recording is what the emulator itself saw, frame for frame (modulo elision).
      expect(readRecording(writeTemp(jsonl)).length).toBe(recorded.framesJsonl.trimEnd().split('\n').length);

      const file = writeTemp(jsonl);
      const replayed = await runScenario({
        scenario: AGENT_EDIT,
        session: { transport: 'websocket' },
        emulator: { replay: { file, freshIds: true } },
      });
      expect(replayed.stats.replayMismatches).toEqual([]);
      expect(replayed.outcomes.map((o) => o.kind)).toEqual(['completed']);
      expect(JSON.stringify(replayed.transcript)).toBe(JSON.stringify(recorded.transcript));
      expect(replayed.files).toEqual(recorded.files);
      rmSync(path.dirname(file), { recursive: true, force: true });
    });
  }

  it('session.recording() exposes the JSONL; without a recorder it is undefined and nothing changes', async () => {
    const emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0 });
    try {
      const plain = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket' });
      expect(plain.recording()).toBeUndefined();
      expect((await plain.run({ model: 'gpt-5.2', instructions: 'x', tools: [], input: [userMessage('hello')] })).kind).toBe('completed');
      expect(plain.recording()).toBeUndefined();
      plain.dispose();

      const http = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'http', recorder: new FrameRecorder() });
      expect((await http.run({ model: 'gpt-5.2', instructions: 'x', tools: [], input: [userMessage('hello')] })).kind).toBe('completed');
      const lines = (http.recording() ?? '').trimEnd().split('\n').map((l) => JSON.parse(l) as { dir: string; frame: { type: string } });
      expect(lines[0]).toMatchObject({ dir: 'send', frame: { type: 'response.create' } });
      expect(lines.at(-1)).toMatchObject({ dir: 'recv', frame: { type: 'response.completed' } });
      http.dispose();
    } finally {
      await emu.close();
    }
  });
});

function writeTemp(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'holdfast-recording-'));
  const file = path.join(dir, 'session.jsonl');
  writeFileSync(file, text);
  return file;
}
