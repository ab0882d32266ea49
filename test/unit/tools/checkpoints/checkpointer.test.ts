import { describe, expect, it } from 'vitest';
import { CheckpointCorruptError } from '../../../../src/tools/checkpoints/blobStore';
import { Checkpointer } from '../../../../src/tools/checkpoints/checkpointer';
import type { JournalEntry } from '../../../../src/tools/editJournal';
import { MemoryCheckpointFiles } from '../../../fakes/memoryCheckpointFiles';
import { MemoryWorkspace } from '../../../fakes/memoryWorkspace';

const SESSION = 'session-1';

function setup(capBytes?: number) {
  const files = new MemoryCheckpointFiles();
  const workspace = new MemoryWorkspace();
  let id = 0;
  const checkpointer = new Checkpointer({ files, now: () => 1000, newId: () => `cp${++id}`, capBytes });
  /** The agent's edit in a turn: applied to the workspace and recorded, as apply_edit does. */
  const agentEdit = async (turnId: string, path: string, after: string) => {
    const before = workspace.text(path);
    workspace.write(path, after);
    const entry: JournalEntry = { turnId, callId: 'c', path: `/ws/${path}`, display: path, before, after, at: 1 };
    return checkpointer.recordEdit(SESSION, entry);
  };
  return { files, workspace, checkpointer, agentEdit };
}

describe('Checkpointer', () => {
  it('keeps one checkpoint per turn with the first before and the latest after of each file', async () => {
    const { checkpointer, agentEdit, workspace } = setup();
    workspace.write('a.txt', 'a0');
    await agentEdit('t1', 'a.txt', 'a1');
    await agentEdit('t1', 'a.txt', 'a2');
    await agentEdit('t1', 'new.txt', 'n1');
    await agentEdit('t2', 'a.txt', 'a3');
    const log = await checkpointer.list(SESSION);
    expect(log.map((c) => [c.kind, c.turnId, c.files.map((f) => [f.display, f.before.kind, f.after.kind])])).toEqual([
      ['turn', 't1', [['a.txt', 'text', 'text'], ['new.txt', 'absent', 'text']]],
      ['turn', 't2', [['a.txt', 'text', 'text']]],
    ]);
    expect(log[0]!.files[0]!.after).toEqual(log[1]!.files[0]!.before);
  });

  it('stores equal contents once (content-addressed)', async () => {
    const { files, agentEdit, workspace } = setup();
    workspace.write('a.txt', 'same');
    await agentEdit('t1', 'a.txt', 'other');
    await agentEdit('t2', 'a.txt', 'same');
    await agentEdit('t3', 'b.txt', 'same');
    expect(files.names('blobs/')).toHaveLength(2);
  });

  it('names files too large to checkpoint, and a restore says it cannot bring them back', async () => {
    const { checkpointer, agentEdit, workspace } = setup(10);
    workspace.write('big.txt', 'x'.repeat(50));
    const recorded = await agentEdit('t1', 'big.txt', 'small');
    expect(recorded.tooLarge).toEqual(['big.txt']);
    const plan = (await checkpointer.planTurnRestore(SESSION, 't1', workspace))!;
    expect(plan.files.map((f) => [f.display, f.action])).toEqual([['big.txt', 'unavailable']]);
    const result = await checkpointer.applyRestore(plan, workspace, { keepHandEdits: true });
    expect(result).toMatchObject({ ok: true, written: [], unavailable: ['big.txt'] });
    expect(workspace.text('big.txt')).toBe('small');
  });

  it('restores every file to before the turn (created files gone, later turns undone too), and undoes the restore', async () => {
    const { checkpointer, agentEdit, workspace } = setup();
    workspace.write('a.txt', 'a0').write('gone.txt', 'g0');
    await agentEdit('t1', 'a.txt', 'a1');
    await agentEdit('t2', 'a.txt', 'a2');
    await agentEdit('t2', 'created.txt', 'c2');
    await agentEdit('t3', 'gone.txt', 'g3');
    const plan = (await checkpointer.planTurnRestore(SESSION, 't2', workspace))!;
    expect(plan.files.map((f) => [f.display, f.action, f.handEdited])).toEqual([
      ['a.txt', 'modify', false],
      ['created.txt', 'delete', false],
      ['gone.txt', 'modify', false],
    ]);
    expect(await checkpointer.applyRestore(plan, workspace, { keepHandEdits: true })).toMatchObject({ ok: true, written: ['a.txt', 'created.txt', 'gone.txt'] });
    expect([workspace.text('a.txt'), workspace.text('created.txt'), workspace.text('gone.txt')]).toEqual(['a1', undefined, 'g0']);

    const undo = (await checkpointer.planUndoLastRestore(SESSION, workspace))!;
    expect(undo.files.map((f) => [f.display, f.action])).toEqual([['a.txt', 'modify'], ['created.txt', 'create'], ['gone.txt', 'modify']]);
    await checkpointer.applyRestore(undo, workspace, { keepHandEdits: true });
    expect([workspace.text('a.txt'), workspace.text('created.txt'), workspace.text('gone.txt')]).toEqual(['a2', 'c2', 'g3']);
  });

  it('brings back a file deleted since the turn', async () => {
    const { checkpointer, agentEdit, workspace } = setup();
    workspace.write('keep.txt', 'k0');
    await agentEdit('t1', 'keep.txt', 'k1');
    await workspace.applyEdit([{ kind: 'delete', path: '/ws/keep.txt' }]);
    const plan = (await checkpointer.planTurnRestore(SESSION, 't1', workspace))!;
    expect(plan.files.map((f) => [f.action, f.handEdited])).toEqual([['create', true]]);
    await checkpointer.applyRestore(plan, workspace, { keepHandEdits: false });
    expect(workspace.text('keep.txt')).toBe('k0');
  });

  it('shows hand edits in the plan, keeps them when asked, and overwrites them only when asked', async () => {
    for (const keepHandEdits of [true, false]) {
      const { checkpointer, agentEdit, workspace } = setup();
      workspace.write('a.txt', 'a0').write('b.txt', 'b0');
      await agentEdit('t1', 'a.txt', 'a1');
      await agentEdit('t2', 'b.txt', 'b2');
      workspace.write('a.txt', 'a1 + my typing');
      const plan = (await checkpointer.planTurnRestore(SESSION, 't1', workspace))!;
      expect(plan.files.filter((f) => f.handEdited).map((f) => f.display)).toEqual(['a.txt']);
      const result = await checkpointer.applyRestore(plan, workspace, { keepHandEdits });
      expect(result).toMatchObject({ ok: true, keptHandEdits: keepHandEdits ? ['a.txt'] : [] });
      expect(workspace.text('a.txt')).toBe(keepHandEdits ? 'a1 + my typing' : 'a0');
      expect(workspace.text('b.txt')).toBe('b0');
      if (!keepHandEdits) {
        // The overwritten hand edit is in the restore's checkpoint: undoing the restore brings it back.
        await checkpointer.applyRestore((await checkpointer.planUndoLastRestore(SESSION, workspace))!, workspace, { keepHandEdits: true });
        expect(workspace.text('a.txt')).toBe('a1 + my typing');
      }
    }
  });

  it('refuses a plan when a file changed after the preview, and changes nothing', async () => {
    const { checkpointer, agentEdit, workspace } = setup();
    workspace.write('a.txt', 'a0').write('b.txt', 'b0');
    await agentEdit('t1', 'a.txt', 'a1');
    await agentEdit('t1', 'b.txt', 'b1');
    const plan = (await checkpointer.planTurnRestore(SESSION, 't1', workspace))!;
    workspace.write('b.txt', 'typed after the preview');
    expect(await checkpointer.applyRestore(plan, workspace, { keepHandEdits: false })).toMatchObject({ ok: false, message: expect.stringContaining('b.txt changed since the preview') });
    expect(workspace.text('a.txt')).toBe('a1');
  });

  it('survives a restart: a new Checkpointer on the same storage restores', async () => {
    const { files, agentEdit, workspace } = setup();
    workspace.write('a.txt', 'a0');
    await agentEdit('t1', 'a.txt', 'a1');
    const reloaded = new Checkpointer({ files, now: () => 2, newId: () => 'x' });
    await reloaded.applyRestore((await reloaded.planTurnRestore(SESSION, 't1', workspace))!, workspace, { keepHandEdits: true });
    expect(workspace.text('a.txt')).toBe('a0');
  });

  it('reports damaged storage clearly instead of restoring wrong content', async () => {
    const { files, agentEdit, workspace } = setup();
    workspace.write('a.txt', 'a0');
    await agentEdit('t1', 'a.txt', 'a1');
    const blob = files.names('blobs/').find((n) => files.files.get(n) && new TextDecoder().decode(files.files.get(n)) === 'a0')!;
    files.files.set(blob, new TextEncoder().encode('tampered'));
    const reloaded = new Checkpointer({ files, now: () => 2, newId: () => 'x' });
    const plan = (await reloaded.planTurnRestore(SESSION, 't1', workspace))!;
    await expect(reloaded.applyRestore(plan, workspace, { keepHandEdits: true })).rejects.toThrow(/saved copy of a.txt .* is damaged/);
    expect(workspace.text('a.txt')).toBe('a1');

    files.files.delete(blob);
    await expect(reloaded.applyRestore(plan, workspace, { keepHandEdits: true })).rejects.toThrow(/saved copy of a.txt is missing/);

    files.files.set('sessions/session-1.json', new TextEncoder().encode('{"version":1,'));
    const third = new Checkpointer({ files, now: () => 2, newId: () => 'x' });
    await expect(third.list(SESSION)).rejects.toBeInstanceOf(CheckpointCorruptError);
    files.files.set('sessions/session-1.json', new TextEncoder().encode('{"version":1,"checkpoints":[{"id":3}]}'));
    await expect(third.list(SESSION)).rejects.toThrow(/damaged \(unexpected content\)/);
  });

  it('restores to before a turn that changed no file as to before the next turn that did', async () => {
    const { checkpointer, agentEdit, workspace } = setup();
    workspace.write('a.txt', 'a0');
    await agentEdit('t1', 'a.txt', 'a1');
    await agentEdit('t3', 'a.txt', 'a3');
    const plan = (await checkpointer.planTurnRestore(SESSION, 't2', workspace, ['t1', 't2', 't3']))!;
    await checkpointer.applyRestore(plan, workspace, { keepHandEdits: true });
    expect(workspace.text('a.txt')).toBe('a1');
    expect(await checkpointer.planTurnRestore(SESSION, 't4', workspace, ['t1', 't2', 't3', 't4'])).toBeUndefined();
  });

  it('has no plan for a turn that changed no file', async () => {
    const { checkpointer, workspace } = setup();
    expect(await checkpointer.planTurnRestore(SESSION, 'nothing', workspace)).toBeUndefined();
    expect(await checkpointer.planUndoLastRestore(SESSION, workspace)).toBeUndefined();
  });
});
