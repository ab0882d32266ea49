/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import type { ContextMeterView } from '../../../src/protocol/webview';
import type { Scenario } from '../../emulator';
import { createFrames, type EmulatorSession, useEmulator } from '../support/emulatorSession';
import { nextAgentEvent } from '../support/agentEvents';
import { waitFor } from '../support/waiting';

const STEER_TEXT = 'context-steer: and end with the word pineapple';
const STEERED_ANSWER = 'Pineapple: the steer reached the running answer.';

/** Short answers to notes, a slow essay to steer into, and the answer to the steer. */
const contextScenario: Scenario = {
  name: 'context',
  tokensPerSecond: 0,
  fallback: 'fail',
  steps: [
    { id: 'steered', when: { userText: STEER_TEXT }, say: STEERED_ANSWER, repeat: true },
    { id: 'essay', when: { userText: 'context: slow essay' }, say: 'essay '.repeat(400), tokensPerSecond: 150, repeat: true },
    { id: 'note', when: { userText: 'context: note' }, say: 'Noted. Here is a summary of what you said, kept short so the window grows slowly.', repeat: true },
  ],
};

/**
 * Issue 16 in a real VS Code: the chat's context meter moves with each turn; "Compact Now" compacts
 * mid-session and the next request starts a new chain with the compacted window (frames checked); a
 * pinned answer survives compaction verbatim; and steering still works in a session that compacted
 * (the emulator's GPT-6.2-like `test-32k` steers, so compaction runs out of band, never with
 * `context_management`).
 */
suite('context window: meter, Compact Now, pins, steering after compaction', function () {
  this.timeout(120_000);
  let session: EmulatorSession;
  const meters: ContextMeterView[] = [];
  const pinMessages: string[][] = [];
  let previous: { model: unknown; window: unknown };

  suiteSetup(async () => {
    session = await useEmulator(contextScenario);
    const config = vscode.workspace.getConfiguration('holdfast');
    previous = { model: config.inspect('model')?.workspaceValue, window: config.inspect('contextWindow')?.workspaceValue };
    await config.update('model', 'test-32k', vscode.ConfigurationTarget.Workspace);
    await config.update('contextWindow', 32_768, vscode.ConfigurationTarget.Workspace);
    await waitFor('holdfast.model = test-32k', () => session.holdfast.settings.model === 'test-32k');
    session.holdfast.chat.onDidPost((message) => {
      if (message.type === 'contextMeter') meters.push(message.meter);
      if (message.type === 'pins') pinMessages.push(message.pinned);
    });
    session.holdfast.agentHost.newSession();
  });

  suiteTeardown(async () => {
    const config = vscode.workspace.getConfiguration('holdfast');
    await config.update('model', previous?.model, vscode.ConfigurationTarget.Workspace);
    await config.update('contextWindow', previous?.window, vscode.ConfigurationTarget.Workspace);
    await session?.restore();
  });

  function prompt(text: string) {
    return session.holdfast.chat.sendPrompt(text);
  }

  function next<T extends AgentEvent['type']>(type: T): Promise<Extract<AgentEvent, { type: T }>> {
    return nextAgentEvent(session.holdfast, type);
  }

  /** The model requests (not warm-ups) sent since `from`. */
  function requestsSince(from: number): Array<Record<string, unknown>> {
    return createFrames(session.emulator).slice(from).filter((frame) => frame['generate'] !== false);
  }

  function inputTypes(frame: Record<string, unknown>): string[] {
    return (frame['input'] as Array<Record<string, unknown>>).map((item) => (item['type'] === 'message' ? String(item['role']) : String(item['type'])));
  }

  test('the meter moves with each turn, out of the window the setting gives', async () => {
    assert.strictEqual((await prompt('context: note one, about tabs')).kind, 'completed');
    const latest = (): ContextMeterView | undefined => meters.at(-1);
    const first = await waitFor('a meter with tokens', () => (latest()?.usedTokens ?? 0) > 0 && latest());
    assert.strictEqual((await prompt('context: note two, about the build')).kind, 'completed');
    const second = await waitFor('the meter after the second turn', () => (latest()?.session.requests ?? 0) >= 2 && latest());
    assert.ok(second.usedTokens > first.usedTokens, `the meter moved: ${first.usedTokens} → ${second.usedTokens}`);
    assert.deepStrictEqual(
      { window: second.windowTokens, source: second.windowSource, mode: second.compactionMode, compactAt: second.compactAtTokens, model: second.model },
      { window: 32_768, source: 'setting', mode: 'standalone', compactAt: 26_214, model: 'test-32k' },
    );
    assert.ok(second.lastInputTokens! > 0 && second.lastCachedTokens! > 0, `the last request read from the cache: ${JSON.stringify(second)}`);
    assert.ok(second.lastCacheWriteTokens !== undefined, 'a GPT-6.2-like model reports cache writes');
  });

  test('a pinned answer survives Compact Now verbatim, and the next request starts a new chain with the compacted window', async () => {
    const { holdfast, emulator } = session;
    const turn = holdfast.chat.presenter.transcript().turns.find((t) => t.userText === 'context: note one, about tabs');
    const block = turn?.items.find((item) => item.kind === 'markdown');
    assert.ok(turn && block?.kind === 'markdown', 'the first turn shows an answer block');
    await holdfast.chat.handle({ type: 'pinMessage', turnId: turn.id, blockId: block.id, pinned: true });
    assert.deepStrictEqual(pinMessages.at(-1), [`${turn.id}/${block.id}`]);

    const compactsBefore = emulator.stats().requests.filter((r) => r.kind === 'compact').length;
    assert.strictEqual(await vscode.commands.executeCommand('holdfast.compactNow'), 'compacted');
    assert.strictEqual(emulator.stats().requests.filter((r) => r.kind === 'compact').length, compactsBefore + 1);
    const marker = holdfast.chat.presenter.transcript().turns.at(-1)!.items.find((item) => item.kind === 'error' && item.error.tone === 'notice');
    assert.ok(marker?.kind === 'error' && /compacted the conversation \(Compact Now\)/.test(marker.error.message), `a marker where it happened: ${JSON.stringify(marker)}`);
    await waitFor('the meter to count the compaction', () => meters.at(-1)?.compactions === 1);

    const from = createFrames(emulator).length;
    assert.strictEqual((await prompt('context: note three, after compacting')).kind, 'completed');
    const [frame] = requestsSince(from);
    assert.ok(frame, 'a request after the compaction');
    assert.strictEqual(frame['previous_response_id'], undefined, 'a new chain');
    assert.strictEqual(frame['context_management'], undefined, 'never context_management in a session that steers');
    const types = inputTypes(frame);
    const at = types.indexOf('compaction');
    assert.ok(at >= 0 && types.slice(0, at).every((t) => t === 'user'), `the compacted window first: ${types.join(', ')}`);
    assert.deepStrictEqual(types.slice(at + 1), ['developer', 'developer', 'user'], 'then the instructions, the pinned answer, the new prompt');
    const after = JSON.stringify((frame['input'] as unknown[]).slice(at + 1));
    assert.ok(after.includes(JSON.stringify(block.text).slice(1, -1)), 'the pinned answer, verbatim, after the compaction item');
    // The chat still shows the whole conversation: three prompts, each once.
    assert.deepStrictEqual(
      holdfast.chat.presenter.transcript().turns.map((t) => t.userText),
      ['context: note one, about tabs', 'context: note two, about the build', 'context: note three, after compacting'],
    );
  });

  test('steering still works in the compacted session (compaction stays out of band)', async () => {
    const { holdfast, emulator } = session;
    const from = emulator.frames().length;
    const finished = next('turnFinished');
    const delivered = next('steerDelivered');
    const streaming = next('textDelta');
    void prompt('context: slow essay, please');
    await streaming;
    await holdfast.chat.handle({ type: 'steer', id: 'context-steer-1', text: STEER_TEXT });
    const steer = await delivered;
    const event = await finished;
    assert.notStrictEqual(event.outcome.kind, 'failed', JSON.stringify(event.outcome));
    assert.strictEqual(steer.via, 'stream', 'the steer reached the running response');
    const frames = emulator.frames().slice(from);
    assert.ok(frames.some((f) => f.dir === 'send' && (f.frame as { type?: string }).type === 'response.steer'), 'a response.steer frame');
    assert.ok(frames.some((f) => f.dir === 'recv' && (f.frame as { type?: string }).type === 'response.steer.accepted'), 'accepted by the server');
    assert.ok(!createFrames(emulator).some((frame) => 'context_management' in frame), 'no request of the session carried context_management');
    assert.ok(JSON.stringify(holdfast.chat.presenter.transcript().turns.at(-1)).includes(STEERED_ANSWER), 'the successor answered the steer');
  });
});
