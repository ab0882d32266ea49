/**
 * The flight recorder: the frames of one workspace transport, redacted, in the shape of the protocol
 * examples (`{"dir":"send"|"recv","frame":{…}}` per line, `dir` from the client's point of view), so a
 * user can attach it to a bug report and the emulator can replay it (`--replay file.jsonl`).
 *
 * Pure and bounded: a ring buffer of the last `maxFrames` frames / `maxBytes` bytes (oldest dropped
 * first). Every string in a frame (keys and values, at any depth) goes through `redactSecrets` with the
 * API keys the transport knows, before it is stored: nothing unredacted is ever kept. Frames the client
 * could not parse (malformed, binary) are kept as a small note, never as raw bytes. Optionally,
 * `instructions` and `tools` equal to the previous send's are left out of the recording (the emulator's
 * replay only compares fields that a recorded frame has, so an elided recording still replays).
 */
import { redactSecrets } from '../common/redact';
import type { ModelSocket, SocketFactory } from './socket';

export interface FrameRecorderOptions {
  /** Keep at most this many frames (default 5000). */
  maxFrames?: number;
  /** Keep at most this many bytes of recorded JSONL (default 20 MB). */
  maxBytes?: number;
  /** Leave out `instructions` / `tools` of a sent frame when equal to the previous sent frame's. Default false. */
  elideRepeated?: boolean;
  /** Add the connection number and a timestamp to each line (`conn`, `t`); replay ignores them. Default false. */
  withMeta?: boolean;
  /** Clock for `t` (ms). Default Date.now. */
  now?: () => number;
}

export interface RecordMeta {
  /** WebSocket connection number, or 'http' for the HTTP/SSE fallback. */
  connection?: number | 'http';
}

export interface RecorderStats {
  /** Frames in the buffer now. */
  frames: number;
  /** Bytes of JSONL in the buffer now. */
  bytes: number;
  /** Frames dropped from the front to stay within the bounds. */
  dropped: number;
  /** Frames recorded since the start (kept or dropped). */
  recorded: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Line {
  text: string;
  bytes: number;
}

const DEFAULT_MAX_FRAMES = 5000;
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
/** How much of an unparsable frame is kept (redacted) to help a bug report. */
const EXCERPT_CHARS = 200;

export class FrameRecorder {
  private lines: Line[] = [];
  /** Index of the first live line in `lines` (a cheap ring: compacted now and then). */
  private head = 0;
  private bytes = 0;
  private dropped = 0;
  private recorded = 0;
  private secrets: string[] = [];
  private lastInstructions: string | undefined;
  private lastTools: string | undefined;
  private readonly maxFrames: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(private readonly options: FrameRecorderOptions = {}) {
    this.maxFrames = Math.max(1, options.maxFrames ?? DEFAULT_MAX_FRAMES);
    this.maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.now = options.now ?? (() => Date.now());
  }

  /** Exact secrets to redact besides the key shapes (the transport passes the API keys it has used). */
  setKnownSecrets(secrets: readonly string[]): void {
    this.secrets = secrets.filter((s) => s.length >= 8);
  }

  /** Records one frame as text (what went over the wire). Unparsable text is kept as a redacted note. */
  recordText(dir: 'send' | 'recv', text: string, meta: RecordMeta = {}): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = { type: 'holdfast.unparsable_frame', bytes: Buffer.byteLength(text), excerpt: text.slice(0, EXCERPT_CHARS) };
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) {
      frame = { type: 'holdfast.unparsable_frame', bytes: Buffer.byteLength(text), excerpt: text.slice(0, EXCERPT_CHARS) };
    }
    this.record(dir, frame as Record<string, unknown>, meta);
  }

  /** Records a binary frame (a protocol error for this API): its size only. */
  recordBinary(dir: 'send' | 'recv', bytes: number, meta: RecordMeta = {}): void {
    this.record(dir, { type: 'holdfast.binary_frame', bytes }, meta);
  }

  /** Records one frame object (a `response.create`/`response.steer` sent, or a server event received). */
  record(dir: 'send' | 'recv', frame: Record<string, unknown>, meta: RecordMeta = {}): void {
    this.recorded += 1;
    const redacted = this.redactValue(toJson(frame)) as { [key: string]: Json };
    const elided: string[] = [];
    if (dir === 'send' && redacted['type'] === 'response.create') {
      for (const field of ['instructions', 'tools'] as const) {
        if (!(field in redacted)) continue;
        const value = JSON.stringify(redacted[field]);
        const previous = field === 'instructions' ? this.lastInstructions : this.lastTools;
        if (field === 'instructions') this.lastInstructions = value;
        else this.lastTools = value;
        if (this.options.elideRepeated && previous === value) {
          delete redacted[field];
          elided.push(field);
        }
      }
    }
    const line: Record<string, Json> = { dir, frame: redacted };
    if (elided.length > 0) line['elided'] = elided;
    if (this.options.withMeta) {
      if (meta.connection !== undefined) line['conn'] = meta.connection;
      line['t'] = this.now();
    }
    const text = JSON.stringify(line);
    const bytes = Buffer.byteLength(text) + 1;
    this.lines.push({ text, bytes });
    this.bytes += bytes;
    this.trim();
  }

  /** The recording as JSONL (one `{"dir","frame"}` object per line, oldest first; empty when nothing was recorded). */
  toJsonl(): string {
    const live = this.lines.slice(this.head);
    return live.length === 0 ? '' : `${live.map((l) => l.text).join('\n')}\n`;
  }

  stats(): RecorderStats {
    return { frames: this.lines.length - this.head, bytes: this.bytes, dropped: this.dropped, recorded: this.recorded };
  }

  clear(): void {
    this.lines = [];
    this.head = 0;
    this.bytes = 0;
    this.lastInstructions = undefined;
    this.lastTools = undefined;
  }

  private trim(): void {
    while (this.lines.length - this.head > 1 && (this.lines.length - this.head > this.maxFrames || this.bytes > this.maxBytes)) {
      const first = this.lines[this.head]!;
      this.bytes -= first.bytes;
      this.head += 1;
      this.dropped += 1;
      // An elided field refers to an earlier frame that may now be gone: forget, so the next send keeps it.
      this.lastInstructions = undefined;
      this.lastTools = undefined;
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  private redactValue(value: Json): Json {
    if (typeof value === 'string') return redactSecrets(value, this.secrets);
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v));
    if (value && typeof value === 'object') {
      const out: { [key: string]: Json } = {};
      for (const [key, v] of Object.entries(value)) out[redactSecrets(key, this.secrets)] = this.redactValue(v);
      return out;
    }
    return value;
  }
}

/** A plain JSON copy (drops undefined, functions; the recorder never keeps references to live objects). */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

/**
 * Wraps a socket factory so that every frame sent and received on its sockets is recorded (the transport
 * does this when it is given a recorder). Behaviour is otherwise unchanged: the wrapper only listens.
 */
export function recordingSocketFactory(inner: SocketFactory, recorder: FrameRecorder): SocketFactory {
  let sockets = 0;
  return (url, headers, options): ModelSocket => {
    const socket = inner(url, headers, options);
    const meta: RecordMeta = { connection: ++sockets };
    // Registered before the connection's own listener, so a frame is recorded before it is acted on.
    socket.onMessage((message) => {
      if (message.binary) recorder.recordBinary('recv', message.bytes, meta);
      else recorder.recordText('recv', message.data, meta);
    });
    return {
      onOpen: socket.onOpen,
      onMessage: socket.onMessage,
      onClose: socket.onClose,
      onError: socket.onError,
      onUnexpectedResponse: socket.onUnexpectedResponse,
      send: (data, onWritten) => {
        recorder.recordText('send', data, meta);
        socket.send(data, onWritten);
      },
      close: (code, reason) => socket.close(code, reason),
      wireCounters: () => socket.wireCounters(),
    };
  };
}
