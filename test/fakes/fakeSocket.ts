/**
 * An in-memory stand-in for the Responses WebSocket server, behind the `SocketFactory` port. Tests decide
 * per frame what the "server" answers (`server.handler`), or drive a socket by hand. Delivery is
 * asynchronous and ordered, like a network, so re-entrancy bugs show up here too.
 */
import { Emitter } from '../../src/common/event';
import type {
  ModelSocket,
  SocketClose,
  SocketFactory,
  SocketMessage,
  SocketOpenInfo,
  SocketOptions,
  UnexpectedResponse,
  WireCounters,
} from '../../src/transport/socket';

export type Json = Record<string, unknown>;

export type UpgradeBehaviour = { kind: 'open' } | { kind: 'status'; status: number; headers?: Record<string, string> } | { kind: 'hang' } | { kind: 'refuse'; message: string };

export class FakeSocket implements ModelSocket {
  private readonly openEmitter = new Emitter<SocketOpenInfo>();
  private readonly messageEmitter = new Emitter<SocketMessage>();
  private readonly closeEmitter = new Emitter<SocketClose>();
  private readonly errorEmitter = new Emitter<Error>();
  private readonly unexpectedEmitter = new Emitter<UnexpectedResponse>();
  readonly onOpen = this.openEmitter.event;
  readonly onMessage = this.messageEmitter.event;
  readonly onClose = this.closeEmitter.event;
  readonly onError = this.errorEmitter.event;
  readonly onUnexpectedResponse = this.unexpectedEmitter.event;

  readonly sent: string[] = [];
  isOpen = false;
  isClosed = false;
  closedByClient = false;
  closeCode: number | undefined;
  private written = 0;

  constructor(
    readonly server: FakeServer,
    readonly index: number,
    readonly url: string,
    readonly headers: Record<string, string>,
    readonly options: SocketOptions,
  ) {}

  /** Frames the client sent, parsed. */
  get frames(): Json[] {
    return this.sent.map((s) => JSON.parse(s) as Json);
  }

  send(data: string, onWritten?: (wireBytes: number | undefined) => void): void {
    if (!this.isOpen || this.isClosed) {
      onWritten?.(undefined);
      return;
    }
    this.sent.push(data);
    this.written += Buffer.byteLength(data);
    this.server.sentLog.push({ socket: this.index, frame: JSON.parse(data) as Json });
    later(() => onWritten?.(Buffer.byteLength(data)));
    const frame = JSON.parse(data) as Json;
    later(() => {
      if (!this.isClosed) this.server.handler(frame, this);
    });
  }

  close(code = 1000): void {
    if (this.isClosed) return;
    this.closedByClient = true;
    this.finish(code, 'client close');
  }

  wireCounters(): WireCounters | undefined {
    return { written: this.written, read: 0 };
  }

  // ── server side ──

  acceptUpgrade(): void {
    if (this.isClosed) return;
    this.isOpen = true;
    this.openEmitter.fire({ deflate: false, headers: {} });
  }

  failUpgrade(status: number, headers: Record<string, string> = {}): void {
    this.unexpectedEmitter.fire({ status, headers });
    this.finish(1006, `HTTP ${status}`);
  }

  refuse(message: string): void {
    this.errorEmitter.fire(new Error(message));
    this.finish(1006, message);
  }

  /** Sends events (objects are JSON-encoded) in order, asynchronously. */
  emit(...events: Array<Json | string>): void {
    for (const event of events) {
      const data = typeof event === 'string' ? event : JSON.stringify(event);
      later(() => {
        if (this.isClosed) return;
        this.messageEmitter.fire({ data, binary: false, bytes: Buffer.byteLength(data) });
      });
    }
  }

  emitBinary(bytes: number[]): void {
    later(() => {
      if (this.isClosed) return;
      this.messageEmitter.fire({ data: Buffer.from(bytes).toString('utf8'), binary: true, bytes: bytes.length });
    });
  }

  /** The server drops the connection. */
  drop(code = 1006): void {
    later(() => this.finish(code, 'server dropped'));
  }

  private finish(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.isOpen = false;
    this.closeCode = code;
    this.closeEmitter.fire({ code, reason });
  }
}

/** Orders deliveries like a network would: FIFO, never synchronous. */
function later(fn: () => void): void {
  setImmediate(fn);
}

export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  readonly sentLog: Array<{ socket: number; frame: Json }> = [];
  /** How the next upgrades are answered (shifted per connect; `open` when empty). */
  upgrades: UpgradeBehaviour[] = [];
  /** What the server does with each client frame. Default: `respondWith(textReply)`. */
  handler: (frame: Json, socket: FakeSocket) => void = (frame, socket) => standardReply(frame, socket, this);
  private responseCounter = 0;

  readonly factory: SocketFactory = (url, headers, options) => {
    const socket = new FakeSocket(this, this.sockets.length, url, headers, options);
    this.sockets.push(socket);
    const behaviour = this.upgrades.shift() ?? { kind: 'open' };
    later(() => {
      switch (behaviour.kind) {
        case 'open':
          socket.acceptUpgrade();
          break;
        case 'status':
          socket.failUpgrade(behaviour.status, behaviour.headers);
          break;
        case 'refuse':
          socket.refuse(behaviour.message);
          break;
        case 'hang':
          break;
      }
    });
    return socket;
  };

  nextResponseId(): string {
    this.responseCounter += 1;
    return `resp_${this.responseCounter}`;
  }

  /** `response.create` frames, in order, across sockets. */
  get creates(): Json[] {
    return this.sentLog.map((e) => e.frame).filter((f) => f['type'] === 'response.create');
  }

  get lastSocket(): FakeSocket {
    const socket = this.sockets[this.sockets.length - 1];
    if (!socket) throw new Error('no socket yet');
    return socket;
  }
}

// ─── Canned server behaviour ────────────────────────────────────────────────────────────────────────

export function routing(frame: Json): Json {
  return typeof frame['stream_id'] === 'string' ? { stream_id: frame['stream_id'] } : {};
}

export function usage(input = 10, cached = 0, output = 5): Json {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

export function assistantMessage(id: string, text: string): Json {
  return { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
}

export function functionCall(id: string, callId: string, name: string, args: string): Json {
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status: 'completed' };
}

/** The events of a response that outputs `items` (text streamed as two deltas per message). */
export function responseEvents(frame: Json, responseId: string, items: Json[], extra: Json = {}): Json[] {
  const r = routing(frame);
  let seq = 0;
  const events: Json[] = [{ type: 'response.created', sequence_number: seq++, ...r, response: { id: responseId, status: 'in_progress', output: [] } }];
  items.forEach((item, index) => {
    events.push({ type: 'response.output_item.added', sequence_number: seq++, ...r, output_index: index, item: { ...item, status: 'in_progress' } });
    if (item['type'] === 'message') {
      const content = item['content'] as Array<{ text: string }>;
      const text = content[0]?.text ?? '';
      const half = Math.floor(text.length / 2);
      for (const delta of [text.slice(0, half), text.slice(half)]) {
        events.push({ type: 'response.output_text.delta', sequence_number: seq++, ...r, item_id: item['id'], output_index: index, content_index: 0, delta, logprobs: [] });
      }
    } else if (item['type'] === 'function_call') {
      events.push({ type: 'response.function_call_arguments.delta', sequence_number: seq++, ...r, item_id: item['id'], output_index: index, delta: item['arguments'] });
    }
    events.push({ type: 'response.output_item.done', sequence_number: seq++, ...r, output_index: index, item });
  });
  events.push({
    type: 'response.completed',
    sequence_number: seq++,
    ...r,
    response: { id: responseId, status: 'completed', output: items, usage: usage(), ...extra },
  });
  return events;
}

/** Default server: warm-ups complete empty; other requests answer one assistant message "reply N". */
export function standardReply(frame: Json, socket: FakeSocket, server: FakeServer): void {
  if (frame['type'] !== 'response.create') return;
  const id = server.nextResponseId();
  if (frame['generate'] === false) {
    socket.emit(...responseEvents(frame, id, []));
    return;
  }
  socket.emit(...responseEvents(frame, id, [assistantMessage(`msg_${id}`, `reply ${id}`)]));
}

export function errorEvent(code: string, message: string, status = 400, extra: Json = {}): Json {
  return { type: 'error', status, error: { type: 'invalid_request_error', code, message, param: null, ...extra } };
}
