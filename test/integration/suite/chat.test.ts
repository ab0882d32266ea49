/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import { parseWebviewToHost } from '../../../src/protocol/webview';
import type { ChatRequest } from '../../../src/ui/chatViewProvider';
import { CHAT_MARKDOWN_ANSWER, chatScenario } from '../../emulator/scenarios/chatE2e';
import { useEmulator, waitFor, type EmulatorSession } from '../support/emulatorSession';
import { within } from '../holdfastExtension';

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
    await session.holdfast.handleChatRequest(request);
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
});
