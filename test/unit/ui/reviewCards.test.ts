import { describe, expect, it } from 'vitest';
import { type ApprovalView, type HostToWebview, Limits, parseHostToWebview, parseWebviewToHost, SessionTranscriptView } from '../../../src/protocol/webview';
import type { ApprovalAnswer, ApprovalRequest } from '../../../src/tools/ports';
import { describeApproval } from '../../../src/ui/approvals/approvalWording';
import { approvalCard, OfferedApprovals, outcomeOf } from '../../../src/ui/chat/approvalCards';
import { ChatPresenter } from '../../../src/ui/chatPresenter';
import { ChatSession } from '../../../src/agent/chatSession';
import { conversationViewOf } from '../../../src/ui/chat/conversationView';

/**
 * The chat's review flow without VS Code: how a review, a budget pause and an edit-mismatch question
 * become cards (presenter + the controller's pure mapping), which answers the view may give, and the
 * protocol bounds of the new messages.
 */

const review: ApprovalRequest = { kind: 'reviewEdit', path: 'src/b.ts', before: 'one\ntwo\nthree\n', after: 'one\nTWO\nthree\nfour\n' };
const created: ApprovalRequest = { kind: 'reviewEdit', path: 'src/new.ts', before: undefined, after: 'export {};\n' };
const budget: ApprovalRequest = { kind: 'continueAfterBudget', budget: 'toolRounds', used: 25, limit: 25 };
const mismatches: ApprovalRequest = { kind: 'editMismatches', path: 'src/c.ts', failures: 3, lastError: 'old_text not found' };

function presenterWithTurn(): { presenter: ChatPresenter; posts: HostToWebview[]; invalid: string[] } {
  const posts: HostToWebview[] = [];
  const invalid: string[] = [];
  const presenter = new ChatPresenter({ post: (m) => posts.push(m), onInvalidMessage: (type, error) => invalid.push(`${type}: ${error}`) });
  presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'polish b.ts' });
  return { presenter, posts, invalid };
}

function cardsOf(posts: HostToWebview[]): ApprovalView[] {
  return posts.flatMap((p) => (p.type === 'approval' ? [p.card] : []));
}

describe('review and question cards (presenter)', () => {
  it('a reviewEdit becomes a review card with the diff as hunks, counts and Keep/Discard decisions', () => {
    const { presenter, posts, invalid } = presenterWithTurn();
    const { event, decisions } = approvalCard(review, 't1', 'a1', (p) => p);
    presenter.handle(event);
    expect(invalid).toEqual([]);
    const [card] = cardsOf(posts);
    expect(card).toMatchObject({ id: 'a1', kind: 'review', path: 'src/b.ts', change: 'modified', added: 2, removed: 1, truncated: false, state: 'pending' });
    expect(card?.kind === 'review' && card.hunks[0]?.lines).toEqual([
      { kind: 'context', text: 'one' },
      { kind: 'remove', text: 'two' },
      { kind: 'add', text: 'TWO' },
      { kind: 'context', text: 'three' },
      { kind: 'add', text: 'four' },
    ]);
    expect(decisions).toEqual(['allowOnce', 'deny']);
    // The card is in the display model, so a reloaded view gets it in the snapshot.
    expect(presenter.snapshot().session?.turns[0]?.items).toEqual([{ kind: 'approval', card }]);

    presenter.handle({ type: 'approvalResolved', turnId: 't1', approvalId: 'a1', outcome: 'allowedOnce' });
    expect(cardsOf(posts).at(-1)).toMatchObject({ id: 'a1', kind: 'review', state: 'allowedOnce' });
    expect(presenter.transcript().turns[0]?.items).toHaveLength(1);
  });

  it('a new file is a "created" review', () => {
    const { presenter, posts } = presenterWithTurn();
    presenter.handle(approvalCard(created, 't1', 'a2', (p) => p).event);
    expect(cardsOf(posts)[0]).toMatchObject({ kind: 'review', change: 'created', added: 1, removed: 0 });
  });

  it('a huge review is bounded for the view and marked truncated; the message stays valid', () => {
    const { presenter, posts, invalid } = presenterWithTurn();
    const after = Array.from({ length: Limits.diffLines + 10 }, (_, i) => `line ${i} ${'x'.repeat(Limits.diffLineText)}`).join('\n');
    presenter.handle(approvalCard({ kind: 'reviewEdit', path: 'big.txt', before: '', after }, 't1', 'big', (p) => p).event);
    expect(invalid).toEqual([]);
    const card = cardsOf(posts)[0];
    expect(card?.kind === 'review' && card.truncated).toBe(true);
    expect(card?.kind === 'review' && card.added).toBe(Limits.diffLines + 10);
    expect(card?.kind === 'review' && card.hunks[0]!.lines.every((l) => l.text.length <= Limits.diffLineText)).toBe(true);
  });

  it('a budget pause and an edit-mismatch question use the modal wording, with Continue / Stop', () => {
    const { presenter, posts } = presenterWithTurn();
    presenter.handle(approvalCard(budget, 't1', 'q1', (p) => p).event);
    presenter.handle(approvalCard(mismatches, 't1', 'q2', (p) => p).event);
    const [first, second] = cardsOf(posts);
    const budgetWords = describeApproval(budget as Exclude<ApprovalRequest, { kind: 'reviewEdit' }>);
    expect(first).toEqual({
      id: 'q1',
      kind: 'question',
      topic: 'budget',
      message: budgetWords.message,
      detail: budgetWords.detail,
      continueLabel: 'Continue',
      stopLabel: 'Stop here',
      state: 'pending',
    });
    expect(first?.kind === 'question' && first.message).toBe('This turn reached its tool-round budget (25 of 25). Continue?');
    expect(second).toMatchObject({ kind: 'question', topic: 'editMismatches', continueLabel: 'Keep trying', stopLabel: 'Stop editing this file' });
    expect(second?.kind === 'question' && second.message).toContain("Holdfast's edits to src/c.ts failed to match 3 times");
  });

  it('pending review and question cards are cancelled when their turn ends unanswered', () => {
    const { presenter, posts } = presenterWithTurn();
    presenter.handle(approvalCard(review, 't1', 'a1', (p) => p).event);
    presenter.handle(approvalCard(budget, 't1', 'q1', (p) => p).event);
    presenter.handle({ type: 'turnFinished', turnId: 't1', status: 'cancelled' });
    const items = presenter.transcript().turns[0]!.items;
    expect(items.map((i) => i.kind === 'approval' && i.card.state)).toEqual(['cancelled', 'cancelled']);
    expect(posts.filter((p) => p.type === 'approval')).toHaveLength(2);
  });

  it('a review entry is shown as a finished, non-prompt entry that is not counted as a turn', () => {
    const { presenter, posts, invalid } = presenterWithTurn();
    const turnsBefore = presenter.transcript().totals.turns;
    presenter.handle({ type: 'reviewEntry', turnId: 'review-1', title: 'Inline edit in src/a.ts proposes changes to other files' });
    presenter.handle(approvalCard(review, 'review-1', 'outside-2', (p) => p).event);
    expect(invalid).toEqual([]);
    const started = posts.filter((p) => p.type === 'turnStarted').at(-1);
    expect(started?.type === 'turnStarted' && started.turn).toMatchObject({
      id: 'review-1',
      kind: 'review',
      status: 'done',
      userText: 'Inline edit in src/a.ts proposes changes to other files',
    });
    expect(presenter.transcript().totals.turns).toBe(turnsBefore);
    expect(presenter.transcript().turns.map((t) => t.id)).toEqual(['t1', 'review-1']);
    expect(cardsOf(posts).at(-1)).toMatchObject({ id: 'outside-2', kind: 'review', state: 'pending' });
    // The same entry again is not duplicated.
    presenter.handle({ type: 'reviewEntry', turnId: 'review-1', title: 'again' });
    expect(presenter.transcript().turns).toHaveLength(2);
  });

  it('review entries are rebuilt after a reload from the saved view: answered cards as answered, pending ones as cancelled', () => {
    const { presenter } = presenterWithTurn();
    presenter.handle({ type: 'reviewEntry', turnId: 'review-1', title: 'Inline edit in src/a.ts proposes changes to other files' });
    presenter.handle(approvalCard(review, 'review-1', 'outside-1', (p) => p).event);
    presenter.handle({ type: 'approvalResolved', turnId: 'review-1', approvalId: 'outside-1', outcome: 'allowedOnce' });
    presenter.handle(approvalCard(created, 'review-1', 'outside-2', (p) => p).event);
    const saved = presenter.transcript();
    const session = new ChatSession(saved.id, 'chat', 0, 0, [], [{ id: 't1', startedAt: 0, firstItem: 0, userText: 'hi', outcome: 'completed' }]);
    const rebuilt = conversationViewOf(session, saved);
    expect(rebuilt.turns.map((t) => t.id)).toEqual(['t1', 'review-1']);
    expect(rebuilt.turns[1]!.items.map((i) => i.kind === 'approval' && [i.card.id, i.card.state])).toEqual([
      ['outside-1', 'allowedOnce'],
      ['outside-2', 'cancelled'],
    ]);
    expect(SessionTranscriptView.safeParse(rebuilt).success).toBe(true);
  });

  it('a card for a turn the presenter does not show is dropped, not posted', () => {
    const { presenter, posts } = presenterWithTurn();
    const before = posts.length;
    presenter.handle(approvalCard(review, 'unknown-turn', 'a9', (p) => p).event);
    expect(posts.length).toBe(before);
  });
});

describe('answers the view may give (OfferedApprovals)', () => {
  function offer(approvals: OfferedApprovals, request: ApprovalRequest, approvalId: string): ApprovalAnswer[] {
    const answers: ApprovalAnswer[] = [];
    const { decisions } = approvalCard(request, 't1', approvalId, (p) => p);
    let settled = false;
    approvals.add({
      approvalId,
      turnId: 't1',
      request,
      decisions,
      outsideTurn: false,
      settle: (answer) => {
        if (settled) return;
        settled = true;
        answers.push(answer);
      },
    });
    return answers;
  }

  it('Keep answers allowOnce and Discard deny; a card answers once', () => {
    const approvals = new OfferedApprovals();
    const kept = offer(approvals, review, 'r1');
    const discarded = offer(approvals, created, 'r2');
    expect(approvals.answer('r1', 'allowOnce')).toBeUndefined();
    expect(approvals.answer('r2', 'deny')).toBeUndefined();
    expect(approvals.answer('r1', 'deny')).toBeUndefined(); // still open until its turn reports it: settle ignores it
    expect(kept).toEqual(['allowOnce']);
    expect(discarded).toEqual(['deny']);
  });

  it('refuses ids never offered, and decisions the card did not offer (no "always" on a review, a question or a destructive command)', () => {
    const approvals = new OfferedApprovals();
    const answers = offer(approvals, review, 'r1');
    const questionAnswers = offer(approvals, budget, 'q1');
    const destructive = offer(approvals, { kind: 'runCommand', command: 'rm -rf build', cwd: '/w', parts: ['rm -rf build'], reasons: ['rm is destructive'], alwaysAllowRules: undefined }, 'c1');
    expect(approvals.answer('never-shown', 'allowOnce')).toBe('approval never-shown, which is not an open card');
    expect(approvals.answer('r1', 'allowAlways')).toBe('approval r1: "allowAlways" was not offered on that card');
    expect(approvals.answer('q1', 'allowAlways')).toMatch(/not offered/);
    expect(approvals.answer('c1', 'allowAlways')).toMatch(/not offered/);
    expect([...answers, ...questionAnswers, ...destructive]).toEqual([]);
    // A command that offers "always" takes it.
    const allowable = offer(approvals, { kind: 'runTask', label: 'build', alwaysAllowRules: ['build'] }, 'c2');
    expect(approvals.answer('c2', 'allowAlways')).toBeUndefined();
    expect(allowable).toEqual(['alwaysAllow']);
  });

  it('"Open diff" is only for open review cards', () => {
    const approvals = new OfferedApprovals();
    offer(approvals, review, 'r1');
    offer(approvals, budget, 'q1');
    expect(approvals.review('r1')).toMatchObject({ offered: { approvalId: 'r1', request: review } });
    expect(approvals.review('q1')).toEqual({ refused: 'diff of approval q1, which is not a review' });
    expect(approvals.review('nope')).toEqual({ refused: 'diff of approval nope, which is not an open card' });
    approvals.delete('r1');
    expect(approvals.review('r1')).toMatchObject({ refused: expect.stringContaining('not an open card') });
  });

  it('finds a card by the approval id the port was asked with (never by the request object), and drops cards selectively', () => {
    const approvals = new OfferedApprovals();
    offer(approvals, review, 'r1');
    offer(approvals, budget, 'q1');
    expect(approvals.get('r1')?.request).toEqual(review);
    expect(approvals.get('r2')).toBeUndefined();
    expect(approvals.deleteWhere((o) => o.approvalId === 'q1').map((o) => o.approvalId)).toEqual(['q1']);
    expect(approvals.ids()).toEqual(['r1']);
  });

  it('outcomes: allowOnce → kept/continued, deny → denied, or cancelled when nobody answered', () => {
    expect(outcomeOf('allowOnce', false)).toBe('allowedOnce');
    expect(outcomeOf('alwaysAllow', false)).toBe('allowedAlways');
    expect(outcomeOf('deny', false)).toBe('denied');
    expect(outcomeOf('deny', true)).toBe('cancelled');
  });
});

describe('protocol: review cards and their messages are validated and bounded', () => {
  const reviewCard = { id: 'a', kind: 'review', path: 'src/b.ts', change: 'modified', added: 1, removed: 0, hunks: [{ header: '@@ -1 +1 @@', lines: [{ kind: 'add', text: 'x' }] }], state: 'pending' };
  const questionCard = { id: 'q', kind: 'question', topic: 'budget', message: 'Continue?', continueLabel: 'Continue', stopLabel: 'Stop here', state: 'pending' };

  it('accepts review and question cards, review entries and Open diff', () => {
    for (const message of [
      { type: 'approval', turnId: 't1', card: reviewCard },
      { type: 'approval', turnId: 't1', card: questionCard },
      { type: 'turnStarted', turn: { id: 'review-1', userText: 'Inline edit in a.ts proposes changes to other files', attachments: [], items: [{ kind: 'approval', card: reviewCard }], status: 'done', kind: 'review' } },
    ]) {
      expect(parseHostToWebview(message), JSON.stringify(message).slice(0, 80)).toMatchObject({ ok: true });
    }
    expect(parseWebviewToHost({ type: 'openReviewDiff', approvalId: 'a' })).toMatchObject({ ok: true });
  });

  it('refuses malformed or unbounded review messages both ways', () => {
    const invalidHost: unknown[] = [
      { type: 'approval', turnId: 't1', card: { ...reviewCard, kind: 'patch' } },
      { type: 'approval', turnId: 't1', card: { ...reviewCard, change: 'deleted' } },
      { type: 'approval', turnId: 't1', card: { ...reviewCard, path: '' } },
      { type: 'approval', turnId: 't1', card: { ...reviewCard, path: 'x'.repeat(Limits.path + 1) } },
      { type: 'approval', turnId: 't1', card: { ...reviewCard, hunks: Array.from({ length: Limits.diffHunks + 1 }, () => reviewCard.hunks[0]) } },
      { type: 'approval', turnId: 't1', card: { ...reviewCard, hunks: [{ header: '@@', lines: [{ kind: 'add', text: 'x'.repeat(Limits.diffLineText + 1) }] }] } },
      { type: 'approval', turnId: 't1', card: { ...questionCard, message: 'x'.repeat(Limits.errorText + 1) } },
      { type: 'approval', turnId: 't1', card: { ...questionCard, continueLabel: '' } },
      { type: 'approval', turnId: 't1', card: { ...questionCard, topic: 'anything' } },
      { type: 'turnStarted', turn: { id: 'r', userText: 'x', attachments: [], items: [], status: 'done', kind: 'script' } },
    ];
    for (const message of invalidHost) expect(parseHostToWebview(message).ok, JSON.stringify(message).slice(0, 120)).toBe(false);
    const invalidView: unknown[] = [
      { type: 'openReviewDiff' },
      { type: 'openReviewDiff', approvalId: '' },
      { type: 'openReviewDiff', approvalId: 'x'.repeat(Limits.id + 1) },
      { type: 'approvalDecision', approvalId: 'a', decision: 'keep' },
    ];
    for (const message of invalidView) expect(parseWebviewToHost(message).ok, JSON.stringify(message).slice(0, 80)).toBe(false);
  });
});

describe('command cards with a sandbox offer', () => {
  const npmInstall: ApprovalRequest = {
    kind: 'runCommand',
    command: 'npm install',
    cwd: '/ws',
    parts: ['npm install'],
    reasons: ['npm install is not in the allowed commands'],
    alwaysAllowRules: ['npm install'],
    sandbox: { runsIn: 'sandbox', network: false, grants: ['allowOnceWithNetwork', 'allowOnceUnsandboxed'], suggested: 'allowOnceWithNetwork' },
  };

  it('offers the grants as decisions, shows where it runs, and takes a grant as the answer once', async () => {
    const { presenter, posts, invalid } = presenterWithTurn();
    const { event, decisions } = approvalCard(npmInstall, 't1', 'c1', (p) => p);
    expect(decisions).toEqual(['allowOnce', 'allowAlways', 'allowOnceWithNetwork', 'allowOnceUnsandboxed', 'deny']);
    presenter.handle(event);
    expect(invalid).toEqual([]);
    expect(cardsOf(posts)[0]).toMatchObject({ kind: 'command', sandbox: { runsIn: 'sandbox', network: false, suggested: 'allowOnceWithNetwork' } });

    const offered = new OfferedApprovals();
    const answers: ApprovalAnswer[] = [];
    offered.add({ approvalId: 'c1', turnId: 't1', request: npmInstall, decisions, outsideTurn: false, settle: (answer) => answers.push(answer) });
    expect(offered.answer('c1', 'allowOnceUnsandboxed')).toBeUndefined();
    expect(answers).toEqual(['allowOnceUnsandboxed']);
    expect(outcomeOf('allowOnceUnsandboxed', false)).toBe('allowedOnce');
    expect(parseWebviewToHost({ type: 'approvalDecision', approvalId: 'c1', decision: 'allowOnceWithNetwork' }).ok).toBe(true);
  });

  it('a card without grants refuses a grant, and the modal offers the same grants with a sentence on where it runs', () => {
    const bare: ApprovalRequest = { ...npmInstall, sandbox: undefined };
    const { decisions } = approvalCard(bare, 't1', 'c2', (p) => p);
    const offered = new OfferedApprovals();
    offered.add({ approvalId: 'c2', turnId: 't1', request: bare, decisions, outsideTurn: false, settle: () => undefined });
    expect(offered.answer('c2', 'allowOnceUnsandboxed')).toMatch(/not offered/);

    const modal = describeApproval(npmInstall as Exclude<ApprovalRequest, { kind: 'reviewEdit' }>);
    expect(modal.choices.map((c) => c.answer)).toEqual(['allowOnce', 'alwaysAllow', 'allowOnceWithNetwork', 'allowOnceUnsandboxed', 'deny']);
    expect(modal.detail).toContain('It runs in the sandbox');
  });
});
