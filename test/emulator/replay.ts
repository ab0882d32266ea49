// Replay mode: plays a recorded conversation (JSONL in the shape of /work/shared/protocol/frames) back
// to a client. Recorded `recv` frames are sent in order; each client frame is checked against the
// recorded `send` frame at that point. Mismatches go to stats().replayMismatches and to the client as
// an `error` (code replay_mismatch).
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import type { Engine } from './engine';
import { apiError, requestErrorEvent } from './errors';
import { newId } from './ids';
import { LinkDirection } from './link';
import type { Json, JsonObject, ReplayOptions } from './types';

export interface RecordedLine {
  dir: 'send' | 'recv';
  frame: JsonObject;
}

export function readRecording(file: string): RecordedLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      const parsed = JSON.parse(line) as { dir?: string; frame?: JsonObject };
      if ((parsed.dir !== 'send' && parsed.dir !== 'recv') || !parsed.frame) throw new Error(`${file}:${i + 1}: expected {"dir":"send"|"recv","frame":{…}}`);
      return { dir: parsed.dir, frame: parsed.frame };
    });
}

/** The fields of a client frame that must equal the recording (when the recording has them). */
const COMPARED_FIELDS = ['type', 'model', 'previous_response_id', 'input', 'instructions', 'tools', 'stream_id', 'generate', 'store', 'tool_choice'];

export function compareClientFrame(recorded: JsonObject, actual: JsonObject, mapId: (id: string) => string): string[] {
  const problems: string[] = [];
  for (const field of COMPARED_FIELDS) {
    if (!(field in recorded)) continue;
    let got = actual[field];
    if (field === 'previous_response_id' && typeof got === 'string') got = mapId(got);
    if (JSON.stringify(canonical(recorded[field])) !== JSON.stringify(canonical(got))) {
      problems.push(`${field}: expected ${JSON.stringify(recorded[field])?.slice(0, 200)}, got ${JSON.stringify(got ?? null).slice(0, 200)}`);
    }
  }
  return problems;
}

/** Key order does not matter on the wire. */
function canonical(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((v) => canonical(v) ?? null);
  if (value && typeof value === 'object') {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]) ?? null;
    return out;
  }
  return value;
}

export class ReplayConnection {
  readonly id = newId('conn');
  private cursor = 0;
  private readonly down: LinkDirection;
  /** recorded id → id sent to this client (identity unless freshIds). */
  private readonly idMap = new Map<string, string>();

  constructor(
    private readonly engine: Engine,
    private readonly ws: WebSocket,
    socket: Socket,
    private readonly lines: RecordedLine[],
    private readonly options: ReplayOptions,
    deflate: boolean,
  ) {
    engine.accounting.openConnection(this.id, 'ws', deflate, () => ({ read: socket.bytesRead, written: socket.bytesWritten }));
    this.down = new LinkDirection(engine.link.rttMs / 2, engine.link.downMbps, 'down', (k, ms) => engine.accounting.recordDelay(k, ms, this.id));
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => engine.accounting.closeConnection(this.id, 'closed'));
    this.flushRecorded();
  }

  private mapOut(frame: JsonObject): JsonObject {
    if (!this.options.freshIds) return frame;
    const walk = (v: Json): Json => {
      if (typeof v === 'string' && /^(resp|steer)_/.test(v)) {
        const mapped = this.idMap.get(v) ?? newId(v.startsWith('resp') ? 'resp' : 'steer');
        this.idMap.set(v, mapped);
        return mapped;
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return walk(frame) as JsonObject;
  }

  private mapBack(id: string): string {
    for (const [recorded, sent] of this.idMap) if (sent === id) return recorded;
    return id;
  }

  private send(frame: JsonObject): void {
    const text = JSON.stringify(frame);
    this.engine.accounting.recordFrame(this.id, 'recv', frame, Buffer.byteLength(text));
    this.down.carry(Buffer.byteLength(text), () => this.ws.readyState === WebSocket.OPEN && this.ws.send(text));
  }

  /** Sends every recorded `recv` frame up to the next recorded `send`. */
  private flushRecorded(): void {
    while (this.cursor < this.lines.length) {
      const line = this.lines[this.cursor] as RecordedLine;
      if (line.dir === 'send') return;
      this.send(this.mapOut(line.frame));
      this.cursor += 1;
    }
  }

  private mismatch(message: string): void {
    this.engine.accounting.replayMismatches.push(message);
    this.send(requestErrorEvent(apiError(400, 'replay_mismatch', message)));
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
    let frame: Json;
    try {
      frame = JSON.parse(text) as Json;
    } catch {
      frame = null;
    }
    this.engine.accounting.recordFrame(this.id, 'send', frame ?? { emulatorNote: 'unparsable', text: text.slice(0, 500) }, text.length);
    const expected = this.lines[this.cursor];
    if (isBinary || !frame || typeof frame !== 'object' || Array.isArray(frame)) {
      this.mismatch(`frame ${this.cursor + 1}: the client sent a ${isBinary ? 'binary' : 'non-object'} frame`);
      return;
    }
    if (!expected || expected.dir !== 'send') {
      this.mismatch(`frame ${this.cursor + 1}: the recording expects no client frame here, got ${String(frame['type'])}`);
      return;
    }
    const problems = compareClientFrame(expected.frame, frame, (id) => this.mapBack(id));
    if (problems.length) this.mismatch(`frame ${this.cursor + 1} (${String(expected.frame['type'])}): ${problems.join('; ')}`);
    this.cursor += 1;
    this.flushRecorded();
  }
}
