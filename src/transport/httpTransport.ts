/**
 * The HTTP/SSE fallback: `POST {base}/responses` with `stream: true`, read as Server-Sent Events whose
 * `data:` payloads are the same events as WebSocket frames. Stateless unless the request carries a
 * `previous_response_id` (only valid with `store: true`; the transport decides). Never sends `generate`
 * (the body comes from `toHttpBody`, which strips it). `fetch` is injectable for tests.
 */
import {
  parseServerEvent,
  retryAfterMs,
  type ServerEvent,
  type WireError,
} from '../protocol/responses';
import { setIdleTimer, type IdleTimer } from './idleTimer';
import { SseParser } from './sse';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

export type HttpStreamEnd =
  /** The stream ended after the listener saw a terminal event, or ended early (the caller can tell). */
  | { kind: 'ended' }
  /** A non-2xx answer, turned into the same error shape as a wire `error` event. */
  | { kind: 'status'; error: WireError }
  | { kind: 'network'; message: string }
  | { kind: 'idleTimeout'; message: string }
  | { kind: 'malformed'; message: string }
  | { kind: 'aborted' };

export interface HttpStreamOptions {
  fetch: FetchLike;
  url: string;
  headers: Record<string, string>;
  body: string;
  idleTimeoutMs: number;
  signal?: AbortSignal;
  /** Gets each event; returns true when it was terminal, so reading stops there. */
  onEvent: (event: ServerEvent, bytes: number) => boolean;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * After the terminal event (or `data: [DONE]`) the server still has the end of the body to send: a
 * `[DONE]` line and the chunked-encoding terminator, normally within the same millisecond. Reading
 * them keeps the connection alive for the next request; cancelling the body before its end makes
 * fetch (undici) destroy the socket, or leaves it busy so the next request opens another one, and
 * every new connection costs a TCP (+TLS) handshake. A server that keeps the stream open or keeps
 * talking only gets this much grace.
 */
export const DRAIN_AFTER_END = { ms: 200, bytes: 64 * 1024 } as const;

export async function streamResponses(options: HttpStreamOptions): Promise<HttpStreamEnd> {
  const watchdog = new IdleWatchdog(options.idleTimeoutMs);
  if (options.signal?.aborted) return { kind: 'aborted' };
  const onOuterAbort = (): void => watchdog.controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort);
  /** Why a fetch or a read threw: the caller's abort, the idle watchdog, or the network. */
  const failure = (error: unknown): HttpStreamEnd => {
    if (options.signal?.aborted) return { kind: 'aborted' };
    if (watchdog.fired) return { kind: 'idleTimeout', message: `No data from the server for ${Math.round(options.idleTimeoutMs / 100) / 10} s.` };
    return { kind: 'network', message: describeFetchError(error) };
  };
  try {
    watchdog.arm();
    const post = (): Promise<Response> =>
      options.fetch(options.url, {
        method: 'POST',
        headers: { ...options.headers, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: options.body,
        signal: watchdog.controller.signal,
      });
    let response: Response;
    try {
      // A pooled keep-alive connection the server closed a moment ago fails before any answer: the
      // request never got a response, so one immediate retry on a fresh connection is not a recovery.
      response = await post().catch((error: unknown) => {
        if (watchdog.controller.signal.aborted || !isStalePooledConnection(error)) throw error;
        return post();
      });
    } catch (error) {
      return failure(error);
    }
    if (!response.ok) return { kind: 'status', error: await errorFromResponse(response) };
    if ((response.headers.get('content-type') ?? '').includes('application/json')) return await readJsonAnswer(response, options);
    if (!response.body) return { kind: 'ended' };
    return await readEvents(response.body.getReader(), options, watchdog, failure);
  } finally {
    watchdog.clear();
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Aborts the request when the server has been silent for `idleTimeoutMs` (idleTimer.ts); re-armed on every read. */
class IdleWatchdog {
  readonly controller = new AbortController();
  fired = false;
  private timer: IdleTimer | undefined;

  constructor(private readonly idleTimeoutMs: number) {}

  arm(): void {
    this.clear();
    this.timer = setIdleTimer(this.idleTimeoutMs, () => {
      this.fired = true;
      this.controller.abort();
    });
  }

  clear(): void {
    this.timer?.clear();
    this.timer = undefined;
  }
}

/** A server that ignored `stream: true`: one JSON response object, presented as its terminal event. */
async function readJsonAnswer(response: Response, options: HttpStreamOptions): Promise<HttpStreamEnd> {
  const text = await response.text();
  const parsed = parseServerEvent(JSON.stringify({ type: 'response.completed', response: safeJson(text) }));
  if (!parsed.ok) return { kind: 'malformed', message: parsed.error.message };
  options.onEvent(parsed.value, Buffer.byteLength(text));
  return { kind: 'ended' };
}

/** Reads SSE events until the listener saw a terminal event, `[DONE]`, or the body's end. */
async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  options: HttpStreamOptions,
  watchdog: IdleWatchdog,
  failure: (error: unknown) => HttpStreamEnd,
): Promise<HttpStreamEnd> {
  const parser = new SseParser();
  /** True once the body was read to its end, so the connection can serve the next request. */
  let finished = false;
  const end = async (): Promise<HttpStreamEnd> => {
    watchdog.clear();
    if (!finished) finished = await drainRest(reader);
    // undici hands the connection back to its pool in a process.nextTick after the body ends; a
    // request sent before that (the next tool round, from this microtask chain) would open another.
    if (finished) await new Promise<void>((resolve) => setImmediate(resolve));
    return { kind: 'ended' };
  };
  try {
    for (;;) {
      watchdog.arm();
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return failure(error);
      }
      if (chunk.done) finished = true;
      const items = chunk.done ? parser.end() : parser.push(chunk.value);
      for (const item of items) {
        if (item.kind === 'done') return await end();
        const parsed = parseServerEvent(item.data);
        if (!parsed.ok) return { kind: 'malformed', message: parsed.error.message };
        if (options.onEvent(parsed.value, Buffer.byteLength(item.data))) return await end();
      }
      if (chunk.done) return await end();
    }
  } finally {
    // Stop the download when we gave up before its end; errors here change nothing. (Cancelling a body
    // that has not ended makes fetch close the TCP connection: HTTP/1.1 cannot reuse it mid-response.)
    if (!finished) reader.cancel().catch(() => undefined);
  }
}

/** Reads what is left of a finished stream, within `DRAIN_AFTER_END`. True when the body reached its end. */
async function drainRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), DRAIN_AFTER_END.ms);
  });
  let bytes = 0;
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), expired]);
      if (chunk === 'expired') return false;
      if (chunk.done) return true;
      bytes += chunk.value.byteLength;
      if (bytes > DRAIN_AFTER_END.bytes) return false;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A non-2xx answer as the same error shape as a wire `error` event. */
export async function errorFromResponse(response: Response): Promise<WireError> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  let text = '';
  try {
    text = (await response.text()).slice(0, MAX_ERROR_BODY);
  } catch {
    // The body is optional for our purposes.
  }
  const body = safeJson(text) as { error?: { code?: unknown; message?: unknown; type?: unknown; param?: unknown } } | undefined;
  const error = body && typeof body === 'object' ? body.error : undefined;
  const message = typeof error?.message === 'string' ? error.message : text.trim().slice(0, 300) || `HTTP ${response.status}`;
  const code =
    typeof error?.code === 'string' ? error.code : typeof error?.type === 'string' ? error.type : `http_${response.status}`;
  return {
    status: response.status,
    code,
    message,
    param: typeof error?.param === 'string' ? error.param : undefined,
    headers,
    retryAfterMs: retryAfterMs(headers, message),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Node's fetch hides the useful part (ECONNREFUSED, ENOTFOUND, a TLS code) in `cause`. */
/** undici's words for a connection closed under a request before any response arrived. */
function isStalePooledConnection(error: unknown): boolean {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  const code = cause instanceof Error ? (cause as { code?: unknown }).code : undefined;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message}: ${code} (${cause.message})` : `${error.message}: ${cause.message}`;
  }
  return error.message;
}
