// The socket's synchronous permessage-deflate inflation must decode exactly what `ws`'s own does:
// the same server script (small messages sharing a window, fragmented compressed messages with pings
// between the fragments, a message larger than zlib's output chunk) is received by the extension's
// socket and by one using ws's inflation, and the messages must be byte-identical.
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type PerMessageDeflateOptions, type WebSocket } from 'ws';
import { createWsSocketFactory, wsSocketFactory, type SocketFactory, type SocketMessage } from '../../../src/transport/socket';
import { SyncInflater } from '../../../src/transport/syncInflate';
import { int, mulberry32, type Rng } from '../../fakes/prng';

const servers: WebSocketServer[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function deltaEvent(rng: Rng, n: number): string {
  const words = ['the', 'socket', 'inflates', 'every', 'event', 'window', 'context', 'takeover', 'µs', '✓'];
  const delta = Array.from({ length: int(rng, 1, 6) }, () => words[int(rng, 0, words.length - 1)]).join(' ');
  return JSON.stringify({ type: 'response.output_text.delta', sequence_number: n, item_id: 'msg_1', output_index: 0, content_index: 0, delta });
}

/** ~1.5 MB of JSON that compresses poorly: inflating it takes many of zlib's 16 KB output chunks. */
function largeEvent(rng: Rng): string {
  const noise = Array.from({ length: 400_000 }, () => String.fromCharCode(int(rng, 33, 126))).join('');
  return JSON.stringify({ type: 'response.output_item.done', item: { type: 'function_call_output', output: noise.repeat(4) } });
}

type Step = { text: string } | { fragments: string[] } | { ping: true };

function script(seed: number): Step[] {
  const rng = mulberry32(seed);
  const steps: Step[] = [];
  for (let i = 0; i < 60; i++) steps.push({ text: deltaEvent(rng, i) });
  const long = deltaEvent(rng, 1000).repeat(50);
  steps.push({ fragments: [long.slice(0, 100), long.slice(100, 3000), long.slice(3000)] });
  steps.push({ text: largeEvent(rng) });
  for (let i = 60; i < 120; i++) steps.push({ text: deltaEvent(rng, i) });
  return steps;
}

function send(ws: WebSocket, text: string, fin: boolean): Promise<void> {
  return new Promise((resolve, reject) => ws.send(text, { fin, compress: true }, (error) => (error ? reject(error) : resolve())));
}

async function play(ws: WebSocket, steps: Step[]): Promise<void> {
  for (const step of steps) {
    if ('text' in step) await send(ws, step.text, true);
    else if ('ping' in step) ws.ping();
    else {
      // A control frame between the fragments of one compressed message.
      for (const [i, fragment] of step.fragments.entries()) {
        const last = i === step.fragments.length - 1;
        await send(ws, fragment, last);
        if (!last) ws.ping();
      }
    }
  }
}

async function serve(steps: Step[], deflate: PerMessageDeflateOptions): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: { threshold: 0, ...deflate } });
  servers.push(wss);
  wss.on('connection', (ws) => void play(ws, steps));
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
}

function receive(factory: SocketFactory, url: string, count: number): Promise<{ messages: SocketMessage[]; deflate: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = factory(url, {}, { perMessageDeflate: true, handshakeTimeoutMs: 5000 });
    const messages: SocketMessage[] = [];
    let deflate = false;
    socket.onOpen((info) => (deflate = info.deflate));
    socket.onError(reject);
    socket.onMessage((message) => {
      messages.push(message);
      if (messages.length === count) {
        socket.close();
        resolve({ messages, deflate });
      }
    });
  });
}

/** zlib's synchronous entry point: the sync inflater calls it, ws's thread-pool path never does. */
function spyOnSyncInflation(): ReturnType<typeof vi.spyOn> {
  return vi.spyOn(Object.getPrototypeOf(zlib.InflateRaw.prototype) as { _processChunk: () => Buffer }, '_processChunk');
}

function expectedTexts(steps: Step[]): string[] {
  return steps.flatMap((s) => ('text' in s ? [s.text] : 'fragments' in s ? [s.fragments.join('')] : []));
}

describe('WsModelSocket: synchronous permessage-deflate inflation', () => {
  const variants: Array<[string, PerMessageDeflateOptions]> = [
    ['context takeover', {}],
    ['no server context takeover', { serverNoContextTakeover: true }],
    ['a 10-bit server window', { serverMaxWindowBits: 10 }],
  ];
  for (const [name, deflate] of variants) {
    it(`decodes byte for byte what ws decodes (${name})`, async () => {
      const steps = script(name.length);
      const url = await serve(steps, deflate);
      const expected = expectedTexts(steps);
      const inflateCalls = spyOnSyncInflation();
      const ours = await receive(wsSocketFactory, url, expected.length);
      // Every compressed frame went through the synchronous path (each fragment is a frame).
      expect(inflateCalls.mock.calls.length).toBeGreaterThanOrEqual(expected.length);
      inflateCalls.mockClear();
      const theirs = await receive(createWsSocketFactory({ syncInflate: false }), url, expected.length);
      expect(inflateCalls).not.toHaveBeenCalled();
      expect(ours.deflate).toBe(true);
      expect(ours.messages.map((m) => m.data)).toEqual(expected);
      expect(ours.messages).toEqual(theirs.messages);
    });
  }
});

describe('SyncInflater', () => {
  it('keeps the window across messages and splits at any frame boundary', async () => {
    const rng = mulberry32(42);
    const texts = Array.from({ length: 200 }, (_, i) => deltaEvent(rng, i));
    const deflate = zlib.createDeflateRaw();
    const inflater = new SyncInflater({ windowBits: 15, noContextTakeover: false, maxOutputBytes: 0 });
    const out: string[] = [];
    for (const text of texts) {
      const frame = await deflateMessage(deflate, Buffer.from(text));
      const cut = int(rng, 0, frame.length);
      out.push(Buffer.concat([inflater.push(frame.subarray(0, cut), false), inflater.push(frame.subarray(cut), true)]).toString('utf8'));
    }
    inflater.dispose();
    expect(out).toEqual(texts);
  });

  it('starts a new stream after a final block, as ws does', () => {
    const inflater = new SyncInflater({ windowBits: 15, noContextTakeover: false, maxOutputBytes: 0 });
    const first = zlib.deflateRawSync(Buffer.from('{"a":"first message"}'));
    const second = zlib.deflateRawSync(Buffer.from('{"b":"second message"}'));
    expect(inflater.push(first, true).toString()).toBe('{"a":"first message"}');
    expect(inflater.push(second, true).toString()).toBe('{"b":"second message"}');
  });

  it('refuses output beyond its limit and a frame after dispose', () => {
    const inflater = new SyncInflater({ windowBits: 15, noContextTakeover: false, maxOutputBytes: 1000 });
    const bomb = zlib.deflateRawSync(Buffer.alloc(100_000, 0x61), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(() => inflater.push(bomb.subarray(0, bomb.length - 4), true)).toThrow();
    inflater.dispose();
    expect(() => inflater.push(Buffer.alloc(0), true)).toThrow(/after the socket ended/);
  });
});

/** What a sender puts in one message: the input deflated and sync-flushed, without the 4-byte tail. */
function deflateMessage(deflate: zlib.DeflateRaw, input: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): number => chunks.push(chunk);
    deflate.on('data', onData);
    deflate.write(input);
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      deflate.off('data', onData);
      const out = Buffer.concat(chunks);
      resolve(out.subarray(0, out.length - 4));
    });
  });
}
