/**
 * One attempt of a request, on the socket or over HTTP/SSE: send the frame, feed every event to the
 * reader, and end in exactly one `AttemptResult` (the reader's end, the connection lost, or cancelled).
 * What to do with that result is the request run's business (requestRun.ts).
 */
import type { CancellationToken } from '../common/cancellation';
import type { FrameRecorder } from './frameRecorder';
import { streamResponses, type FetchLike } from './httpTransport';
import type { RequestMeter } from './metrics';
import { utf8Bytes } from './metrics';
import type { ResponseReader, ReadEnd } from './responseReader';
import type { ConnectionLoss, WsConnection } from './wsConnection';

export type AttemptResult =
  | { kind: 'end'; end: ReadEnd }
  | { kind: 'lost'; loss: ConnectionLoss | { reason: string; message: string; lane?: string | undefined } }
  | { kind: 'cancelled' };

/** What every attempt reads into and counts with. */
export interface AttemptIo {
  reader: ResponseReader;
  meter: RequestMeter;
  token: CancellationToken;
  idleTimeoutMs: number;
}

/** Sends `text` on `lane` of the socket. Stop closes the socket: no cancel frame exists; other lanes on it resend in full elsewhere. */
export function attemptWs(connection: WsConnection, lane: string | undefined, text: string, io: AttemptIo): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: AttemptResult): void => {
      if (done) return;
      done = true;
      cancelSubscription.dispose();
      resolve(result);
    };
    const cancelSubscription = io.token.onCancellationRequested(() => {
      finish({ kind: 'cancelled' });
      connection.close('cancelled', lane);
    });
    const payloadBytes = utf8Bytes(text);
    connection.startRequest(
      lane,
      text,
      {
        onEvent: (event, bytes) => {
          io.meter.received(bytes);
          const end = io.reader.handle(event);
          if (end) finish({ kind: 'end', end });
        },
        onLost: (loss) => finish({ kind: 'lost', loss }),
      },
      io.idleTimeoutMs,
      (wireBytes) => io.meter.wireWritten(wireBytes, payloadBytes),
    );
  });
}

export interface HttpAttempt {
  fetch: FetchLike;
  url: string;
  headers: Record<string, string>;
  body: string;
  recorder: FrameRecorder | undefined;
}

/** What an HTTP attempt tells about reaching the server, for the transport's state. */
export interface Reachability {
  /** The server answered with events: not offline; and, unless the answer is an error, the key is good. */
  reached(end: ReadEnd): void;
  /** The network failed (`message` redacted). */
  unreachable(message: string): void;
}

/** POSTs `body` and reads the SSE stream. */
export async function attemptHttp(http: HttpAttempt, io: AttemptIo, reachability: Reachability, redact: (text: string) => string): Promise<AttemptResult> {
  const controller = new AbortController();
  const subscription = io.token.onCancellationRequested(() => controller.abort());
  let end: ReadEnd | undefined;
  try {
    const result = await streamResponses({
      fetch: http.fetch,
      url: http.url,
      headers: http.headers,
      body: http.body,
      idleTimeoutMs: io.idleTimeoutMs,
      signal: controller.signal,
      onEvent: (event, bytes) => {
        io.meter.received(bytes);
        http.recorder?.record('recv', { ...event }, { connection: 'http' });
        end = io.reader.handle(event);
        return end !== undefined;
      },
    });
    if (io.token.isCancellationRequested || result.kind === 'aborted') return { kind: 'cancelled' };
    if (end) {
      reachability.reached(end);
      return { kind: 'end', end };
    }
    switch (result.kind) {
      case 'status':
        return { kind: 'end', end: { kind: 'error', error: result.error } };
      case 'ended':
        return { kind: 'lost', loss: { reason: 'closed', message: 'The HTTP stream ended before the response finished.' } };
      case 'network':
        reachability.unreachable(redact(result.message));
        return { kind: 'lost', loss: { reason: 'socketError', message: redact(result.message) } };
      case 'idleTimeout':
        return { kind: 'lost', loss: { reason: 'idleTimeout', message: result.message } };
      case 'malformed':
        return { kind: 'lost', loss: { reason: 'malformedFrame', message: result.message } };
    }
  } finally {
    subscription.dispose();
  }
}
