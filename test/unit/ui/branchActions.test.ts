/**
 * The chat's branch actions (issue 18) on the host side: "Restore code and chat" runs the checkpoints'
 * command first and rewinds only when the files were restored; without the command it says code
 * restore is unavailable and changes nothing; switching with the code restores it to where the
 * branches part; requests about other sessions, turns or branches are refused.
 */
import { describe, expect, it } from 'vitest';
import { branchAt, switchBranch } from '../../../src/agent/branches/branchOps';
import { ROOT_BRANCH_ID } from '../../../src/agent/branches/branchSet';
import { ChatSession } from '../../../src/agent/chatSession';
import { userMessage } from '../../../src/protocol/items';
import type { HostToWebview } from '../../../src/protocol/webview';
import { BranchActions, branchViews, RESTORE_CODE_COMMAND } from '../../../src/ui/chat/branchActions';

function sessionWith(turns: number): ChatSession {
  const session = new ChatSession('s1', 'S', 0, 0);
  for (let i = 1; i <= turns; i++) {
    session.turns.push({ id: `t${i}`, startedAt: i, firstItem: session.items.length, userText: `prompt ${i}`, outcome: 'completed' });
    session.items.push(userMessage(`prompt ${i}`));
  }
  return session;
}

function setup(options: { commands?: string[]; answer?: unknown } = {}) {
  const session = sessionWith(4);
  const posted: HostToWebview[] = [];
  const notes: string[] = [];
  const refused: string[] = [];
  const ran: unknown[] = [];
  let n = 0;
  const actions = new BranchActions({
    agentHost: {
      currentSession: session,
      branchAt: async (turnId, kind) => ({ prompt: branchAt(session, turnId, kind, 0, () => `b${++n}`).prompt }),
      switchBranch: async (id) => (switchBranch(session, id), true),
    },
    commands: {
      available: async () => options.commands ?? [],
      run: async (command, argument) => (ran.push([command, argument]), options.answer ?? { kind: 'restored' }),
    },
    shownSessionId: () => 's1',
    post: (message) => posted.push(message),
    notify: (message) => notes.push(message),
    refuse: (what) => refused.push(what),
  });
  return { session, actions, posted, notes, refused, ran };
}

describe('branch actions of the chat', () => {
  it('rewind: the chat continues before the turn and the cut-off prompt goes back to the composer', async () => {
    const { session, actions, posted } = setup();
    await actions.handle({ type: 'branchAction', action: 'rewind', turnId: 't3' });
    expect(session.turns.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(posted).toEqual([{ type: 'draft', text: 'prompt 3' }]);
    expect(branchViews(session)?.map((b) => [b.id, b.turns, b.active])).toEqual([
      [ROOT_BRANCH_ID, 4, false],
      ['b1', 2, true],
    ]);
  });

  it('"Restore code and chat" without the checkpoints command says so and changes nothing', async () => {
    const { session, actions, notes, ran } = setup();
    await actions.handle({ type: 'branchAction', action: 'restoreCodeAndChat', turnId: 't2' });
    expect(session.turns).toHaveLength(4);
    expect(ran).toEqual([]);
    expect(notes[0]).toMatch(/Code restore is unavailable/);
  });

  it('"Restore code and chat" restores the files first, then rewinds; a cancelled restore rewinds nothing', async () => {
    const restored = setup({ commands: [RESTORE_CODE_COMMAND] });
    await restored.actions.handle({ type: 'branchAction', action: 'restoreCodeAndChat', turnId: 't2' });
    expect(restored.ran).toEqual([[RESTORE_CODE_COMMAND, { sessionId: 's1', turnId: 't2' }]]);
    expect(restored.session.turns.map((t) => t.id)).toEqual(['t1']);

    const cancelled = setup({ commands: [RESTORE_CODE_COMMAND], answer: { kind: 'cancelled' } });
    await cancelled.actions.handle({ type: 'branchAction', action: 'restoreCodeAndChat', turnId: 't2' });
    expect(cancelled.session.turns).toHaveLength(4);
  });

  it('switching with the code restores it to where the branches part (the first turn the target does not share)', async () => {
    const { session, actions, ran } = setup({ commands: [RESTORE_CODE_COMMAND] });
    await actions.handle({ type: 'branchAction', action: 'fork', turnId: 't3' }); // active: t1, t2
    session.turns.push({ id: 't9', startedAt: 9, firstItem: session.items.length, userText: 'other', outcome: 'completed' });
    session.items.push(userMessage('other'));
    await actions.handle({ type: 'switchBranch', branchId: ROOT_BRANCH_ID, restoreCode: true });
    expect(ran).toEqual([[RESTORE_CODE_COMMAND, { sessionId: 's1', turnId: 't9' }]]);
    expect(session.turns.map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('refuses turns and branches the session does not have', async () => {
    const { actions, refused, session } = setup();
    await actions.handle({ type: 'branchAction', action: 'fork', turnId: 'nope' });
    await actions.handle({ type: 'switchBranch', branchId: 'nope', restoreCode: false });
    expect(refused).toHaveLength(2);
    expect(session.branches.size).toBe(1);
  });
});
