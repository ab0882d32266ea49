/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import { USER_KEY_MARKER } from '../../../src/common/redact';
import type { HostToWebview } from '../../../src/protocol/webview';
import { KEY_REMOVED_NOTICE } from '../../../src/ui/chat/agentEventDisplay';
import type { ChatRequest } from '../../../src/ui/chatViewProvider';
import { INSTRUCTION_KEY_REMOVED } from '../../../src/ui/inlineEdit/inlineEditController';
import { CHAT_STEER_TEXT, chatScenario } from '../../emulator/scenarios/chatE2e';
import { createFrames, type EmulatorSession, useEmulator } from '../support/emulatorSession';
import { nextAgentEvent } from '../support/agentEvents';
import { waitFor } from '../support/waiting';
import { writeWorkspaceFile } from '../support/workspaceFiles';
import { INLINE_DOC_COMMENT, INLINE_FOLLOW_UP, INLINE_TARGET, issue7Scenario } from '../support/issue7Scenarios';

/** Key-shaped, not the configured key: caught by its shape. */
const PASTED = 'sk-proj-PASTEDintoHoldfast0123456789abcdef';

/**
 * A user pastes their API key (the configured one, known to Holdfast, and another key-shaped secret)
 * into the chat box, a steer and an inline-edit instruction and follow-up, in a real VS Code. The key
 * reaches no model request, no message to the chat view, no saved session or saved view, and not the
 * inline-edit history; the user is told so where they typed.
 */
suite('an API key pasted into what the user types', function () {
  this.timeout(120_000);
  let session: EmulatorSession;
  /** Every message the host posted to the chat view during the suite. */
  const posted: HostToWebview[] = [];
  let secrets: string[] = [];

  suiteSetup(async () => {
    session = await useEmulator({ ...chatScenario, name: 'pasted-key', steps: [...chatScenario.steps, ...issue7Scenario.steps] });
    // The configured key (not key-shaped: only the known-key path catches it) is known before any connect.
    await waitFor('Holdfast to know the configured key', () => session.holdfast.connection.knownKey === session.emulator.apiKey);
    secrets = [session.emulator.apiKey, PASTED];
    const view = session.holdfast.chatView;
    const post = view.post.bind(view);
    view.post = (message: HostToWebview) => {
      posted.push(message);
      post(message);
    };
  });

  suiteTeardown(async () => {
    if (session) Reflect.deleteProperty(session.holdfast.chatView, 'post');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.restore();
  });

  function leaks(text: string): string[] {
    return secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret.slice(0, 10)}…`);
  }

  function send(request: ChatRequest): Promise<void> {
    return session.holdfast.chat.handle(request);
  }

  function next<T extends AgentEvent['type']>(type: T): Promise<Extract<AgentEvent, { type: T }>> {
    return nextAgentEvent(session.holdfast, type);
  }

  function lastTurn() {
    const turn = session.holdfast.chat.presenter.transcript().turns.at(-1);
    assert.ok(turn, 'the view has a turn');
    return turn;
  }

  function notices(turn: ReturnType<typeof lastTurn>) {
    return turn.items.filter((item) => item.kind === 'error' && item.error.tone === 'notice').map((item) => (item.kind === 'error' ? item.error.message : ''));
  }

  test('a chat prompt: the model, the view and the saved session get the marker, and the turn says the key was removed', async () => {
    const { holdfast, emulator } = session;
    const framesBefore = createFrames(emulator).length;
    const finished = next('turnFinished');
    await send({ type: 'sendPrompt', text: `chat-e2e: markdown, my key is ${emulator.apiKey} and the old one ${PASTED}`, attachments: [] });
    const event = await finished;
    assert.strictEqual(event.outcome.kind, 'completed', JSON.stringify(event.outcome));

    const expected = `chat-e2e: markdown, my key is ${USER_KEY_MARKER} and the old one ${USER_KEY_MARKER}`;
    const sent = JSON.stringify(createFrames(emulator).slice(framesBefore));
    assert.ok(sent.includes(expected), `the model got the words with the marker: ${sent.slice(0, 300)}`);
    const turn = lastTurn();
    assert.strictEqual(turn.userText, expected);
    assert.deepStrictEqual(notices(turn), [KEY_REMOVED_NOTICE]);
    assert.ok(
      posted.some((m) => m.type === 'error' && m.turnId === turn.id && m.error.tone === 'notice' && m.error.message === KEY_REMOVED_NOTICE),
      'the notice was posted to the view on that turn',
    );

    const active = await holdfast.agentHost.activeSession();
    assert.deepStrictEqual(leaks(JSON.stringify(active.toRecord())), []);
    await waitFor('the saved session', async () => (await holdfast.agentHost.listSessions()).find((s) => s.id === active.id && s.turns === active.turns.length));
    const savedView = await waitFor('the saved view', () => holdfast.context.workspaceState.get(`holdfast.chatView.display.${active.id}`));
    assert.ok(JSON.stringify(savedView).includes(KEY_REMOVED_NOTICE), 'the saved view keeps the notice');
  });

  test('a steer while the answer streams: the steer frame, the steer line and the transcript get the marker, with the notice', async () => {
    const { holdfast, emulator } = session;
    const finished = next('turnFinished');
    const streaming = next('textDelta');
    await send({ type: 'sendPrompt', text: 'chat-e2e: long story', attachments: [] });
    await streaming;
    await send({ type: 'steer', id: 'view-steer-1', text: `${CHAT_STEER_TEXT} (deploy with ${emulator.apiKey})` });
    const event = await finished;
    assert.notStrictEqual(event.outcome.kind, 'failed', JSON.stringify(event.outcome));

    const clean = `${CHAT_STEER_TEXT} (deploy with ${USER_KEY_MARKER})`;
    const turn = lastTurn();
    const steer = turn.items.find((item) => item.kind === 'steer' && item.steer.id === 'view-steer-1');
    assert.ok(steer?.kind === 'steer', `the steer line is in the turn: ${JSON.stringify(turn.items.map((i) => i.kind))}`);
    assert.strictEqual(steer.steer.text, clean);
    assert.deepStrictEqual(notices(turn), [KEY_REMOVED_NOTICE]);
    const active = await holdfast.agentHost.activeSession();
    assert.ok(JSON.stringify(active.items).includes(clean), 'the transcript keeps the words with the marker');
    assert.ok(emulator.framesJsonl().includes(clean), 'the model got the steer with the marker');
  });

  test('an inline edit instruction and follow-up: sent and remembered with the marker; an information message says so', async () => {
    const { holdfast, emulator } = session;
    const inline = holdfast.inlineEdits;
    const uri = await writeWorkspaceFile('src/pastedKeyTarget.ts', INLINE_TARGET);
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(1, 0, 4, 0);
    inline.lastNotice = undefined;

    const proposal = await inline.runCommand({ instruction: `add a doc comment; the service key is ${PASTED}` });
    assert.ok(proposal, 'a proposal started');
    assert.strictEqual(await proposal.done, 'ready', proposal.message);
    assert.strictEqual(proposal.code, INLINE_DOC_COMMENT);
    assert.strictEqual(inline.lastNotice, INSTRUCTION_KEY_REMOVED);
    assert.strictEqual(inline.history()[0], `add a doc comment; the service key is ${USER_KEY_MARKER}`);

    inline.lastNotice = undefined;
    await vscode.commands.executeCommand('holdfast.inlineEdit.followUp', uri, `also rename the parameters, then log in with ${emulator.apiKey}`);
    assert.strictEqual(await proposal.done, 'ready', proposal.message);
    assert.strictEqual(proposal.code, INLINE_FOLLOW_UP);
    assert.strictEqual(inline.lastNotice, INSTRUCTION_KEY_REMOVED);
    assert.strictEqual(inline.history()[0], `also rename the parameters, then log in with ${USER_KEY_MARKER}`);
    const onLane = JSON.stringify(createFrames(emulator).filter((frame) => JSON.stringify(frame).includes('Instruction: add a doc comment; the service key')));
    assert.ok(onLane.includes(USER_KEY_MARKER), 'the model got the instruction with the marker');
    inline.reject(proposal);
    assert.strictEqual(await proposal.settled, 'rejected');
    assert.strictEqual(editor.document.getText(), INLINE_TARGET);
  });

  test('after all that, the key is in no model request, no message to the view, and nothing Holdfast stored', async () => {
    const { holdfast, emulator } = session;
    assert.ok(posted.length > 0 && JSON.stringify(posted).includes(USER_KEY_MARKER), 'the view was sent the conversation');
    const found: string[] = [];
    const check = (where: string, value: unknown): void => {
      for (const leak of leaks(typeof value === 'string' ? value : JSON.stringify(value) ?? '')) found.push(`${where}: ${leak}`);
    };
    check('frames the model server received', emulator.framesJsonl());
    check('messages to the chat view', posted);
    check('the view model', holdfast.chat.presenter.snapshot());
    for (const key of holdfast.context.workspaceState.keys()) check(`workspaceState ${key}`, holdfast.context.workspaceState.get(key));
    for (const key of holdfast.context.globalState.keys()) check(`globalState ${key}`, holdfast.context.globalState.get(key));
    assert.deepStrictEqual(found, []);
  });
});
