/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Holdfast } from '../../../src/app/holdfast';
import { type Emulator, startEmulator } from '../../emulator';
import { connectToEmulator } from '../support/emulatorSession';
import { holdfastUnderTest } from '../support/holdfastExtension';

/**
 * Issue 9's flight recorder in a real VS Code: after a conversation, "Export Session Recording" writes
 * the frames as JSONL in the shape of the protocol's example frames, with the API key nowhere in it,
 * and the emulator replays that file against a fresh run of the same conversation without a mismatch.
 */
const KEY = 'sk-holdfast-recording-test-0123456789abcdef';
const SCENARIO = {
  name: 'recording',
  fallback: 'fail' as const,
  steps: [{ id: 'answer', when: { userText: 'What is Holdfast?' }, say: 'An agent on a **warm socket**.' }],
};

suite('flight recorder: export a redacted recording that replays', function () {
  this.timeout(60_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let disconnect: () => Promise<void>;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-rec-'));

  suiteSetup(async () => {
    holdfast = await holdfastUnderTest();
    emulator = await startEmulator({ apiKey: KEY, scenario: SCENARIO, tokensPerSecond: 0, pingIntervalMs: 0 });
  });

  suiteTeardown(async () => {
    await disconnect?.();
    await emulator?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  test('the exported JSONL has the conversation, no key, and replays without a mismatch', async () => {
    // Record from the connect on, so the recording starts with the warm-up like a real session.
    holdfast.connection.recorder.clear();
    disconnect = await connectToEmulator(holdfast, emulator);
    holdfast.agentHost.newSession();
    const outcome = await holdfast.agentHost.runTurn({ text: 'What is Holdfast?' });
    assert.strictEqual(outcome.kind, 'completed');

    const file = path.join(outDir, 'recording.jsonl');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('holdfast.exportRecording', file);
    assert.ok(written, 'the command reports where it wrote');
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes(KEY), 'the API key must not appear in a recording');
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as { dir: string; frame: { type?: string; generate?: boolean } });
    assert.ok(lines.every((line) => line.dir === 'send' || line.dir === 'recv'));
    const sent = lines.filter((line) => line.dir === 'send').map((line) => line.frame.type);
    const received = lines.filter((line) => line.dir === 'recv').map((line) => line.frame.type);
    assert.ok(sent.includes('response.create'), `sent: ${sent.join(', ')}`);
    assert.ok(received.includes('response.output_text.delta'), `received: ${received.join(', ')}`);
    assert.ok(received.includes('response.completed'));

    // Replay: a second emulator plays the recording back; a fresh chain of the same conversation must
    // send what was recorded (the emulator reports any mismatch in its stats).
    const replay = await startEmulator({ apiKey: KEY, scenario: SCENARIO, replay: { file, freshIds: true }, pingIntervalMs: 0 });
    const reconnect = await connectToEmulator(holdfast, replay);
    try {
      holdfast.agentHost.newSession();
      const again = await holdfast.agentHost.runTurn({ text: 'What is Holdfast?' });
      assert.deepStrictEqual(again, outcome, 'the replayed conversation ends the same way');
      assert.deepStrictEqual(replay.stats().replayMismatches, [], 'the client sent what was recorded');
    } finally {
      await reconnect();
      await replay.close();
    }
  });
});
