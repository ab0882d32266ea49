/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import { type HostToWebview, parseWebviewToHost } from '../../../src/protocol/webview';
import type { ChatRequest } from '../../../src/ui/chatViewProvider';
import { CHAT_MARKDOWN_ANSWER, chatScenario } from '../../emulator/scenarios/chatE2e';
import { createFrames, type EmulatorSession, useEmulator } from '../support/emulatorSession';
import { waitFor, within } from '../support/waiting';
import { readDisk, writeWorkspaceFile } from '../support/workspaceFiles';

/**
 * The chat controller's host logic in a real VS Code (issue 6), where the end-to-end suite is too
 * coarse: requests from the view that refer to things the host never offered, or that point outside
 * the workspace, are refused and logged and nothing happens; a prompt from the controller runs a turn
 * whose answer lands in the view's display model and survives as the session's saved view.
 */
suite('chat controller', function () {
  this.timeout(60_000);
  let session: EmulatorSession;

  suiteSetup(async () => {
    session = await useEmulator(chatScenario, 0);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.restore();
  });

  function controller() {
    return session.holdfast.chat;
  }

  async function send(request: ChatRequest): Promise<void> {
    await session.holdfast.chat.handle(request);
  }

  function refusedSince(count: number): string[] {
    return controller().refused.slice(count);
  }

  test('an approval decision for an id never offered is refused; no question is answered', async () => {
    const before = controller().refused.length;
    const pendingBefore = session.holdfast.agentHost.approvals.pending.length;
    await send({ type: 'approvalDecision', approvalId: 'never-offered', decision: 'allowAlways' });
    assert.deepStrictEqual(refusedSince(before), ['approval never-offered, which is not an open card']);
    assert.strictEqual(session.holdfast.agentHost.approvals.pending.length, pendingBefore);
    assert.deepStrictEqual(vscode.workspace.getConfiguration('holdfast').get('allowedCommands') ?? [], []);
  });

  test('edit, session, retry and selection ids the host never offered are refused', async () => {
    const before = controller().refused.length;
    const active = (await session.holdfast.agentHost.activeSession()).id;
    await send({ type: 'editDecision', editId: 'edit-999', decision: 'undo' });
    await send({ type: 'switchSession', sessionId: 'forged-session' });
    await send({ type: 'deleteSession', sessionId: 'forged-session' });
    await send({ type: 'renameSession', sessionId: 'forged-session', title: 'pwned' });
    await send({ type: 'retry', turnId: 'forged-turn' });
    const refused = refusedSince(before);
    assert.strictEqual(refused.length, 5, refused.join('\n'));
    assert.match(refused[0]!, /^edit edit-999/);
    assert.match(refused[1]!, /^session forged-session/);
    assert.strictEqual(session.holdfast.agentHost.currentSession?.id, active, 'the active session did not change');
    assert.strictEqual(session.holdfast.agentHost.agent.runningTurn, undefined, 'no turn was started');
  });

  test('openFile outside the workspace (absolute, .., secret) is refused and opens nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = controller().refused.length;
    for (const path of ['/etc/passwd', '../../../../etc/passwd', '~/.ssh/id_rsa', '.env']) await send({ type: 'openFile', path });
    const refused = refusedSince(before);
    assert.strictEqual(refused.length, 4, refused.join('\n'));
    assert.ok(refused.every((line) => line.startsWith('open ')));
    assert.strictEqual(vscode.window.activeTextEditor, undefined, 'no editor was opened');
    // A file inside the workspace does open.
    await send({ type: 'openFile', path: 'src/a.ts' });
    await waitFor('src/a.ts in an editor', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/src/a.ts'));
  });

  test('openLink with javascript: is refused by the schema and again by the controller', async () => {
    const parsed = parseWebviewToHost({ type: 'openLink', url: 'javascript:alert(1)' });
    assert.strictEqual(parsed.ok, false, 'the provider drops it before the controller');
    const before = controller().refused.length;
    // Bypassing the schema, as a bug in it would: the controller checks again.
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://user:secret@example.com/']) {
      await controller().handle({ type: 'openLink', url } as ChatRequest);
    }
    assert.strictEqual(refusedSince(before).length, 3, refusedSince(before).join('\n'));
  });

  test('applyToFile with a path hint outside the workspace writes nothing', async () => {
    const before = controller().refused.length;
    await send({ type: 'codeAction', action: 'applyToFile', code: 'pwned', pathHint: '../outside.txt' });
    await send({ type: 'codeAction', action: 'applyToFile', code: 'pwned', pathHint: '.vscode/settings.json' });
    assert.strictEqual(refusedSince(before).length, 2, refusedSince(before).join('\n'));
    const settings = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.vscode', 'settings.json'));
    assert.ok(!Buffer.from(settings).toString('utf8').includes('pwned'));
  });

  test('a prompt runs a turn whose answer is in the view model and in the saved view of the session', async () => {
    const finished = new Promise<Extract<AgentEvent, { type: 'turnFinished' }>>((resolve) => {
      const subscription = session.holdfast.agentHost.onEvent((event) => {
        if (event.type !== 'turnFinished') return;
        subscription.dispose();
        resolve(event);
      });
    });
    await send({ type: 'sendPrompt', text: 'chat-e2e: markdown', attachments: [{ kind: 'file', path: 'src/a.ts' }] });
    const event = await within(30_000, 'the turn', finished);
    assert.strictEqual(event.outcome.kind, 'completed');
    const transcript = controller().presenter.transcript();
    const turn = transcript.turns.at(-1);
    assert.ok(turn);
    assert.strictEqual(turn.userText, 'chat-e2e: markdown');
    assert.deepStrictEqual(turn.attachments, [{ kind: 'file', path: 'src/a.ts' }]);
    assert.strictEqual(turn.status, 'done');
    assert.ok(turn.footer && turn.footer.requests === 1);
    assert.ok(turn.items.some((item) => item.kind === 'markdown' && item.text === CHAT_MARKDOWN_ANSWER));
    assert.ok(controller().offered().sessions.includes(transcript.id), 'the active session is offered');
    await waitFor('the saved view', () => session.holdfast.context.workspaceState.get(`holdfast.chatView.display.${transcript.id}`) !== undefined);
  });

  // ── the panel's context and code actions ──────────────────────────────────────────────────────

  /** The next message of `type` the controller posts to the view while `action` runs. */
  async function answerTo<T extends HostToWebview['type']>(type: T, action: () => Promise<void>): Promise<Extract<HostToWebview, { type: T }>> {
    const answer = new Promise<Extract<HostToWebview, { type: T }>>((resolve) => {
      const subscription = controller().onDidPost((message) => {
        if (message.type !== type) return;
        subscription.dispose();
        resolve(message as Extract<HostToWebview, { type: T }>);
      });
    });
    await action();
    return within(10_000, `the controller's ${type}`, answer);
  }

  /** Runs a prompt through the controller and returns the user message text the model server received. */
  async function promptReachingModel(request: Extract<ChatRequest, { type: 'sendPrompt' }>): Promise<string> {
    const framesBefore = createFrames(session.emulator).length;
    const finished = new Promise<Extract<AgentEvent, { type: 'turnFinished' }>>((resolve) => {
      const subscription = session.holdfast.agentHost.onEvent((event) => {
        if (event.type !== 'turnFinished') return;
        subscription.dispose();
        resolve(event);
      });
    });
    await send(request);
    const event = await within(30_000, 'the turn', finished);
    assert.strictEqual(event.outcome.kind, 'completed', JSON.stringify(event.outcome));
    // Only this turn's requests: not a warm-up (generate: false) that may be in flight at the same time.
    const frames = createFrames(session.emulator)
      .slice(framesBefore)
      .filter((frame) => frame['generate'] !== false);
    assert.strictEqual(frames.length, 1, 'one request for the turn');
    const input = (frames[0]!['input'] ?? []) as Array<{ type?: string; role?: string; content?: Array<{ type?: string; text?: string }> }>;
    const user = input.filter((item) => item.type === 'message' && item.role === 'user').at(-1);
    assert.ok(user, `the request carries a user message: ${JSON.stringify(input).slice(0, 500)}`);
    return (user.content ?? []).map((part) => part.text ?? '').join('');
  }

  test('@file: the query is answered from the workspace without secret files; the mention sends the file to the model', async () => {
    await writeWorkspaceFile('.env', 'OPENAI_API_KEY=sk-holdfast-must-not-be-offered\n');
    await writeWorkspaceFile('src/.env.local', 'TOKEN=also-secret\n');
    await writeWorkspaceFile('src/server.key', 'key material\n');
    const all = await answerTo('mentionResults', () => send({ type: 'mentionQuery', requestId: 41, query: '' }));
    assert.strictEqual(all.requestId, 41);
    const paths = all.candidates.map((candidate) => candidate.path);
    assert.ok(paths.includes('src/a.ts'), `src/a.ts is offered: ${paths.join(', ')}`);
    for (const secret of ['.env', 'src/.env.local', 'src/server.key']) assert.ok(!paths.includes(secret), `${secret} is not offered: ${paths.join(', ')}`);
    assert.ok(all.candidates.length <= 50);
    assert.deepStrictEqual(all.candidates.find((c) => c.path === 'src/a.ts'), { path: 'src/a.ts', description: 'src' });

    const typed = await answerTo('mentionResults', () => send({ type: 'mentionQuery', requestId: 42, query: 'a.t' }));
    assert.strictEqual(typed.candidates[0]?.path, 'src/a.ts', 'a file-name match comes first');
    const env = await answerTo('mentionResults', () => send({ type: 'mentionQuery', requestId: 43, query: 'env' }));
    assert.deepStrictEqual(env.candidates, [], 'nothing secret matches "env"');

    // Choosing the candidate attaches { kind: 'file' } (the composer); sending passes it as a mention.
    const content = await readDisk(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'a.ts'));
    const text = await promptReachingModel({ type: 'sendPrompt', text: 'chat-e2e: markdown @src/a.ts', attachments: [{ kind: 'file', path: 'src/a.ts' }] });
    assert.ok(text.startsWith('chat-e2e: markdown @src/a.ts'), text.slice(0, 200));
    assert.ok(text.includes('@src/a.ts:'), `the mention block is in the user message: ${text.slice(0, 500)}`);
    for (const line of content.split('\n').filter((l) => l.trim() !== '')) assert.ok(text.includes(line), `the model received "${line}"`);
    assert.deepStrictEqual(controller().presenter.transcript().turns.at(-1)?.attachments, [{ kind: 'file', path: 'src/a.ts' }]);

    // A forged file attachment to a secret goes through the same policy: the model is told it was not attached.
    const forged = await promptReachingModel({ type: 'sendPrompt', text: 'chat-e2e: markdown', attachments: [{ kind: 'file', path: '.env' }] });
    assert.ok(!forged.includes('sk-holdfast-must-not-be-offered'), 'the secret never reaches the model');
    assert.match(forged, /@\.env: not attached/);
  });

  test('attach selection: the chip is offered, and sending passes the selection as the active file', async () => {
    const uri = await writeWorkspaceFile('src/selected.ts', ['const first = 1;', 'const second = 2; // holdfast-selected', 'const third = 3;', ''].join('\n'));
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(1, 0, 2, 16);
    const added = await answerTo('attachmentAdded', () => send({ type: 'attachSelection' }));
    const attachment = added.attachment;
    assert.strictEqual(attachment.kind, 'selection');
    assert.ok(attachment.kind === 'selection');
    assert.deepStrictEqual({ path: attachment.path, startLine: attachment.startLine, endLine: attachment.endLine }, { path: 'src/selected.ts', startLine: 2, endLine: 3 });

    const text = await promptReachingModel({ type: 'sendPrompt', text: 'chat-e2e: markdown', attachments: [attachment] });
    assert.ok(text.includes('Active file: src/selected.ts, selected lines 2-3:'), text.slice(0, 500));
    assert.ok(text.includes('const second = 2; // holdfast-selected\nconst third = 3;'), text.slice(0, 500));
    assert.ok(!text.includes('const first = 1;'), 'only the selection is attached');
    assert.deepStrictEqual(controller().presenter.transcript().turns.at(-1)?.attachments, [attachment]);

    // A selection id the host never issued is refused; the prompt still runs, without it.
    const before = controller().refused.length;
    const forged = await promptReachingModel({ type: 'sendPrompt', text: 'chat-e2e: markdown', attachments: [{ kind: 'selection', id: 'sel-forged', path: '.env', startLine: 1, endLine: 1 }] });
    assert.deepStrictEqual(refusedSince(before), ['selection attachment sel-forged, which was not offered']);
    assert.ok(!forged.includes('Active file'), forged.slice(0, 300));
  });

  test('insertAtCursor inserts the code at the cursor of the active editor, as one undo step', async () => {
    const uri = await writeWorkspaceFile('src/insert-here.ts', 'line one\nline two\n');
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await send({ type: 'codeAction', action: 'insertAtCursor', code: 'inserted();\n', language: 'ts' });
    assert.strictEqual(editor.document.getText(), 'line one\ninserted();\nline two\n');
    await vscode.commands.executeCommand('undo');
    await waitFor('one undo restores the file', () => editor.document.getText() === 'line one\nline two\n');
  });

  test('applyToFile with a path in the workspace shows the diff and applies only on Keep (chat view closed)', async () => {
    const approvals = session.holdfast.agentHost.approvals;
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the chat view to be hidden', () => !session.holdfast.chatView.canShowCards);
    const uri = await writeWorkspaceFile('src/apply-target.ts', 'export const version = 1;\n');
    const code = 'export const version = 2;\n';

    // Discard: nothing changes.
    let review = approvals.waitForPending((p) => p.request.kind === 'reviewEdit' && p.request.path === 'src/apply-target.ts');
    let done = send({ type: 'codeAction', action: 'applyToFile', code, pathHint: 'src/apply-target.ts' });
    let pending = await within(10_000, 'the review', review);
    assert.deepStrictEqual(pending.request, { kind: 'reviewEdit', path: 'src/apply-target.ts', before: 'export const version = 1;\n', after: code });
    assert.strictEqual(pending.shownIn, 'diff');
    pending.answer('deny');
    await done;
    assert.strictEqual(await readDisk(uri), 'export const version = 1;\n', 'discarded: the file is unchanged');

    // Keep: applied, and the file is shown.
    review = approvals.waitForPending((p) => p.request.kind === 'reviewEdit' && p.request.path === 'src/apply-target.ts');
    done = send({ type: 'codeAction', action: 'applyToFile', code, pathHint: 'src/apply-target.ts' });
    pending = await within(10_000, 'the review', review);
    assert.strictEqual(await readDisk(uri), 'export const version = 1;\n', 'nothing is written before the answer');
    pending.answer('allowOnce');
    await done;
    assert.strictEqual(await readDisk(uri), code);
    await waitFor('the applied file in an editor', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/src/apply-target.ts'));

    // A new file is created the same way, after review.
    review = approvals.waitForPending((p) => p.request.kind === 'reviewEdit' && p.request.path === 'src/created-by-apply.ts');
    done = send({ type: 'codeAction', action: 'applyToFile', code: 'export {};\n', pathHint: 'src/created-by-apply.ts' });
    pending = await within(10_000, 'the review', review);
    assert.ok(pending.request.kind === 'reviewEdit' && pending.request.before === undefined);
    pending.answer('allowOnce');
    await done;
    assert.strictEqual(await readDisk(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'created-by-apply.ts')), 'export {};\n');
  });

  test('applyToFile with the chat view open asks in a review card under its own entry; Keep applies, a forged answer is refused', async () => {
    const approvals = session.holdfast.agentHost.approvals;
    await vscode.commands.executeCommand('holdfast.openChat');
    await waitFor('the chat view to be ready for cards', () => session.holdfast.chatView.canShowCards, 60_000);
    const uri = await writeWorkspaceFile('src/apply-in-chat.ts', 'export const where = "diff";\n');
    const code = 'export const where = "chat";\n';

    const review = approvals.waitForPending((p) => p.request.kind === 'reviewEdit' && p.request.path === 'src/apply-in-chat.ts');
    const done = send({ type: 'codeAction', action: 'applyToFile', code, pathHint: 'src/apply-in-chat.ts' });
    const pending = await within(30_000, 'the review', review);
    assert.strictEqual(pending.shownIn, 'presenter');
    const entry = controller().presenter.transcript().turns.at(-1);
    assert.ok(entry, 'an entry in the chat');
    assert.strictEqual(entry.kind, 'review', 'a review entry, not a prompt');
    assert.strictEqual(entry.userText, '“Apply to file” proposes a change to src/apply-in-chat.ts');
    const item = entry.items[0];
    assert.ok(item?.kind === 'approval' && item.card.kind === 'review', JSON.stringify(entry.items).slice(0, 300));
    assert.strictEqual(item.card.path, 'src/apply-in-chat.ts');
    assert.strictEqual(item.card.state, 'pending');

    const before = controller().refused.length;
    await send({ type: 'approvalDecision', approvalId: 'outside-forged', decision: 'allowOnce' });
    await send({ type: 'approvalDecision', approvalId: item.card.id, decision: 'allowAlways' });
    assert.strictEqual(refusedSince(before).length, 2, refusedSince(before).join('\n'));
    assert.strictEqual(await readDisk(uri), 'export const where = "diff";\n', 'nothing is written before Keep');

    await send({ type: 'approvalDecision', approvalId: item.card.id, decision: 'allowOnce' });
    await done;
    assert.strictEqual(await readDisk(uri), code);
    const resolved = controller().presenter.transcript().turns.find((t) => t.id === entry.id)?.items[0];
    assert.ok(resolved?.kind === 'approval' && resolved.card.state === 'allowedOnce', 'the card shows it was kept');
    assert.deepStrictEqual(controller().offered().approvals, [], 'no card is left open');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
  });

  test('the session list counts turns', async () => {
    await promptReachingModel({ type: 'sendPrompt', text: 'chat-e2e: markdown', attachments: [] });
    const active = await session.holdfast.agentHost.activeSession();
    await waitFor('the saved session in the store', async () => (await session.holdfast.agentHost.listSessions()).find((s) => s.id === active.id && s.turns === active.turns.length));
    assert.ok(active.turns.length >= 1, `turns so far: ${active.turns.length}`);
    const snapshot = controller().presenter.snapshot();
    assert.strictEqual(snapshot.sessions?.find((s) => s.id === active.id)?.turns, active.turns.length);
  });
});
