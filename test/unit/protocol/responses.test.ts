import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MalformedFrameError, normalizeError, parseServerEvent, retryAfterMs, toHttpBody, type ResponseCreateFrame } from '../../../src/protocol/responses';

import { sharedFramesDir } from '../../sharedFrames';

const framesDir = sharedFramesDir();

function recordedFrames(): Array<{ file: string; frame: Record<string, unknown> }> {
  const files = readdirSync(framesDir).filter((f) => f.endsWith('.jsonl'));
  return files.flatMap((file) =>
    readFileSync(path.join(framesDir, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { dir: string; frame: Record<string, unknown> })
      .filter((entry) => entry.dir === 'recv')
      .map((entry) => ({ file, frame: entry.frame })),
  );
}

describe('parseServerEvent', () => {
  it('parses every recorded server frame of the shared protocol examples as a known event', () => {
    const frames = recordedFrames();
    expect(frames.length).toBeGreaterThan(20);
    for (const { file, frame } of frames) {
      const parsed = parseServerEvent(JSON.stringify(frame));
      expect(parsed.ok, `${file}: ${JSON.stringify(frame).slice(0, 80)}`).toBe(true);
      if (parsed.ok) expect(parsed.value.type).toBe(frame['type']);
    }
  });

  it('keeps output items by reference, unknown fields included', () => {
    const item = { type: 'function_call', id: 'fc_1', call_id: 'c', name: 'n', arguments: '{}', status: 'completed', future_field: { x: 1 } };
    const parsed = parseServerEvent(JSON.stringify({ type: 'response.output_item.done', sequence_number: 3, output_index: 0, item }));
    expect(parsed.ok && parsed.value.type === 'response.output_item.done' && parsed.value.item).toEqual(item);
  });

  it('passes text deltas through the hot path with their lane', () => {
    const parsed = parseServerEvent('{"type":"response.output_text.delta","stream_id":"inline-1","item_id":"m","output_index":0,"content_index":0,"delta":"hi","sequence_number":4}');
    expect(parsed.ok && parsed.value).toMatchObject({ type: 'response.output_text.delta', stream_id: 'inline-1', delta: 'hi' });
  });

  it('returns unknown event types as "unknown", not as errors', () => {
    const parsed = parseServerEvent('{"type":"response.audio.delta","sequence_number":9,"stream_id":"x","delta":"AAA"}');
    expect(parsed).toEqual({ ok: true, value: { type: 'unknown', rawType: 'response.audio.delta', sequence_number: 9, stream_id: 'x' } });
  });

  it.each([
    ['not JSON', '{"type":"response.completed",', /not valid JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['no type', '{"delta":"x"}', /without a "type"/],
    ['a completed event without a response id', '{"type":"response.completed","response":{"status":"completed"}}', /malformed "response.completed" event at "response.id"/],
    ['a delta whose delta is not text', '{"type":"response.output_text.delta","item_id":"m","output_index":0,"delta":5}', /malformed "response.output_text.delta"/],
  ])('reports %s as a typed MalformedFrameError', (_what, text, message) => {
    const parsed = parseServerEvent(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toBeInstanceOf(MalformedFrameError);
      expect(parsed.error.message).toMatch(message);
    }
  });
});

describe('the two error shapes', () => {
  it('normalizes a request error with headers', () => {
    const parsed = parseServerEvent(
      JSON.stringify({ type: 'error', status: 429, error: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 1.2s.', param: null, headers: { 'retry-after-ms': '1200' } } }),
    );
    expect(parsed.ok).toBe(true);
    if (parsed.ok && parsed.value.type === 'error') {
      expect(normalizeError(parsed.value)).toEqual({
        status: 429,
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached. Please try again in 1.2s.',
        param: undefined,
        headers: { 'retry-after-ms': '1200' },
        retryAfterMs: 1200,
      });
    }
  });

  it('normalizes a streaming error', () => {
    const parsed = parseServerEvent('{"type":"error","code":"server_error","message":"boom","param":null,"sequence_number":4}');
    expect(parsed.ok).toBe(true);
    if (parsed.ok && parsed.value.type === 'error') {
      expect(normalizeError(parsed.value)).toMatchObject({ status: undefined, code: 'server_error', message: 'boom', retryAfterMs: undefined });
    }
  });

  it('reads how long to wait from headers or the message', () => {
    expect(retryAfterMs({ 'Retry-After': '3' }, '')).toBe(3000);
    expect(retryAfterMs({}, 'Please try again in 20s.')).toBe(20_000);
    expect(retryAfterMs({}, 'Please try again in 350ms.')).toBe(350);
    expect(retryAfterMs({}, 'Please try again in 1.5 seconds')).toBe(1500);
    expect(retryAfterMs({}, 'no hint')).toBeUndefined();
  });
});

describe('client frames', () => {
  it('turns a response.create into an HTTP body without WebSocket-only fields', () => {
    const frame: ResponseCreateFrame = {
      type: 'response.create',
      model: 'm',
      instructions: 'i',
      tools: [],
      store: true,
      input: [],
      previous_response_id: 'resp_1',
      stream_id: 'lane',
      generate: false,
    };
    expect(toHttpBody(frame)).toEqual({ model: 'm', instructions: 'i', tools: [], store: true, input: [], previous_response_id: 'resp_1', stream: true });
  });
});
