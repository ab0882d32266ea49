/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { Holdfast } from '../../../src/app/holdfast';
import { StorageCheckpointFiles } from '../../../src/host/checkpoints/storageCheckpointFiles';
import { Checkpointer } from '../../../src/tools/checkpoints/checkpointer';
import type { RestoreCommandResult } from '../../../src/ui/restoreCodeCommand';
import type { Scenario } from '../../emulator';
import { CHECKPOINT_FILES, checkpointTurns } from '../../emulator/scenarios/checkpointTurns';
import { type ConnectedEmulator, connectedEmulator } from '../support/emulatorSession';
import { fileIn, readText, workspaceRoot, writeText } from '../support/workspaceFiles';

/**
 * Checkpoints and "Restore code to here" in a real VS Code, on the fixture workspace (a fresh copy,
 * not a git repository), against the scripted model: three turns edit, create and edit files; the
 * user edits one by hand; restoring to turn 2 puts the agent's files back byte for byte, removes the
 * file turn 2 created, shows the hand edit in the preview and keeps it; undoing the restore brings
 * the removed file back. A second Checkpointer on the same storage folder stands in for a restart.
 */

const { a0: A0, b0: B0, created: NEW, bHand: B_HAND } = CHECKPOINT_FILES;

const scenario: Scenario = {
  name: 'integration-checkpoints',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: checkpointTurns({ prefix: 'checkpoints', expectEdited: true }),
};

suite('checkpoints: restore code to a turn, in a folder that is not a git repository', function () {
  this.timeout(90_000);
  let holdfast: Holdfast;
  let connected: ConnectedEmulator | undefined;

  suiteSetup(async () => {
    connected = await connectedEmulator({ scenario, tokensPerSecond: 0 });
    ({ holdfast } = connected);
  });

  suiteTeardown(() => connected?.close());

  async function turn(name: string): Promise<string> {
    const outcome = await holdfast.agentHost.runTurn({ text: `checkpoints ${name}` });
    assert.strictEqual(outcome.kind, 'completed', `${name}: ${JSON.stringify(outcome)}`);
    return (await holdfast.agentHost.activeSession()).turns.at(-1)!.id;
  }

  const restore = (argument: object) => vscode.commands.executeCommand<RestoreCommandResult>('holdfast.restoreCodeToTurn', argument);

  test('restore to turn 2: agent files back byte for byte, created file gone, hand edit shown and kept; then undone', async () => {
    await assert.rejects(async () => vscode.workspace.fs.stat(vscode.Uri.joinPath(workspaceRoot(), '.git')), 'the fixture workspace must not be a git repository');
    holdfast.agentHost.newSession();
    await writeText('ck/a.txt', A0);
    await writeText('ck/b.txt', B0);
    await turn('turn1');
    const turn2 = await turn('turn2');
    const beforeRestore = { a: await readText('ck/a.txt'), new: await readText('ck/new.txt') };
    assert.deepStrictEqual(beforeRestore, { a: A0.replace('alpha 0', 'alpha 2'), new: NEW });
    await turn('turn3');
    assert.strictEqual(await readText('ck/b.txt'), 'bravo 3\n');

    // The user types into b.txt after the agent's last edit, and saves.
    const document = await vscode.workspace.openTextDocument(fileIn('ck/b.txt'));
    const typing = new vscode.WorkspaceEdit();
    typing.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), B_HAND);
    assert.ok(await vscode.workspace.applyEdit(typing));
    assert.ok(await document.save());

    const sessionId = (await holdfast.agentHost.activeSession()).id;
    const preview = await restore({ sessionId, turnId: turn2, preview: true });
    assert.deepStrictEqual(preview, {
      kind: 'preview',
      files: [
        { display: 'ck/a.txt', action: 'modify', handEdited: false },
        { display: 'ck/new.txt', action: 'delete', handEdited: false },
        { display: 'ck/b.txt', action: 'modify', handEdited: true },
      ],
    });

    const restored = await restore({ sessionId, turnId: turn2, handEdits: 'keep' });
    assert.deepStrictEqual(restored, { kind: 'restored', written: ['ck/a.txt', 'ck/new.txt'], keptHandEdits: ['ck/b.txt'], unavailable: [] });
    assert.strictEqual(await readText('ck/a.txt'), A0.replace('alpha 0', 'alpha 1'), 'a.txt is byte-identical to before turn 2');
    assert.strictEqual(await readText('ck/new.txt'), undefined, 'the file turn 2 created is gone');
    assert.strictEqual(await readText('ck/b.txt'), B_HAND, 'the hand edit survives');

    const undone = await vscode.commands.executeCommand<RestoreCommandResult>('holdfast.undoRestoreCode', { sessionId, handEdits: 'keep' });
    assert.deepStrictEqual(undone, { kind: 'restored', written: ['ck/a.txt', 'ck/new.txt'], keptHandEdits: [], unavailable: [] });
    assert.deepStrictEqual({ a: await readText('ck/a.txt'), new: await readText('ck/new.txt') }, beforeRestore, 'the undo brings the deleted file back');
    assert.strictEqual(await readText('ck/b.txt'), B_HAND);

    // A restart: a new store reads the same workspace storage from disk and restores turn 1.
    const storage = holdfast.context.storageUri ?? holdfast.context.globalStorageUri;
    const fresh = new Checkpointer({ files: new StorageCheckpointFiles(vscode.Uri.joinPath(storage, 'checkpoints')), now: Date.now, newId: () => 'after-restart' });
    const turn1 = (await holdfast.agentHost.activeSession()).turns[0]!.id;
    const plan = await fresh.planTurnRestore(sessionId, turn1, holdfast.agentHost.services.workspace);
    assert.ok(plan, 'the checkpoints survive in workspace storage');
    const result = await fresh.applyRestore(plan, holdfast.agentHost.services.workspace, { keepHandEdits: true });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepStrictEqual(
      { a: await readText('ck/a.txt'), new: await readText('ck/new.txt'), b: await readText('ck/b.txt') },
      { a: A0, new: undefined, b: B_HAND },
    );
  });
});
