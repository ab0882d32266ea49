// The emulator's side of permessage-deflate, done inline. `ws` deflates every outgoing message on
// libuv's thread pool, so the events a tick of the pacer releases leave one by one, each after a
// thread-pool round trip, and a client wakes up once per event. A server that deflates inline (Go's
// and most servers' WebSocket stacks do) writes a tick's events back to back. One persistent
// DeflateRaw (context takeover) driven through zlib's synchronous path, with its close made a no-op
// for the call (zlib's sync path closes the stream after one call; minizlib's technique). When the
// shape of `ws` or zlib is not what this expects, the socket keeps ws's own deflate.
import * as zlib from 'node:zlib';

interface ZlibInternals {
  _handle: { close(): void } | null;
  _processChunk(chunk: Buffer, flushFlag: number): Buffer;
}

interface WsDeflateExtension {
  params: Record<string, unknown> | null;
  _options?: { zlibDeflateOptions?: zlib.ZlibOptions };
  compress(data: Buffer | string, fin: boolean, callback: (error: Error | null, result?: Buffer) => void): void;
  cleanup?: () => void;
}

function isExtension(value: unknown): value is WsDeflateExtension {
  const candidate = value as Partial<WsDeflateExtension> | null;
  return !!candidate && typeof candidate.compress === 'function' && typeof candidate.params === 'object' && candidate.params !== null;
}

function deflateSync(stream: zlib.DeflateRaw & ZlibInternals, input: Buffer): Buffer {
  const handle = stream._handle;
  if (!handle) throw new Error('deflate stream closed');
  const close = handle.close;
  handle.close = () => undefined;
  try {
    // A copy: the result may view the stream's output buffer, which the next call reuses.
    return Buffer.from(stream._processChunk(input, zlib.constants.Z_SYNC_FLUSH));
  } finally {
    stream._handle = handle;
    handle.close = close;
    stream.removeAllListeners('error');
  }
}

/** Replaces the server socket's `compress` with an inline one; false when ws's own stays. */
export function deflateInline(extension: unknown): boolean {
  if (!isExtension(extension) || typeof (zlib.createDeflateRaw() as unknown as Partial<ZlibInternals>)._processChunk !== 'function') return false;
  const params = extension.params ?? {};
  const bits = params['server_max_window_bits'];
  const options = { ...extension._options?.zlibDeflateOptions, windowBits: typeof bits === 'number' ? bits : zlib.constants.Z_DEFAULT_WINDOWBITS };
  const resetEachMessage = params['server_no_context_takeover'] === true;
  let stream: (zlib.DeflateRaw & ZlibInternals) | null = null;
  extension.compress = (data, fin, callback) => {
    // ws's Sender accepts a synchronous callback (it resumes its queue from inside it).
    stream ??= zlib.createDeflateRaw(options) as zlib.DeflateRaw & ZlibInternals;
    const out = deflateSync(stream, typeof data === 'string' ? Buffer.from(data) : data);
    if (fin && resetEachMessage) {
      stream.close();
      stream = null;
    }
    callback(null, fin ? out.subarray(0, out.length - 4) : out);
  };
  const cleanup = extension.cleanup?.bind(extension);
  extension.cleanup = () => {
    stream?.close();
    stream = null;
    cleanup?.();
  };
  return true;
}
