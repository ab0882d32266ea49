/** One attempt on the socket or over HTTP/SSE ends in exactly one result, and counts what it read. */
import { describe, expect, it } from 'vitest';
import { CancellationToken, CancellationTokenSource } from '../../../src/common/cancellation';
import { attemptHttp, attemptWs, type AttemptIo } from '../../../src/transport/attempts';
import { RequestMeter } from '../../../src/transport/metrics';
import type { ModelStreamEvent } from '../../../src/transport/modelClient';
import type { ReadEnd } from '../../../src/transport/responseReader';
import { ResponseReader } from '../../../src/transport/responseReader';
import { assistantMessage, FakeServer, responseEvents } from '../../fakes/fakeSocket';
import { FakeHttp, sseResponse } from './transportHarness';
import { openScope, tick } from './transportParts';

function io(token: CancellationToken = CancellationToken.None): AttemptIo & { events: ModelStreamEvent[] } {
  const events: ModelStreamEvent[] = [];
  return {
    events,
    reader: new ResponseReader((e) => events.push(e), undefined),
    meter: new RequestMeter(() => 0, undefined, 0, 'websocket', 'full'),
    token,
    idleTimeoutMs: 1000,
  };
}

const frame = { type: 'response.create', input: [] };
const answer = [assistantMessage('m1', 'hello there')];

describe('attemptWs', () => {
  it('ends with the reader’s end at the terminal event, and meters what it read', async () => {
    const server = new FakeServer();
    const scope = await openScope(server);
    const attempt = io();
    const result = await attemptWs(scope.connection, undefined, JSON.stringify(frame), attempt);
    expect(result).toMatchObject({ kind: 'end', end: { kind: 'completed', responseId: 'resp_1' } });
    expect(attempt.events.map((e) => e.kind)).toContain('textDelta');
    expect(attempt.meter.finish(undefined, undefined).bytesReceived).toBeGreaterThan(0);
  });

  it('Stop closes the socket (there is no cancel frame) and ends cancelled', async () => {
    const server = new FakeServer();
    server.handler = () => undefined;
    const scope = await openScope(server);
    const source = new CancellationTokenSource();
    const running = attemptWs(scope.connection, 'inline-1', JSON.stringify(frame), io(source.token));
    await tick();
    source.cancel();
    expect(await running).toEqual({ kind: 'cancelled' });
    expect(server.sockets[0]?.closedByClient).toBe(true);
    expect(scope.isDisposed).toBe(true);
  });

  it('a dropped socket ends lost, with the reason', async () => {
    const server = new FakeServer();
    server.handler = (_frame, socket) => socket.drop();
    const scope = await openScope(server);
    expect(await attemptWs(scope.connection, undefined, JSON.stringify(frame), io())).toMatchObject({ kind: 'lost', loss: { reason: 'closed' } });
  });
});

describe('attemptHttp', () => {
  function http(fake: FakeHttp) {
    return { fetch: fake.fetch, url: 'https://api.example.test/v1/responses', headers: {}, body: JSON.stringify(frame), recorder: undefined };
  }
  function reachability() {
    const seen: string[] = [];
    return { seen, reached: (end: ReadEnd) => seen.push(`reached ${end.kind}`), unreachable: (message: string) => seen.push(`unreachable ${message}`) };
  }

  it('reads the SSE stream to its terminal event and says the server was reached', async () => {
    const fake = new FakeHttp();
    fake.answer = (body) => sseResponse(responseEvents(body, 'resp_h', answer));
    const seen = reachability();
    expect(await attemptHttp(http(fake), io(), seen, (t) => t)).toMatchObject({ kind: 'end', end: { kind: 'completed', responseId: 'resp_h' } });
    expect(seen.seen).toEqual(['reached completed']);
  });

  it('a non-2xx answer ends as the same error an error event would', async () => {
    const fake = new FakeHttp();
    fake.answer = () => new Response(JSON.stringify({ error: { code: 'server_is_overloaded', message: 'Busy.' } }), { status: 503 });
    expect(await attemptHttp(http(fake), io(), reachability(), (t) => t)).toMatchObject({ kind: 'end', end: { kind: 'error', error: { status: 503, code: 'server_is_overloaded' } } });
  });

  it('a network failure is lost and unreachable, redacted', async () => {
    const fake = new FakeHttp();
    fake.answer = () => {
      throw new Error('connect ECONNREFUSED for sk-secret-0123456789abcdef');
    };
    const seen = reachability();
    const redact = (t: string) => t.replace(/sk-[\w-]+/, '[REDACTED]');
    expect(await attemptHttp(http(fake), io(), seen, redact)).toEqual({
      kind: 'lost',
      loss: { reason: 'socketError', message: 'connect ECONNREFUSED for [REDACTED]' },
    });
    expect(seen.seen).toEqual(['unreachable connect ECONNREFUSED for [REDACTED]']);
  });

  it('a stream that ends before its terminal event is lost', async () => {
    const fake = new FakeHttp();
    fake.answer = (body) => sseResponse(responseEvents(body, 'resp_cut', answer).slice(0, 2));
    expect(await attemptHttp(http(fake), io(), reachability(), (t) => t)).toMatchObject({ kind: 'lost', loss: { reason: 'closed' } });
  });

  it('cancelled before the answer: cancelled', async () => {
    const fake = new FakeHttp();
    const source = new CancellationTokenSource();
    fake.answer = (body) => {
      source.cancel();
      return sseResponse(responseEvents(body, 'resp_late', answer));
    };
    expect(await attemptHttp(http(fake), io(source.token), reachability(), (t) => t)).toEqual({ kind: 'cancelled' });
  });
});
