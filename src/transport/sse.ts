/**
 * A Server-Sent Events parser for the Responses stream: fed arbitrary chunks (a boundary may fall
 * anywhere, even inside a multi-byte character or between `\r` and `\n`), it yields each event's data.
 * `event:` lines are tolerated and ignored (the payload's own `type` is what counts), comments and `id:`
 * too; `data: [DONE]` (sent by some servers) is reported as the end of the stream.
 */
export type SseItem = { kind: 'data'; data: string } | { kind: 'done' };

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private dataLines: string[] = [];

  /** Feeds raw bytes (or already-decoded text); returns the complete events it finished. */
  push(chunk: Uint8Array | string): SseItem[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** The stream ended: flushes a last event that had no trailing blank line. */
  end(): SseItem[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(atEnd: boolean): SseItem[] {
    const items: SseItem[] = [];
    for (;;) {
      const newline = this.buffer.search(/\r\n|\r|\n/);
      if (newline < 0) break;
      // A lone `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
      if (this.buffer[newline] === '\r' && newline === this.buffer.length - 1 && !atEnd) break;
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line, items);
    }
    if (atEnd) {
      if (this.buffer.length > 0) this.line(this.buffer, items);
      this.buffer = '';
      this.line('', items);
    }
    return items;
  }

  private line(line: string, items: SseItem[]): void {
    if (line === '') {
      if (this.dataLines.length === 0) return;
      const data = this.dataLines.join('\n');
      this.dataLines = [];
      items.push(data.trim() === '[DONE]' ? { kind: 'done' } : { kind: 'data', data });
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    // `event`, `id`, `retry` and unknown fields: ignored on purpose.
  }
}
