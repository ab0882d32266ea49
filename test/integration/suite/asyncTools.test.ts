/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent, TurnOutcome } from '../../../src/agent/events';
import type { ToolCardView } from '../../../src/protocol/webview';
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
    {
      id: 'stoppable',
      when: { userText: 'Start the slow check in the background' },
      output: [{ call: { name: 'run_task', callId: 'async_stopped', arguments: { label: SLOW_TASK } } }, { text: 'Started it; waiting.' }],
    },
    {
      id: 'stopped',
      when: { toolOutputs: [{ callId: 'async_stopped' }] },
      expect: { toolOutputs: [{ callId: 'async_stopped', output: { matches: '/cancel|stopp/i' } }] },
      say: 'You stopped the check.',
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
  const subscriptions: Array<{ dispose(): void }> = [];

  suiteSetup(async () => {
    session = await useEmulator(scenario, 0);
    const config = vscode.workspace.getConfiguration('holdfast');
    previousModel = config.inspect('model')?.workspaceValue;
    await config.update('model', 'gpt-6.2', vscode.ConfigurationTarget.Workspace);
    await waitFor('holdfast.model = gpt-6.2', () => session.holdfast.settings.model === 'gpt-6.2');
    // The chat view, open: its cards are what the user sees of a background task.
    await vscode.commands.executeCommand('holdfast.openChat');
    await waitFor('the chat view to be ready for cards', () => session.holdfast.chatView.canShowCards, 60_000);
    subscriptions.push(session.holdfast.agentHost.onEvent((event) => events.push(event)));
    // Stands in for the chat's approval card: allows the task once.
    subscriptions.push(session.holdfast.agentHost.approvals.setPresenter({ request: async (): Promise<ApprovalAnswer> => 'allowOnce' }));
  });

  setup(() => {
    events.length = 0;
    session.holdfast.agentHost.newSession();
  });

  /** Sends a prompt the way the chat view does (through its controller), resolving with the outcome. */
  function promptFromChat(text: string): Promise<TurnOutcome> {
    return session.holdfast.chat.sendPrompt(text);
  }

  /** A tool card as the chat view shows it now (the presenter's transcript of the shown session). */
  const cardOf = (callId: string): ToolCardView | undefined => {
    for (const turn of session.holdfast.chat.presenter.transcript().turns) {
      for (const item of turn.items) if (item.kind === 'tool' && item.card.id === callId) return item.card;
    }
    return undefined;
  };
  const backgroundCard = (callId: string): ToolCardView | undefined => {
    const card = cardOf(callId);
    return card?.background === true && card.status === 'running' ? card : undefined;
  };

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
    const { emulator } = session;
    const turn = promptFromChat('Run the slow check and read the code meanwhile');

    // The model has read both files and waits; the task is still running (it waits for its release file).
    await within(45_000, 'the turn waiting for its background task', waitFor('backgroundWait', () => events.some((e) => e.type === 'backgroundWait'), 45_000));
    const before = createFrames(emulator).filter((f) => f['generate'] !== false);
    assert.deepStrictEqual(before.map(outputsIn), [[], ['async_read_a'], ['async_read_b']], 'the model kept working without the task output');
    const started = events.find((e) => e.type === 'toolCallStarted' && e.callId === 'async_task');
    assert.ok(started?.type === 'toolCallStarted' && started.background, 'the task runs in the background');
    assert.ok(backgroundCard('async_task'), `the chat card shows the task running in the background: ${JSON.stringify(cardOf('async_task'))}`);

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

  test("the card's Stop cancels the background task only: the model gets its output and answers", async () => {
    const turn = promptFromChat('Start the slow check in the background, I may stop it');
    await waitFor('the background card of the running task', () => backgroundCard('async_stopped'), 45_000);
    await waitFor('the turn waiting for the task', () => events.some((e) => e.type === 'backgroundWait'), 45_000);
    // The task is allowed and running (Stop while it is still being asked would be a denial).
    await waitFor('the task to be allowed', () => events.some((e) => e.type === 'approvalResolved'), 45_000);
    assert.deepStrictEqual(events.filter((e) => e.type === 'approvalResolved').map((e) => e.type === 'approvalResolved' && e.answer), ['allowOnce']);
    await session.holdfast.chat.handle({ type: 'stopBackgroundCall', callId: 'async_stopped' });
    const outcome = await within(45_000, 'the turn after Stop', turn);
    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'You stopped the check.' });
    const finished = events.find((e) => e.type === 'toolCallFinished' && e.callId === 'async_stopped');
    assert.ok(finished?.type === 'toolCallFinished' && finished.status === 'cancelled', JSON.stringify(finished));
    assert.strictEqual(cardOf('async_stopped')?.status, 'cancelled', 'the card shows the task stopped');
  });
});
