/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import type { HostToWebview } from '../../../src/protocol/webview';
import type { ApprovalAnswer } from '../../../src/tools/ports';
import type { Scenario } from '../../emulator';
import { createFrames, toolOutputOf, useEmulator, type EmulatorSession } from '../support/emulatorSession';
import { waitFor, within } from '../support/waiting';
import { fileIn, writeText } from '../support/workspaceFiles';

/**
 * Async tools (issue 17) in a real VS Code: on a GPT-6-like model the scripted model runs a real task
 * (the fixture's "slow check", which ends only when its release file appears) asynchronously, keeps
 * reading files while it runs, says it waits, and answers from the task's output. The frames must show
 * the model's next requests BEFORE the request that carries the task's output.
 */

const SLOW_TASK = 'fixture: slow check';
const RELEASE_FILE = '.async-release';

const scenario: Scenario = {
  name: 'integration-async',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    {
      id: 'start',
      when: { userText: 'Run the slow check' },
      output: [
        { call: { name: 'run_task', callId: 'async_task', arguments: { label: SLOW_TASK } } },
        { text: 'While the check runs, I will read the code.' },
        { call: { name: 'read_file', callId: 'async_read_a', arguments: { path: 'src/a.ts', start_line: null, end_line: null } } },
      ],
    },
    {
      id: 'read-b',
      when: { toolOutputs: [{ callId: 'async_read_a' }] },
      expect: { toolOutputs: [{ callId: 'async_read_a', output: 'export function add' }] },
      calls: [{ name: 'read_file', callId: 'async_read_b', arguments: { path: 'src/b.ts', start_line: null, end_line: null } }],
    },
    { id: 'wait', when: { toolOutputs: [{ callId: 'async_read_b' }] }, say: 'Read both files; waiting for the check.' },
    {
      id: 'result',
      when: { toolOutputs: [{ callId: 'async_task' }] },
      expect: { toolOutputs: [{ callId: 'async_task', output: 'slow check passed' }] },
      say: 'The slow check passed.',
    },
  ],
};

const outputsIn = (frame: Record<string, unknown>): string[] =>
  ((frame['input'] as Array<Record<string, unknown>> | undefined) ?? []).filter((i) => i['type'] === 'function_call_output').map((i) => String(i['call_id']));

suite('async tools: a task runs in the background while the model keeps reading', function () {
  this.timeout(90_000);
  let session: EmulatorSession;
  let previousModel: unknown;
  const events: AgentEvent[] = [];
  const posts: HostToWebview[] = [];
  const subscriptions: Array<{ dispose(): void }> = [];

  suiteSetup(async () => {
    session = await useEmulator(scenario, 0);
    const config = vscode.workspace.getConfiguration('holdfast');
    previousModel = config.inspect('model')?.workspaceValue;
    await config.update('model', 'gpt-6.2', vscode.ConfigurationTarget.Workspace);
    await waitFor('holdfast.model = gpt-6.2', () => session.holdfast.settings.model === 'gpt-6.2');
    subscriptions.push(session.holdfast.agentHost.onEvent((event) => events.push(event)));
    subscriptions.push(session.holdfast.chat.onDidPost((message) => posts.push(message)));
    // Stands in for the chat's approval card: allows the task once.
    subscriptions.push(session.holdfast.agentHost.approvals.setPresenter({ request: async (): Promise<ApprovalAnswer> => 'allowOnce' }));
    session.holdfast.agentHost.newSession();
  });

  suiteTeardown(async () => {
    for (const subscription of subscriptions.splice(0)) subscription.dispose();
    await vscode.workspace.getConfiguration('holdfast').update('model', previousModel, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(fileIn(RELEASE_FILE)).then(
      () => undefined,
      () => undefined,
    );
    await session?.restore();
  });

  test('the frames show the model reading (two requests) before the request that carries the task output', async () => {
    const { emulator, holdfast } = session;
    const turn = holdfast.agentHost.runTurn({ text: 'Run the slow check and read the code meanwhile' });

    // The model has read both files and waits; the task is still running (it waits for its release file).
    await within(45_000, 'the turn waiting for its background task', waitFor('backgroundWait', () => events.some((e) => e.type === 'backgroundWait'), 45_000));
    const before = createFrames(emulator).filter((f) => f['generate'] !== false);
    assert.deepStrictEqual(before.map(outputsIn), [[], ['async_read_a'], ['async_read_b']], 'the model kept working without the task output');
    const started = events.find((e) => e.type === 'toolCallStarted' && e.callId === 'async_task');
    assert.ok(started?.type === 'toolCallStarted' && started.background, 'the task runs in the background');
    assert.ok(
      posts.some((m) => m.type === 'toolCard' && m.card.id === 'async_task' && m.card.background === true && m.card.status === 'running'),
      'the chat card shows the task running in the background',
    );

    await writeText(RELEASE_FILE, 'go\n');
    const outcome = await within(45_000, 'the turn after the task ended', turn);
    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'The slow check passed.' });

    const frames = createFrames(emulator).filter((f) => f['generate'] !== false);
    assert.deepStrictEqual(frames.map(outputsIn), [[], ['async_read_a'], ['async_read_b'], ['async_task']]);
    const declared = (frames[0]!['tools'] as Array<Record<string, unknown>>).filter((t) => t['async'] === true).map((t) => t['name']);
    assert.deepStrictEqual(declared, ['get_diagnostics', 'run_task', 'run_command']);
    assert.match(toolOutputOf(emulator, 'async_task'), /slow check passed/);
    assert.strictEqual(emulator.stats().toolOutputs.filter((o) => o.callId === 'async_task').length, 1, 'the output reached the server once');
  });
});
