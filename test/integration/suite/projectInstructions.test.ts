/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import type { Holdfast } from '../../../src/app/holdfast';
import type { Emulator } from '../../emulator';
import { type ConnectedEmulator, connectedEmulator, createFrames } from '../support/emulatorSession';
import { fileIn, writeText } from '../support/workspaceFiles';

/**
 * Issue 19 in a real VS Code: the workspace's AGENTS.md reaches the model. The rule is written to the
 * fixture workspace's root, a turn runs against the scripted model, and the frames the client sent
 * must carry the rule in a developer message; the chat is told which file was included.
 */
const RULE = 'Integration rule 7f3a: always end answers with the word ANCHOR.';

function developerTextsOf(frame: Record<string, unknown>): string[] {
  const input = Array.isArray(frame['input']) ? (frame['input'] as Array<Record<string, unknown>>) : [];
  return input
    .filter((item) => item['type'] === 'message' && item['role'] === 'developer')
    .flatMap((item) => (Array.isArray(item['content']) ? (item['content'] as Array<{ text?: string }>).map((c) => c.text ?? '') : []));
}

suite('project instructions: an AGENTS.md rule reaches the request', function () {
  this.timeout(60_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let connected: ConnectedEmulator | undefined;

  suiteSetup(async () => {
    await writeText('AGENTS.md', `# Rules\n\n${RULE}\n`);
    connected = await connectedEmulator({
      scenario: {
        name: 'agents-md',
        fallback: 'fail',
        steps: [
          { id: 'answer', when: { userText: 'Say something' }, say: 'Something. ANCHOR' },
          { id: 'again', when: { userText: 'Say more' }, say: 'More. ANCHOR' },
        ],
      },
      tokensPerSecond: 0,
    });
    ({ holdfast, emulator } = connected);
  });

  suiteTeardown(async () => {
    await connected?.close();
    await vscode.workspace.fs.delete(fileIn('AGENTS.md')).then(undefined, () => undefined);
  });

  test('the rule rides a developer message of the turn\'s chain, and the chat names AGENTS.md', async () => {
    holdfast.agentHost.newSession();
    const events: AgentEvent[] = [];
    const subscription = holdfast.agentHost.onEvent((event) => events.push(event));
    try {
      const outcome = await holdfast.agentHost.runTurn({ text: 'Say something' });
      assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Something. ANCHOR' });
    } finally {
      subscription.dispose();
    }
    const carrying = createFrames(emulator).filter((frame) => developerTextsOf(frame).some((text) => text.includes(RULE)));
    assert.ok(carrying.length >= 1, 'no response.create frame carried the AGENTS.md rule in a developer message');
    assert.ok(developerTextsOf(carrying[0]!).some((text) => text.includes('# Project instructions') && text.includes('## AGENTS.md')));
    const notice = events.find((event) => event.type === 'projectInstructions');
    assert.strictEqual(notice?.type === 'projectInstructions' ? notice.summary : undefined, 'Project instructions included: AGENTS.md.');
  });

  test('a second turn with the file unchanged sends the rule no second time', async () => {
    const before = createFrames(emulator).length;
    const outcome = await holdfast.agentHost.runTurn({ text: 'Say more' });
    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'More. ANCHOR' });
    const later = createFrames(emulator).slice(before);
    assert.ok(later.length >= 1);
    assert.ok(later.every((frame) => !developerTextsOf(frame).some((text) => text.includes(RULE))), 'the unchanged rule was sent again (as a delta it must ride the chain)');
  });
});
