import { describe, expect, it } from 'vitest';
import { CancellationToken, CancellationTokenSource } from '../../../src/common/cancellation';
import type { JournalEntry } from '../../../src/tools/editJournal';
import type { ApprovalRequest } from '../../../src/tools/ports';
import { ApprovalCardPresenter } from '../../../src/ui/chat/approvalCardPresenter';
import type { ChatDisplayEvent } from '../../../src/ui/chat/displayEvents';
import { OfferedEdits } from '../../../src/ui/chat/offeredEdits';
import { MemoryWorkspace } from '../../fakes/memoryWorkspace';

/**
 * Two pieces the chat controller delegates to, without VS Code: the approval cards (the chat's side of
 * the approvals port, known by the approval id the port was asked with) and edit keep/undo.
 */

const task: ApprovalRequest = { kind: 'runTask', label: 'build', alwaysAllowRules: ['build'] };
const review: ApprovalRequest = { kind: 'reviewEdit', path: 'src/b.ts', before: 'a\n', after: 'b\n' };

function cards(options: { canShow?: boolean; turns?: string[]; session?: string | undefined } = {}) {
  const shown: ChatDisplayEvent[] = [];
  const turns = new Set(options.turns ?? ['t1']);
  const presenter = new ApprovalCardPresenter({
    canShowCards: () => options.canShow ?? true,
    shownSessionId: () => ('session' in options ? options.session : 's1'),
    showsTurn: (turnId) => turns.has(turnId),
    display: (event) => {
      shown.push(event);
      if (event.type === 'reviewEntry') turns.add(event.turnId);
    },
    displayOf: (path) => path,
  });
  return { presenter, shown };
}

describe('ApprovalCardPresenter', () => {
  it('shows a turn’s question as a card in that turn, under the approval id the port was asked with, and takes the view’s answer', async () => {
    const { presenter, shown } = cards();
    const answer = presenter.request(task, CancellationToken.None, { type: 'turn', turnId: 't1', approvalId: 'a7' });
    expect(answer).toBeDefined();
    expect(shown).toEqual([expect.objectContaining({ type: 'approvalRequested', turnId: 't1', approvalId: 'a7', approvalKind: 'task', canAllowAlways: true })]);
    expect(presenter.offers('a7')).toBe(true);
    expect(presenter.answer('a7', 'allowAlways')).toBeUndefined();
    expect(await answer).toBe('alwaysAllow');
  });

  it('leaves the question to VS Code when the view cannot show cards, nobody is named as asking, or the turn is not shown', () => {
    expect(cards({ canShow: false }).presenter.request(task, CancellationToken.None, { type: 'turn', turnId: 't1', approvalId: 'a1' })).toBeUndefined();
    expect(cards().presenter.request(task, CancellationToken.None)).toBeUndefined();
    const { presenter, shown } = cards();
    expect(presenter.request(task, CancellationToken.None, { type: 'turn', turnId: 'other-turn', approvalId: 'a1' })).toBeUndefined();
    expect(shown).toEqual([]);
    expect(cards({ session: undefined }).presenter.request(review, CancellationToken.None, { type: 'outside', origin: { id: 'o', title: 'T' }, approvalId: 'outside-1' })).toBeUndefined();
  });

  it('with the view hidden, a question of a turn the chat started waits as its card (held); other turns and outside questions go to VS Code', async () => {
    const shown: ChatDisplayEvent[] = [];
    const presenter = new ApprovalCardPresenter({
      canShowCards: () => false,
      canHoldCards: (turnId) => turnId === 't1',
      shownSessionId: () => 's1',
      showsTurn: () => true,
      display: (event) => void shown.push(event),
      displayOf: (path) => path,
    });
    const answer = presenter.request(task, CancellationToken.None, { type: 'turn', turnId: 't1', approvalId: 'a1' });
    expect(answer).toBeDefined();
    expect(shown.map((e) => e.type)).toEqual(['approvalRequested']);
    expect(presenter.request(task, CancellationToken.None, { type: 'turn', turnId: 't2', approvalId: 'a2' })).toBeUndefined();
    expect(presenter.request(review, CancellationToken.None, { type: 'outside', origin: { id: 'o', title: 'T' }, approvalId: 'outside-1' })).toBeUndefined();
    presenter.settled('a1', 'allowOnce');
    expect(await answer).toBe('allowOnce');
  });

  it('a new review entry takes an id no entry rebuilt after a reload has', () => {
    const { presenter, shown } = cards({ turns: ['t1', 'review-1', 'review-2'] });
    presenter.request(review, CancellationToken.None, { type: 'outside', origin: { id: 'o', title: 'T' }, approvalId: 'outside-1' });
    expect(shown.filter((e) => e.type === 'reviewEntry').map((e) => e.type === 'reviewEntry' && e.turnId)).toEqual(['review-3']);
  });

  it('a question settled elsewhere (by its approval id) settles the card', async () => {
    const { presenter } = cards();
    const answer = presenter.request(task, CancellationToken.None, { type: 'turn', turnId: 't1', approvalId: 'a1' })!;
    presenter.settled('a1', 'deny');
    expect(await answer).toBe('deny');
    presenter.settled('never-shown', 'allowOnce'); // nothing to settle, nothing thrown
  });

  it('questions outside any turn share a review entry per origin, and their card shows the outcome itself', async () => {
    const { presenter, shown } = cards();
    const origin = { id: 'other-files-1', title: 'Inline edit in src/a.ts proposes changes to other files' };
    const first = presenter.request(review, CancellationToken.None, { type: 'outside', origin, approvalId: 'outside-1' })!;
    const second = presenter.request({ ...review, path: 'src/c.ts' }, CancellationToken.None, { type: 'outside', origin, approvalId: 'outside-2' })!;
    const entries = shown.filter((e) => e.type === 'reviewEntry');
    expect(entries).toEqual([{ type: 'reviewEntry', turnId: 'review-1', title: origin.title }]);
    expect(shown.filter((e) => e.type === 'reviewRequested').map((e) => e.type === 'reviewRequested' && [e.turnId, e.approvalId])).toEqual([
      ['review-1', 'outside-1'],
      ['review-1', 'outside-2'],
    ]);
    expect(presenter.answer('outside-1', 'allowOnce')).toBeUndefined();
    expect(await first).toBe('allowOnce');
    expect(shown.at(-1)).toEqual({ type: 'approvalResolved', turnId: 'review-1', approvalId: 'outside-1', outcome: 'allowedOnce' });
    presenter.dispose();
    expect(await second).toBe('deny');
    expect(shown.at(-1)).toEqual({ type: 'approvalResolved', turnId: 'review-1', approvalId: 'outside-2', outcome: 'cancelled' });
  });

  it('cancellation (Stop) answers deny; a session switch drops turn cards but keeps questions outside turns', async () => {
    const { presenter } = cards();
    const source = new CancellationTokenSource();
    const asked = presenter.request(task, source.token, { type: 'turn', turnId: 't1', approvalId: 'a1' })!;
    void presenter.request(review, CancellationToken.None, { type: 'outside', origin: { id: 'apply-1', title: 'Apply' }, approvalId: 'outside-9' });
    source.cancel();
    expect(await asked).toBe('deny');
    presenter.forgetTurnCards();
    expect(presenter.ids()).toEqual(['outside-9']);
    presenter.resolved('outside-9');
    expect(presenter.ids()).toEqual([]);
  });
});

describe('OfferedEdits', () => {
  const entry: JournalEntry = { turnId: 't1', callId: 'c1', path: '/ws/src/a.ts', display: 'src/a.ts', before: 'old\n', after: 'new\n', at: 0 };

  function edits(running?: string) {
    const workspace = new MemoryWorkspace().write('/ws/src/a.ts', 'new\n');
    const undone: JournalEntry[] = [];
    const offered = new OfferedEdits({ workspace, runningTurnId: () => running, noteUndone: async (e) => void undone.push(e) });
    offered.offer('edit-0', 't1', entry);
    return { workspace, offered, undone };
  }

  it('Keep marks the card kept; a second decision on it is refused', async () => {
    const { offered, workspace } = edits();
    expect(await offered.decide('edit-0', 'keep')).toEqual({ show: { type: 'editResolved', turnId: 't1', editId: 'edit-0', state: 'kept' } });
    expect(await offered.decide('edit-0', 'undo')).toEqual({ refused: 'edit edit-0, which is already kept' });
    expect(await offered.decide('edit-9', 'keep')).toEqual({ refused: 'edit edit-9, which was not offered' });
    expect(workspace.text('/ws/src/a.ts')).toBe('new\n');
  });

  it('an edit kept in its review is offered kept: the view cannot ask Keep (or Undo) on it a second time', async () => {
    const workspace = new MemoryWorkspace().write('/ws/src/a.ts', 'new\n');
    const offered = new OfferedEdits({ workspace, runningTurnId: () => undefined, noteUndone: async () => undefined });
    offered.offer('edit-0', 't1', entry, true);
    expect(await offered.decide('edit-0', 'keep')).toEqual({ refused: 'edit edit-0, which is already kept' });
  });

  it('Undo puts the file back as one edit and tells the model', async () => {
    const { offered, workspace, undone } = edits();
    expect(await offered.decide('edit-0', 'undo')).toEqual({ show: { type: 'editResolved', turnId: 't1', editId: 'edit-0', state: 'undone' } });
    expect(workspace.text('/ws/src/a.ts')).toBe('old\n');
    expect(workspace.appliedBatches).toHaveLength(1);
    expect(undone).toEqual([entry]);
  });

  it('Undo is refused, and the file left alone, when it changed since or its turn still runs', async () => {
    const changed = edits();
    changed.workspace.write('/ws/src/a.ts', 'typed by the user\n');
    const result = (await changed.offered.decide('edit-0', 'undo')) as { show: ChatDisplayEvent };
    expect(result.show).toMatchObject({ state: 'failed', message: expect.stringContaining('src/a.ts changed after this edit') });
    expect(changed.workspace.text('/ws/src/a.ts')).toBe('typed by the user\n');
    const running = edits('t1');
    expect(await running.offered.decide('edit-0', 'undo')).toMatchObject({ show: { state: 'failed', message: 'The turn is still running; stop it before undoing its edits.' } });
    expect(running.undone).toEqual([]);
  });

  it('a session shown offers its journal’s edits in the state their cards had (applied when there is no card)', async () => {
    const { offered } = edits();
    const second = { ...entry, callId: 'c2' };
    offered.showSession([entry, second], {
      id: 's1',
      title: 'x',
      turns: [{ id: 't1', userText: 'u', attachments: [], status: 'done', items: [{ kind: 'edit', card: { id: 'edit-1', path: 'src/a.ts', change: 'modified', added: 1, removed: 1, hunks: [], truncated: false, state: 'kept' } }] }],
      totals: { turns: 1, bytesSent: 0, statelessBytes: 0 },
    });
    expect(offered.ids()).toEqual(['edit-0', 'edit-1']);
    expect(await offered.decide('edit-1', 'undo')).toEqual({ refused: 'edit edit-1, which is already kept' });
    expect(await offered.decide('edit-0', 'keep')).toMatchObject({ show: { editId: 'edit-0', state: 'kept' } });
  });
});
