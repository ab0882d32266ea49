import { describe, expect, it } from 'vitest';
import { SseParser, type SseItem } from '../../../src/transport/sse';

const stream =
  'event: response.created\ndata: {"type":"response.created","n":1}\n\n' +
  ': a comment\r\nevent: response.output_text.delta\r\ndata: {"type":"response.output_text.delta","delta":"h\u00e9llo \u{1F600}"}\r\n\r\n' +
  'data: {"type":"multi",\ndata: "line":true}\n\n' +
  'data: [DONE]\n\n';

function feedInChunks(text: string, size: number): SseItem[] {
  const bytes = Buffer.from(text, 'utf8');
  const parser = new SseParser();
  const items: SseItem[] = [];
  for (let i = 0; i < bytes.length; i += size) items.push(...parser.push(bytes.subarray(i, i + size)));
  items.push(...parser.end());
  return items;
}

describe('SseParser', () => {
  it('yields data payloads, ignoring event lines and comments, and reports [DONE]', () => {
    const items = feedInChunks(stream, 1_000_000);
    expect(items).toEqual([
      { kind: 'data', data: '{"type":"response.created","n":1}' },
      { kind: 'data', data: '{"type":"response.output_text.delta","delta":"h\u00e9llo \u{1F600}"}' },
      { kind: 'data', data: '{"type":"multi",\n"line":true}' },
      { kind: 'done' },
    ]);
  });

  it.each([1, 2, 3, 5, 7, 13])('gives the same result with chunk boundaries anywhere (chunks of %i bytes)', (size) => {
    expect(feedInChunks(stream, size)).toEqual(feedInChunks(stream, 1_000_000));
  });

  it('flushes a last event without a trailing blank line at the end of the stream', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a":1}')).toEqual([]);
    expect(parser.end()).toEqual([{ kind: 'data', data: '{"a":1}' }]);
  });
});
