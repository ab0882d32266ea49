/**
 * The HTTP/SSE transport keeps its TCP connection for the next request: after the terminal event it
 * reads the rest of the body (`data: [DONE]`, the end of the chunked body) instead of cancelling it,
 * because fetch (undici) closes a connection whose response was cancelled before its end, or keeps it
 * busy so that the next request opens another one. On a real link each new connection costs a TCP
 * (+TLS) handshake: the benchmark saw 11–13 connections for 51 sequential requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { userMessage, type ResponseItem } from '../../../src/protocol/items';
import { DRAIN_AFTER_END, streamResponses, type FetchLike } from '../../../src/transport/httpTransport';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';

const completed = JSON.stringify({
  type: 'response.completed',
  sequence_number: 3,
  response: { id: 'resp_1', object: 'response', status: 'completed', model: 'gpt-5.2', output: [], usage: null },
});

interface ScriptedBody {
  fetch: FetchLike;
  /** Sends more of the body. */
  push(text: string): void;
  /** Ends the body. */
  close(): void;
  /** Whether the client cancelled the body (which makes undici drop the connection). */
  readonly cancelled: boolean;
}

/** A fetch whose one SSE response body the test writes piece by piece. */
function scriptedBody(): ScriptedBody {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    fetch: () => Promise.resolve(new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } })),
    push: (text) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    get cancelled() {
      return cancelled;
    },
  };
}

function stream(fetch: FetchLike, events: string[]): ReturnType<typeof streamResponses> {
  return streamResponses({
    fetch,
    url: 'http://127.0.0.1:1/v1/responses',
    headers: {},
    body: '{}',
    idleTimeoutMs: 5_000,
    onEvent: (event) => {
      events.push(event.type);
      return event.type === 'response.completed';
    },
  });
}

describe('streamResponses after the terminal event', () => {
  it('reads the body to its end ([DONE] arriving later) instead of cancelling it', async () => {
    const body = scriptedBody();
    const events: string[] = [];
    let settled = false;
    const result = stream(body.fetch, events).finally(() => {
      settled = true;
    });
    body.push(`event: response.completed\ndata: ${completed}\n\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['response.completed']);
    expect(body.cancelled).toBe(false);
    expect(settled).toBe(false);

    body.push('data: [DONE]\n\n');
    body.close();
    await expect(result).resolves.toEqual({ kind: 'ended' });
    expect(body.cancelled).toBe(false);
  });

  it('gives a server that keeps the stream open only a short grace, then cancels', async () => {
    const body = scriptedBody();
    const events: string[] = [];
    const started = performance.now();
    const result = stream(body.fetch, events);
    body.push(`event: response.completed\ndata: ${completed}\n\n`);
    await expect(result).resolves.toEqual({ kind: 'ended' });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(DRAIN_AFTER_END.ms - 20);
    expect(waited).toBeLessThan(DRAIN_AFTER_END.ms + 10_000); // without the grace it would wait forever
    expect(body.cancelled).toBe(true);
  });

  it('cancels at once when a server keeps talking past the terminal event', async () => {
    const body = scriptedBody();
    const result = stream(body.fetch, []);
    body.push(`event: response.completed\ndata: ${completed}\n\n`);
    body.push(`: ${'x'.repeat(DRAIN_AFTER_END.bytes + 1)}\n\n`);
    await expect(result).resolves.toEqual({ kind: 'ended' });
    expect(body.cancelled).toBe(true);
  });
});

describe('streamResponses on a pooled connection the server just closed', () => {
  const closedUnderRequest = (code: string): Error =>
    new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code }) });
  const sse = (): Response =>
    new Response(`event: response.completed\ndata: ${completed}\n\ndata: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } });

  it('retries once at once when the request met a closed keep-alive socket before any answer', async () => {
    const calls: string[] = [];
    const fetch: FetchLike = async () => {
      calls.push('post');
      if (calls.length === 1) throw closedUnderRequest('UND_ERR_SOCKET');
      return sse();
    };
    const events: string[] = [];
    await expect(stream(fetch, events)).resolves.toEqual({ kind: 'ended' });
    expect(calls).toEqual(['post', 'post']);
    expect(events).toEqual(['response.completed']);
  });

  it('reports the network failure when the fresh connection fails too, and never retries other failures', async () => {
    let stale = 0;
    const alwaysStale: FetchLike = async () => {
      stale++;
      throw closedUnderRequest('ECONNRESET');
    };
    await expect(stream(alwaysStale, [])).resolves.toMatchObject({ kind: 'network' });
    expect(stale).toBe(2);

    let refused = 0;
    const unreachable: FetchLike = async () => {
      refused++;
      throw closedUnderRequest('ECONNREFUSED');
    };
    await expect(stream(unreachable, [])).resolves.toMatchObject({ kind: 'network', message: expect.stringContaining('ECONNREFUSED') });
    expect(refused).toBe(1);
  });
});

describe('against the emulator (real fetch, real sockets)', () => {
  let emu: Emulator | undefined;
  let transport: WorkspaceTransport | undefined;
  afterEach(async () => {
    transport?.dispose();
    await emu?.close();
    transport = undefined;
    emu = undefined;
  });

  it('a chain of sequential HTTP requests uses one TCP connection', async () => {
    emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0 });
    transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu!.apiKey, transport: 'http', connectTimeoutMs: 5_000, idleTimeoutMs: 5_000 });
    const input: ResponseItem[] = [];
    for (let i = 0; i < 8; i++) {
      input.push(userMessage(`question ${i}`));
      const outcome = await transport.run({ model: 'gpt-5.2', instructions: 'Be brief.', tools: [], input: [...input] });
      expect(outcome.kind).toBe('completed');
      if (outcome.kind === 'completed') input.push(...outcome.output);
    }
    const stats = emu.stats();
    expect(stats.requests).toHaveLength(8);
    expect(stats.connections.filter((c) => c.transport === 'http').map((c) => c.requests)).toEqual([8]);
  });
});
