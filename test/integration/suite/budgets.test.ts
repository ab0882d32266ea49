/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent, TurnOutcome } from '../../../src/agent/events';
import type { Holdfast } from '../../../src/app/holdfast';
import { parseWebviewToHost, type QuestionApprovalView } from '../../../src/protocol/webview';
import type { ApprovalRequest } from '../../../src/tools/ports';
import { type Emulator, type Scenario, startEmulator } from '../../emulator';
import { connectToEmulator, toolOutputOf } from '../support/emulatorSession';
import { holdfastUnderTest } from '../support/holdfastExtension';
import { waitFor } from '../support/waiting';
import { readText, writeText } from '../support/workspaceFiles';

/**
 * Issue 5's pauses inside a real VS Code with the chat view open: a per-turn budget
 * (`holdfast.maxToolRoundsPerTurn`, `holdfast.maxTokensPerTurn`) and repeated apply_edit mismatches on
 * one file stop the turn with a question card in the chat (Continue / Stop here; Keep trying / Stop
 * editing this file), and the turn does what the answer says. Answers go the way the view's do: the raw
 * message through `parseWebviewToHost` (the zod check the view provider applies), then the chat
 * controller, which only takes decisions the card offered. The budgets are set as workspace settings
 * while the connection stays as it is: the agent reads them per turn, no connection change needed.
 */

const MISMATCH_FILE = 'src/budget-mismatch.ts';
const MISMATCH_BEFORE = "/** Written by the budgets suite. */\nexport const mismatch = 'original';\n";
const WRONG_OLD_TEXT = "export const mismatch = 'not what the file says';";
const RIGHT_OLD_TEXT = "export const mismatch = 'original';";
const NEW_TEXT = "export const mismatch = 'edited';";

/** Three tool rounds (read_file each), then an answer: needs more than a budget of two rounds. */
function threeRounds(variant: string): Scenario['steps'] {
  const call = (n: number) => `budget_${variant}_r${n}`;
  const files = ['src/greeting.ts', 'src/a.ts', 'src/b.ts'];
  return [
    {
      id: `budget-${variant}-1`,
      when: { userText: `Walk the files in three rounds (${variant})` },
      calls: [{ name: 'read_file', callId: call(1), arguments: { path: files[0], start_line: null, end_line: null } }],
    },
    ...[2, 3].map((n) => ({
      id: `budget-${variant}-${n}`,
      when: { toolOutputs: [{ callId: call(n - 1) }] },
      calls: [{ name: 'read_file', callId: call(n), arguments: { path: files[n - 1], start_line: null, end_line: null } }],
    })),
    {
      id: `budget-${variant}-done`,
      when: { toolOutputs: [{ callId: call(3) }] },
      expect: { toolOutputs: [{ callId: call(3), output: 'export function total' }] },
      say: `Walked three files (${variant}).`,
    },
  ];
}

/** read, three apply_edits whose old_text is not in the file, then a fourth edit that would match. */
function mismatches(variant: 'stop' | 'keep'): Scenario['steps'] {
  const id = (n: number) => `mm_${variant}_${n}`;
  const edit = (n: number, oldText: string) => ({
    name: 'apply_edit',
    callId: id(n),
    arguments: { path: MISMATCH_FILE, edits: [{ old_text: oldText, new_text: NEW_TEXT }], content: null },
  });
  return [
    {
      id: `mismatch-${variant}-read`,
      when: { userText: `Change the constant in ${MISMATCH_FILE} (${variant})` },
      calls: [{ name: 'read_file', callId: id(0), arguments: { path: MISMATCH_FILE, start_line: null, end_line: null } }],
    },
    ...[1, 2, 3].map((n) => ({
      id: `mismatch-${variant}-${n}`,
      when: { toolOutputs: [{ callId: id(n - 1) }] },
      ...(n > 1 ? { expect: { toolOutputs: [{ callId: id(n - 1), output: { matches: '/^old_text was not found in src\\/budget-mismatch\\.ts/' } }] } } : {}),
      calls: [edit(n, WRONG_OLD_TEXT)],
    })),
    {
      id: `mismatch-${variant}-4`,
      when: { toolOutputs: [{ callId: id(3) }] },
      expect: {
        toolOutputs: [
          {
            callId: id(3),
            output:
              variant === 'stop'
                ? { matches: '/failed to match 3 times and the user asked you to stop editing it/' }
                : { matches: '/^old_text was not found in src\\/budget-mismatch\\.ts/' },
          },
        ],
      },
      // This one matches: refused after "Stop editing this file", applied after "Keep trying".
      calls: [edit(4, RIGHT_OLD_TEXT)],
    },
    {
      id: `mismatch-${variant}-done`,
      when: { toolOutputs: [{ callId: id(4) }] },
      expect: {
        toolOutputs: [
          { callId: id(4), output: variant === 'stop' ? { matches: '/asked you to stop editing src\\/budget-mismatch\\.ts in this turn/' } : `Edited ${MISMATCH_FILE}` },
        ],
      },
      say: variant === 'stop' ? 'I left the file alone.' : 'Changed the constant.',
    },
  ];
}

const scenario: Scenario = {
  name: 'integration-budgets',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    ...threeRounds('continue'),
    ...threeRounds('stop'),
    ...threeRounds('modal'),
    ...threeRounds('hidden'),
    // One tool round, then the answer: the token budget of 1 is reached after the first round.
    {
      id: 'tokens-read',
      when: { userText: 'Read one file on a small token budget' },
      calls: [{ name: 'read_file', callId: 'tokens_r1', arguments: { path: 'src/greeting.ts', start_line: null, end_line: null } }],
    },
    {
      id: 'tokens-done',
      when: { toolOutputs: [{ callId: 'tokens_r1' }] },
      expect: { toolOutputs: [{ callId: 'tokens_r1', output: 'hello from the fixture workspace' }] },
      say: 'Read it past the token budget.',
    },
    ...mismatches('stop'),
    ...mismatches('keep'),
  ],
};

type BudgetSetting = 'maxToolRoundsPerTurn' | 'maxTokensPerTurn';

suite('agent: budget and edit-mismatch questions in the chat view', function () {
  // A guard against a hang only: CI machines are slow and shared, so no test asserts how long anything takes.
  this.timeout(180_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let disconnect: (() => Promise<void>) | undefined;
  const events: AgentEvent[] = [];
  let subscription: { dispose(): void } | undefined;
  const previous: Partial<Record<BudgetSetting, unknown>> = {};

  suiteSetup(async () => {
    holdfast = await holdfastUnderTest();
    const config = vscode.workspace.getConfiguration('holdfast');
    for (const key of ['maxToolRoundsPerTurn', 'maxTokensPerTurn'] as const) previous[key] = config.inspect(key)?.workspaceValue;
    emulator = await startEmulator({ scenario, tokensPerSecond: 0, pingIntervalMs: 0 });
    disconnect = await connectToEmulator(holdfast, emulator);
    subscription = holdfast.agentHost.onEvent((event) => events.push(event));
    await vscode.commands.executeCommand('holdfast.openChat');
    await waitFor('the chat view to be ready for cards', () => holdfast.chatView.canShowCards, 60_000);
  });

  suiteTeardown(async () => {
    if (holdfast?.agentHost.agent.runningTurn) holdfast.agentHost.stop();
    subscription?.dispose();
    const config = vscode.workspace.getConfiguration('holdfast');
    for (const key of ['maxToolRoundsPerTurn', 'maxTokensPerTurn'] as const) await config.update(key, previous[key], vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, ...MISMATCH_FILE.split('/'))).then(undefined, () => undefined);
    // Later suites expect VS Code's own prompts (no chat view showing cards).
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await disconnect?.();
    await emulator?.close();
  });

  setup(() => {
    events.length = 0;
    holdfast.agentHost.newSession();
  });

  /** Sets a budget in the workspace for the duration of `body`, then puts the previous value back. */
  async function withBudget<T>(key: BudgetSetting, value: number, body: () => Promise<T>): Promise<T> {
    const config = vscode.workspace.getConfiguration('holdfast');
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
    try {
      return await body();
    } finally {
      await config.update(key, previous[key], vscode.ConfigurationTarget.Workspace);
    }
  }

  /** The question card `approvalId` in the chat's display model (what the view renders). */
  function questionCard(approvalId: string): QuestionApprovalView | undefined {
    for (const turn of holdfast.chat.presenter.transcript().turns) {
      for (const item of turn.items) if (item.kind === 'approval' && item.card.kind === 'question' && item.card.id === approvalId) return item.card;
    }
    return undefined;
  }

  function lastTurnView() {
    return holdfast.chat.presenter.transcript().turns.at(-1);
  }

  /** Sends what the view would send: validated like ChatViewProvider does, then to the controller. */
  async function fromView(raw: unknown): Promise<void> {
    const parsed = parseWebviewToHost(raw);
    assert.ok(parsed.ok, `the view's message is invalid: ${JSON.stringify(raw)}`);
    const message = parsed.message;
    assert.ok(message.type !== 'ready' && message.type !== 'ping' && message.type !== 'runAction');
    await holdfast.chat.handle(message);
  }

  /** Starts a turn and resolves once it asks `kind` with a card in the chat. */
  async function runUntilQuestion(text: string, kind: ApprovalRequest['kind']) {
    const asked = holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === kind);
    const turn = holdfast.agentHost.runTurn({ text });
    const first = await Promise.race([asked, turn.then((outcome) => ({ endedWith: outcome }))]);
    if ('endedWith' in first) assert.fail(`the turn ended without asking: ${JSON.stringify(first.endedWith)}`);
    const pending = first;
    const asker = pending.asker;
    assert.ok(asker?.type === 'turn', 'the port was asked with the turn and question ids');
    const requested = events.find((e): e is Extract<AgentEvent, { type: 'approvalRequested' }> => e.type === 'approvalRequested' && e.approvalId === asker.approvalId);
    assert.ok(requested, 'the agent announced the question');
    assert.deepStrictEqual(requested.request, pending.request);
    return { turn, pending, approvalId: requested.approvalId, turnId: requested.turnId };
  }

  /** Every function_call of the session has exactly one function_call_output, after it. */
  function assertCallsAnswered(): void {
    const items = holdfast.agentHost.currentSession!.items;
    const calls = items.flatMap((item, index) => (item.type === 'function_call' ? [{ id: item.call_id, index }] : []));
    for (const call of calls) {
      const outputs = items.flatMap((item, index) => (item.type === 'function_call_output' && item.call_id === call.id ? [index] : []));
      assert.strictEqual(outputs.length, 1, `call ${call.id} has ${outputs.length} outputs`);
      assert.ok(outputs[0]! > call.index, `the output of ${call.id} comes before its call`);
    }
  }

  function finishedTools(): string[] {
    return events.filter((e) => e.type === 'toolCallFinished').map((e) => (e.type === 'toolCallFinished' ? `${e.callId}:${e.status}` : ''));
  }

  test('a tool-round budget set in the workspace pauses the turn with a card; Continue lets it finish', async () => {
    const connectionConfig = holdfast.settings;
    await withBudget('maxToolRoundsPerTurn', 2, async () => {
      // No connection setting changed: the connection's config was not re-read, yet the agent sees the budget.
      assert.strictEqual(holdfast.settings, connectionConfig, 'the connection settings were re-read');
      const requestsBefore = emulator.stats().requests.length;
      const { turn, pending, approvalId } = await runUntilQuestion('Walk the files in three rounds (continue)', 'continueAfterBudget');

      assert.strictEqual(pending.shownIn, 'presenter', 'asked in the chat, not in a modal');
      assert.deepStrictEqual(pending.request, { kind: 'continueAfterBudget', budget: 'toolRounds', used: 2, limit: 2 });
      assert.ok(events.some((e) => e.type === 'budgetPaused' && e.budget === 'toolRounds' && e.used === 2 && e.limit === 2));
      assert.strictEqual(emulator.stats().requests.length - requestsBefore, 2, 'no request goes out while the turn is paused');
      const card = questionCard(approvalId);
      assert.ok(card, 'the question card is in the chat');
      assert.deepStrictEqual(
        { topic: card.topic, message: card.message, detail: card.detail, continueLabel: card.continueLabel, stopLabel: card.stopLabel, state: card.state },
        {
          topic: 'budget',
          message: 'This turn reached its tool-round budget (2 of 2). Continue?',
          detail: 'The limit is the setting holdfast.maxToolRoundsPerTurn.',
          continueLabel: 'Continue',
          stopLabel: 'Stop here',
          state: 'pending',
        },
      );
      assert.ok(holdfast.chat.offered().approvals.includes(approvalId));

      // A tampered view: "always" is not offered on a question; a forged id answers nothing.
      const refusedBefore = holdfast.chat.refused.length;
      await fromView({ type: 'approvalDecision', approvalId, decision: 'allowAlways' });
      await fromView({ type: 'approvalDecision', approvalId: 'budget-never-shown', decision: 'allowOnce' });
      assert.deepStrictEqual(holdfast.chat.refused.slice(refusedBefore), [
        `approval ${approvalId}: "allowAlways" was not offered on that card`,
        'approval budget-never-shown, which is not an open card',
      ]);
      assert.ok(holdfast.agentHost.approvals.pending.includes(pending), 'the question is still open');

      await fromView({ type: 'approvalDecision', approvalId, decision: 'allowOnce' });
      assert.deepStrictEqual(await turn, { kind: 'completed', text: 'Walked three files (continue).' });
      assert.strictEqual(questionCard(approvalId)?.state, 'allowedOnce');
      assert.deepStrictEqual(finishedTools(), ['budget_continue_r1:ok', 'budget_continue_r2:ok', 'budget_continue_r3:ok']);
      assert.strictEqual(lastTurnView()?.status, 'done');
      assert.ok(!lastTurnView()?.items.some((i) => i.kind === 'error'), 'no error card after Continue');
      assert.strictEqual(holdfast.agentHost.currentSession!.turns.at(-1)?.outcome, 'completed');
      assertCallsAnswered();
    });
  });

  test('Stop on the budget card ends the turn paused, with a consistent transcript that Retry continues', async () => {
    await withBudget('maxToolRoundsPerTurn', 2, async () => {
      const requestsBefore = emulator.stats().requests.length;
      const { turn, pending, approvalId, turnId } = await runUntilQuestion('Walk the files in three rounds (stop)', 'continueAfterBudget');
      assert.strictEqual(pending.shownIn, 'presenter');
      assert.strictEqual(questionCard(approvalId)?.state, 'pending');

      await fromView({ type: 'approvalDecision', approvalId, decision: 'deny' });
      const paused: TurnOutcome = { kind: 'budgetPaused', budget: 'toolRounds', used: 2, limit: 2 };
      assert.deepStrictEqual(await turn, paused);

      // The model got exactly the two rounds; the third read never ran.
      assert.strictEqual(emulator.stats().requests.length - requestsBefore, 2);
      assert.deepStrictEqual(finishedTools(), ['budget_stop_r1:ok', 'budget_stop_r2:ok']);
      assert.match(toolOutputOf(emulator, 'budget_stop_r1'), /hello from the fixture workspace/);
      assert.ok(!emulator.stats().toolOutputs.some((o) => o.callId === 'budget_stop_r2'), 'the paused round’s output waits for the next request');
      const session = holdfast.agentHost.currentSession!;
      assert.strictEqual(session.turns.at(-1)?.id, turnId);
      assert.strictEqual(session.turns.at(-1)?.outcome, 'budgetPaused');
      assertCallsAnswered();
      const last = session.items.at(-1);
      assert.ok(last?.type === 'function_call_output' && last.call_id === 'budget_stop_r2', `the transcript ends with the last round's output, not ${JSON.stringify(last)}`);
      assert.ok(!last.output.includes('cancelled') && /export function add/.test(last.output), 'the output is the real one');
      // Saved as it stands.
      const saved = await holdfast.agentHost.sessions.load(session.id);
      assert.strictEqual(saved?.turns.at(-1)?.outcome, 'budgetPaused');
      assert.deepStrictEqual(saved?.items.length, session.items.length);

      // The chat: the card says Stop, the turn ended with a "Paused" error card offering Retry.
      assert.strictEqual(questionCard(approvalId)?.state, 'denied');
      const view = lastTurnView()!;
      assert.strictEqual(view.id, turnId);
      assert.strictEqual(view.status, 'done');
      const errors = view.items.flatMap((i) => (i.kind === 'error' ? [i.error] : []));
      assert.deepStrictEqual(
        errors.map((e) => [e.message, e.actions]),
        [['Paused: this turn reached its tool-round budget (2 of 2). Retry continues it.', ['retry']]],
      );
      assert.deepStrictEqual(holdfast.chat.offered().retry, [turnId]);
      assert.strictEqual(holdfast.agentHost.agent.runningTurn, undefined);

      // Retry (from the view) continues from the paused transcript: the model gets the second round's output.
      const finished = new Promise<Extract<AgentEvent, { type: 'turnFinished' }>>((resolve) => {
        const sub = holdfast.agentHost.onEvent((e) => {
          if (e.type === 'turnFinished' && e.turnId !== turnId) {
            sub.dispose();
            resolve(e);
          }
        });
      });
      await fromView({ type: 'retry', turnId });
      const retried = await finished;
      assert.deepStrictEqual(retried.outcome, { kind: 'completed', text: 'Walked three files (stop).' }, 'the retried turn runs the third round and answers');
      assert.match(toolOutputOf(emulator, 'budget_stop_r2'), /export function add/);
      assert.deepStrictEqual(finishedTools(), ['budget_stop_r1:ok', 'budget_stop_r2:ok', 'budget_stop_r3:ok']);
      assertCallsAnswered();
    });
  });

  test('a token budget pauses with its own card; Continue finishes the turn', async () => {
    await withBudget('maxTokensPerTurn', 1, async () => {
      const { turn, pending, approvalId } = await runUntilQuestion('Read one file on a small token budget', 'continueAfterBudget');
      assert.strictEqual(pending.shownIn, 'presenter');
      assert.ok(pending.request.kind === 'continueAfterBudget' && pending.request.budget === 'tokens' && pending.request.limit === 1 && pending.request.used > 1);
      const card = questionCard(approvalId);
      assert.match(card?.message ?? '', /^This turn reached its token budget \(\d+ of 1\)\. Continue\?$/);
      assert.strictEqual(card?.detail, 'The limit is the setting holdfast.maxTokensPerTurn.');

      await fromView({ type: 'approvalDecision', approvalId, decision: 'allowOnce' });
      assert.deepStrictEqual(await turn, { kind: 'completed', text: 'Read it past the token budget.' });
      assert.strictEqual(questionCard(approvalId)?.state, 'allowedOnce');
      assertCallsAnswered();
    });
  });

  test('repeated apply_edit mismatches ask in the chat; "Stop editing this file" leaves it unchanged', async () => {
    await writeText(MISMATCH_FILE, MISMATCH_BEFORE);
    const { turn, pending, approvalId } = await runUntilQuestion(`Change the constant in ${MISMATCH_FILE} (stop)`, 'editMismatches');
    assert.strictEqual(pending.shownIn, 'presenter');
    assert.ok(pending.request.kind === 'editMismatches' && pending.request.path === MISMATCH_FILE && pending.request.failures === 3);
    const card = questionCard(approvalId);
    assert.ok(card);
    assert.deepStrictEqual(
      { topic: card.topic, message: card.message, continueLabel: card.continueLabel, stopLabel: card.stopLabel, state: card.state },
      {
        topic: 'editMismatches',
        message: `Holdfast's edits to ${MISMATCH_FILE} failed to match 3 times. Let it keep trying?`,
        continueLabel: 'Keep trying',
        stopLabel: 'Stop editing this file',
        state: 'pending',
      },
    );
    assert.match(card.detail ?? '', /^Last error: old_text was not found in src\/budget-mismatch\.ts/);

    const refusedBefore = holdfast.chat.refused.length;
    await fromView({ type: 'approvalDecision', approvalId, decision: 'allowAlways' });
    assert.strictEqual(holdfast.chat.refused.length, refusedBefore + 1, 'a decision the card did not offer is refused');

    await fromView({ type: 'approvalDecision', approvalId, decision: 'deny' });
    assert.deepStrictEqual(await turn, { kind: 'completed', text: 'I left the file alone.' });
    assert.strictEqual(questionCard(approvalId)?.state, 'denied');
    assert.strictEqual(await readText(MISMATCH_FILE), MISMATCH_BEFORE, 'the file is unchanged');
    // The fourth edit would have matched: it is refused because the user said stop.
    assert.match(toolOutputOf(emulator, 'mm_stop_4'), /^The user asked you to stop editing src\/budget-mismatch\.ts in this turn/);
    assert.deepStrictEqual(finishedTools(), ['mm_stop_0:ok', 'mm_stop_1:error', 'mm_stop_2:error', 'mm_stop_3:denied', 'mm_stop_4:denied']);
    const session = holdfast.agentHost.currentSession!;
    assert.deepStrictEqual(session.journal.entriesOf(session.turns.at(-1)!.id), [], 'no edit was recorded');
    assertCallsAnswered();
  });

  test('"Keep trying" on the mismatch card lets the next matching edit land', async () => {
    await writeText(MISMATCH_FILE, MISMATCH_BEFORE);
    const { turn, pending, approvalId } = await runUntilQuestion(`Change the constant in ${MISMATCH_FILE} (keep)`, 'editMismatches');
    assert.strictEqual(pending.shownIn, 'presenter');
    assert.strictEqual(await readText(MISMATCH_FILE), MISMATCH_BEFORE);

    await fromView({ type: 'approvalDecision', approvalId, decision: 'allowOnce' });
    assert.deepStrictEqual(await turn, { kind: 'completed', text: 'Changed the constant.' });
    assert.strictEqual(questionCard(approvalId)?.state, 'allowedOnce');
    assert.strictEqual(await readText(MISMATCH_FILE), MISMATCH_BEFORE.replace(RIGHT_OLD_TEXT, NEW_TEXT));
    assert.deepStrictEqual(finishedTools(), ['mm_keep_0:ok', 'mm_keep_1:error', 'mm_keep_2:error', 'mm_keep_3:error', 'mm_keep_4:ok']);
    assertCallsAnswered();
  });

  test('with the chat view closed the budget question falls back to a modal; dismissing it stops the turn', async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the chat view to be hidden', () => !holdfast.chatView.canShowCards, 60_000);
    await withBudget('maxToolRoundsPerTurn', 2, async () => {
      const { turn, pending } = await runUntilQuestion('Walk the files in three rounds (modal)', 'continueAfterBudget');
      assert.strictEqual(pending.shownIn, 'modal');
      // Under extension tests VS Code settles modals as dismissed, as Escape does: that is Stop.
      assert.deepStrictEqual(await turn, { kind: 'budgetPaused', budget: 'toolRounds', used: 2, limit: 2 });
      assert.deepStrictEqual(finishedTools(), ['budget_modal_r1:ok', 'budget_modal_r2:ok']);
      assertCallsAnswered();
    });
  });

  test('with the chat view hidden, a chat turn’s question waits as its card, with a badge on the view and "waiting for you"; answering clears both', async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the chat view to be hidden', () => !holdfast.chatView.canShowCards, 60_000);
    assert.ok(holdfast.chatView.hasView, 'the view was shown before, so it is hidden, not gone');
    assert.strictEqual(holdfast.chatView.badge, undefined, 'no badge before a question');
    await withBudget('maxToolRoundsPerTurn', 2, async () => {
      const asked = holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === 'continueAfterBudget');
      // Typed into the chat (not the agent host directly): the chat holds its turn's cards while hidden.
      const turn = holdfast.chat.sendPrompt('Walk the files in three rounds (hidden)');
      const first = await Promise.race([asked, turn.then((outcome) => ({ endedWith: outcome }))]);
      if ('endedWith' in first) assert.fail(`the turn ended without asking: ${JSON.stringify(first.endedWith)}`);
      const pending = first;
      assert.strictEqual(pending.shownIn, 'presenter', 'a card in the hidden chat, not a modal');
      assert.ok(pending.asker?.type === 'turn');
      const approvalId = pending.asker.approvalId;
      await waitFor('the badge on the Holdfast view', () => holdfast.chatView.badge?.value === 1);
      assert.match(holdfast.chatView.badge!.tooltip, /waiting for your answer/);
      assert.strictEqual(holdfast.connectionView().label, 'waiting for you');
      assert.strictEqual(questionCard(approvalId)?.state, 'pending', 'the card waits in the chat for when it is shown');

      await fromView({ type: 'approvalDecision', approvalId, decision: 'allowOnce' });
      await waitFor('the badge to clear', () => holdfast.chatView.badge === undefined);
      assert.notStrictEqual(holdfast.connectionView().label, 'waiting for you');
      assert.deepStrictEqual(await turn, { kind: 'completed', text: 'Walked three files (hidden).' });
      assert.strictEqual(questionCard(approvalId)?.state, 'allowedOnce');
      pending.answer('deny'); // a late answer (a stale notification's button) changes nothing
      assertCallsAnswered();
    });
  });
});
