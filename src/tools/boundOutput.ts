/**
 * How much of a long output the model sees, in one place: long output keeps its head and its tail
 * (a build log's failure summary is at the end, its first error at the start) and says exactly what was
 * cut, so the model can ask for the rest with a narrower call. Two halves of the same policy:
 * - `HeadTailCapture` bounds memory WHILE a process writes (the first characters, then a ring of the
 *   last ones; the middle is counted, not kept);
 * - `boundOutput` bounds a finished text to the model's byte budget, folding in what an earlier
 *   capture already cut, so the marker always counts what the model did not see of the real output.
 * Both write the same marker.
 */
import { redactSecrets } from '../common/redact';

export const MAX_TOOL_OUTPUT_BYTES = 32 * 1024;

/** Share of the budget kept from the END of process output (tests and builds end with the verdict). */
export const PROCESS_TAIL_SHARE = 0.75;

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

interface Cut {
  bytes: number;
  lines: number;
  total: number;
}

function cutMarker(cut: Cut): string {
  return `\n[… output cut: ${cut.bytes} bytes${cut.lines ? ` (${cut.lines} lines)` : ''} omitted from the middle; total ${cut.total} bytes …]\n`;
}

const MARKER = /\n\[… output cut: (\d+) bytes(?: \((\d+) lines\))? omitted from the middle; total \d+ bytes …\]\n/g;

/** A cut already made in `text` (by a capture): what it stands for beyond its own characters. */
function earlierCuts(text: string): { bytes: number; lines: number } {
  let bytes = 0;
  let lines = 0;
  for (const match of text.matchAll(MARKER)) {
    bytes += Number(match[1]) - byteLength(match[0]);
    lines += Number(match[2] ?? 0) - 2;
  }
  return { bytes, lines };
}

export function boundOutput(text: string, maxBytes = MAX_TOOL_OUTPUT_BYTES, options: { tailShare?: number } = {}): string {
  const size = byteLength(text);
  if (size <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - 200);
  const tailBudget = Math.floor(budget * (options.tailShare ?? 0.4));
  const head = sliceBytesFromStart(text, budget - tailBudget);
  const tail = sliceBytesFromEnd(text, tailBudget);
  const cutText = text.slice(head.length, text.length - tail.length);
  const earlier = earlierCuts(cutText);
  const kept = byteLength(head) + byteLength(tail);
  const lines = cutText.split('\n').length - 1 + earlier.lines;
  const total = size + earlierCuts(text).bytes;
  return `${head}${cutMarker({ bytes: total - kept, lines, total })}${tail}`;
}

/** Redacts before bounding, so the cut can never split a key into fragments that no longer look like one. */
export function prepareToolOutput(text: string, options: { knownSecrets?: readonly string[]; tailShare?: number } = {}): string {
  return boundOutput(redactSecrets(text, options.knownSecrets ?? []), MAX_TOOL_OUTPUT_BYTES, { tailShare: options.tailShare });
}

/**
 * Output of a running process in bounded memory: the first `maxChars × (1 − tailShare)` characters,
 * then a ring of the last `maxChars × tailShare`. What falls out of the ring is counted (bytes, lines)
 * and dropped at once, so memory never exceeds the limit plus one chunk, however much is written.
 */
export class HeadTailCapture {
  private head = '';
  private readonly tail: string[] = [];
  private tailChars = 0;
  private droppedBytes = 0;
  private droppedLines = 0;
  private totalBytes = 0;
  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(maxChars: number, tailShare = PROCESS_TAIL_SHARE) {
    this.tailLimit = Math.floor(maxChars * tailShare);
    this.headLimit = maxChars - this.tailLimit;
  }

  push(text: string): void {
    this.totalBytes += byteLength(text);
    const room = pairSafe(text, this.headLimit - this.head.length);
    if (room > 0) {
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === '') return;
    this.tail.push(text);
    this.tailChars += text.length;
    while (this.tailChars > this.tailLimit) {
      const first = this.tail[0]!;
      const excess = pairSafe(first, this.tailChars - this.tailLimit, 1);
      let dropped = first;
      if (excess >= first.length) this.tail.shift();
      else {
        dropped = first.slice(0, excess);
        this.tail[0] = first.slice(excess);
      }
      this.tailChars -= dropped.length;
      this.droppedBytes += byteLength(dropped);
      this.droppedLines += countLines(dropped);
    }
  }

  /** What was kept, with the marker where the middle was cut. */
  text(): string {
    const tail = this.tail.join('');
    if (this.droppedBytes === 0) return this.head + tail;
    return `${this.head}${cutMarker({ bytes: this.droppedBytes, lines: this.droppedLines, total: this.totalBytes })}${tail}`;
  }
}

/** `index` moved off the middle of a surrogate pair (by `direction`), so a cut never splits a character. */
function pairSafe(text: string, index: number, direction: -1 | 1 = -1): number {
  if (index <= 0 || index >= text.length) return index;
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index + direction : index;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function sliceBytesFromStart(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

function sliceBytesFromEnd(text: string, maxBytes: number): string {
  let bytes = 0;
  let start = text.length;
  while (start > 0) {
    const code = text.charCodeAt(start - 1);
    const width = code >= 0xdc00 && code <= 0xdfff && start > 1 ? 2 : 1;
    const size = byteLength(text.slice(start - width, start));
    if (bytes + size > maxBytes) break;
    bytes += size;
    start -= width;
  }
  return text.slice(start);
}
