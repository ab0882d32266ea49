// The recording of subagents on lanes (test/fixtures/frames/04-subagents-on-lanes.jsonl, in the style
// of the shared protocol frames; recorded from Holdfast against the emulator): its wire facts hold.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

type Line = { dir?: 'send' | 'recv'; note?: string; frame?: Record<string, unknown> };
const lines = fs
  .readFileSync(path.join(__dirname, '../../../fixtures/frames/04-subagents-on-lanes.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Line);
const frames = lines.filter((l) => l.frame).map((l) => ({ dir: l.dir!, frame: l.frame! }));
const responseId = (f: Record<string, unknown>) => (f['response'] as { id: string }).id;

describe('recording: subagents on lanes', () => {
  it('forks each lane from the main response as a delta, and the main lane continues after the forks', () => {
    const mainParent = responseId(frames.find((f) => f.frame['type'] === 'response.completed' && !('stream_id' in f.frame))!.frame);
    const laneCreates = frames.filter((f) => f.dir === 'send' && typeof f.frame['stream_id'] === 'string');
    const firsts = ['subagent-1', 'subagent-2'].map((lane) => laneCreates.find((f) => f.frame['stream_id'] === lane)!.frame);
    for (const first of firsts) {
      expect(first['previous_response_id']).toBe(mainParent);
      expect((first['input'] as unknown[]).length).toBe(2);
    }
    const mainNext = frames.findIndex((f) => f.dir === 'send' && f.frame['type'] === 'response.create' && !('stream_id' in f.frame) && f.frame['previous_response_id'] === mainParent);
    const lastLaneEvent = frames.reduce((last, f, i) => (f.dir === 'recv' && typeof f.frame['stream_id'] === 'string' ? i : last), -1);
    expect(mainNext).toBeGreaterThan(lastLaneEvent);
  });
});
