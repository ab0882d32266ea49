/**
 * Found by the fault campaign (issue 9, "faults during warm-up and steering"): the user's first prompt
 * waits for its lane while the warm-up (generate:false) still runs on it; text typed then was steered
 * into the warm-up response. The server cut the warm-up short and answered the text in a successor the
 * client kept only as the warm chain (then discarded as diverged), while the steer was reported
 * `delivered`: the prompt's own response never saw it and nothing answered it in that turn.
 */
import { afterEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator';
import { userMessage } from '../../../src/protocol/items';
import type { ModelRequest } from '../../../src/transport/modelClient';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';

let emulator: Emulator | undefined;
let transport: WorkspaceTransport | undefined;
afterEach(async () => {
  transport?.dispose();
  await emulator?.close();
});

it('a steer while the prompt waits behind the warm-up is not sent into the warm-up: the caller sends it next', async () => {
  emulator = await startEmulator({
    tokensPerSecond: 0,
    pingIntervalMs: 0,
    scenario: { name: 'steer-during-warm-up', fallback: 'fail', steps: [{ id: 'hi', when: { userText: 'hi' }, say: 'Hello.' }] },
  });
  const emu = emulator;
  transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, idleTimeoutMs: 5000 });
  const request: ModelRequest = { model: 'gpt-5.2', instructions: 'You are a coding agent.', tools: [], input: [] };
  // The warm-up's stream pauses right after response.created: it is still running when the prompt comes.
  emu.setFault({ kind: 'stall', ms: 400, afterEvents: 0 });
  const warm = transport.warmUp(request);
  for (let i = 0; i < 200 && !emu.frames().some((f) => f.dir === 'recv' && (f.frame as { type?: string }).type === 'response.created'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const prompt = transport.run({ ...request, input: [userMessage('hi')] });
  const steer = await transport.steer('Also add tests.');

  expect(steer).toEqual({ status: 'notDelivered', reason: 'no_running_response' });
  const warmUp = await warm;
  expect(warmUp.kind).toBe('warm');
  const outcome = await prompt;
  expect(outcome.kind === 'completed' && outcome.output.map((i) => i.type)).toEqual(['message']);
  const sent = emu.frames().filter((f) => f.dir === 'send').map((f) => (f.frame as { type?: string }).type);
  expect(sent).toEqual(['response.create', 'response.create']);
  expect(emu.stats().requests.map((r) => [r.kind, r.status])).toEqual([
    ['warmup', 'completed'],
    ['continuation', 'completed'],
  ]);
});
