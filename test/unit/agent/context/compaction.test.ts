/**
 * Compaction over the socket and standalone (issue 16, protocol §8), on the frames the real transport
 * writes to a fake server: past the threshold a session that does not steer arms `context_management`
 * and the server compacts during a response (the chain continues as deltas from the compaction item);
 * a session that steers compacts with `/responses/compact` between requests and starts a new chain with
 * the compacted window. Never both on one request. Pins and the instructions come back verbatim after
 * the compaction item; the transcript keeps everything.
 */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../../src/protocol/items';
import { assistantMessage, responseEvents, routing, type FakeSocket, type Json } from '../../../fakes/fakeSocket';
import { agentOnTransport, developerTexts } from './contextHarness';

const WINDOW = 32_768;
const THRESHOLD = Math.floor(WINDOW * 0.8);
const COMPACTION = { type: 'compaction', id: 'cmp_1', encrypted_content: 'ZW5jcnlwdGVkIHN1bW1hcnk=' };

const compacted = new WeakSet<object>();

/** A server (compacting once, when asked) whose responses report `inputTokens` of usage (so the agent sees its window fill up). */
function fillingServer(h: ReturnType<typeof agentOnTransport>, inputTokens: () => number): void {
  h.server.handler = (frame: Json, socket: FakeSocket) => {
    if (frame['type'] !== 'response.create') return;
    const id = h.server.nextResponseId();
    const compacts = Array.isArray(frame['context_management']) && !compacted.has(h);
    if (compacts) compacted.add(h);
    const items: Json[] = [assistantMessage(`msg_${id}`, `reply ${id}`)];
    const events = responseEvents(frame, id, compacts ? [COMPACTION, ...items] : items);
    const completed = events.at(-1)!;
    (completed['response'] as Json)['usage'] = { input_tokens: inputTokens(), input_tokens_details: { cached_tokens: 0 }, output_tokens: 10 };
    if (compacts) events.splice(1, 0, { type: 'response.compaction.compacting', ...routing(frame), item_id: 'cmp_1', output_index: 0 });
    socket.emit(...events);
  };
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const inputOf = (frame: Json): Json[] => frame['input'] as Json[];
const types = (frame: Json): string[] => inputOf(frame).map((item) => (item['type'] === 'message' ? `${String(item['role'])}` : String(item['type'])));

describe('compaction on the socket (a session that does not steer)', () => {
  it('arms context_management past the threshold; the server compacts; the chain continues as deltas from the compaction item', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW, compactionMode: 'socket' });
    let tokens = 2_000;
    fillingServer(h, () => tokens);
    await h.agent.runTurn(h.session, { text: 'first' });
    expect(h.server.creates[0]).not.toHaveProperty('context_management');

    tokens = 30_000;
    await h.agent.runTurn(h.session, { text: 'second' }); // measures 30k: past the threshold
    tokens = 5_000;
    await h.agent.runTurn(h.session, { text: 'third' }); // armed: the server compacts this one
    await h.agent.runTurn(h.session, { text: 'fourth' });

    const [, , third, fourth] = h.server.creates;
    expect(third).toMatchObject({ context_management: [{ type: 'compaction', compact_threshold: THRESHOLD }] });
    // context_management is a chain parameter: arming it starts a new chain once.
    expect(third).not.toHaveProperty('previous_response_id');
    expect(fourth).toMatchObject({ previous_response_id: 'resp_3', context_management: [{ type: 'compaction', compact_threshold: THRESHOLD }] });
    // After the compaction item: the instructions again, then the new prompt; nothing from before it.
    expect(types(fourth!)).toEqual(['developer', 'user']);
    expect(developerTexts(fourth!)[0]).toMatch(/^You are Holdfast/);

    const marks = h.events.filter((e) => e.type === 'compacted');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ mark: { how: 'socket', reason: 'threshold', beforeTokens: 5_000 } });
    // The transcript keeps everything, the compaction item included; the model's window starts there.
    const at = h.session.items.findIndex((item) => item.type === 'compaction');
    expect(at).toBeGreaterThan(0);
    expect(h.session.context.windowStart).toBe(at);
    expect(h.session.items[at]).toEqual(COMPACTION);
  });

  it('a full resend after the compaction (new socket) starts at the compaction item', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW, compactionMode: 'socket' });
    let tokens = 30_000;
    fillingServer(h, () => tokens);
    await h.agent.runTurn(h.session, { text: 'first' });
    tokens = 5_000;
    await h.agent.runTurn(h.session, { text: 'second' }); // armed and compacted
    h.server.lastSocket.drop();
    await new Promise((resolve) => setImmediate(resolve));
    await h.agent.runTurn(h.session, { text: 'third' });
    const restart = h.server.creates.at(-1)!;
    expect(restart).not.toHaveProperty('previous_response_id');
    expect(types(restart)).toEqual(['compaction', 'assistant', 'developer', 'user']);
    expect(inputOf(restart)[0]).toEqual(COMPACTION);
  });
});

describe('standalone compaction (a session that steers)', () => {
  function compactingHttp(h: ReturnType<typeof agentOnTransport>, answer?: (body: Json) => Response): Json[] {
    const bodies: Json[] = [];
    h.http.answer = (body, call) => {
      if (!call.url.endsWith('/responses/compact')) throw new Error(`unexpected HTTP call ${call.url}`);
      bodies.push(body);
      return answer?.(body) ?? jsonResponse({ id: 'cmp_resp_1', object: 'response.compaction', output: [userMessage('first'), COMPACTION], usage: { input_tokens: 30_000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3_000 } });
    };
    return bodies;
  }

  it('compacts with /responses/compact between requests and starts a new chain with the window, never with context_management', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW, modelPrices: { 'test-32k': { input: 2.5, cachedInput: 0.25, output: 20 } } });
    const compactBodies = compactingHttp(h);
    let tokens = 30_000;
    fillingServer(h, () => tokens);
    await h.agent.runTurn(h.session, { text: 'first' });
    tokens = 4_000;
    await h.agent.runTurn(h.session, { text: 'second' });
    await h.agent.runTurn(h.session, { text: 'third' });

    expect(compactBodies).toHaveLength(1);
    expect(compactBodies[0]).toMatchObject({ model: 'test-32k' });
    // The new prompt stays out of the summary: it comes back verbatim, last.
    expect(types(compactBodies[0]!)).toEqual(['developer', 'user', 'assistant']);
    expect(JSON.stringify(compactBodies[0])).not.toContain('second');
    const [, second, third] = h.server.creates;
    for (const frame of h.server.creates) expect(frame).not.toHaveProperty('context_management');
    expect(second).not.toHaveProperty('previous_response_id');
    expect(types(second!)).toEqual(['user', 'compaction', 'developer', 'user']);
    expect(inputOf(second!).at(-1)).toEqual(userMessage('second'));
    expect(third).toMatchObject({ previous_response_id: 'resp_2' });
    expect(types(third!)).toEqual(['user']);

    const mark = h.events.find((e) => e.type === 'compacted');
    expect(mark).toMatchObject({ mark: { how: 'standalone', reason: 'threshold', costUsd: (30_000 * 2.5 + 3_000 * 20) / 1e6 } });
    // The chat shows the conversation once: the compacted window's copies are carried, not shown again.
    const copies = h.session.context.carried.flatMap(([from, to]) => h.session.items.slice(from, to));
    expect(copies.map((item) => item.type)).toEqual(['message', 'compaction', 'message', 'message']);
  });

  it('pinned messages are carried past compaction verbatim, after the compaction item', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW });
    compactingHttp(h);
    let tokens = 1_000;
    fillingServer(h, () => tokens);
    await h.agent.runTurn(h.session, { text: 'Always use tabs, never spaces.' });
    h.agent.context.pin(h.session, { id: 'turn-1', role: 'user', text: 'Always use tabs, never spaces.' });
    h.agent.context.pin(h.session, { id: 'turn-1/msg', role: 'assistant', text: 'reply resp_1' });
    tokens = 30_000;
    await h.agent.runTurn(h.session, { text: 'more' });
    tokens = 4_000;
    await h.agent.runTurn(h.session, { text: 'after' });
    const afterCompaction = h.server.creates.at(-1)!;
    const input = inputOf(afterCompaction);
    const at = input.findIndex((item) => item['type'] === 'compaction');
    const after = JSON.stringify(input.slice(at + 1));
    expect(after).toContain('Always use tabs, never spaces.');
    expect(after).toContain('reply resp_1');
    expect(h.events.find((e) => e.type === 'compacted')).toMatchObject({ mark: { pinsCarried: 2 } });
  });

  it('Compact Now between turns: the next request starts a new chain with the compacted window', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW });
    compactingHttp(h);
    fillingServer(h, () => 1_000);
    await h.agent.runTurn(h.session, { text: 'first' });
    await h.agent.runTurn(h.session, { text: 'second' });
    const result = await h.agent.context.compact(h.session, h.session.turns.at(-1)!.id, 'manual');
    expect(result).toMatchObject({ kind: 'compacted', mark: { reason: 'manual' } });
    await h.agent.runTurn(h.session, { text: 'third' });
    const third = h.server.creates.at(-1)!;
    expect(third).not.toHaveProperty('previous_response_id');
    expect(types(third)).toEqual(['user', 'compaction', 'developer', 'user']);
  });
});

describe('at the limit', () => {
  it('context_length_exceeded: one compaction and one retry', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW });
    let compactions = 0;
    h.http.answer = () => {
      compactions += 1;
      return jsonResponse({ id: 'c', output: [userMessage('first'), COMPACTION], usage: { input_tokens: 40_000, output_tokens: 2_000 } });
    };
    let refused = false;
    h.server.handler = (frame, socket) => {
      if (frame['type'] !== 'response.create') return;
      if (!refused) {
        refused = true;
        socket.emit({ type: 'error', status: 400, error: { type: 'invalid_request_error', code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model.', param: 'input' } });
        return;
      }
      socket.emit(...responseEvents(frame, h.server.nextResponseId(), [assistantMessage('msg_ok', 'fits now')]));
    };
    const outcome = await h.agent.runTurn(h.session, { text: 'first' });
    expect(outcome).toEqual({ kind: 'completed', text: 'fits now' });
    expect(compactions).toBe(1);
    expect(h.server.creates).toHaveLength(2);
    expect(types(h.server.creates[1]!)).toEqual(['user', 'compaction', 'developer', 'user']);
  });

  it('refused again after the compaction: the turn fails with words that say why, no loop', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW });
    let compactions = 0;
    h.http.answer = () => {
      compactions += 1;
      return jsonResponse({ id: 'c', output: [COMPACTION], usage: { input_tokens: 40_000, output_tokens: 2_000 } });
    };
    h.server.handler = (frame, socket) => {
      if (frame['type'] === 'response.create') socket.emit({ type: 'error', status: 400, error: { code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model.' } });
    };
    const outcome = await h.agent.runTurn(h.session, { text: 'first' });
    expect(outcome.kind).toBe('failed');
    expect(compactions).toBe(1);
    expect(h.server.creates).toHaveLength(2);
    expect(outcome.kind === 'failed' && outcome.error.kind === 'serverError' && outcome.error.message).toMatch(/does not fit in the model's context window even compacted/);
  });

  it('a prompt larger than the window on its own: no request, no compaction, words that say so', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW });
    let compactions = 0;
    h.http.answer = () => {
      compactions += 1;
      return jsonResponse({});
    };
    const outcome = await h.agent.runTurn(h.session, { text: 'x'.repeat(200_000) });
    expect(outcome.kind === 'failed' && outcome.error.kind === 'serverError' && outcome.error.message).toMatch(/the newest message alone is larger than the window/);
    expect(compactions).toBe(0);
    expect(h.server.creates).toHaveLength(0);
  });

  it('a request that would not fit compacts first instead of failing', async () => {
    const h = agentOnTransport({ model: 'test-32k', contextWindow: WINDOW, compactionMode: 'socket' });
    let compactions = 0;
    h.http.answer = () => {
      compactions += 1;
      return jsonResponse({ id: 'c', output: [userMessage('small'), COMPACTION], usage: { input_tokens: 20_000, output_tokens: 1_000 } });
    };
    fillingServer(h, () => 1_000);
    await h.agent.runTurn(h.session, { text: 'small' });
    // Tool-free history of ~31k tokens: past the window before the next request.
    h.session.items.push(userMessage('y'.repeat(124_000)), { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] });
    await h.agent.runTurn(h.session, { text: 'next' });
    expect(compactions).toBe(1);
    expect(h.server.creates).toHaveLength(2);
  });
});
