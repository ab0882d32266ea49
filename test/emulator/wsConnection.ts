// One WebSocket-mode connection: frame parsing, lanes (default + named, FIFO each), the connection-local
// cache (the latest response per lane), steering, the 60-minute limit, pings, and the modelled link.
// (Over 400 lines: one connection's state; steering, ~110 lines with its faults and limits, is the piece to move out next.)
import type { Socket } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import type { CacheOutcome, RequestRecord } from './accounting';
import { runExtras, type Engine, type StoredResponse, type TurnSetup } from './engine';
import {
  apiError,
  connectionLimitError,
  overloadedError,
  previousNotFound,
  rateLimitError,
  requestErrorEvent,
  type ApiError,
} from './errors';
import { newId } from './ids';
import { LinkDirection } from './link';
import { isValidStreamId, validateCreate } from './requestValidation';
import { ResponseRun, type EventSink, type RunResult } from './responseRun';
import type { CreateRequest, Json, JsonObject } from './types';

const MAX_IN_FLIGHT = 16;
/** The contract names no code for a steer into a response with context_management: the emulator's choice. */
export const STEER_WITH_COMPACTION = 'steering_incompatible_with_context_management';
const MAX_NAMED_LANES = 32;
/** Steers one response may hold at once (accepted, not yet applied, or pending): the next one fails `too_many_pending_steers`. The limit is the emulator's choice. */
export const MAX_PENDING_STEERS = 4;

interface Lane {
  streamId: string | null;
  queue: CreateRequest[];
  busy: boolean;
}

interface Running {
  run: ResponseRun;
  lane: Lane;
  steerInput: JsonObject[] | null;
  /** A `dropOnSteer` fault at `steered`: cut the connection instead of starting the successor. */
  dropWhenSteered?: boolean;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class WsConnection {
  readonly id = newId('conn');
  private readonly openedAt: number;
  private readonly lanes = new Map<string, Lane>();
  /** The connection-local cache: only the most recent response of each lane. */
  private readonly latestByLane = new Map<string, StoredResponse>();
  private readonly running = new Map<string, Running>();
  /** Steered text waiting for the next create that continues a response stopped for tool output. */
  private readonly pendingSteers = new Map<string, JsonObject[]>();
  /** Steers held per response id (accepted into a running response or pending), for `too_many_pending_steers`. */
  private readonly heldSteers = new Map<string, number>();
  /** The type of the reply the steer being answered got (for `dropOnSteer` faults). */
  private lastSteerReply: string | null = null;
  private readonly up: LinkDirection;
  private readonly down: LinkDirection;
  private closing = false;
  /** Resolves when everything handed to ws.send so far has been written to the socket. */
  private lastWrite: Promise<void> = Promise.resolve();
  private awaitingPong = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly ws: WebSocket,
    socket: Socket,
    deflate: boolean,
    private readonly onClosed: (conn: WsConnection) => void,
  ) {
    this.openedAt = engine.clock();
    const report = (kind: string, ms: number): void => engine.accounting.recordDelay(kind, ms, this.id);
    this.up = new LinkDirection(engine.link.rttMs / 2, engine.link.upMbps, 'up', report);
    this.down = new LinkDirection(engine.link.rttMs / 2, engine.link.downMbps, 'down', report);
    engine.accounting.openConnection(this.id, 'ws', deflate, () => ({ read: socket.bytesRead, written: socket.bytesWritten }));

    ws.on('message', (data, isBinary) => {
      const bytes = rawLength(data);
      this.up.carry(bytes, () => this.onFrame(data, isBinary, bytes));
    });
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('close', (code, reason) => this.cleanup(`closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`));
    ws.on('error', () => this.cleanup('socket error'));

    const checkMs = engine.options.connectionLimitCheckMs ?? 1000;
    this.timers.push(setInterval(() => this.checkAge(), checkMs));
    const pingMs = engine.options.pingIntervalMs ?? 30_000;
    if (pingMs > 0) this.timers.push(setInterval(() => this.ping(), pingMs));
  }

  private ping(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.awaitingPong) {
      this.engine.accounting.pingTimeouts += 1;
      this.ws.terminate();
      return;
    }
    this.awaitingPong = true;
    this.ws.ping();
  }

  private cleanup(reason: string): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    for (const r of this.running.values()) r.run.abort('closed');
    this.engine.accounting.closeConnection(this.id, reason);
    this.onClosed(this);
  }

  private get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN && !this.closing;
  }

  /** Sends one JSON text frame through the modelled link, recording it. */
  send(frame: JsonObject): void {
    if (!this.isOpen) return;
    const text = JSON.stringify(frame);
    const bytes = Buffer.byteLength(text);
    this.engine.accounting.recordFrame(this.id, 'recv', frame, bytes);
    if (this.engine.options.verbose) process.stderr.write(`[${this.id}] → ${text.slice(0, 200)}\n`);
    this.down.carry(bytes, () => this.write(text));
  }

  /** ws.send is asynchronous (deflate, buffering): remember when the last write reaches the socket, so a drop does not lose it. */
  private write(data: string | Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.lastWrite = new Promise((resolve) => this.ws.send(data, { binary: typeof data !== 'string' }, () => resolve()));
  }

  /** Closes after everything already sent has been delivered. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.down.carry(0, () => this.ws.close(code, reason));
  }

  private sendError(err: ApiError, streamId: string | null = null): void {
    this.send(requestErrorEvent(err, streamId));
  }

  private aged(): boolean {
    return this.engine.clock() - this.openedAt >= this.engine.connectionLimitMs;
  }

  private idle(): boolean {
    return [...this.lanes.values()].every((l) => !l.busy && l.queue.length === 0);
  }

  /** The unsolicited limit error on an idle aged socket (checked on a timer, on each frame, after each response). */
  checkAge(): void {
    if (!this.isOpen || !this.aged() || !this.idle()) return;
    this.limitReached();
  }

  /** Sends the limit error now and closes (the `connectionLimitNow` fault and the real limit). */
  limitReached(streamId: string | null = null): void {
    if (!this.isOpen) return;
    this.sendError(connectionLimitError(), streamId);
    this.close(1000, 'connection limit reached');
  }

  /** Sink hooks for raw faults. */
  private sink(): EventSink {
    return {
      event: (e) => this.send(e),
      malformed: (text) => {
        this.engine.accounting.recordFrame(this.id, 'recv', { emulatorFault: 'malformedFrame', text }, Buffer.byteLength(text));
        this.down.carry(text.length, () => this.write(text));
      },
      binary: (data) => {
        this.engine.accounting.recordFrame(this.id, 'recv', { emulatorFault: 'binaryFrame', bytes: data.length }, data.length);
        this.down.carry(data.length, () => this.write(data));
      },
      drop: () => {
        this.closing = true;
        this.down.carry(0, () => void this.lastWrite.then(() => this.ws.terminate()));
      },
      isOpen: () => this.isOpen,
    };
  }

  private onFrame(data: RawData, isBinary: boolean, bytes: number): void {
    if (this.closing) return;
    if (isBinary) {
      this.engine.accounting.recordFrame(this.id, 'send', { emulatorNote: 'binary frame', bytes }, bytes);
      this.sendError(apiError(400, 'invalid_frame', 'Binary frames are not supported; send JSON text frames.'));
      return;
    }
    const text = rawText(data);
    let frame: Json;
    try {
      frame = JSON.parse(text) as Json;
    } catch {
      this.engine.accounting.recordFrame(this.id, 'send', { emulatorNote: 'malformed JSON', text: text.slice(0, 1000) }, bytes);
      this.sendError(apiError(400, 'invalid_json', 'The frame is not valid JSON.'));
      return;
    }
    this.engine.accounting.recordFrame(this.id, 'send', frame, bytes);
    if (this.engine.options.verbose) process.stderr.write(`[${this.id}] ← ${text.slice(0, 200)}\n`);
    if (!isObject(frame)) {
      this.sendError(apiError(400, 'invalid_type', 'A client frame must be a JSON object with a `type`.', 'type'));
      return;
    }
    const type = frame['type'];
    if (type === 'response.create') this.onCreate(frame);
    else if (type === 'response.steer') this.onSteer(frame);
    else this.sendError(apiError(400, 'unknown_event_type', `Unknown event type: ${JSON.stringify(type ?? null)}.`, 'type'));
  }

  private inFlight(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.length + (lane.busy ? 1 : 0);
    return n;
  }

  private onCreate(body: JsonObject): void {
    const rawStreamId = isValidStreamId(body['stream_id']) ? (body['stream_id'] as string) : null;
    if (this.aged()) {
      this.limitReached(rawStreamId);
      return;
    }
    const gateway = this.engine.options.rejectStreamId;
    if (gateway && body['stream_id'] !== undefined) {
      const echo = gateway === true && typeof body['stream_id'] === 'string' ? body['stream_id'] : null;
      this.sendError(apiError(400, 'unknown_parameter', "Unknown parameter: 'stream_id'.", 'stream_id'), echo);
      return;
    }
    const request = validateCreate(body, 'ws', this.engine.models);
    if ('status' in request) {
      this.sendError(request, rawStreamId ?? (typeof body['stream_id'] === 'string' ? body['stream_id'] : null));
      return;
    }
    const key = request.streamId ?? '';
    let lane = this.lanes.get(key);
    const namedLanes = [...this.lanes.keys()].filter((k) => k !== '').length;
    if (!lane && request.streamId && namedLanes >= MAX_NAMED_LANES) {
      this.sendError(apiError(400, 'websocket_stream_limit_reached', `At most ${MAX_NAMED_LANES} named streams per connection.`, 'stream_id'), request.streamId);
      return;
    }
    if (this.inFlight() >= MAX_IN_FLIGHT) {
      this.sendError(apiError(400, 'websocket_stream_limit_reached', `At most ${MAX_IN_FLIGHT} responses in flight per connection.`, 'stream_id'), request.streamId);
      return;
    }
    if (!lane) {
      lane = { streamId: request.streamId, queue: [], busy: false };
      this.lanes.set(key, lane);
    }
    lane.queue.push(request);
    this.pump(lane);
  }

  private pump(lane: Lane): void {
    if (lane.busy) return;
    const next = lane.queue.shift();
    if (!next) {
      this.checkAge();
      return;
    }
    lane.busy = true;
    void this.execute(next, lane)
      .catch((err: unknown) => {
        this.engine.accounting.warnings.push(`internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        this.send({ type: 'error', code: 'server_error', message: 'The emulator failed internally.', param: null, sequence_number: 0 });
      })
      .finally(() => {
        lane.busy = false;
        this.pump(lane);
      });
  }

  private findCached(id: string): StoredResponse | null {
    for (const stored of this.latestByLane.values()) if (stored.id === id) return stored;
    return null;
  }

  /** A failed turn evicts the response it continued from the connection cache. */
  private evict(id: string | null): void {
    if (!id) return;
    for (const [key, stored] of this.latestByLane) {
      if (stored.id === id) {
        this.latestByLane.delete(key);
        this.engine.accounting.cache.evictions += 1;
      }
    }
  }

  private newRecord(request: CreateRequest): RequestRecord {
    const record = this.engine.accounting.openRequest({
      connectionId: this.id,
      transport: 'ws',
      lane: request.streamId,
      kind: !request.generate ? 'warmup' : request.previousResponseId ? 'continuation' : 'full',
      previousResponseId: request.previousResponseId,
      inputItems: request.input.length,
      payloadBytes: Buffer.byteLength(JSON.stringify(request.raw)),
    });
    this.engine.accounting.recordToolOutputs(record.requestId, request.input);
    return record;
  }

  private failRequest(record: RequestRecord, request: CreateRequest, err: ApiError): void {
    record.status = 'error';
    record.errorCode = err.code;
    record.endedAt = this.engine.accounting.now();
    this.sendError(err, request.streamId);
    this.evict(request.previousResponseId);
  }

  private async execute(request: CreateRequest, lane: Lane, steeredInput: JsonObject[] = []): Promise<void> {
    const engine = this.engine;
    const record = this.newRecord(request);
    const isContinuation = request.previousResponseId !== null;
    const fault = engine.faults.takeRequestFault(this.id, isContinuation);
    if (fault) {
      const err =
        fault.kind === 'rateLimit'
          ? rateLimitError(fault.retryAfterMs ?? 1200)
          : fault.kind === 'overloaded'
            ? overloadedError()
            : previousNotFound(request.previousResponseId ?? '');
      this.failRequest(record, request, err);
      return;
    }

    let previous: StoredResponse | null = null;
    let cache: CacheOutcome = 'none';
    if (request.previousResponseId) {
      previous = this.findCached(request.previousResponseId);
      if (previous) {
        cache = 'hit';
        engine.accounting.cache.hits += 1;
      } else {
        engine.accounting.cache.misses += 1;
        const stored = request.store ? engine.store.get(request.previousResponseId) : undefined;
        if (!stored) {
          record.cache = 'miss';
          this.failRequest(record, request, previousNotFound(request.previousResponseId));
          return;
        }
        // The slow path: hydrate the chain from the server-wide store.
        cache = 'hydrated';
        previous = stored;
        engine.accounting.cache.hydrations += 1;
        await engine.modelledDelay('cost.hydration', engine.options.hydrationDelayMs ?? 0, this.id);
      }
      const steered = this.pendingSteers.get(request.previousResponseId);
      this.heldSteers.delete(request.previousResponseId);
      if (steered) {
        this.pendingSteers.delete(request.previousResponseId);
        steeredInput = [...steeredInput, ...steered];
      }
    }
    record.cache = cache;

    const setup = engine.setupTurn(request, previous, cache, steeredInput);
    if ('status' in setup) {
      this.failRequest(record, request, setup);
      return;
    }
    record.inputTokens = setup.inputTokens;
    record.cachedTokens = setup.cachedTokens;
    record.scenarioStep = setup.plan?.stepIndex ?? null;

    await engine.runPrelude(record, engine.preludeDelays('ws', cache === 'hit', setup), this.id);
    if (!this.isOpen) return;

    const run = new ResponseRun({
      responseId: newId('resp'),
      request,
      plan: setup.plan,
      inputTokens: setup.inputTokens,
      cachedTokens: setup.cachedTokens,
      sink: this.sink(),
      createdAt: Math.floor(engine.clock() / 1000),
      extraFaults: engine.faults.takeStreamFaults(this.id),
      ...runExtras(setup, request),
    });
    record.responseId = run.id;
    const running: Running = { run, lane, steerInput: null };
    this.running.set(run.id, running);
    let result: RunResult;
    try {
      if (setup.plan?.error?.shape === 'request') {
        const e = setup.plan.error;
        this.failRequest(record, request, apiError(e.status, e.code, e.message, null, e.status >= 500 ? 'server_error' : 'invalid_request_error'));
        return;
      }
      result = await run.run();
    } finally {
      this.running.delete(run.id);
    }
    await this.finishRun(record, request, lane, setup, result, running);
  }

  private async finishRun(record: RequestRecord, request: CreateRequest, lane: Lane, setup: TurnSetup, result: RunResult, running: Running): Promise<void> {
    const engine = this.engine;
    record.status = result.status === 'steered' ? 'incomplete' : result.status === 'dropped' || result.status === 'closed' ? 'error' : result.status;
    record.errorCode = result.errorCode ?? (result.status === 'dropped' ? 'dropped' : null);
    record.outputTokens = result.outputTokens;
    record.endedAt = engine.accounting.now();
    engine.finishRecord(record, setup, result.output);
    engine.recordToolCalls(running.run.id, result.output);
    const laneKey = lane.streamId ?? '';
    switch (result.status) {
      case 'completed':
      case 'incomplete':
      case 'steered': {
        const stored = engine.remember(running.run.id, request, setup, result.output, result.outputTokens);
        this.latestByLane.set(laneKey, stored);
        if (result.status === 'steered' && running.dropWhenSteered) this.sink().drop();
        else if (result.status === 'steered' && running.steerInput) {
          // The successor continues automatically on the same lane, from the steered response.
          const successor: CreateRequest = { ...request, input: [], previousResponseId: running.run.id, generate: true };
          this.heldSteers.delete(running.run.id);
          await this.execute(successor, lane, running.steerInput);
        }
        break;
      }
      case 'failed':
      case 'error':
        this.evict(request.previousResponseId);
        break;
      default:
        break;
    }
  }

  private sendSteer(type: string, payload: JsonObject, target: Running | null, laneStreamId: string | null): void {
    this.lastSteerReply = type;
    const seq = target ? target.run.takeSequence() : 0;
    this.send({ type, sequence_number: seq, ...(laneStreamId ? { stream_id: laneStreamId } : {}), ...payload });
  }

  private onSteer(body: JsonObject): void {
    const fault = this.engine.faults.takeSteerFault(this.id);
    if (fault?.at === 'received') return this.sink().drop();
    this.lastSteerReply = null;
    this.answerSteer(body, fault?.at === 'steered');
    // A fault after the reply: cut once the reply of that kind went out.
    if (fault && this.lastSteerReply === `response.steer.${fault.at}`) this.sink().drop();
  }

  private answerSteer(body: JsonObject, dropWhenSteered: boolean): void {
    const previousId = typeof body['previous_response_id'] === 'string' ? body['previous_response_id'] : '';
    const input = Array.isArray(body['input']) ? body['input'].filter(isObject) : [];
    const running = this.running.get(previousId) ?? null;
    const latest = this.findCached(previousId);
    const laneStreamId = running?.lane.streamId ?? latest?.request.streamId ?? null;
    const failed = (code: string, message: string): void =>
      this.sendSteer('response.steer.failed', { steer: { previous_response_id: previousId, input: (body['input'] ?? []) as Json }, error: { type: 'invalid_request_error', code, message } }, running, laneStreamId);

    const onlyUserMessages = input.length > 0 && input.length === (Array.isArray(body['input']) ? body['input'].length : -1) && input.every((i) => (i['type'] ?? 'message') === 'message' && i['role'] === 'user');
    if (!onlyUserMessages) return failed('invalid_steer_input', 'Only user messages may be steered into a response.');
    const model = running?.run.request.model ?? latest?.model;
    if (model === undefined) return failed('response_not_found', `Response with id '${previousId}' is not active on this connection.`);
    if (!this.engine.steeringSupported(model)) return failed('steering_not_supported', 'Steering is not supported for this model.');
    // §8: steering and automatic compaction do not combine; an agent that steers compacts out of band.
    if ((running?.run.request ?? latest?.request)?.compactThreshold != null) {
      return failed(STEER_WITH_COMPACTION, 'Steering cannot be combined with context_management; compact with /responses/compact between turns instead.');
    }
    const held = this.heldSteers.get(previousId) ?? 0;
    if (held >= MAX_PENDING_STEERS) return failed('too_many_pending_steers', `Response with id '${previousId}' already holds ${held} steers; wait for it to apply them.`);
    this.heldSteers.set(previousId, held + 1);
    const steerId = newId('steer');
    if (running && running.steerInput !== null) {
      // Already steered and stopping: this input joins the first, for the successor.
      running.steerInput.push(...input.map((i) => ({ type: 'message', ...i })));
      this.sendSteer('response.steer.accepted', { steer: { id: steerId, previous_response_id: previousId } }, running, laneStreamId);
      return;
    }
    if (running && running.run.status === 'in_progress' && running.run.output.some((o) => o['type'] === 'function_call')) {
      // The response already asked for a tool: a successor could not run without its output. The text is
      // accepted and held for the next create that continues this response (after the tool outputs).
      this.pendingSteers.set(previousId, [...(this.pendingSteers.get(previousId) ?? []), ...input.map((i) => ({ type: 'message', ...i }))]);
      this.sendSteer('response.steer.accepted', { steer: { id: steerId, previous_response_id: previousId } }, running, laneStreamId);
      return;
    }
    if (running && running.run.status === 'in_progress' && running.steerInput === null) {
      running.steerInput = input.map((i) => ({ type: 'message', ...i }));
      running.dropWhenSteered = dropWhenSteered;
      this.sendSteer('response.steer.accepted', { steer: { id: steerId, previous_response_id: previousId } }, running, laneStreamId);
      running.run.abort('steered');
      return;
    }
    if (latest && latest.pendingCallIds.length > 0) {
      this.pendingSteers.set(previousId, [...(this.pendingSteers.get(previousId) ?? []), ...input.map((i) => ({ type: 'message', ...i }))]);
      const requiredInput = latest.pendingCallIds.map((callId) => ({ type: 'function_call_output', call_id: callId }));
      this.sendSteer('response.steer.pending', { steer: { id: steerId, previous_response_id: previousId, required_input: requiredInput } }, null, laneStreamId);
      return;
    }
    this.heldSteers.set(previousId, held);
    failed('response_already_completed', `Response with id '${previousId}' has already completed.`);
  }
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data.toString('utf8');
}
