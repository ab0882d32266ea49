import { describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { INTERRUPTED_OUTPUT } from '../../../src/agent/chatSession';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import type { ReasoningItem } from '../../../src/protocol/items';
import { ManualClock } from '../../fakes/manualClock';
import { createAgentHarness } from '../../fakes/agentHarness';
import { callTool, FakeModelClient, respond, say } from '../../fakes/fakeModelClient';

const reasoning: ReasoningItem = { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'gAAAA-encrypted-blob' };

describe('sessions', () => {
  it('a session is saved after the turn and resumed from storage on a new agent (full transcript, encrypted reasoning kept)', async () => {
    const storage = new MemorySessionStorage();
    const h = createAgentHarness({ storage });
    h.workspace.write('/ws/a.ts', 'const a = 1;\n');
    h.model.script(respond([reasoning, callTool('c1', 'read_file', { path: 'a.ts' })]), respond([say('a is 1')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'what is a?' });

    // "Reload": a new store and a new agent over the same storage and a fresh model client (new socket).
    const store = new SessionStore(storage, new ManualClock(2_000_000_000_000));
    expect(await store.list()).toEqual([{ id: session.id, title: 'what is a?', createdAt: session.createdAt, updatedAt: session.updatedAt, turns: 1 }]);
    const restored = (await store.load(session.id))!;
    expect(restored.items).toEqual(session.items);
    expect(restored.items[1]).toEqual(reasoning);
    expect(restored.turns.map((t) => t.outcome)).toEqual(['completed']);

    const model = new FakeModelClient([respond([say('and b is 2')])]);
    const agent = new Agent({ model, tools: h.runner, approvals: h.approvals, sessions: store, settings: () => h.settings, clock: h.clock });
    await agent.runTurn(restored, { text: 'and b?' });
    expect(model.requests[0]!.input.slice(0, session.items.length)).toEqual(session.items);
    expect(model.requests[0]!.input).toHaveLength(session.items.length + 1);
    expect((await store.load(session.id))!.items).toHaveLength(session.items.length + 2);
  });

  it('lists, renames and deletes sessions', async () => {
    const storage = new MemorySessionStorage();
    const clock = new ManualClock(1000);
    let n = 0;
    const store = new SessionStore(storage, clock, () => `s${++n}`);
    const first = store.create();
    await store.save(first);
    clock.advance(10);
    const second = store.create('Second');
    await store.save(second);
    expect((await store.list()).map((s) => s.id)).toEqual(['s2', 's1']);
    expect(await store.rename('s1', '  Renamed  ')).toBe(true);
    expect(await store.rename('missing', 'x')).toBe(false);
    expect((await store.load('s1'))!.title).toBe('Renamed');
    expect((await store.list()).find((s) => s.id === 's1')!.title).toBe('Renamed');
    await store.delete('s2');
    expect((await store.list()).map((s) => s.id)).toEqual(['s1']);
    expect(await store.load('s2')).toBeUndefined();
    expect(storage.data.has('holdfast.session.s2')).toBe(false);
  });

  it('the list counts turns: saved with each session, kept by rename, read from the record for old index entries', async () => {
    const storage = new MemorySessionStorage();
    const clock = new ManualClock(1000);
    let n = 0;
    const store = new SessionStore(storage, clock, () => `s${++n}`);
    const session = store.create();
    await store.save(session);
    expect((await store.list())[0]!.turns).toBe(0);
    session.turns.push({ id: 't1', startedAt: 1, firstItem: 0, userText: 'one', outcome: 'completed' }, { id: 't2', startedAt: 2, firstItem: 0, userText: 'two', outcome: 'completed' });
    await store.save(session);
    expect((await store.list())[0]!.turns).toBe(2);
    await store.rename('s1', 'Renamed');
    expect((await store.list())[0]).toMatchObject({ title: 'Renamed', turns: 2 });
    // An index written before turns were counted: the count comes from the stored record.
    const index = storage.get('holdfast.sessions.index') as Array<Record<string, unknown>>;
    await storage.set('holdfast.sessions.index', index.map(({ turns: _turns, ...rest }) => rest));
    expect((await store.list())[0]!.turns).toBe(2);
    // …and an entry whose record is gone counts 0 rather than failing the list.
    await storage.delete('holdfast.session.s1');
    expect((await store.list())[0]!.turns).toBe(0);
  });

  it('repairs a transcript interrupted mid-tool, and ignores corrupt records', async () => {
    const storage = new MemorySessionStorage();
    await storage.set('holdfast.session.x', {
      version: 1,
      id: 'x',
      title: 'crashed',
      createdAt: 1,
      updatedAt: 2,
      items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'run it' }] }, callTool('c9', 'run_command', { command: 'npm test' })],
      turns: [],
      journal: [],
    });
    await storage.set('holdfast.session.bad', { version: 1, id: 'bad', items: 'not an array' });
    const store = new SessionStore(storage, new ManualClock());
    const restored = (await store.load('x'))!;
    expect(restored.items.at(-1)).toEqual({ type: 'function_call_output', call_id: 'c9', output: INTERRUPTED_OUTPUT });
    expect(await store.load('bad')).toBeUndefined();
  });

  it('"revert this turn" restores edited files and deletes created ones, as one edit, and tells the model', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/a.ts', 'const a = 1;\n').write('/ws/keep.ts', 'untouched\n');
    h.model.script(
      respond([callTool('r', 'read_file', { path: 'a.ts' })]),
      respond([
        callTool('e1', 'apply_edit', { path: 'a.ts', edits: [{ old_text: '1', new_text: '2' }], content: null }),
        callTool('e2', 'apply_edit', { path: 'src/new.ts', edits: [], content: 'export {};\n' }),
      ]),
      respond([callTool('e3', 'apply_edit', { path: 'a.ts', edits: [{ old_text: '2', new_text: '3' }], content: null })]),
      respond([say('done')]),
    );
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'edit' });
    expect(h.workspace.text('/ws/a.ts')).toBe('const a = 3;\n');
    expect(h.workspace.text('/ws/src/new.ts')).toBe('export {};\n');
    const turnId = session.turns[0]!.id;
    expect(session.journal.entriesOf(turnId).map((e) => [e.display, e.before, e.after])).toEqual([
      ['a.ts', 'const a = 1;\n', 'const a = 2;\n'],
      ['src/new.ts', undefined, 'export {};\n'],
      ['a.ts', 'const a = 2;\n', 'const a = 3;\n'],
    ]);
    const batches = h.workspace.appliedBatches.length;

    const result = await h.agent.revertTurn(session, turnId);

    expect(result).toEqual({ reverted: ['a.ts', 'src/new.ts'], conflicts: [], error: undefined });
    expect(h.workspace.text('/ws/a.ts')).toBe('const a = 1;\n');
    expect(h.workspace.text('/ws/src/new.ts')).toBeUndefined();
    expect(h.workspace.text('/ws/keep.ts')).toBe('untouched\n');
    expect(h.workspace.appliedBatches.length).toBe(batches + 1);
    expect(session.items.at(-1)).toMatchObject({ role: 'developer' });
    // The journal survives a reload, so the revert works there too.
    expect((await h.sessions.load(session.id))!.journal.entriesOf(turnId)).toHaveLength(3);
  });

  it('revert leaves a file the user changed after the turn alone (unless forced)', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/a.ts', 'one\n');
    h.model.script(
      respond([callTool('r', 'read_file', { path: 'a.ts' })]),
      respond([callTool('e', 'apply_edit', { path: 'a.ts', edits: [{ old_text: 'one', new_text: 'two' }], content: null })]),
      respond([say('done')]),
    );
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'edit' });
    h.workspace.write('/ws/a.ts', 'two, and the user typed more\n');
    const turnId = session.turns[0]!.id;
    expect(await h.agent.revertTurn(session, turnId)).toEqual({ reverted: [], conflicts: ['a.ts'], error: undefined });
    expect(h.workspace.text('/ws/a.ts')).toBe('two, and the user typed more\n');
    expect((await h.agent.revertTurn(session, turnId, { force: true })).reverted).toEqual(['a.ts']);
    expect(h.workspace.text('/ws/a.ts')).toBe('one\n');
  });
});
