// A raw WebSocket client for the emulator's own tests: sends exactly what a test says and records
// every frame, so tests can assert on the wire rather than on a client library's interpretation.
import { WebSocket, type ClientOptions } from 'ws';
import { startEmulator, type Emulator } from './index';
import type { EmulatorOptions, JsonObject } from './types';

export type Frame = JsonObject & { type?: string };

export const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

export class RawClient {
  readonly frames: Frame[] = [];
  readonly binaryFrames: Buffer[] = [];
  readonly unparsable: string[] = [];
  private mark = 0;
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (isBinary) this.binaryFrames.push(buf);
      else {
        try {
          this.frames.push(JSON.parse(buf.toString('utf8')) as Frame);
        } catch {
          this.unparsable.push(buf.toString('utf8'));
        }
      }
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      this.wake();
    }));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  static connect(url: string, key = 'sk-test-emulator', options: ClientOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${key}` }, perMessageDeflate: true, ...options });
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade failed: HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(frame: JsonObject): void {
    this.ws.send(JSON.stringify(frame));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Frames after the mark up to and including the first one matching `until`; moves the mark past it. */
  async collect(until: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f, i) => i >= this.mark && until(f));
      if (index >= 0) {
        const out = this.frames.slice(this.mark, index + 1);
        this.mark = index + 1;
        return out;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`timed out; frames since mark: ${JSON.stringify(this.frames.slice(this.mark).map((f) => f.type))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames up to the terminal event of the default lane (or of `streamId`). */
  untilTerminal(streamId?: string, timeoutMs?: number): Promise<Frame[]> {
    return this.collect((f) => TERMINAL_TYPES.has(String(f.type)) && (streamId === undefined || f['stream_id'] === streamId), timeoutMs);
  }

  /** Waits (without moving the mark) until a frame matching `pred` has arrived. */
  async waitFor(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(pred);
      if (found) return found;
      if (Date.now() > deadline || this.ws.readyState === WebSocket.CLOSED) throw new Error(`waitFor timed out; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

export function userMessage(text: string): JsonObject {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

export function toolOutput(callId: string, output: string): JsonObject {
  return { type: 'function_call_output', call_id: callId, output };
}

export const READ_FILE_TOOL: JsonObject = {
  type: 'function',
  name: 'read_file',
  description: 'Read a workspace file',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
  strict: true,
};

export function responseOf(frame: Frame | undefined): JsonObject {
  const r = frame?.['response'];
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new Error(`no response in ${JSON.stringify(frame)}`);
  return r;
}

export function errorCodeOf(frame: Frame | undefined): unknown {
  const nested = frame?.['error'];
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) return nested['code'];
  return frame?.['code'];
}

/** One emulator and its raw clients per test: `start` it, `connect` clients, `cleanup` in afterEach. */
export function emulatorFixture(defaults: EmulatorOptions): { start(options?: EmulatorOptions): Promise<Emulator>; connect(): Promise<RawClient>; cleanup(): Promise<void> } {
  let emulator: Emulator | undefined;
  const clients: RawClient[] = [];
  return {
    async start(options = {}) {
      emulator = await startEmulator({ pingIntervalMs: 0, ...defaults, ...options });
      return emulator;
    },
    async connect() {
      if (!emulator) throw new Error('start the emulator first');
      const c = await RawClient.connect(emulator.wsUrl);
      clients.push(c);
      return c;
    },
    async cleanup() {
      for (const c of clients.splice(0)) c.close();
      await emulator?.close();
      emulator = undefined;
    },
  };
}
