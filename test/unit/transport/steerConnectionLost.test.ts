/**
 * Found by the fault campaign (issue 9; seed 1 run 337: a steer mid-stream and the unsolicited
 * 60-minute error): the response ended, then the socket closed before the server answered the steer.
 * The offer stayed open until its reply timeout (10 s), and the agent, which waits for every steer's
 * answer before it moves on, stalled the turn that long. The server's copy died with the socket: the
 * steer is `notDelivered` (connection_lost) at once, and the caller sends the text with its next request.
 */
import { expect, it } from 'vitest';
import { userMessage } from '../../../src/protocol/items';
import type { SteerResult } from '../../../src/transport/modelClient';
import { responseEvents, type FakeSocket } from '../../fakes/fakeSocket';
import { hello, makeTransport, request } from './transportHarness';

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

it('a steer still waiting for its reply when the socket closes after the response ended settles notDelivered at once', async () => {
  // A reply timeout far beyond the test: only the loss of the socket can settle the steer here.
  const { server, transport } = makeTransport({ steerReplyTimeoutMs: 10 * 60_000 });
  let socket: FakeSocket | undefined;
  server.handler = (frame, s) => {
    socket = s;
    if (frame['type'] === 'response.create') {
      s.emit({ type: 'response.created', sequence_number: 0, response: { id: 'resp_7', status: 'in_progress', output: [] } });
      return;
    }
    // The steer arrives as the server finishes the response and closes the socket: no reply is ever sent.
    expect(frame).toEqual({ type: 'response.steer', previous_response_id: 'resp_7', input: [userMessage('also add tests')] });
    s.emit(...responseEvents({}, 'resp_7', []).slice(1));
  };
  const run = transport.run(request([hello]));
  await settle();
  const steered = transport.steer('also add tests');
  expect(await run).toMatchObject({ kind: 'completed', responseId: 'resp_7' });
  socket?.drop();
  await settle();

  const now = await Promise.race<SteerResult | 'still waiting'>([steered, settle().then(() => 'still waiting' as const)]);
  expect(now).toEqual({ status: 'notDelivered', reason: 'connection_lost' });
});
