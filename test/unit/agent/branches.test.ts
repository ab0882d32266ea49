/**
 * Branches of a conversation (issue 18): rewind and fork keep every branch whole, switching swaps the
 * session's conversation, the tree survives a reload, and sessions saved before branches still load.
 */
import { describe, expect, it } from 'vitest';
import { branchAt, noteResponse, switchBranch, withForkSource } from '../../../src/agent/branches/branchOps';
import { contextBefore, forkSourceOf } from '../../../src/agent/branches/branchCut';
import { BranchSet, ROOT_BRANCH_ID } from '../../../src/agent/branches/branchSet';
import type { ChatSession } from '../../../src/agent/chatSession';
import { newSessionContext } from '../../../src/agent/context/sessionContext';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import { ManualClock } from '../../fakes/manualClock';
import { createAgentHarness } from '../../fakes/agentHarness';
import { respond, say } from '../../fakes/fakeModelClient';

let ids = 0;
const newId = (): string => `b${++ids}`;

async function sessionWithTurns(count: number, storage = new MemorySessionStorage()) {
  const h = createAgentHarness({ storage });
  h.model.script(...Array.from({ length: count }, (_, i) => respond([say(`answer ${i + 1}`)])));
  const session = h.sessions.create();
  for (let i = 1; i <= count; i++) await h.agent.runTurn(session, { text: `prompt ${i}` });
  return { h, session };
}

const prompts = (session: ChatSession): string[] => session.turns.map((t) => t.userText);

describe('branches of a session', () => {
  it('rewinding to turn 3 keeps turns 1-2 and the later turns as a branch; switching back restores them', async () => {
    const { session } = await sessionWithTurns(5);
    const before = structuredClone(session.items);
    const { branch, prompt } = branchAt(session, session.turns[2]!.id, 'rewind', 5, newId);

    expect(prompt).toBe('prompt 3');
    expect(prompts(session)).toEqual(['prompt 1', 'prompt 2']);
    expect(session.items).toEqual(before.slice(0, before.findIndex((i) => i.type === 'message' && i.role === 'user' && JSON.stringify(i).includes('prompt 3'))));
    expect(session.branches.activeId).toBe(branch.id);
    expect(session.branches.list().map((b) => [b.id, b.parentId, b.forkTurn])).toEqual([
      [ROOT_BRANCH_ID, undefined, 0],
      [branch.id, ROOT_BRANCH_ID, 2],
    ]);

    switchBranch(session, ROOT_BRANCH_ID);
    expect(prompts(session)).toHaveLength(5);
    expect(session.items).toEqual(before);
    switchBranch(session, branch.id);
    expect(prompts(session)).toEqual(['prompt 1', 'prompt 2']);
  });

  it('a fork from any branch is a child of it; the tree and the active branch survive a reload', async () => {
    const storage = new MemorySessionStorage();
    const { h, session } = await sessionWithTurns(4, storage);
    const first = branchAt(session, session.turns[3]!.id, 'fork', 10, newId).branch;
    h.model.script(respond([say('other answer')]));
    await h.agent.runTurn(session, { text: 'another way' });
    const second = branchAt(session, session.turns[1]!.id, 'fork', 20, newId).branch;
    await h.sessions.save(session);

    const reloaded = (await new SessionStore(storage, new ManualClock(0)).load(session.id))!;
    expect(reloaded.branches.activeId).toBe(second.id);
    expect(reloaded.branches.list().map((b) => b.parentId)).toEqual([undefined, ROOT_BRANCH_ID, first.id]);
    expect(prompts(reloaded)).toEqual(['prompt 1']);
    switchBranch(reloaded, first.id);
    expect(prompts(reloaded)).toEqual(['prompt 1', 'prompt 2', 'prompt 3', 'another way']);
    switchBranch(reloaded, ROOT_BRANCH_ID);
    expect(prompts(reloaded)).toEqual(['prompt 1', 'prompt 2', 'prompt 3', 'prompt 4']);
    expect((await h.sessions.list())[0]!.branchCount).toBe(3);
  });

  it('a session saved before branches existed loads as one root branch and can be forked', async () => {
    const storage = new MemorySessionStorage();
    const { h, session } = await sessionWithTurns(2, storage);
    await h.sessions.save(session);
    const key = `holdfast.session.${session.id}`;
    const old = storage.get(key) as Record<string, unknown>;
    delete old.branches;
    for (const turn of old.turns as Array<Record<string, unknown>>) delete turn.response;
    await storage.set(key, old);

    const loaded = (await h.sessions.load(session.id))!;
    expect(loaded.branches.list().map((b) => [b.id, b.kind])).toEqual([[ROOT_BRANCH_ID, 'root']]);
    expect(prompts(loaded)).toEqual(['prompt 1', 'prompt 2']);
    branchAt(loaded, loaded.turns[1]!.id, 'fork', 1, newId);
    expect(prompts(loaded)).toEqual(['prompt 1']);
    // No response ids were saved then: the fork's first request can only be a full resend.
    expect(loaded.branches.active.forkSource).toBeUndefined();
  });

  it('a damaged branch record falls back to one root branch (the session itself still loads)', () => {
    const set = BranchSet.from({ activeId: 'x', branches: [{ id: 'x', nonsense: true }] }, 0);
    expect(set.list().map((b) => b.id)).toEqual([ROOT_BRANCH_ID]);
  });

  it('the fork source is the last kept response; the first request of the branch carries it, then it is cleared', async () => {
    const { h, session } = await sessionWithTurns(3);
    session.turns.forEach((turn, i) => (turn.response = { ...turn.response!, id: `resp_${i + 1}` }));
    branchAt(session, session.turns[2]!.id, 'rewind', 1, newId);
    const source = session.branches.active.forkSource!;
    expect(source.responseId).toBe('resp_2');
    expect(source.prefixItems).toBe(session.items.length - session.context.windowStart);

    const request = withForkSource(session, h.agent.buildRequest(session.items));
    expect(request.forkFromResponseId).toBe('resp_2');
    expect(request.forkPrefixItems).toBe(source.prefixItems);
    noteResponse(session, session.turns[1]!.id, 'resp_new');
    expect(withForkSource(session, h.agent.buildRequest(session.items)).forkFromResponseId).toBeUndefined();
  });

  it('the agent sends the fork source with the branch first request only', async () => {
    const { h, session } = await sessionWithTurns(3);
    branchAt(session, session.turns[2]!.id, 'rewind', 1, newId);
    h.model.script(respond([say('x')]), respond([say('y')]));
    await h.agent.runTurn(session, { text: 'prompt 3 again' });
    await h.agent.runTurn(session, { text: 'prompt 4' });
    const [forked, next] = h.model.requests.slice(-2);
    expect(forked!.forkFromResponseId).toBe('resp');
    expect(next!.forkFromResponseId).toBeUndefined();
  });
});

describe('the model window of a rewound branch respects compaction', () => {
  const mark = (at: number) => ({ at, turnId: 't', how: 'socket' as const, reason: 'threshold' as const, beforeTokens: 10, afterTokens: 5, costUsd: undefined, pinsCarried: 0 });

  it('starts at the latest compaction at or before the cut, never at one after it', () => {
    const context = { ...newSessionContext(), windowStart: 40, compactions: [mark(10), mark(25), mark(40)], carried: [[12, 15], [41, 44]] as Array<[number, number]> };
    const cut = contextBefore(context, 30, new Set());
    expect(cut.windowStart).toBe(25);
    expect(cut.compactions.map((m) => m.at)).toEqual([10, 25]);
    expect(cut.carried).toEqual([[12, 15]]);
    expect(contextBefore(context, 8, new Set()).windowStart).toBe(0);
    expect(contextBefore({ ...context, windowStart: 25 }, 30, new Set()).windowStart).toBe(25);
  });

  it('keeps only the pins of kept turns', () => {
    const pins = [{ id: 'a', role: 'user' as const, text: 'x' }, { id: 'b/blk', role: 'assistant' as const, text: 'y' }];
    expect(contextBefore({ ...newSessionContext(), pins }, 5, new Set(['b'])).pins.map((p) => p.id)).toEqual(['b/blk']);
  });

  it('a response made before the window moved is not a fork source (its server context is not the window)', () => {
    const turns = [{ id: 't1', startedAt: 0, firstItem: 0, userText: 'a', outcome: 'completed', response: { id: 'r1', end: 5, windowStart: 0 } }];
    expect(forkSourceOf(turns, 0, 6)).toEqual({ responseId: 'r1', prefixItems: 5 });
    expect(forkSourceOf(turns, 3, 6)).toBeUndefined();
    const compacted = [{ ...turns[0]!, response: { id: 'r2', end: 9, windowStart: 4 } }];
    expect(forkSourceOf(compacted, 4, 9)).toEqual({ responseId: 'r2', prefixItems: 5 });
  });
});
