import { describe, expect, it } from 'vitest';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { NOT_RUN_OUTPUT } from '../../../src/agent/agent';
import type { TurnOutcome } from '../../../src/agent/events';
import type { FunctionCallOutputItem, ResponseItem } from '../../../src/protocol/items';
import { exited, untilCancelled } from '../../fakes/scriptedProcesses';
import { createAgentHarness } from '../../fakes/agentHarness';
import { callTool, respond, say, usage } from '../../fakes/fakeModelClient';

const outputs = (items: readonly ResponseItem[]): FunctionCallOutputItem[] => items.filter((i): i is FunctionCallOutputItem => i.type === 'function_call_output');
const outputOf = (items: readonly ResponseItem[], callId: string): string | undefined => outputs(items).find((o) => o.call_id === callId)?.output;

/** Every call has exactly one output: the transcript is valid for the API. */
function expectConsistent(items: readonly ResponseItem[]): void {
  const calls = items.filter((i) => i.type === 'function_call').map((i) => (i as { call_id: string }).call_id);
  const answered = outputs(items).map((o) => o.call_id);
  expect([...answered].sort()).toEqual([...calls].sort());
}

describe('agent loop', () => {
  it('runs a multi-round tool chain and sends the full transcript each time', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/src/math.ts', 'export const add = (a: number, b: number) => a - b;\n');
    h.model.script(
      respond([callTool('c1', 'read_file', { path: 'src/math.ts', start_line: null, end_line: null })]),
      respond([callTool('c2', 'apply_edit', { path: 'src/math.ts', edits: [{ old_text: 'a - b', new_text: 'a + b' }], content: null })]),
      respond([say('Fixed: add now adds.')]),
    );
    const session = h.sessions.create();

    const outcome = await h.agent.runTurn(session, { text: 'add() subtracts, fix it' });

    expect(outcome).toEqual({ kind: 'completed', text: 'Fixed: add now adds.' });
    expect(h.workspace.text('/ws/src/math.ts')).toBe('export const add = (a: number, b: number) => a + b;\n');
    expect(h.workspace.appliedBatches).toHaveLength(1);
    expect(h.model.requests).toHaveLength(3);
    // Callers always pass the FULL input: request 3 = user, call, output, call, output.
    expect(h.model.requests[2]!.input.map((i) => i.type)).toEqual(['message', 'function_call', 'function_call_output', 'function_call', 'function_call_output']);
    expect((h.model.requests[1]!.input[2] as FunctionCallOutputItem).output).toContain('a - b');
    expect(outputOf(session.items, 'c2')).toBe('Edited src/math.ts: 1 replacement(s) applied; the file now has 2 lines.');
    expect(h.model.requests[0]!.instructions).toBe(h.model.requests[2]!.instructions);
    expect(h.model.requests[0]!.tools.map((t) => t.name)).toEqual(['read_file', 'list_files', 'search_text', 'get_diagnostics', 'apply_edit', 'run_task', 'run_command']);
    expect(h.model.requests[0]!.include).toEqual(['reasoning.encrypted_content']);
    expect(h.eventTypes()).toEqual([
      'turnStarted',
      'requestStarted',
      'toolCallStarted',
      'toolCallFinished',
      'requestStarted',
      'toolCallStarted',
      'editApplied',
      'toolCallFinished',
      'requestStarted',
      'textDelta',
      'assistantMessage',
      'turnFinished',
    ]);
    const finished = h.events.at(-1);
    expect(finished?.type === 'turnFinished' && finished.metrics).toMatchObject({ requests: 3, toolRounds: 2, toolCalls: 2, usage: { inputTokens: 300, outputTokens: 60 } });
    const edit = h.events.find((e) => e.type === 'editApplied');
    expect(edit?.type === 'editApplied' && edit.entry).toMatchObject({ display: 'src/math.ts', before: expect.stringContaining('a - b'), after: expect.stringContaining('a + b') });
    expectConsistent(session.items);
  });

  it('warms with exactly what its first request carries, minus the input', async () => {
    const h = createAgentHarness();
    const warmup = h.agent.buildRequest([]);
    h.model.script(respond([say('Hello.')]));
    await h.agent.runTurn(h.sessions.create(), { text: 'Hi' });
    const first = h.model.requests[0]!;
    expect(warmup.input).toEqual([]);
    expect({ ...first, input: [] }).toEqual(warmup);
  });

  it('runs reading calls concurrently and writing/executing calls one at a time, in order', async () => {
    const h = createAgentHarness({ tools: { allowedCommands: ['npm test'] } });
    for (const name of ['a', 'b', 'c']) h.workspace.write(`/ws/${name}.ts`, `// ${name}\n`);
    let inFlight = 0;
    let maxInFlight = 0;
    const order: string[] = [];
    const read = h.workspace.readFile.bind(h.workspace);
    h.workspace.readFile = async (path: string) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      order.push(`read ${path}`);
      return read(path);
    };
    h.terminal.handler = async ({ command }) => {
      order.push(`run ${command}`);
      return exited(0, 'ok');
    };
    h.model.script(
      respond([
        callTool('r1', 'read_file', { path: 'a.ts' }),
        callTool('r2', 'read_file', { path: 'b.ts' }),
        callTool('x1', 'run_command', { command: 'npm test', cwd: null, timeout_seconds: null }),
        callTool('r3', 'read_file', { path: 'c.ts' }),
      ]),
      respond([say('done')]),
    );
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'look' });

    expect(maxInFlight).toBe(2);
    expect(order.indexOf('run npm test')).toBeGreaterThan(order.indexOf('read /ws/b.ts'));
    expect(order.indexOf('run npm test')).toBeLessThan(order.indexOf('read /ws/c.ts'));
    expect(outputs(session.items).map((o) => o.call_id)).toEqual(['r1', 'r2', 'x1', 'r3']);
    expect(outputOf(session.items, 'x1')).toBe('The command exited with code 0.\nOutput:\nok');
  });

  it('returns a tool error to the model, which recovers', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/src/index.ts', 'export {};\n');
    h.model.script(
      respond([callTool('c1', 'read_file', { path: 'src/main.ts' })]),
      respond([callTool('c2', 'read_file', '{"path": "src/index.ts"}')]),
      respond([say('It is empty.')]),
    );
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: 'what is in main?' });

    expect(outcome.kind).toBe('completed');
    expect(outputOf(session.items, 'c1')).toBe('src/main.ts does not exist. Use list_files or search_text to find the right path.');
    expect(outputOf(session.items, 'c2')).toContain('src/index.ts — lines 1-1 of 1');
    const finished = h.events.filter((e) => e.type === 'toolCallFinished').map((e) => e.type === 'toolCallFinished' && e.status);
    expect(finished).toEqual(['error', 'ok']);
  });

  it('on Stop: the running tool gets the token, calls not run are marked, nothing runs twice', async () => {
    const h = createAgentHarness({ tools: { allowedCommands: ['npm run watch'] } });
    h.workspace.write('/ws/a.ts', 'a\n');
    const stop = new CancellationTokenSource();
    let toolSawCancellation = false;
    h.terminal.handler = ({ token }) => {
      queueMicrotask(() => stop.cancel());
      return untilCancelled(token, 'watching…').then((r) => {
        toolSawCancellation = token.isCancellationRequested;
        return r;
      });
    };
    h.model.script(
      respond([
        callTool('run', 'run_command', { command: 'npm run watch', cwd: null, timeout_seconds: null }),
        callTool('after', 'read_file', { path: 'a.ts' }),
      ]),
    );
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: 'watch' }, stop.token);

    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(toolSawCancellation).toBe(true);
    expect(h.terminal.runs).toHaveLength(1);
    expect(h.model.requests).toHaveLength(1);
    expect(outputOf(session.items, 'run')).toBe('The command was stopped because the user cancelled.\nOutput:\nwatching…');
    expect(outputOf(session.items, 'after')).toBe(NOT_RUN_OUTPUT);
    expectConsistent(session.items);
    // Continuing after Stop resends the same transcript and does not run the calls again.
    h.model.script(respond([say('stopped as asked')]));
    await h.agent.continueTurn(session);
    expect(h.terminal.runs).toHaveLength(1);
    expect(h.model.requests[1]!.input).toEqual(session.items.slice(0, h.model.requests[1]!.input.length));
  });

  it('abandons a tool that ignores cancellation after the grace period, saying so', async () => {
    const h = createAgentHarness({ tools: { allowedCommands: ['sleep'] }, toolCancelGraceMs: 10 });
    const stop = new CancellationTokenSource();
    h.terminal.handler = () => {
      stop.cancel();
      return new Promise(() => undefined); // never settles
    };
    h.model.script(respond([callTool('c1', 'run_command', { command: 'sleep 1000', cwd: null, timeout_seconds: null })]));
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: 'sleep' }, stop.token);
    expect(outcome.kind).toBe('cancelled');
    expect(outputOf(session.items, 'c1')).toMatch(/still running when the user stopped the turn, and was abandoned/);
    expectConsistent(session.items);
  });

  it('Stop while a question waits resolves it as cancelled (nobody answered), not as a denial', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/a.ts', 'a\n');
    const stop = new CancellationTokenSource();
    h.approvals.answer = () => {
      stop.cancel();
      return new Promise(() => undefined); // the user never answers
    };
    h.model.script(respond([callTool('c1', 'run_command', { command: 'rm -rf build', cwd: null, timeout_seconds: null })]));
    const outcome = await h.agent.runTurn(h.sessions.create(), { text: 'clean' }, stop.token);
    expect(outcome.kind).toBe('cancelled');
    const resolved = h.events.filter((e) => e.type === 'approvalResolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ answer: 'deny', cancelled: true });
  });

  it('an answered question carries no cancelled mark', async () => {
    const h = createAgentHarness();
    h.model.script(respond([callTool('c1', 'run_command', { command: 'rm -rf build', cwd: null, timeout_seconds: null })]), respond([say('ok')]));
    h.approvals.answer = 'deny';
    await h.agent.runTurn(h.sessions.create(), { text: 'clean' });
    const resolved = h.events.find((e) => e.type === 'approvalResolved');
    expect(resolved).toBeDefined();
    expect(resolved && 'cancelled' in resolved).toBe(false);
  });

  it('cancellation during the model request leaves the transcript with just the user message', async () => {
    const h = createAgentHarness();
    h.model.script((_request, options) => new Promise((resolve) => options.token!.onCancellationRequested(() => resolve({ kind: 'cancelled' }))));
    const session = h.sessions.create();
    const running = h.agent.runTurn(session, { text: 'hello' });
    await new Promise((r) => setTimeout(r, 1));
    h.agent.stop();
    expect(await running).toEqual({ kind: 'cancelled' });
    expect(session.items).toHaveLength(1);
    expect(session.turns[0]!.outcome).toBe('cancelled');
  });

  it('pauses at the tool-round budget and asks; "no" ends the turn as budgetPaused', async () => {
    const h = createAgentHarness({ settings: { maxToolRoundsPerTurn: 2 } });
    h.workspace.write('/ws/a.ts', 'a\n');
    const read = (id: string) => respond([callTool(id, 'read_file', { path: 'a.ts' })]);
    h.model.script(read('c1'), read('c2'), read('c3'));
    h.approvals.answer = 'deny';
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: 'loop forever' });

    expect(outcome).toEqual({ kind: 'budgetPaused', budget: 'toolRounds', used: 2, limit: 2 });
    expect(h.approvals.requests).toEqual([{ kind: 'continueAfterBudget', budget: 'toolRounds', used: 2, limit: 2 }]);
    expect(h.model.requests).toHaveLength(2);
    expect(h.eventTypes()).toContain('budgetPaused');
    expectConsistent(session.items);
  });

  it('asks the approvals port with the turn id and approval id its approval events carry', async () => {
    const h = createAgentHarness({ settings: { maxToolRoundsPerTurn: 1, maxTokensPerTurn: 10_000 } });
    h.workspace.write('/ws/a.ts', 'a\n');
    h.model.script(respond([callTool('c1', 'read_file', { path: 'a.ts' })]), respond([callTool('c2', 'read_file', { path: 'a.ts' })]), respond([say('done')]));
    h.approvals.answer = 'allowOnce';
    await h.agent.runTurn(h.sessions.create(), { text: 'go' });
    const requested = h.events.flatMap((e) => (e.type === 'approvalRequested' ? [{ turnId: e.turnId, approvalId: e.approvalId }] : []));
    const resolved = h.events.flatMap((e) => (e.type === 'approvalResolved' ? [{ turnId: e.turnId, approvalId: e.approvalId }] : []));
    const turnId = h.events.find((e) => e.type === 'turnStarted')?.turnId;
    expect(requested).toHaveLength(2);
    expect(h.approvals.contexts).toEqual(requested);
    expect(resolved).toEqual(requested);
    expect(new Set(requested.map((c) => c.approvalId)).size).toBe(2);
    expect(requested.every((c) => c.turnId === turnId)).toBe(true);
  });

  it('continues past the budget when the user says yes, and asks again at the next limit', async () => {
    const h = createAgentHarness({ settings: { maxToolRoundsPerTurn: 1, maxTokensPerTurn: 10_000 } });
    h.workspace.write('/ws/a.ts', 'a\n');
    h.model.script(
      respond([callTool('c1', 'read_file', { path: 'a.ts' })]),
      respond([callTool('c2', 'read_file', { path: 'a.ts' })]),
      respond([say('done')]),
    );
    h.approvals.answer = 'allowOnce';
    const outcome = await h.agent.runTurn(h.sessions.create(), { text: 'go' });
    expect(outcome).toEqual({ kind: 'completed', text: 'done' });
    expect(h.approvals.requests.map((r) => r.kind === 'continueAfterBudget' && r.limit)).toEqual([1, 2]);
  });

  it('pauses at the token budget', async () => {
    const h = createAgentHarness({ settings: { maxTokensPerTurn: 1000 } });
    h.workspace.write('/ws/a.ts', 'a\n');
    h.model.script(respond([callTool('c1', 'read_file', { path: 'a.ts' })], usage(900, 150)), respond([say('never')]));
    const outcome = await h.agent.runTurn(h.sessions.create(), { text: 'go' });
    expect(outcome).toEqual({ kind: 'budgetPaused', budget: 'tokens', used: 1050, limit: 1000 });
    expect(h.model.requests).toHaveLength(1);
  });

  it('reports a model failure as a typed outcome; Retry continues with the same transcript', async () => {
    const h = createAgentHarness();
    h.model.script(() => ({ kind: 'rateLimited', message: 'slow down', retryAfterMs: 2000 }), respond([say('hi')]));
    const session = h.sessions.create();
    const failed: TurnOutcome = await h.agent.runTurn(session, { text: 'hello' });
    expect(failed).toEqual({ kind: 'failed', error: { kind: 'rateLimited', message: 'slow down', retryAfterMs: 2000 } });
    expect(await h.agent.continueTurn(session)).toEqual({ kind: 'completed', text: 'hi' });
    expect(h.model.requests[1]!.input).toEqual(h.model.requests[0]!.input);
  });

  it('refuses a second turn while one runs', async () => {
    const h = createAgentHarness();
    let release!: () => void;
    h.model.script(() => new Promise((resolve) => (release = () => resolve(respond([say('one')])(h.model.requests[0]!, {}) as never))));
    const session = h.sessions.create();
    const first = h.agent.runTurn(session, { text: 'one' });
    await new Promise((r) => setTimeout(r, 1));
    expect(await h.agent.runTurn(session, { text: 'two' })).toEqual({ kind: 'busy' });
    release();
    expect((await first).kind).toBe('completed');
  });

  it('in an untrusted workspace offers only reading tools and says so in the instructions', async () => {
    const h = createAgentHarness({ tools: { workspaceTrusted: false } });
    h.model.script(respond([say('ok')]));
    await h.agent.runTurn(h.sessions.create(), { text: 'hi' });
    expect(h.model.requests[0]!.tools.map((t) => t.name)).toEqual(['read_file', 'list_files', 'search_text', 'get_diagnostics']);
    expect(h.model.requests[0]!.instructions).toContain('This workspace is not trusted');
  });

  it('attaches editor context; a mentioned secret is not attached', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/src/a.ts', 'const x = 1;\n').write('/ws/.env', 'KEY=1\n');
    h.model.script(respond([say('ok')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, {
      text: 'explain',
      activeFile: { path: 'src/a.ts', selection: { startLine: 1, endLine: 1, text: 'const x = 1;' } },
      mentions: ['src/a.ts', '.env'],
    });
    const text = (h.model.requests[0]!.input[0] as { content: Array<{ text: string }> }).content[0]!.text;
    expect(text).toContain('Active file: src/a.ts, selected lines 1-1:\n```\nconst x = 1;\n```');
    expect(text).toContain('@src/a.ts:\n```\nsrc/a.ts — lines 1-1 of 1\nconst x = 1;');
    expect(text).toMatch(/@\.env: not attached\. Refused: \.env looks like a secret file/);
    expect(text).not.toContain('KEY=1');
    // A mentioned file counts as read: the model may edit it straight away.
    expect(session.reads.check('/ws/src/a.ts', 'const x = 1;\n')).toBe('current');
  });
});
