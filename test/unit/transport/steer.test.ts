import { describe, expect, it } from 'vitest';
import { functionCallOutput, userMessage } from '../../../src/protocol/items';
import { assistantMessage, functionCall, responseEvents, usage, type FakeSocket, type Json } from '../../fakes/fakeSocket';
import { hello, makeTransport, request } from './transportHarness';

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

const partial = assistantMessage('msg_partial', 'I will rewrite');
const successor = assistantMessage('msg_next', 'Using util.ts instead.');
const steerText = 'Use the existing helper in util.ts instead.';

describe('steering', () => {
  it('accepted then steered: delivered, and the output carries partial output, the steer, then the successor', async () => {
    const { server, transport } = makeTransport();
    let running: { frame: Json; socket: FakeSocket } | undefined;
    server.handler = (frame, socket) => {
      if (frame['type'] === 'response.create') {
        running = { frame, socket };
        socket.emit(
          { type: 'response.created', sequence_number: 0, response: { id: 'resp_7', status: 'in_progress', output: [] } },
          { type: 'response.output_item.done', sequence_number: 1, output_index: 0, item: partial },
        );
        return;
      }
      expect(frame).toEqual({ type: 'response.steer', previous_response_id: 'resp_7', input: [userMessage(steerText)] });
      socket.emit(
        { type: 'response.steer.accepted', sequence_number: 2, steer: { id: 'steer_1', previous_response_id: 'resp_7' } },
        { type: 'response.incomplete', sequence_number: 3, response: { id: 'resp_7', status: 'incomplete', incomplete_details: { reason: 'steered' }, output: [], usage: usage(10, 0, 3) } },
        ...responseEvents(running?.frame ?? {}, 'resp_8', [successor]),
      );
    };
    const run = transport.run(request([hello]));
    await settle();
    const steered = await transport.steer(steerText);
    expect(steered).toEqual({ status: 'delivered' });
    const outcome = await run;
    expect(outcome).toMatchObject({ kind: 'completed', responseId: 'resp_8', output: [partial, userMessage(steerText), successor] });
    if (outcome.kind !== 'completed') return;
    expect(outcome.usage).toEqual({ inputTokens: 20, cachedTokens: 0, outputTokens: 8, reasoningTokens: 0 });

    // The next turn chains from the successor with only the new item.
    server.handler = (frame, socket) => socket.emit(...responseEvents(frame, 'resp_9', [assistantMessage('m9', 'ok')]));
    await transport.run(request([hello, ...outcome.output, userMessage('thanks')]));
    expect(server.creates[1]).toMatchObject({ previous_response_id: 'resp_8', input: [userMessage('thanks')] });
  });

  it('pending: the server holds it; the next delta omits it, the caller’s transcript keeps it', async () => {
    const { server, transport } = makeTransport();
    const call = functionCall('fc_1', 'call_1', 'read_file', '{"path":"a.ts"}');
    server.handler = (frame, socket) => {
      if (frame['type'] === 'response.create' && server.creates.length === 1) {
        socket.emit({ type: 'response.created', sequence_number: 0, response: { id: 'resp_1', status: 'in_progress', output: [] } });
        return;
      }
      if (frame['type'] === 'response.steer') {
        socket.emit(
          { type: 'response.output_item.done', sequence_number: 1, output_index: 0, item: call },
          { type: 'response.completed', sequence_number: 2, response: { id: 'resp_1', status: 'completed', output: [call], usage: usage() } },
          { type: 'response.steer.pending', sequence_number: 3, steer: { previous_response_id: 'resp_1' }, required_input: [{ type: 'function_call_output', call_id: 'call_1' }] },
        );
        return;
      }
      socket.emit(...responseEvents(frame, 'resp_2', [assistantMessage('m2', 'done')]));
    };
    const run = transport.run(request([hello]));
    await settle();
    const steered = transport.steer(steerText);
    const outcome = await run;
    expect(await steered).toEqual({ status: 'pending' });
    if (outcome.kind !== 'completed') throw new Error(outcome.kind);
    expect(outcome.output).toEqual([call]);

    const next = [hello, ...outcome.output, functionCallOutput('call_1', 'file'), userMessage(steerText)];
    await transport.run(request(next));
    expect(server.creates[1]).toMatchObject({ previous_response_id: 'resp_1', input: [functionCallOutput('call_1', 'file')] });
  });

  it('failed (steering not supported): notDelivered with the reason', async () => {
    const { server, transport } = makeTransport();
    server.handler = (frame, socket) => {
      if (frame['type'] === 'response.create') {
        socket.emit({ type: 'response.created', sequence_number: 0, response: { id: 'resp_7', status: 'in_progress', output: [] } });
        return;
      }
      socket.emit(
        { type: 'response.steer.failed', sequence_number: 5, steer: { previous_response_id: 'resp_7', input: [userMessage(steerText)] }, error: { type: 'invalid_request_error', code: 'steering_not_supported', message: 'Steering is not supported for this model.' } },
        { type: 'response.completed', sequence_number: 6, response: { id: 'resp_7', status: 'completed', output: [], usage: usage() } },
      );
    };
    const run = transport.run(request([hello]));
    await settle();
    expect(await transport.steer(steerText)).toEqual({ status: 'notDelivered', reason: 'steering_not_supported' });
    expect(await run).toMatchObject({ kind: 'completed' });
  });

  it('no running response: notDelivered, nothing sent', async () => {
    const { server, transport } = makeTransport();
    expect(await transport.steer('hi')).toEqual({ status: 'notDelivered', reason: 'no_running_response' });
    expect(server.sentLog).toHaveLength(0);
  });

  it('no reply at all: notDelivered after the reply timeout', async () => {
    const { server, transport } = makeTransport({ steerReplyTimeoutMs: 50 });
    let socketRef: FakeSocket | undefined;
    server.handler = (frame, socket) => {
      if (frame['type'] === 'response.create') {
        socketRef = socket;
        socket.emit({ type: 'response.created', sequence_number: 0, response: { id: 'resp_7', status: 'in_progress', output: [] } });
      }
    };
    const run = transport.run(request([hello]));
    await settle();
    expect(await transport.steer('hi')).toEqual({ status: 'notDelivered', reason: 'no_reply' });
    socketRef?.emit(...responseEvents({}, 'resp_7', []).slice(1));
    expect(await run).toMatchObject({ kind: 'completed' });
  });
});
