/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import type { Holdfast } from '../../../src/app/holdfast';
import type { ApprovalAnswer, ApprovalRequest } from '../../../src/tools/ports';
import { type Emulator, type Scenario, startEmulator } from '../../emulator';
import { sleep } from '../../../src/common/async';
import { connectToEmulator, toolOutputOf } from '../support/emulatorSession';
import { holdfastUnderTest } from '../support/holdfastExtension';
import { waitFor, within } from '../support/waiting';
import { fileIn, readText, writeText } from '../support/workspaceFiles';

/**
 * The agent inside a real VS Code, on the fixture workspace, against the emulator's scripted model:
 * real files through WorkspaceEdit, TypeScript's own diagnostics, VS Code's undo, tasks, a process
 * for run_command, and the approval prompts. Each step of the script checks what the client sent back
 * (`expect`), and `fallback: fail` turns any unexpected request into a failed turn, so a tool that
 * returns the wrong thing fails the test twice: in the model's eyes and in the assertions.
 */

const BROKEN = "/** Written by the integration test: a type error for the agent to fix. */\nexport const answer: number = 'forty-two';\n";
const FIXED = BROKEN.replace("'forty-two'", '42');
const MARKER = 'agent-marker.txt';
const OTHER_MARKER = 'agent-marker-dismissed.txt';
const FAILING_TASK = 'fixture: failing check';
const B_COMMENT = '/** Uses a.ts so an edit there can break a caller. */';
const B_COMMENT_AFTER = '/** Sums the values with add() from a.ts. */';
const CHAT_REVIEW_FILE = 'src/chat-review.ts';
const CHAT_REVIEW_BEFORE = '/** Reviewed in the chat. */\nexport const reviewed = false;\n';
const CHAT_REVIEW_AFTER = CHAT_REVIEW_BEFORE.replace('false', 'true');

/** The read → apply_edit → answer steps of one review-mode turn whose review is answered in the chat. */
function chatReviewSteps(variant: 'discard' | 'keep'): Scenario['steps'] {
  const read = `chat_review_read_${variant}`;
  const edit = `chat_review_edit_${variant}`;
  return [
    {
      id: `chat-review-${variant}-read`,
      when: { userText: `Mark ${CHAT_REVIEW_FILE} as reviewed (${variant})` },
      calls: [{ name: 'read_file', callId: read, arguments: { path: CHAT_REVIEW_FILE, start_line: null, end_line: null } }],
    },
    {
      id: `chat-review-${variant}-edit`,
      when: { toolOutputs: [{ callId: read }] },
      calls: [{ name: 'apply_edit', callId: edit, arguments: { path: CHAT_REVIEW_FILE, edits: [{ old_text: 'reviewed = false', new_text: 'reviewed = true' }], content: null } }],
    },
    {
      id: `chat-review-${variant}-done`,
      when: { toolOutputs: [{ callId: edit }] },
      expect: { toolOutputs: [{ callId: edit, output: variant === 'keep' ? `Edited ${CHAT_REVIEW_FILE}` : { matches: '/^The user rejected this edit/' } }] },
      say: variant === 'keep' ? 'Marked it as reviewed.' : 'Left it as it was.',
    },
  ];
}

/** Stands in for the chat view's approval cards: shows nothing, settles only when answered (or on Stop). */
const silentPresenter = {
  request: (_request: ApprovalRequest, token: { onCancellationRequested: (listener: () => void) => unknown }) =>
    new Promise<ApprovalAnswer>((resolve) => token.onCancellationRequested(() => resolve('deny'))),
};

const scenario: Scenario = {
  name: 'integration-agent',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    // read → edit → get_diagnostics shows the error gone
    {
      id: 'fix-investigate',
      when: { userText: 'Fix the type error in src/broken.ts' },
      calls: [
        { name: 'read_file', callId: 'fix_read', arguments: { path: 'src/broken.ts', start_line: null, end_line: null } },
        { name: 'get_diagnostics', callId: 'fix_diag_before', arguments: { path: 'src/broken.ts', min_severity: null } },
      ],
    },
    {
      id: 'fix-edit',
      when: { toolOutputs: [{ callId: 'fix_read' }] },
      expect: {
        toolOutputs: [
          { callId: 'fix_read', output: "'forty-two'" },
          { callId: 'fix_diag_before', output: { matches: "/error \\[ts 2322\\]: Type 'string' is not assignable to type 'number'/" } },
        ],
      },
      say: 'A string is assigned to a number; I will use the number.',
      calls: [{ name: 'apply_edit', callId: 'fix_edit', arguments: { path: 'src/broken.ts', edits: [{ old_text: "'forty-two'", new_text: '42' }], content: null } }],
    },
    {
      id: 'fix-check',
      when: { toolOutputs: [{ callId: 'fix_edit' }] },
      expect: { toolOutputs: [{ callId: 'fix_edit', output: 'Edited src/broken.ts' }] },
      calls: [{ name: 'get_diagnostics', callId: 'fix_diag_after', arguments: { path: 'src/broken.ts', min_severity: null } }],
    },
    {
      id: 'fix-done',
      when: { toolOutputs: [{ callId: 'fix_diag_after' }] },
      expect: { toolOutputs: [{ callId: 'fix_diag_after', output: 'No problems' }] },
      say: 'Fixed: `answer` is a number and src/broken.ts has no problems left.',
    },

    // an edit and a created file in one turn, then "revert this turn"
    {
      id: 'revert-read',
      when: { userText: 'Change the greeting and add a farewell' },
      calls: [{ name: 'read_file', callId: 'rev_read', arguments: { path: 'src/greeting.ts', start_line: null, end_line: null } }],
    },
    {
      id: 'revert-edit',
      when: { toolOutputs: [{ callId: 'rev_read' }] },
      expect: { toolOutputs: [{ callId: 'rev_read', output: 'hello from the fixture workspace' }] },
      calls: [
        { name: 'apply_edit', callId: 'rev_edit', arguments: { path: 'src/greeting.ts', edits: [{ old_text: 'hello from the fixture workspace', new_text: 'hello from the agent' }], content: null } },
        { name: 'apply_edit', callId: 'rev_create', arguments: { path: 'src/farewell.ts', edits: [], content: "export const farewell = 'goodbye from the agent';\n" } },
      ],
    },
    {
      id: 'revert-done',
      when: { toolOutputs: [{ callId: 'rev_edit' }, { callId: 'rev_create' }] },
      expect: { toolOutputs: [{ callId: 'rev_edit', output: 'Edited src/greeting.ts' }, { callId: 'rev_create', output: 'Created src/farewell.ts' }] },
      say: 'Changed the greeting and added src/farewell.ts.',
    },

    // run_task on the fixture's failing task
    {
      id: 'task-run',
      when: { userText: 'Run the failing check task' },
      calls: [{ name: 'run_task', callId: 'task_run', arguments: { label: FAILING_TASK } }],
    },
    {
      id: 'task-done',
      when: { toolOutputs: [{ callId: 'task_run' }] },
      expect: { toolOutputs: [{ callId: 'task_run', output: { matches: '/exited with code 2\\.[\\s\\S]*planned failure for tests/' } }] },
      say: 'The check fails with exit code 2.',
    },

    // run_command behind an approval
    {
      id: 'command-run',
      when: { userText: 'Create the marker file' },
      calls: [{ name: 'run_command', callId: 'cmd_run', arguments: { command: `echo ran > ${MARKER}`, cwd: null, timeout_seconds: 30 } }],
    },
    {
      id: 'command-done',
      when: { toolOutputs: [{ callId: 'cmd_run' }] },
      expect: { toolOutputs: [{ callId: 'cmd_run', output: 'exited with code 0' }] },
      say: `Created ${MARKER}.`,
    },

    // run_command when the prompt is dismissed
    {
      id: 'dismissed-run',
      when: { userText: 'Create the other marker file' },
      calls: [{ name: 'run_command', callId: 'cmd_dismissed', arguments: { command: `echo ran > ${OTHER_MARKER}`, cwd: null, timeout_seconds: 30 } }],
    },
    {
      id: 'dismissed-done',
      when: { toolOutputs: [{ callId: 'cmd_dismissed' }] },
      expect: { toolOutputs: [{ callId: 'cmd_dismissed', output: 'The user declined to run this command' }] },
      say: 'Understood, I did not run it.',
    },

    // editApproval: review — a diff first, the edit only when kept
    {
      id: 'review-read',
      when: { userText: 'Polish the comment in src/b.ts' },
      calls: [{ name: 'read_file', callId: 'review_read', arguments: { path: 'src/b.ts', start_line: null, end_line: null } }],
    },
    {
      id: 'review-edit',
      when: { toolOutputs: [{ callId: 'review_read' }] },
      calls: [{ name: 'apply_edit', callId: 'review_edit', arguments: { path: 'src/b.ts', edits: [{ old_text: B_COMMENT, new_text: B_COMMENT_AFTER }], content: null } }],
    },
    {
      id: 'review-done',
      when: { toolOutputs: [{ callId: 'review_edit' }] },
      expect: { toolOutputs: [{ callId: 'review_edit', output: 'Edited src/b.ts' }] },
      say: 'Polished the comment.',
    },

    // editApproval: review with the chat view open — the review is a card in the chat
    ...chatReviewSteps('discard'),
    ...chatReviewSteps('keep'),
  ],
};

suite('agent: tools in a real VS Code against the scripted model', function () {
  this.timeout(60_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let disconnect: (() => Promise<void>) | undefined;
  const events: AgentEvent[] = [];
  let subscription: { dispose(): void } | undefined;

  suiteSetup(async () => {
    holdfast = await holdfastUnderTest();
    emulator = await startEmulator({ scenario, tokensPerSecond: 0, pingIntervalMs: 0 });
    disconnect = await connectToEmulator(holdfast, emulator);
    subscription = holdfast.agentHost.onEvent((event) => events.push(event));
  });

  suiteTeardown(async () => {
    subscription?.dispose();
    await disconnect?.();
    await emulator?.close();
  });

  setup(() => {
    events.length = 0;
    holdfast.agentHost.newSession();
  });

  test('read → edit → get_diagnostics shows the error gone; undo reverts the edit', async () => {
    await writeText('src/broken.ts', BROKEN);
    const document = await vscode.workspace.openTextDocument(fileIn('src/broken.ts'));
    await vscode.window.showTextDocument(document);
    // TypeScript's language features (built into VS Code) report the error once the file is open.
    await waitFor('TypeScript to report the type error in src/broken.ts', () => errorsOf(document.uri).some((d) => String(codeOf(d)) === '2322'), 45_000);

    const outcome = await holdfast.agentHost.runTurn({ text: 'Fix the type error in src/broken.ts' });

    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Fixed: `answer` is a number and src/broken.ts has no problems left.' });
    assert.strictEqual(await readText('src/broken.ts'), FIXED, 'the fix is saved to disk');
    assert.strictEqual(document.getText(), FIXED);
    assert.match(toolOutputOf(emulator, 'fix_diag_before'), /src\/broken\.ts:2:14-2:20 error \[ts 2322\]/);
    assert.match(toolOutputOf(emulator, 'fix_diag_after'), /^No problems at severity warning or higher in src\/broken\.ts\.$/);
    assert.deepStrictEqual(errorsOf(document.uri), [], 'VS Code itself reports no error any more');
    assert.deepStrictEqual(
      events.filter((e) => e.type === 'toolCallFinished').map((e) => e.type === 'toolCallFinished' && `${e.name}:${e.status}`),
      ['read_file:ok', 'get_diagnostics:ok', 'apply_edit:ok', 'get_diagnostics:ok'],
    );

    // The edit went through a WorkspaceEdit: VS Code's Undo takes it back.
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the broken text', () => document.getText() === BROKEN, 5_000);
    await document.save();
    assert.strictEqual(await readText('src/broken.ts'), BROKEN);
    await waitFor('TypeScript to report the error again after undo', () => errorsOf(document.uri).length > 0, 15_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('"revert this turn" restores every file, deleting the one the turn created', async () => {
    const greetingBefore = await readText('src/greeting.ts');
    assert.strictEqual(greetingBefore, "export const greeting = 'hello from the fixture workspace';\n");
    assert.strictEqual(await readText('src/farewell.ts'), undefined);

    const outcome = await holdfast.agentHost.runTurn({ text: 'Change the greeting and add a farewell' });
    assert.strictEqual(outcome.kind, 'completed', JSON.stringify(outcome));
    assert.strictEqual(await readText('src/greeting.ts'), "export const greeting = 'hello from the agent';\n");
    assert.strictEqual(await readText('src/farewell.ts'), "export const farewell = 'goodbye from the agent';\n");
    const session = holdfast.agentHost.currentSession!;
    const turnId = session.turns[0]!.id;
    assert.deepStrictEqual(session.journal.entriesOf(turnId).map((e) => [e.display, e.before === undefined]), [
      ['src/greeting.ts', false],
      ['src/farewell.ts', true],
    ]);

    const result = await holdfast.agentHost.revertTurn();

    assert.deepStrictEqual(result, { reverted: ['src/greeting.ts', 'src/farewell.ts'], conflicts: [], error: undefined });
    assert.strictEqual(await readText('src/greeting.ts'), greetingBefore);
    assert.strictEqual(await readText('src/farewell.ts'), undefined, 'the created file is gone');
    const last = session.items.at(-1);
    assert.ok(last?.type === 'message' && last.role === 'developer', 'the model is told about the revert');
    // The session (with its journal) was saved to workspaceState.
    const saved = await holdfast.agentHost.sessions.load(session.id);
    assert.strictEqual(saved?.journal.entriesOf(turnId).length, 2);
  });

  test('run_task reports the failing task’s exit code and output (approved through the chat presenter)', async () => {
    const asked: ApprovalRequest[] = [];
    // Stands in for the chat view's approval cards: shows nothing, settles only when answered.
    const presenter = holdfast.agentHost.approvals.setPresenter({
      request: (request, token) => {
        asked.push(request);
        return new Promise<ApprovalAnswer>((resolve) => token.onCancellationRequested(() => resolve('deny')));
      },
    });
    try {
      const turn = holdfast.agentHost.runTurn({ text: 'Run the failing check task' });
      const pending = await within(10_000, 'the run_task approval', holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === 'runTask'));
      assert.strictEqual(pending.shownIn, 'presenter');
      assert.deepStrictEqual(pending.request, { kind: 'runTask', label: FAILING_TASK, alwaysAllowRules: [FAILING_TASK] });
      assert.strictEqual(asked.length, 1);
      pending.answer('alwaysAllow');

      const outcome = await turn;
      assert.deepStrictEqual(outcome, { kind: 'completed', text: 'The check fails with exit code 2.' });
      const output = toolOutputOf(emulator, 'task_run');
      assert.match(output, /^Task "fixture: failing check" exited with code 2\.\nOutput:\n/);
      assert.match(output, /src\/a\.ts\(2,3\): error TS2322: planned failure for tests/);
      assert.deepStrictEqual(
        holdfast.agentHost.toolSettings.rememberedAnswers().tasks,
        [FAILING_TASK],
        '"Always allow" is remembered for this workspace',
      );
      assert.ok(holdfast.agentHost.toolSettings.read().allowedTasks.includes(FAILING_TASK));
      const written = vscode.workspace.getConfiguration('holdfast').inspect<string[]>('allowedTasks')?.workspaceValue;
      assert.strictEqual(written, undefined, 'nothing is written into the repository’s .vscode/settings.json');
      assert.deepStrictEqual(holdfast.agentHost.approvals.pending, []);
    } finally {
      presenter.dispose();
      await holdfast.agentHost.toolSettings.forgetAnswers();
    }
  });

  test('a repository’s .vscode/settings.json cannot pre-approve commands, tasks or secret files', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const settingsUri = vscode.Uri.joinPath(folder, '.vscode', 'settings.json');
    const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(settingsUri));
    const planted = { ...JSON.parse(original), 'holdfast.allowedCommands': ['touch', 'curl'], 'holdfast.allowedTasks': [FAILING_TASK], 'holdfast.allowedSecretFiles': ['.env'] };
    const changed = new Promise<void>((resolve) => {
      const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('holdfast.allowedCommands')) {
          subscription.dispose();
          resolve();
        }
      });
    });
    try {
      await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(JSON.stringify(planted, null, 2)));
      await within(10_000, 'the settings change', changed);
      const settings = holdfast.agentHost.toolSettings.read();
      assert.ok(!settings.allowedCommands.includes('touch'), `planted allow rule honoured: ${settings.allowedCommands.join(', ')}`);
      assert.ok(!settings.allowedTasks.includes(FAILING_TASK));
      assert.deepStrictEqual(settings.allowedSecretFiles, []);
    } finally {
      await vscode.workspace.fs.writeFile(settingsUri, new TextEncoder().encode(original));
    }
  });

  test('an approval prompt blocks run_command until it is answered', async () => {
    assert.strictEqual(await readText(MARKER), undefined);
    const presenter = holdfast.agentHost.approvals.setPresenter(silentPresenter);
    const turn = holdfast.agentHost.runTurn({ text: 'Create the marker file' });

    const pending = await within(10_000, 'the run_command approval', holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === 'runCommand'));
    assert.strictEqual(pending.shownIn, 'presenter');
    assert.strictEqual(pending.request.kind === 'runCommand' && pending.request.command, `echo ran > ${MARKER}`);
    assert.ok(pending.request.kind === 'runCommand' && pending.request.reasons.length > 0);

    // Nothing runs while the question is open.
    await sleep(750);
    assert.strictEqual(await readText(MARKER), undefined, 'the command ran before it was approved');
    assert.ok(!events.some((e) => e.type === 'toolCallFinished' && e.callId === 'cmd_run'), `the call finished unanswered: ${JSON.stringify(events.filter((e) => e.type.startsWith('approval') || e.type === 'toolCallFinished'))}`);
    assert.ok(!emulator.stats().toolOutputs.some((o) => o.callId === 'cmd_run'));

    pending.answer('allowOnce');
    const outcome = await turn;
    presenter.dispose();

    assert.deepStrictEqual(outcome, { kind: 'completed', text: `Created ${MARKER}.` });
    assert.strictEqual(await readText(MARKER), 'ran\n');
    assert.match(toolOutputOf(emulator, 'cmd_run'), /^The command exited with code 0\./);
    const resolved = events.find((e) => e.type === 'approvalResolved');
    assert.ok(resolved?.type === 'approvalResolved' && resolved.answer === 'allowOnce');
  });

  test('a dismissed prompt is a denial: the command does not run and the model is told', async () => {
    // No presenter: VS Code's modal dialog. Under extension tests VS Code refuses to show dialogs and
    // settles them as dismissed, exactly what a user pressing Escape does.
    const turn = holdfast.agentHost.runTurn({ text: 'Create the other marker file' });
    const pending = await within(10_000, 'the run_command approval', holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === 'runCommand'));
    assert.strictEqual(pending.shownIn, 'modal');

    const outcome = await turn;
    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Understood, I did not run it.' });
    assert.strictEqual(await readText(OTHER_MARKER), undefined);
    assert.match(toolOutputOf(emulator, 'cmd_dismissed'), /^The user declined to run this command/);
    assert.deepStrictEqual(
      events.filter((e) => e.type === 'approvalResolved').map((e) => e.type === 'approvalResolved' && e.answer),
      ['deny'],
    );
  });

  test('with editApproval "review" and the chat view closed, the edit waits in a diff editor and lands only when kept', async () => {
    const config = vscode.workspace.getConfiguration('holdfast');
    await config.update('editApproval', 'review', vscode.ConfigurationTarget.Workspace);
    const before = await readText('src/b.ts');
    try {
      const turn = holdfast.agentHost.runTurn({ text: 'Polish the comment in src/b.ts' });
      const pending = await within(10_000, 'the review', holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === 'reviewEdit'));
      assert.strictEqual(pending.shownIn, 'diff');
      assert.ok(pending.request.kind === 'reviewEdit' && pending.request.path === 'src/b.ts' && pending.request.after.includes(B_COMMENT_AFTER));
      await waitFor('the diff editor', () => reviewTabs().length === 1, 5_000);
      assert.strictEqual(await readText('src/b.ts'), before, 'nothing lands before the review');

      pending.answer('allowOnce');
      const outcome = await turn;
      assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Polished the comment.' });
      assert.strictEqual(await readText('src/b.ts'), before!.replace(B_COMMENT, B_COMMENT_AFTER));
      await waitFor('the diff editor to close', () => reviewTabs().length === 0, 5_000);
    } finally {
      await config.update('editApproval', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

suite('agent: reviews in the chat view', function () {
  this.timeout(120_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let disconnect: (() => Promise<void>) | undefined;

  suiteSetup(async () => {
    holdfast = await holdfastUnderTest();
    emulator = await startEmulator({ scenario, tokensPerSecond: 0, pingIntervalMs: 0 });
    disconnect = await connectToEmulator(holdfast, emulator);
    await vscode.workspace.getConfiguration('holdfast').update('editApproval', 'review', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('holdfast.openChat');
    await waitFor('the chat view to be ready for cards', () => holdfast.chatView.canShowCards, 60_000);
  });

  suiteTeardown(async () => {
    if (holdfast?.agentHost.agent.runningTurn) holdfast.agentHost.stop();
    await vscode.workspace.getConfiguration('holdfast').update('editApproval', undefined, vscode.ConfigurationTarget.Workspace);
    // Later suites expect VS Code's own prompts (no chat view showing cards).
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await disconnect?.();
    await emulator?.close();
  });

  /** The review card the chat shows for `path` in the last turn, as the view would render it. */
  function reviewCard(path: string) {
    const turn = holdfast.chat.presenter.transcript().turns.at(-1);
    const item = turn?.items.find((i) => i.kind === 'approval' && i.card.kind === 'review' && i.card.path === path);
    return item?.kind === 'approval' && item.card.kind === 'review' ? item.card : undefined;
  }

  async function runUntilReview(text: string) {
    await writeText(CHAT_REVIEW_FILE, CHAT_REVIEW_BEFORE);
    holdfast.agentHost.newSession();
    const review = holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === 'reviewEdit' && p.request.path === CHAT_REVIEW_FILE);
    const turn = holdfast.agentHost.runTurn({ text });
    const pending = await within(30_000, 'the review', review);
    await waitFor('the review card in the chat', () => reviewCard(CHAT_REVIEW_FILE) !== undefined);
    const card = reviewCard(CHAT_REVIEW_FILE)!;
    return { turn, pending, card };
  }

  test('Discard on the chat card leaves the file unchanged; a forged "always" and a forged id are refused', async () => {
    const { turn, pending, card } = await runUntilReview(`Mark ${CHAT_REVIEW_FILE} as reviewed (discard)`);
    assert.strictEqual(pending.shownIn, 'presenter', 'asked in the chat, not in a diff editor');
    assert.strictEqual(card.state, 'pending');
    assert.strictEqual(card.change, 'modified');
    assert.deepStrictEqual(
      card.hunks.flatMap((h) => h.lines.filter((l) => l.kind !== 'context')),
      [
        { kind: 'remove', text: 'export const reviewed = false;' },
        { kind: 'add', text: 'export const reviewed = true;' },
      ],
    );
    assert.ok(holdfast.chat.offered().approvals.includes(card.id));
    assert.strictEqual(reviewTabs().length, 0, 'no diff editor is opened unasked');

    // A tampered view: "always" was never offered on a review, and ids it was never shown are refused.
    const refusedBefore = holdfast.chat.refused.length;
    await holdfast.chat.handle({ type: 'approvalDecision', approvalId: card.id, decision: 'allowAlways' });
    await holdfast.chat.handle({ type: 'approvalDecision', approvalId: 'review-never-shown', decision: 'allowOnce' });
    await holdfast.chat.handle({ type: 'openReviewDiff', approvalId: 'review-never-shown' });
    assert.deepStrictEqual(holdfast.chat.refused.slice(refusedBefore), [
      `approval ${card.id}: "allowAlways" was not offered on that card`,
      'approval review-never-shown, which is not an open card',
      'diff of approval review-never-shown, which is not an open card',
    ]);
    assert.ok(holdfast.agentHost.approvals.pending.includes(pending), 'the review is still open');
    assert.strictEqual(await readText(CHAT_REVIEW_FILE), CHAT_REVIEW_BEFORE);

    // "Open diff" opens VS Code's diff editor; the card stays the place to answer.
    await holdfast.chat.handle({ type: 'openReviewDiff', approvalId: card.id });
    await waitFor('the diff editor', () => reviewTabs().length === 1);
    assert.ok(holdfast.agentHost.approvals.pending.includes(pending), 'opening the diff answers nothing');

    await holdfast.chat.handle({ type: 'approvalDecision', approvalId: card.id, decision: 'deny' });
    assert.deepStrictEqual(await turn, { kind: 'completed', text: 'Left it as it was.' });
    assert.strictEqual(await readText(CHAT_REVIEW_FILE), CHAT_REVIEW_BEFORE, 'discarded: the file is unchanged');
    assert.strictEqual(reviewCard(CHAT_REVIEW_FILE)?.state, 'denied');
    await waitFor('the diff editor to close', () => reviewTabs().length === 0);
    // Answered once: a second answer is refused.
    const before = holdfast.chat.refused.length;
    await holdfast.chat.handle({ type: 'approvalDecision', approvalId: card.id, decision: 'allowOnce' });
    assert.strictEqual(holdfast.chat.refused.length, before + 1);
    assert.strictEqual(await readText(CHAT_REVIEW_FILE), CHAT_REVIEW_BEFORE);
  });

  test('Keep on the chat card applies the edit', async () => {
    const { turn, pending, card } = await runUntilReview(`Mark ${CHAT_REVIEW_FILE} as reviewed (keep)`);
    assert.strictEqual(pending.shownIn, 'presenter');
    assert.strictEqual(await readText(CHAT_REVIEW_FILE), CHAT_REVIEW_BEFORE, 'nothing lands before Keep');
    await holdfast.chat.handle({ type: 'approvalDecision', approvalId: card.id, decision: 'allowOnce' });
    assert.deepStrictEqual(await turn, { kind: 'completed', text: 'Marked it as reviewed.' });
    assert.strictEqual(await readText(CHAT_REVIEW_FILE), CHAT_REVIEW_AFTER);
    assert.strictEqual(reviewCard(CHAT_REVIEW_FILE)?.state, 'allowedOnce');
    assert.match(toolOutputOf(emulator, 'chat_review_edit_keep'), /^Edited src\/chat-review\.ts/);
    // One review per edit: the edit card that follows is already kept, with no second Keep to answer.
    const items = holdfast.chat.presenter.transcript().turns.at(-1)?.items ?? [];
    const cards = items.flatMap((i) => (i.kind === 'edit' ? [`edit:${i.card.state}`] : i.kind === 'approval' && i.card.kind === 'review' ? [`review:${i.card.state}`] : []));
    assert.deepStrictEqual(
      cards,
      ['review:allowedOnce', 'edit:kept'],
    );
  });
});

function reviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'holdfast-review');
}


function errorsOf(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}
