// Plain HTTP: POST {base}/responses (SSE with stream:true, JSON otherwise), GET {base}/models,
// GET {base}/responses/{id}, and the admin endpoints under /__admin/.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestRecord } from './accounting';
import { runExtras, type Engine, type StoredResponse } from './engine';
import { compactWindow } from './compactEndpoint';
import { apiError, httpErrorBody, overloadedError, previousNotFound, rateLimitError, type ApiError } from './errors';
import type { Fault } from './faults';
import { newId } from './ids';
import { connectRoundTrips, LinkDirection } from './link';
import { validateCreate } from './requestValidation';
import { ResponseRun, type EventSink } from './responseRun';
import type { Json, JsonObject } from './types';

interface HttpConnection {
  id: string;
  down: LinkDirection;
  up: LinkDirection;
  requests: number;
}

export interface AdminHooks {
  /** Applies immediate faults (connectionLimitNow) and arms the rest. */
  setFault(fault: Fault): void;
  advanceClock(ms: number): void;
  setClock(nowMs: number): void;
}

export class HttpHandler {
  private readonly connections = new WeakMap<Socket, HttpConnection>();

  constructor(
    private readonly engine: Engine,
    private readonly tls: boolean,
    private readonly admin: AdminHooks,
  ) {}

  private connectionFor(socket: Socket): { conn: HttpConnection; fresh: boolean } {
    const existing = this.connections.get(socket);
    if (existing) return { conn: existing, fresh: false };
    const id = newId('conn');
    const report = (kind: string, ms: number): void => this.engine.accounting.recordDelay(kind, ms, id);
    const { rttMs, upMbps, downMbps } = this.engine.link;
    const conn: HttpConnection = {
      id,
      up: new LinkDirection(rttMs / 2, upMbps, 'up', report),
      down: new LinkDirection(rttMs / 2, downMbps, 'down', report),
      requests: 0,
    };
    this.connections.set(socket, conn);
    this.engine.accounting.openConnection(id, 'http', false, () => ({ read: socket.bytesRead, written: socket.bytesWritten }));
    socket.once('close', () => this.engine.accounting.closeConnection(id, 'closed'));
    return { conn, fresh: true };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const base = this.engine.basePath;
    try {
      if (url.pathname.startsWith('/__admin/')) return await this.handleAdmin(req, res, url);
      if (url.pathname === `${base}/models` || url.pathname.startsWith(`${base}/models/`)) {
        if (!this.checkAuth(req, res)) return;
        return this.handleModels(res, url.pathname.slice(`${base}/models/`.length));
      }
      if (url.pathname === `${base}/responses` && req.method === 'POST') return await this.handleCreate(req, res);
      if (url.pathname === `${base}/responses/compact` && req.method === 'POST') return await this.handleCompact(req, res);
      if (url.pathname === `${base}/responses` && req.method === 'GET') {
        return json(res, 426, httpErrorBody(apiError(426, 'upgrade_required', 'GET /responses is the WebSocket-mode endpoint: send an Upgrade: websocket request.')));
      }
      if (url.pathname.startsWith(`${base}/responses/`) && req.method === 'GET') {
        if (!this.checkAuth(req, res)) return;
        const stored = this.engine.store.get(url.pathname.slice(`${base}/responses/`.length));
        if (!stored) return json(res, 404, httpErrorBody(apiError(404, null, 'Response not found.')));
        return json(res, 200, { id: stored.id, object: 'response', status: 'completed', model: stored.model, output: stored.output });
      }
      json(res, 404, httpErrorBody(apiError(404, 'not_found', `No route for ${req.method} ${url.pathname}.`)));
    } catch (err) {
      if (!res.headersSent) json(res, 500, httpErrorBody(apiError(500, 'server_error', String(err), null, 'server_error')));
      else res.destroy();
    }
  }

  private checkAuth(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.engine.authorized(req.headers.authorization)) return true;
    json(res, 401, httpErrorBody(apiError(401, 'invalid_api_key', 'Incorrect API key provided.')));
    return false;
  }

  private handleModels(res: ServerResponse, one: string): void {
    const model = (id: string): JsonObject => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'holdfast-emulator' });
    if (one) {
      if (!this.engine.models.includes(one)) return json(res, 404, httpErrorBody(apiError(404, 'model_not_found', `The model '${one}' does not exist.`)));
      return json(res, 200, model(one));
    }
    json(res, 200, { object: 'list', data: this.engine.models.map(model) });
  }

  private async handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /__admin/stats') return json(res, 200, this.engine.accounting.snapshot() as unknown as Json);
    if (route === 'GET /__admin/frames.jsonl') {
      const text = this.engine.accounting.framesJsonl({ connectionId: url.searchParams.get('conn') ?? undefined, withMeta: url.searchParams.has('meta') });
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(text);
      return;
    }
    const body = await readBody(req);
    const parsed = body.length ? (JSON.parse(body.toString('utf8')) as Json) : null;
    if (route === 'POST /__admin/fault' && parsed && typeof parsed === 'object') {
      const faults = (Array.isArray(parsed) ? parsed : [parsed]) as unknown as Fault[];
      for (const f of faults) this.admin.setFault(f);
      return json(res, 200, { armed: faults.length, pending: this.engine.faults.pending() as unknown as Json });
    }
    if (route === 'POST /__admin/clock' && parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      if (typeof parsed['advanceMs'] === 'number') this.admin.advanceClock(parsed['advanceMs']);
      if (typeof parsed['nowMs'] === 'number') this.admin.setClock(parsed['nowMs']);
      return json(res, 200, { now: this.engine.clock() });
    }
    json(res, 404, { error: `unknown admin route ${route}` });
  }

  /** Reads a POST's JSON body over the modelled link; answers the errors itself (then null). */
  private async readJsonBody(req: IncomingMessage, res: ServerResponse, conn: HttpConnection, fresh: boolean): Promise<{ body: JsonObject; bytes: number } | null> {
    const engine = this.engine;
    const bodyBytes = await readBody(req);
    // The modelled link: a new TCP (+TLS) connection pays its handshakes; the body travels up.
    if (fresh) await engine.modelledDelay('link.connect', engine.link.rttMs * connectRoundTrips(this.tls), conn.id);
    await new Promise<void>((resolve) => conn.up.carry(bodyBytes.length, resolve));
    if (!this.checkAuth(req, res)) return null;
    let body: Json;
    try {
      body = JSON.parse(bodyBytes.toString('utf8')) as Json;
    } catch {
      json(res, 400, httpErrorBody(apiError(400, 'invalid_json', 'We could not parse the JSON body of your request.')));
      return null;
    }
    engine.accounting.recordFrame(conn.id, 'send', body, bodyBytes.length);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      json(res, 400, httpErrorBody(apiError(400, 'invalid_type', 'The body must be a JSON object.')));
      return null;
    }
    return { body, bytes: bodyBytes.length };
  }

  /** POST {base}/responses/compact: a compacted window to start a new chain with (compactEndpoint.ts). */
  private async handleCompact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { conn, fresh } = this.connectionFor(req.socket);
    const read = await this.readJsonBody(req, res, conn, fresh);
    if (!read) return;
    const result = await compactWindow(this.engine, read.body, conn.id, read.bytes);
    if (!('response' in result)) return this.fail(res, conn, null, result);
    const text = JSON.stringify(result.response);
    this.engine.accounting.recordFrame(conn.id, 'recv', result.response, Buffer.byteLength(text));
    conn.down.carry(Buffer.byteLength(text), () => json(res, 200, result.response));
  }

  private async handleCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const engine = this.engine;
    const { conn, fresh } = this.connectionFor(req.socket);
    const read = await this.readJsonBody(req, res, conn, fresh);
    if (!read) return;
    const { body, bytes: bodyLength } = read;
    const stream = body['stream'] === true;
    const request = validateCreate(body, 'http', engine.models);
    if ('status' in request) return this.fail(res, conn, null, request);

    const record = engine.accounting.openRequest({
      connectionId: conn.id,
      transport: stream ? 'http-sse' : 'http-json',
      lane: null,
      kind: request.previousResponseId ? 'continuation' : 'full',
      previousResponseId: request.previousResponseId,
      inputItems: request.input.length,
      payloadBytes: bodyLength,
    });
    engine.accounting.recordToolOutputs(record.requestId, request.input);

    const fault = engine.faults.takeRequestFault(conn.id, request.previousResponseId !== null);
    if (fault) {
      const err = fault.kind === 'rateLimit' ? rateLimitError(fault.retryAfterMs ?? 1200) : fault.kind === 'overloaded' ? overloadedError() : previousNotFound(request.previousResponseId ?? '');
      return this.fail(res, conn, record, err);
    }
    // Over HTTP, previous_response_id only works through the store (there is no connection cache).
    let previous: StoredResponse | null = null;
    if (request.previousResponseId) {
      previous = request.store ? engine.store.get(request.previousResponseId) ?? null : null;
      if (!previous) {
        engine.accounting.cache.misses += 1;
        record.cache = 'miss';
        return this.fail(res, conn, record, previousNotFound(request.previousResponseId));
      }
      record.cache = 'hydrated';
      engine.accounting.cache.hydrations += 1;
      await engine.modelledDelay('cost.hydration', engine.options.hydrationDelayMs ?? 0, conn.id);
    }
    const setup = engine.setupTurn(request, previous, record.cache);
    if ('status' in setup) return this.fail(res, conn, record, setup);
    record.inputTokens = setup.inputTokens;
    record.scenarioStep = setup.plan?.stepIndex ?? null;
    if (setup.plan?.error?.shape === 'request') {
      const e = setup.plan.error;
      return this.fail(res, conn, record, apiError(e.status, e.code, e.message, null, e.status >= 500 ? 'server_error' : 'invalid_request_error'));
    }
    record.cachedTokens = setup.cachedTokens;
    await engine.runPrelude(record, engine.preludeDelays('http', false, setup), conn.id);

    let open = true;
    res.on('close', () => {
      open = false;
    });
    const sendDown = (text: string | Buffer, after?: () => void): void => {
      conn.down.carry(Buffer.byteLength(text), () => {
        if (!res.writableEnded && !res.destroyed) res.write(text);
        after?.();
      });
    };
    const collected: JsonObject[] = [];
    const sink: EventSink = stream
      ? {
          event: (e) => {
            const data = JSON.stringify(e);
            engine.accounting.recordFrame(conn.id, 'recv', e, Buffer.byteLength(data));
            sendDown(`event: ${String(e['type'])}\ndata: ${data}\n\n`);
          },
          malformed: (text) => sendDown(`event: response.output_text.delta\ndata: ${text}\n\n`),
          binary: (data) => sendDown(data),
          drop: () => {
            open = false;
            conn.down.carry(0, () => req.socket.destroy());
          },
          isOpen: () => open,
        }
      : {
          event: (e) => collected.push(e),
          malformed: () => undefined,
          binary: () => undefined,
          drop: () => {
            open = false;
            req.socket.destroy();
          },
          isOpen: () => open,
        };
    if (stream) res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': record.requestId });
    const run = new ResponseRun({
      responseId: newId('resp'),
      request,
      plan: setup.plan,
      inputTokens: setup.inputTokens,
      cachedTokens: setup.cachedTokens,
      sink,
      createdAt: Math.floor(engine.clock() / 1000),
      extraFaults: engine.faults.takeStreamFaults(conn.id),
      ...runExtras(setup, request),
    });
    record.responseId = run.id;
    const result = await run.run();
    record.status = result.status === 'steered' ? 'incomplete' : result.status === 'dropped' || result.status === 'closed' ? 'error' : result.status;
    record.errorCode = result.errorCode;
    record.outputTokens = result.outputTokens;
    record.endedAt = engine.accounting.now();
    engine.finishRecord(record, setup, result.output);
    engine.recordToolCalls(run.id, result.output);
    if (result.status === 'completed' || result.status === 'incomplete') engine.remember(run.id, request, setup, result.output, result.outputTokens);
    if (!open) return;
    if (stream) {
      sendDown('data: [DONE]\n\n', () => res.end());
      return;
    }
    if (result.status === 'error') {
      const errEvent = collected.find((e) => e['type'] === 'error');
      return this.fail(res, conn, null, apiError(500, String(errEvent?.['code'] ?? 'server_error'), String(errEvent?.['message'] ?? 'error'), null, 'server_error'));
    }
    const text = JSON.stringify(result.response);
    engine.accounting.recordFrame(conn.id, 'recv', result.response, Buffer.byteLength(text));
    conn.down.carry(Buffer.byteLength(text), () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': record.requestId });
      res.end(text);
    });
  }

  private fail(res: ServerResponse, conn: HttpConnection, record: RequestRecord | null, err: ApiError): void {
    if (record) {
      record.status = 'error';
      record.errorCode = err.code;
      record.endedAt = this.engine.accounting.now();
    }
    const body = httpErrorBody(err);
    this.engine.accounting.recordFrame(conn.id, 'recv', body, Buffer.byteLength(JSON.stringify(body)));
    const headers: Record<string, string> = { ...(err.headers ?? {}) };
    if (err.headers?.['retry-after-ms']) headers['retry-after'] = String(Math.ceil(Number(err.headers['retry-after-ms']) / 1000));
    conn.down.carry(0, () => json(res, err.status, body, headers));
  }
}

function json(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
