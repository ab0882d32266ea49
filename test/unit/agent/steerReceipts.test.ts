/**
 * Every steer's receipt (queued → delivered → answered), and what becomes of a steer the transport
 * could not put into the running response: it waits for the next request and says why (the model
 * cannot be steered, context_management is on, the response finished, too many pending), its outcome
 * is unknown after a lost connection (shown, never resent on its own), or the server refused the text
 * (back to the composer).
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/agent/events';
import { WHY } from '../../../src/agent/steerFate';
import type { ResponseItem } from '../../../src/protocol/items';
import type { ModelRequest, RunOptions, SteerResult } from '../../../src/transport/modelClient';
import { createAgentHarness } from '../../fakes/agentHarness';
import { callTool, respond, say, type ScriptedStep } from '../../fakes/fakeModelClient';

const shape = (items: readonly ResponseItem[]): string[] =>
  items.map((i) => (i.type === 'message' ? `${i.role}:${i.content.map((c) => ('text' in c ? c.text : '')).join('')}` : i.type === 'function_call_output' ? `output:${i.call_id}` : i.type === 'function_call' ? `call:${i.call_id}` : i.type));

function whileRunning(during: () => Promise<void> | void, finish: ScriptedStep): ScriptedStep {
  return async (request: ModelRequest, options: RunOptions) => {
    await during();
    return finish(request, options);
  };
}

type SteerEvent = Extract<AgentEvent, { type: `steer${string}` }>;
const receipts = (events: readonly AgentEvent[]): string[] =>
  events.filter((e): e is SteerEvent => e.type.startsWith('steer')).map((e) => ('why' in e ? `${e.type}:${e.why}` : e.type === 'steerDelivered' ? `steerDelivered:${e.via}` : e.type));

function harnessAnswering(result: SteerResult, settings = {}) {
  const h = createAgentHarness({ settings });
  h.model.steerHandler = () => result;
  return h;
}

describe('steer receipts', () => {
  it('delivered into the stream: queued → delivered → answered when that response comes back', async () => {
    const h = harnessAnswering({ status: 'delivered' });
    h.model.script(whileRunning(() => void h.agent.steer('use util.ts'), respond([say('ok'), { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'use util.ts' }] }])));
    await h.agent.runTurn(h.sessions.create(), { text: 'go' });
    expect(receipts(h.events)).toEqual(['steerQueued', 'steerDelivered:stream', 'steerAnswered']);
  });

  it('pending: waits for the tool results (said so), delivered after them, answered by the next response', async () => {
    const h = harnessAnswering({ status: 'pending' });
    h.workspace.write('/ws/a.ts', 'a\n');
    h.model.script(whileRunning(() => void h.agent.steer('only a.ts'), respond([callTool('c1', 'read_file', { path: 'a.ts' })])), respond([say('ok')]));
    await h.agent.runTurn(h.sessions.create(), { text: 'read' });
    expect(receipts(h.events)).toEqual(['steerQueued', `steerWaiting:${WHY.heldForTools}`, 'steerDelivered:afterTools', 'steerAnswered']);
  });

  it('a model the server cannot steer: the steer goes with the next request, and later steers are not offered again', async () => {
    const h = harnessAnswering({ status: 'notDelivered', reason: 'steering_not_supported' });
    h.model.script(
      whileRunning(() => void h.agent.steer('in French'), respond([callTool('c1', 'read_file', { path: 'a.ts' })])),
      whileRunning(() => void h.agent.steer('and short'), respond([say('Bonjour')])),
      respond([say('Court.')]),
    );
    h.workspace.write('/ws/a.ts', 'a\n');
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'greet me' });
    expect(h.model.steered).toEqual(['in French']);
    expect(receipts(h.events)).toEqual([
      'steerQueued',
      `steerWaiting:${WHY.modelCannotSteer}`,
      'steerDelivered:nextRequest',
      'steerQueued',
      `steerWaiting:${WHY.modelCannotSteer}`,
      'steerAnswered',
      'steerDelivered:nextRequest',
      'steerAnswered',
    ]);
    expect(shape(h.model.requests[2]!.input).slice(-2)).toEqual(['assistant:Bonjour', 'user:and short']);
  });

  it('context_management on the request: the steer is not offered and waits for the next request, saying why', async () => {
    const h = harnessAnswering({ status: 'delivered' });
    h.model.script(whileRunning(() => void h.agent.steer('note'), respond([say('a')])), respond([say('b')]));
    // The keeper puts context_management on requests in socket compaction: force it on for this test.
    const session = h.sessions.create();
    session.context.socketCompaction = true;
    h.settings.compactionMode = 'socket';
    h.settings.contextWindow = 100_000;
    h.settings.model = 'unknown-model';
    await h.agent.runTurn(session, { text: 'go' });
    expect(h.model.requests[0]!.contextManagement).toBeDefined();
    expect(h.model.steered).toEqual([]);
    expect(receipts(h.events)).toContain(`steerWaiting:${WHY.compactionOn}`);
    expect(shape(h.model.requests[1]!.input).at(-1)).toBe('user:note');
  });

  it.each([
    ['response_already_completed', WHY.tooLate],
    ['too_many_pending_steers', WHY.tooMany],
  ])('%s: the steer goes with the next request, saying why', async (reason, why) => {
    const h = harnessAnswering({ status: 'notDelivered', reason });
    h.model.script(whileRunning(() => void h.agent.steer('more'), respond([say('a')])), respond([say('b')]));
    await h.agent.runTurn(h.sessions.create(), { text: 'go' });
    expect(receipts(h.events)).toEqual(['steerQueued', `steerWaiting:${why}`, 'steerDelivered:nextRequest', 'steerAnswered']);
    expect(shape(h.model.requests[1]!.input).at(-1)).toBe('user:more');
  });

  it.each(['connection_lost', 'no_reply'])('%s: the outcome is unknown; shown so, never resent on its own nor kept silently', async (reason) => {
    const h = harnessAnswering({ status: 'notDelivered', reason });
    h.model.script(whileRunning(() => void h.agent.steer('wait'), respond([say('a')])));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'go' });
    expect(receipts(h.events)).toEqual(['steerQueued', `steerUnknown:${WHY.unknown}`]);
    expect(h.model.requests).toHaveLength(1);
    expect(shape(session.items)).toEqual(['user:go', 'assistant:a']);
    const unknown = h.events.find((e) => e.type === 'steerUnknown');
    expect(unknown).toMatchObject({ text: 'wait' });
  });

  it('refused input: the text comes back (for the composer) with why, and is not sent', async () => {
    const h = harnessAnswering({ status: 'notDelivered', reason: 'invalid_steer_input' });
    h.model.script(whileRunning(() => void h.agent.steer('odd'), respond([say('a')])));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'go' });
    const returned = h.events.find((e) => e.type === 'steerReturned');
    expect(returned).toMatchObject({ text: 'odd', why: expect.stringContaining('back in the message box') });
    expect(shape(session.items)).toEqual(['user:go', 'assistant:a']);
  });
});
