import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../../../src/protocol/items';
import { userMessage } from '../../../src/protocol/items';
import type { ModelRequest, RunOptions } from '../../../src/transport/modelClient';
import { createAgentHarness } from '../../fakes/agentHarness';
import { callTool, respond, say, type ScriptedStep } from '../../fakes/fakeModelClient';

const shape = (items: readonly ResponseItem[]): string[] =>
  items.map((i) => (i.type === 'message' ? `${i.role}:${i.content.map((c) => ('text' in c ? c.text : '')).join('')}` : i.type === 'function_call_output' ? `output:${i.call_id}` : i.type === 'function_call' ? `call:${i.call_id}` : i.type));

/** A step that, while "streaming", lets the test steer, then finishes with `finish`. */
function whileRunning(during: () => Promise<void> | void, finish: ScriptedStep): ScriptedStep {
  return async (request: ModelRequest, options: RunOptions) => {
    await during();
    return finish(request, options);
  };
}

describe('steering', () => {
  it('delivered into the running response: recorded once, where the transport put it', async () => {
    const h = createAgentHarness();
    h.model.steerHandler = () => ({ status: 'delivered' });
    h.model.script(
      whileRunning(
        () => void h.agent.steer('use util.ts'),
        // After a delivered steer the outcome's output holds the steered message in place.
        respond([say('Looking…', 'm1'), userMessage('use util.ts'), say('OK, using util.ts.', 'm2')]),
      ),
    );
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: 'refactor' });

    expect(outcome).toEqual({ kind: 'completed', text: 'Looking…OK, using util.ts.' });
    expect(h.model.steered).toEqual(['use util.ts']);
    expect(shape(session.items)).toEqual(['user:refactor', 'assistant:Looking…', 'user:use util.ts', 'assistant:OK, using util.ts.']);
    const delivered = h.events.filter((e) => e.type === 'steerDelivered');
    expect(delivered.map((e) => e.type === 'steerDelivered' && e.via)).toEqual(['stream']);
  });

  it('delivered but missing from the output: the agent keeps the words itself', async () => {
    const h = createAgentHarness();
    h.model.steerHandler = () => ({ status: 'delivered' });
    h.model.script(whileRunning(() => void h.agent.steer('also add tests'), respond([say('done')])));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'go' });
    expect(shape(session.items)).toEqual(['user:go', 'assistant:done', 'user:also add tests']);
  });

  it('pending: appended right after this round’s tool outputs and sent with them', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/a.ts', 'a\n');
    h.model.steerHandler = () => ({ status: 'pending' });
    h.model.script(
      whileRunning(() => void h.agent.steer('only a.ts please'), respond([callTool('c1', 'read_file', { path: 'a.ts' })])),
      respond([say('ok')]),
    );
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'read' });
    expect(shape(h.model.requests[1]!.input)).toEqual(['user:read', 'call:c1', 'output:c1', 'user:only a.ts please']);
    expect(h.events.filter((e) => e.type === 'steerDelivered').map((e) => e.type === 'steerDelivered' && e.via)).toEqual(['afterTools']);
  });

  it('notDelivered: sent with the next request, even if the model had already answered', async () => {
    const h = createAgentHarness();
    h.model.steerHandler = () => ({ status: 'notDelivered', reason: 'steering_not_supported' });
    h.model.script(whileRunning(() => void h.agent.steer('in French'), respond([say('Hello')])), respond([say('Bonjour')]));
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: 'greet me' });
    expect(outcome).toEqual({ kind: 'completed', text: 'Bonjour' });
    expect(shape(h.model.requests[1]!.input)).toEqual(['user:greet me', 'assistant:Hello', 'user:in French']);
  });

  it('while tools run (no request in flight): queued for the next tool boundary, not steered', async () => {
    const h = createAgentHarness({ tools: { allowedCommands: ['npm test'] } });
    h.terminal.handler = async () => {
      h.agent.steer('then run lint');
      return { exitCode: 0, output: 'pass', timedOut: false, cancelled: false };
    };
    h.model.script(respond([callTool('c1', 'run_command', { command: 'npm test', cwd: null, timeout_seconds: null })]), respond([say('ok')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'test' });
    expect(h.model.steered).toEqual([]);
    expect(shape(h.model.requests[1]!.input)).toEqual(['user:test', 'call:c1', 'output:c1', 'user:then run lint']);
  });

  it('a failed or cancelled turn still keeps the words in the transcript', async () => {
    const h = createAgentHarness();
    h.model.steerHandler = () => ({ status: 'delivered' });
    h.model.script(whileRunning(() => void h.agent.steer('wait, stop'), () => ({ kind: 'networkError', message: 'socket closed' })));
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: 'go' });
    expect(outcome.kind).toBe('failed');
    expect(shape(session.items)).toEqual(['user:go', 'user:wait, stop']);
    expect(h.events.filter((e) => e.type === 'steerDelivered').map((e) => e.type === 'steerDelivered' && e.via)).toEqual(['stream', 'keptInTranscript']);
  });

  it('waits for a slow steer answer before moving on', async () => {
    const h = createAgentHarness();
    let answer!: (status: 'pending') => void;
    h.model.steerHandler = () => new Promise((resolve) => (answer = (status) => resolve({ status })));
    h.workspace.write('/ws/a.ts', 'a\n');
    h.model.script(
      whileRunning(() => {
        h.agent.steer('late words');
        setTimeout(() => answer('pending'), 5);
      }, respond([callTool('c1', 'read_file', { path: 'a.ts' })])),
      respond([say('ok')]),
    );
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'x' });
    expect(shape(h.model.requests[1]!.input).at(-1)).toBe('user:late words');
  });

  it('without a running turn, steer says so (the UI sends a normal message)', () => {
    const h = createAgentHarness();
    expect(h.agent.steer('hello')).toEqual({ status: 'noTurnRunning' });
  });
});
