/**
 * permessage-deflate inflation without the thread pool. `ws` inflates each message with three zlib jobs
 * on libuv's thread pool (write, trailer, flush): ~50 µs of CPU and two thread hops for a 160-byte text
 * delta, most of a delta's whole cost. One persistent `InflateRaw` driven synchronously keeps the
 * sliding window across messages (context takeover) and costs ~3 µs (measured on Node 20; see
 * test/bench/README.md, "client CPU").
 *
 * How: zlib's own synchronous path (`_processChunk` without a callback, what `inflateRawSync` uses)
 * closes the handle after one call, so the close is made a no-op for the duration of the call — the
 * technique `minizlib` (npm's tar) has used for years. These are Node internals: `syncInflateWorks()`
 * checks them once with a real two-message round trip, and when anything is off the socket keeps
 * `ws`'s own inflation.
 */
import * as zlib from 'node:zlib';

/** RFC 7692 §7.2.2: the receiver appends the 4 octets the sender removed from each message. */
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

interface ZlibInternals {
  _handle: { close(): void } | null;
  _processChunk(chunk: Buffer, flushFlag: number): Buffer;
  _writeState?: Uint32Array;
  close(callback?: () => void): void;
}

type InternalInflate = zlib.InflateRaw & ZlibInternals;

export interface SyncInflaterOptions {
  windowBits: number;
  /** The sender resets its window after each message (`server_no_context_takeover`). */
  noContextTakeover: boolean;
  /** Largest output of one frame (0 = no limit). */
  maxOutputBytes: number;
  zlibOptions?: zlib.ZlibOptions;
}

/** One direction of a permessage-deflate stream, inflated synchronously frame by frame. */
export class SyncInflater {
  private inflate: InternalInflate | null = null;
  private disposed = false;

  constructor(private readonly options: SyncInflaterOptions) {}

  /** Inflates one frame's payload; `fin` marks the last frame of a message. Throws on corrupt data. */
  push(data: Buffer, fin: boolean): Buffer {
    if (this.disposed) throw new Error('permessage-deflate: message after the socket ended');
    const inflate = (this.inflate ??= this.create());
    const input = fin ? Buffer.concat([data, TRAILER]) : data;
    let output: Buffer;
    try {
      output = processSync(inflate, input);
    } catch (error) {
      this.reset();
      throw error;
    }
    // Input left over after a fin means the sender ended its deflate stream (a BFINAL block, RFC 7692
    // §7.2.3.3): the next message starts a new stream, as `ws` does.
    const streamEnded = fin && (inflate._writeState?.[1] ?? 0) > 0;
    if (streamEnded || (fin && this.options.noContextTakeover)) this.reset();
    return output;
  }

  /** Frees the native stream; a later push is an error. */
  dispose(): void {
    this.disposed = true;
    this.reset();
  }

  /** Drops the window: the next frame starts a new deflate stream. */
  private reset(): void {
    this.inflate?.close();
    this.inflate = null;
  }

  private create(): InternalInflate {
    const maxOutputLength = this.options.maxOutputBytes > 0 ? this.options.maxOutputBytes : undefined;
    return zlib.createInflateRaw({
      ...this.options.zlibOptions,
      windowBits: this.options.windowBits,
      ...(maxOutputLength ? { maxOutputLength } : {}),
    }) as InternalInflate;
  }
}

function processSync(inflate: InternalInflate, input: Buffer): Buffer {
  const handle = inflate._handle;
  if (!handle) throw new Error('inflater closed');
  const closeHandle = handle.close;
  const closeStream = Object.getOwnPropertyDescriptor(inflate, 'close');
  handle.close = () => undefined;
  inflate.close = () => undefined;
  try {
    // The result may be a view of the stream's output buffer, which the next call overwrites: copy it.
    return Buffer.from(inflate._processChunk(input, zlib.constants.Z_SYNC_FLUSH));
  } finally {
    // _processChunk also nulls `_handle` and adds an 'error' listener on every call: undo both.
    inflate._handle = handle;
    handle.close = closeHandle;
    if (closeStream) Object.defineProperty(inflate, 'close', closeStream);
    else delete (inflate as Partial<ZlibInternals>).close;
    inflate.removeAllListeners('error');
  }
}

let works: boolean | undefined;

/** Whether this Node's zlib supports the synchronous path: two context-takeover messages round-trip. */
export function syncInflateWorks(): boolean {
  if (works !== undefined) return works;
  try {
    const first = '{"type":"response.output_text.delta","delta":"hello"}';
    const second = '{"type":"response.output_text.delta","delta":"hello again"}';
    const deflated = zlib.deflateRawSync(Buffer.from(first + second), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    // One deflate stream split at an arbitrary point stands for two messages sharing a window.
    const inflater = new SyncInflater({ windowBits: 15, noContextTakeover: false, maxOutputBytes: 0 });
    const cut = Math.floor(deflated.length / 2);
    const out = Buffer.concat([inflater.push(deflated.subarray(0, cut), false), inflater.push(deflated.subarray(cut, deflated.length - 4), true)]);
    inflater.dispose();
    works = out.toString('utf8') === first + second;
  } catch {
    works = false;
  }
  return works;
}

/** The part of `ws`'s PerMessageDeflate instance this module relies on (checked before use). */
interface WsPerMessageDeflate {
  params: Record<string, unknown> | null;
  _maxPayload?: number;
  _options?: { zlibInflateOptions?: zlib.ZlibOptions };
  decompress(data: Buffer, fin: boolean, callback: (error: Error | null, result?: Buffer) => void): void;
}

function isWsPerMessageDeflate(value: unknown): value is WsPerMessageDeflate {
  const candidate = value as Partial<WsPerMessageDeflate> | null;
  return !!candidate && typeof candidate.decompress === 'function' && typeof candidate.params === 'object' && candidate.params !== null;
}

/**
 * Replaces the negotiated extension's `decompress` with the synchronous inflater. Returns the inflater
 * (dispose it when the socket ends) or null when `ws`'s own path stays in place.
 *
 * The callback still runs asynchronously (a microtask): `ws`'s receiver expects `decompress` to
 * return before its callback, and resumes its parse loop from inside it.
 */
export function installSyncInflate(extension: unknown): SyncInflater | null {
  if (!isWsPerMessageDeflate(extension) || !syncInflateWorks()) return null;
  const params = extension.params ?? {};
  const bits = params['server_max_window_bits'];
  const inflater = new SyncInflater({
    windowBits: typeof bits === 'number' ? bits : zlib.constants.Z_DEFAULT_WINDOWBITS,
    noContextTakeover: params['server_no_context_takeover'] === true,
    maxOutputBytes: extension._maxPayload ?? 0,
    ...(extension._options?.zlibInflateOptions ? { zlibOptions: extension._options.zlibInflateOptions } : {}),
  });
  extension.decompress = (data, fin, callback) => {
    let result: Buffer | undefined;
    let failure: Error | null = null;
    try {
      result = inflater.push(data, fin);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    queueMicrotask(() => callback(failure, result));
  };
  return inflater;
}
