/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { userMessage } from '../../../src/protocol/items';
import type { ModelOutcome } from '../../../src/transport/modelClient';
import { type EmulatorSession, modelRequests, useEmulator } from '../support/emulatorSession';
import { waitFor, within } from '../support/waiting';
import { readDisk, writeWorkspaceFile } from '../support/workspaceFiles';
import { INLINE_DOC_COMMENT, INLINE_FOLLOW_UP, INLINE_TARGET, issue7Scenario, OTHER_FILE_AFTER, OTHER_FILE_BEFORE, OTHER_FILE_PATH } from '../support/issue7Scenarios';
import type { Scenario } from '../../emulator';

/** Lines 1–3 of INLINE_TARGET rewritten: the one `return` line becomes five lines (issue 14: drawn on five rows). */
const INLINE_MULTI_LINE = [
  'export function add(a: number, b: number): number {',
  '  if (!Number.isFinite(a) || !Number.isFinite(b)) {',
  "    throw new Error('add: both arguments must be finite numbers');",
  '  }',
  '  const sum = a + b;',
  '  return sum;',
  '}',
].join('\n');

const scenario: Scenario = {
  ...issue7Scenario,
  steps: [
    {
      id: 'multi-line',
      when: { userText: 'Instruction: add error handling' },
      calls: [{ name: 'replace_selection', arguments: { code: INLINE_MULTI_LINE } }],
      repeat: true,
    },
    ...issue7Scenario.steps,
  ],
};

/** The titles of the CodeLens VS Code gets for `uri` now (from every provider). */
async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  return lenses.map((lens) => lens.command?.title ?? '');
}

/**
 * Inline edit (issue 7) inside a real VS Code against the emulator: the proposal streams on its own
 * `inline-<n>` lane and is drawn with decorations while the document stays byte-identical; Accept is
 * one undo step; Reject and an edit during streaming leave the document as it was; a follow-up goes
 * as a delta on the same lane; and an inline edit completes while a chat turn streams on the default
 * lane of the same socket.
 */
suite('inline edit', function () {
  this.timeout(60_000);
  let session: EmulatorSession;

  suiteSetup(async () => {
    session = await useEmulator(scenario);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.restore();
  });

  async function openTarget(name: string): Promise<vscode.TextEditor> {
    const uri = await writeWorkspaceFile(`src/${name}.ts`, INLINE_TARGET);
    const editor = await vscode.window.showTextDocument(uri);
    // The function `add`, lines 1–3, selected as whole lines.
    editor.selection = new vscode.Selection(1, 0, 4, 0);
    return editor;
  }

  test('the default keybinding ctrl+shift+alt+e is free in VS Code (only Holdfast uses it)', async () => {
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const document = await waitFor('the default keybindings document', () => {
      const doc = vscode.window.activeTextEditor?.document;
      return doc && /keybindings/i.test(doc.uri.toString()) && doc.getText().length > 1000 ? doc : undefined;
    });
    const entries = [...document.getText().matchAll(/\{\s*"key":\s*"([^"]+)",\s*"command":\s*"([^"]+)"/g)].map((m) => ({ key: m[1]!, command: m[2]! }));
    assert.ok(entries.length > 300, `parsed only ${entries.length} default keybindings`);
    const normalise = (key: string) => key.split('+').sort().join('+');
    for (const chord of ['ctrl+shift+alt+e']) {
      const users = entries.filter((entry) => normalise(entry.key) === normalise(chord) && !entry.command.startsWith('holdfast.'));
      assert.deepStrictEqual(users, [], `${chord} is already bound by VS Code`);
    }
    console.log(`      (${entries.length} default keybindings checked; ctrl+shift+alt+e is free)`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Accept applies the proposal as one edit; one undo restores the original', async () => {
    const editor = await openTarget('acceptTarget');
    const { holdfast, emulator } = session;
    const proposal = await holdfast.inlineEdits.runCommand({ instruction: 'add a doc comment' });
    assert.ok(proposal, 'a proposal started');
    assert.match(proposal.lane, /^inline-\d+$/);
    assert.strictEqual(await proposal.done, 'ready', proposal.message);
    assert.strictEqual(proposal.code, INLINE_DOC_COMMENT);
    // Shown, not applied: the document is untouched until Accept.
    assert.strictEqual(editor.document.getText(), INLINE_TARGET);
    assert.strictEqual(editor.document.isDirty, false);
    const onLane = modelRequests(emulator).filter((request) => request.lane === proposal.lane);
    assert.strictEqual(onLane.length, 1, 'the emulator saw the request on the proposal\'s lane');

    assert.strictEqual(await holdfast.inlineEdits.accept(proposal), true);
    assert.strictEqual(await proposal.settled, 'accepted');
    const expected = INLINE_TARGET.replace(/export function add[\s\S]*?\n}/, INLINE_DOC_COMMENT);
    assert.strictEqual(editor.document.getText(), expected);

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(editor.document.getText(), INLINE_TARGET, 'one undo restores the original');
  });

  test('a reply that touches another file asks in a chat review card (the view is revealed); Keep applies it', async () => {
    const { holdfast } = session;
    const other = await writeWorkspaceFile(OTHER_FILE_PATH, OTHER_FILE_BEFORE);
    // The chat view is hidden: the review flow has to bring it up.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the chat view to be hidden', () => !holdfast.chatView.canShowCards);
    const editor = await openTarget('otherFilesTarget');
    const review = holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === 'reviewEdit' && p.request.path === OTHER_FILE_PATH);

    const proposal = await holdfast.inlineEdits.runCommand({ instruction: 'touch the caller in another file' });
    assert.ok(proposal, 'a proposal started');
    assert.strictEqual(await proposal.done, 'ready', proposal.message);
    const pending = await within(60_000, 'the review of the other file', review);
    assert.strictEqual(pending.shownIn, 'presenter', 'asked in the chat, not in a diff editor');
    assert.ok(holdfast.chatView.canShowCards, 'the chat view was revealed');
    assert.ok(pending.request.kind === 'reviewEdit' && pending.request.before === OTHER_FILE_BEFORE && pending.request.after === OTHER_FILE_AFTER);

    const entry = holdfast.chat.presenter.transcript().turns.find((t) => t.kind === 'review' && t.userText === 'Inline edit in src/otherFilesTarget.ts proposes a change to another file');
    assert.ok(entry, `the chat has the review entry: ${JSON.stringify(holdfast.chat.presenter.transcript().turns.map((t) => t.userText))}`);
    const item = entry.items[0];
    assert.ok(item?.kind === 'approval' && item.card.kind === 'review' && item.card.state === 'pending', JSON.stringify(entry.items).slice(0, 300));
    assert.strictEqual(item.card.path, OTHER_FILE_PATH);
    assert.deepStrictEqual(
      item.card.hunks.flatMap((h) => h.lines.filter((l) => l.kind !== 'context')),
      [
        { kind: 'remove', text: 'export const total = add(1, 2);' },
        { kind: 'add', text: 'export const total = add(1, 2) + 0;' },
      ],
    );
    // Nothing is applied silently: not the other file, and not the proposal in this one.
    assert.strictEqual(await readDisk(other), OTHER_FILE_BEFORE);
    assert.strictEqual(editor.document.getText(), INLINE_TARGET);

    await holdfast.chat.handle({ type: 'approvalDecision', approvalId: item.card.id, decision: 'allowOnce' });
    assert.deepStrictEqual(await proposal.otherFileDecisions, ['kept']);
    const otherDocument = await vscode.workspace.openTextDocument(other);
    assert.strictEqual(otherDocument.getText(), OTHER_FILE_AFTER, 'Keep applied the change');
    const resolved = holdfast.chat.presenter.transcript().turns.find((t) => t.id === entry.id)?.items[0];
    assert.ok(resolved?.kind === 'approval' && resolved.card.state === 'allowedOnce', 'the card shows it was kept');
    assert.strictEqual(editor.document.getText(), INLINE_TARGET, 'the inline proposal itself still waits for Accept');
    holdfast.inlineEdits.reject(proposal);
    await otherDocument.save();
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
  });

  test('Reject leaves the file byte-for-byte as it was', async () => {
    const editor = await openTarget('rejectTarget');
    const uri = editor.document.uri;
    const before = await readDisk(uri);
    const proposal = await session.holdfast.inlineEdits.runCommand({ instruction: 'add a doc comment' });
    assert.ok(proposal);
    assert.strictEqual(await proposal.done, 'ready');
    await vscode.commands.executeCommand('holdfast.inlineEdit.reject', uri);
    assert.strictEqual(await proposal.settled, 'rejected');
    assert.strictEqual(editor.document.getText(), INLINE_TARGET);
    assert.strictEqual(editor.document.isDirty, false);
    assert.strictEqual(await readDisk(uri), before);
    assert.strictEqual(session.holdfast.inlineEdits.proposalFor(uri), undefined);
  });

  test('editing the document while the proposal streams cancels it cleanly', async () => {
    const editor = await openTarget('cancelTarget');
    const proposal = await session.holdfast.inlineEdits.runCommand({ instruction: 'slow rewrite' });
    assert.ok(proposal);
    await waitFor('the first streamed lines', () => (proposal.code?.length ?? 0) > 20);
    assert.strictEqual(proposal.state, 'streaming');
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), '// typed by the user\n'));
    assert.strictEqual(await proposal.settled, 'cancelled');
    assert.strictEqual(editor.document.getText(), `// typed by the user\n${INLINE_TARGET}`, 'only the user\'s edit is in the document');
    assert.strictEqual(session.holdfast.inlineEdits.proposalFor(editor.document.uri), undefined);
    await vscode.commands.executeCommand('undo');
  });

  test('a follow-up continues the same chain on the same lane as a delta', async () => {
    const editor = await openTarget('followUpTarget');
    const { holdfast, emulator } = session;
    const proposal = await holdfast.inlineEdits.runCommand({ instruction: 'add a doc comment' });
    assert.ok(proposal);
    assert.strictEqual(await proposal.done, 'ready');
    const firstResponse = proposal.metrics[0]?.responseId;

    assert.strictEqual(holdfast.inlineEdits.followUp(proposal, 'also rename the parameters'), true);
    assert.strictEqual(await proposal.done, 'ready', proposal.message);
    assert.strictEqual(proposal.code, INLINE_FOLLOW_UP);
    assert.strictEqual(proposal.metrics.length, 2);
    assert.strictEqual(proposal.metrics[1]?.mode, 'delta', 'the follow-up went as a delta');
    assert.strictEqual(proposal.metrics[1]?.lane, proposal.lane);
    const onLane = modelRequests(emulator).filter((request) => request.lane === proposal.lane);
    const last = onLane.at(-1)!;
    assert.strictEqual(last.kind, 'continuation');
    assert.strictEqual(last.previousResponseId, firstResponse);

    assert.strictEqual(await holdfast.inlineEdits.accept(proposal), true);
    assert.ok(editor.document.getText().includes('return left + right;'));
    await vscode.commands.executeCommand('undo');
  });

  test('an inline edit completes on its lane while a chat turn streams on the default lane of the same socket', async () => {
    await openTarget('concurrentTarget');
    const { holdfast, emulator } = session;
    let chatStreaming = false;
    let chatEnded = false;
    const chat: Promise<ModelOutcome> = holdfast.connection.transport
      .run(
        { model: holdfast.settings.model, instructions: 'You are a test chat.', tools: [], input: [userMessage('chat: tell me a long story')] },
        { onEvent: (event) => void (event.kind === 'textDelta' && (chatStreaming = true)) },
      )
      .finally(() => (chatEnded = true));
    await waitFor('the chat turn to stream', () => chatStreaming);

    const proposal = await holdfast.inlineEdits.runCommand({ instruction: 'add a doc comment' });
    assert.ok(proposal);
    assert.strictEqual(await proposal.done, 'ready');
    assert.strictEqual(chatEnded, false, 'the inline edit finished while the chat turn was still streaming');

    const outcome = await chat;
    assert.strictEqual(outcome.kind, 'completed');
    const requests = modelRequests(emulator);
    const chatRequest = requests.filter((request) => request.lane === null).at(-1)!;
    const inlineRequest = requests.filter((request) => request.lane === proposal.lane).at(-1)!;
    assert.strictEqual(inlineRequest.connectionId, chatRequest.connectionId, 'both ran on one connection');
    assert.ok(inlineRequest.startedAt > chatRequest.startedAt && inlineRequest.endedAt! < chatRequest.endedAt!, 'the inline edit ran inside the chat turn');
    console.log(
      `      (connection ${chatRequest.connectionId}: chat ${Math.round(chatRequest.startedAt)}–${Math.round(chatRequest.endedAt!)} ms, ` +
        `${proposal.lane} ${Math.round(inlineRequest.startedAt)}–${Math.round(inlineRequest.endedAt!)} ms)`,
    );
    holdfast.inlineEdits.reject(proposal);
  });

  test('a multi-line proposal is drawn on several rows: one decoration per new line, the removed line struck', async () => {
    const editor = await openTarget('multiLineTarget');
    const { holdfast } = session;
    const proposal = await holdfast.inlineEdits.runCommand({ instruction: 'add error handling' });
    assert.ok(proposal);
    assert.strictEqual(await proposal.done, 'ready', proposal.message);
    const { rendered } = holdfast.inlineEdits.shownFor(editor.document.uri);
    assert.ok(rendered, 'the proposal is drawn');
    const added = INLINE_MULTI_LINE.split('\n').slice(1, 6);
    assert.deepStrictEqual(rendered.addedTexts, added, 'each new line is its own decoration');
    assert.deepStrictEqual(rendered.removedLines, [2], 'the replaced return line is marked removed');
    assert.deepStrictEqual(rendered.addedLines, [2, 3, 4, 5, 6], 'five new lines on five rows, from the line they replace');
    console.log(`      (${rendered.addedLines.length} added rows ${rendered.addedLines.join(',')}, removed ${rendered.removedLines.join(',')}, note on line ${rendered.noteLine})`);
    assert.strictEqual(editor.document.getText(), INLINE_TARGET, 'drawn, not applied');
    holdfast.inlineEdits.reject(proposal);
  });

  test('Accept and Reject hide the drawing and the context keys (the title buttons) the moment they are chosen', async () => {
    const { holdfast } = session;
    for (const choice of ['accept', 'reject'] as const) {
      const editor = await openTarget(`${choice}HidesTarget`);
      const uri = editor.document.uri;
      const proposal = await holdfast.inlineEdits.runCommand({ instruction: 'add error handling' });
      assert.ok(proposal);
      assert.strictEqual(await proposal.done, 'ready', proposal.message);
      assert.ok(holdfast.inlineEdits.shownFor(uri).rendered, 'drawn while ready');
      assert.deepStrictEqual(holdfast.inlineEdits.shownFor(uri).contextKeys, { active: true, ready: true });
      // The controls are the editor title buttons (behind the context keys), never CodeLens: VS Code redraws lenses late.
      assert.ok(!(await lensTitles(uri)).some((title) => /Accept|Reject|Follow-up|Show diff/.test(title)), 'no proposal CodeLens while ready');

      // No await between the choice and the checks: everything must already be gone.
      const chosen = choice === 'accept' ? holdfast.inlineEdits.accept(proposal) : holdfast.inlineEdits.reject(proposal);
      const shown = holdfast.inlineEdits.shownFor(uri);
      assert.strictEqual(shown.rendered, undefined, `${choice}: no decorations left`);
      assert.deepStrictEqual(shown.contextKeys, { active: false, ready: false }, `${choice}: context keys cleared`);
      const titles = await lensTitles(uri);
      assert.ok(!titles.some((title) => /Accept|Reject|Follow-up|Show diff/.test(title)), `${choice}: lenses gone: ${titles.join(' | ')}`);
      await chosen;
      assert.strictEqual(await proposal.settled, choice === 'accept' ? 'accepted' : 'rejected');
      if (choice === 'accept') {
        assert.ok(editor.document.getText().includes('const sum = a + b;'));
        await vscode.window.showTextDocument(editor.document);
        await vscode.commands.executeCommand('undo');
      }
      assert.strictEqual(editor.document.getText(), INLINE_TARGET);
    }
  });
});
