/// <reference types="mocha" />
import * as assert from 'node:assert';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { Holdfast } from '../../../src/app/holdfast';
import { type Emulator, startEmulator } from '../../emulator';
import { createFrames } from '../support/emulatorSession';
import { holdfastUnderTest, pointBaseUrlAt, workspaceBaseUrl } from '../support/holdfastExtension';
import { waitFor } from '../support/waiting';

/**
 * Issue 4 in a real VS Code: with a key set, Holdfast opens the workspace's socket to the model
 * server and warms it with `generate: false`, carrying exactly the instructions and tools the agent
 * sends later, and nothing the user does (activation, setting the key) waits for it. The emulator holds
 * every WebSocket upgrade for HANDSHAKE_DELAY_MS: "not awaited" is checked as an order of events (the
 * command had returned while the emulator still held the upgrade), not with a stopwatch.
 */
const HANDSHAKE_DELAY_MS = 4_000;

suite('warm-up: a warm socket before the first prompt, never awaited', function () {
  this.timeout(30_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let previousBaseUrl: string | undefined;

  suiteSetup(async () => {
    holdfast = await holdfastUnderTest();
    previousBaseUrl = workspaceBaseUrl();
    assert.strictEqual(holdfast.settings.warmup, 'onActivation', 'the fixture workspace warms on activation');
    emulator = await startEmulator({
      scenario: { name: 'warmup', fallback: 'fail', steps: [{ id: 'hello', when: { userText: 'Say hello' }, say: 'Hello from the emulator.' }] },
      tokensPerSecond: 0,
      pingIntervalMs: 0,
    });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('holdfast.clearApiKey');
    if (holdfast) await pointBaseUrlAt(holdfast, previousBaseUrl);
    await emulator?.close();
  });

  test('the test API is handed out: the harness runs the extension in ExtensionMode.Test', () => {
    assert.strictEqual(holdfast.context.extensionMode, vscode.ExtensionMode.Test);
  });

  test('setting the key warms the socket in the background; the command does not wait for it', async () => {
    await vscode.commands.executeCommand('holdfast.clearApiKey');
    await pointBaseUrlAt(holdfast, emulator.url);
    emulator.setFault({ kind: 'handshakeDelay', ms: HANDSHAKE_DELAY_MS, count: 5 });

    const started = performance.now();
    await vscode.commands.executeCommand('holdfast.setApiKey', emulator.apiKey);
    const commandMs = performance.now() - started;
    const stateRightAfter = holdfast.connection.transport.state.kind;
    const acceptedRightAfter = emulator.stats().handshakes.accepted;

    await waitFor('the socket to be warm', () => holdfast.connection.transport.state.kind === 'warm', 15_000);
    const warmAfterMs = performance.now() - started;
    console.log(`      (setApiKey returned in ${commandMs.toFixed(0)} ms, state then "${stateRightAfter}"; warm after ${warmAfterMs.toFixed(0)} ms)`);
    assert.strictEqual(acceptedRightAfter, 0, `setApiKey returned after the held upgrade completed (${commandMs.toFixed(0)} ms): it waited for the socket`);
    assert.notStrictEqual(stateRightAfter, 'warm');
    assert.ok(warmAfterMs >= HANDSHAKE_DELAY_MS, 'the emulator held the upgrade, so warming cannot be faster than that');

    const stats = emulator.stats();
    assert.strictEqual(stats.handshakes.accepted, 1);
    assert.strictEqual(stats.totals.warmups, 1);
    const warmups = stats.requests.filter((r) => r.kind === 'warmup');
    // One input item: the instructions, as the chain's leading developer message (issue 16).
    assert.deepStrictEqual(warmups.map((r) => [r.transport, r.status, r.inputItems]), [['ws', 'completed', 1]]);
    const [frame] = createFrames(emulator);
    assert.strictEqual(frame?.['generate'], false);
    assert.strictEqual(frame?.['model'], holdfast.settings.model);
  });

  test('activation’s start() returns at once and the socket warms afterwards', async () => {
    // What activate() does after building the owner object: start(). Drop the socket first so there
    // is something to warm, and keep the upgrade slow.
    holdfast.connection.transport.resetConnection('integration test: re-warm');
    emulator.setFault({ kind: 'handshakeDelay', ms: HANDSHAKE_DELAY_MS, count: 5 });
    const warmupsBefore = emulator.stats().totals.warmups;
    const acceptedBefore = emulator.stats().handshakes.accepted;

    const started = performance.now();
    holdfast.start();
    const startMs = performance.now() - started;
    const stateRightAfter = holdfast.connection.transport.state.kind;
    const acceptedRightAfter = emulator.stats().handshakes.accepted;
    await waitFor('the socket to be warm again', () => holdfast.connection.transport.state.kind === 'warm' && emulator.stats().totals.warmups > warmupsBefore, 15_000);
    const warmAfterMs = performance.now() - started;
    console.log(`      (start() returned in ${startMs.toFixed(1)} ms, state then "${stateRightAfter}"; warm after ${warmAfterMs.toFixed(0)} ms)`);

    assert.strictEqual(acceptedRightAfter, acceptedBefore, `start() returned after the held upgrade completed (${startMs.toFixed(0)} ms)`);
    assert.notStrictEqual(stateRightAfter, 'warm');
    assert.ok(warmAfterMs >= HANDSHAKE_DELAY_MS);
    assert.strictEqual(emulator.stats().totals.warmups, warmupsBefore + 1);
  });

  test('the first prompt continues the warm response with the same instructions and tools', async () => {
    await waitFor('a warm socket', () => holdfast.connection.transport.state.kind === 'warm', 10_000);
    const framesBefore = createFrames(emulator).length;
    const warm = createFrames(emulator).at(-1)!;
    assert.strictEqual(warm['generate'], false);
    const warmResponseId = emulator.stats().requests.filter((r) => r.kind === 'warmup').at(-1)?.responseId;
    assert.ok(warmResponseId);

    holdfast.agentHost.newSession();
    const outcome = await holdfast.agentHost.runTurn({ text: 'Say hello' });
    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Hello from the emulator.' });

    const sent = createFrames(emulator).slice(framesBefore);
    assert.strictEqual(sent.length, 1);
    const prompt = sent[0]!;
    assert.notStrictEqual(prompt['generate'], false);
    assert.strictEqual(prompt['previous_response_id'], warmResponseId, 'the prompt continues the warm-up response (a delta)');
    assert.strictEqual(prompt['instructions'], warm['instructions']);
    assert.deepStrictEqual(prompt['tools'], warm['tools']);
    assert.strictEqual(prompt['model'], warm['model']);
    const toolNames = (warm['tools'] as Array<{ name: string }>).map((t) => t.name);
    // `delegate` (subagents on lanes) is on by default and comes after the workspace tools.
    assert.deepStrictEqual(toolNames, ['read_file', 'list_files', 'search_text', 'get_diagnostics', 'apply_edit', 'run_task', 'run_command', 'delegate']);
    // The instructions ride the chain as its leading developer message, not as top-level `instructions` (issue 16).
    assert.strictEqual(warm['instructions'], undefined);
    const [instructions] = warm['input'] as Array<{ role?: string; content?: Array<{ text?: string }> }>;
    assert.strictEqual(instructions?.role, 'developer');
    assert.match(String(instructions?.content?.[0]?.text), /^You are Holdfast/);
    assert.deepStrictEqual(prompt['input'], [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello' }] }], 'the delta does not repeat them');
    const request = emulator.stats().requests.at(-1)!;
    assert.strictEqual(request.kind, 'continuation');
    assert.strictEqual(request.cache, 'hit');
    assert.strictEqual(emulator.stats().handshakes.accepted, 2, 'no new socket for the prompt');
  });
});
