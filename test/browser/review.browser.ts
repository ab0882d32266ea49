/**
 * The chat's review flow in the real bundle: a review card (path, new file vs edit, the diff as hunks,
 * Keep / Discard / Open diff, all labelled buttons that work from the keyboard), a review entry that is
 * not a prompt (the composer stays a composer), and a paused turn's Continue / Stop question.
 */
import type { Page } from '../e2e/node_modules/playwright-core';
import type { ApprovalView, HostToWebview } from '../../src/protocol/webview';
import { type BrowserTest, check, checkEqual } from './browserTest';
import { emptySnapshot, postToWebview, postsFrom } from './harness';

async function ready(page: Page, snapshot: HostToWebview = emptySnapshot()): Promise<void> {
  await postToWebview(page, snapshot);
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
}

async function postsOfType(page: Page, type: string): Promise<Array<Record<string, unknown>>> {
  return (await postsFrom(page)).filter((post) => post.type === type);
}

const editReview: ApprovalView = {
  id: 'r1',
  kind: 'review',
  path: 'src/b.ts',
  change: 'modified',
  added: 1,
  removed: 1,
  hunks: [{ header: '@@ -1,3 +1,3 @@', lines: [{ kind: 'context', text: 'one' }, { kind: 'remove', text: 'two' }, { kind: 'add', text: 'TWO' }, { kind: 'context', text: 'three' }] }],
  truncated: false,
  state: 'pending',
};
const newFileReview: ApprovalView = {
  id: 'r2',
  kind: 'review',
  path: 'src/created.ts',
  change: 'created',
  added: 1,
  removed: 0,
  hunks: [{ header: '@@ -0,0 +1,1 @@', lines: [{ kind: 'add', text: 'export {};' }] }],
  truncated: false,
  state: 'pending',
};
const entry: HostToWebview = {
  type: 'turnStarted',
  turn: { id: 'review-1', userText: 'Inline edit in src/a.ts proposes changes to other files', attachments: [], items: [], status: 'done', kind: 'review' },
};

export const reviewTests: BrowserTest[] = [
  {
    name: 'a review card shows the path, edit vs new file and the diff; Keep and Discard answer once, from the keyboard too',
    async run({ open }) {
      const page = await open();
      await ready(page);
      await postToWebview(page, entry, { type: 'approval', turnId: 'review-1', card: editReview }, { type: 'approval', turnId: 'review-1', card: newFileReview });

      const heading = page.getByTestId('review-entry');
      await heading.waitFor();
      checkEqual(await heading.textContent(), 'Inline edit in src/a.ts proposes changes to other files', 'the entry says what proposes the changes');
      checkEqual(await page.getByTestId('user-message').count(), 0, 'a review entry is not shown as a prompt the user typed');
      check(await page.getByTestId('stop-button').isHidden(), 'the entry is not a running turn: no Stop button');

      const cards = page.getByTestId('review-card');
      checkEqual(await cards.count(), 2, 'two review cards');
      const edit = page.locator('[data-testid="review-card"][data-card-id="r1"]');
      const created = page.locator('[data-testid="review-card"][data-card-id="r2"]');
      checkEqual(await edit.getByTestId('review-path').textContent(), 'src/b.ts', 'the path');
      checkEqual(await edit.getByTestId('review-change').textContent(), 'Edit', 'an edit');
      checkEqual(await created.getByTestId('review-change').textContent(), 'New file', 'a new file');
      checkEqual(await edit.getAttribute('aria-label'), 'Review: edit src/b.ts', 'the card is labelled');
      checkEqual(
        await edit.locator('.diff-line').allTextContents(),
        [' one', '-two', '+TWO', ' three'],
        'the diff as hunk lines with their signs',
      );
      checkEqual(await edit.locator('.diff-remove').count(), 1, 'the removed line is marked');
      checkEqual(await edit.locator('.diff-add').count(), 1, 'the added line is marked');
      check(await edit.locator('.diff-hunk').first().isVisible(), 'the hunk header is visible (short diffs are open)');

      // Labelled buttons.
      for (const name of ['Keep the change to src/b.ts', 'Discard the change to src/b.ts', 'Open the diff of src/b.ts in an editor']) {
        checkEqual(await page.getByRole('button', { name }).count(), 1, `a button named "${name}"`);
      }

      // Open diff asks the host and leaves the card answerable.
      await edit.getByRole('button', { name: 'Open the diff of src/b.ts in an editor' }).click();
      checkEqual(await postsOfType(page, 'openReviewDiff'), [{ type: 'openReviewDiff', approvalId: 'r1' }], 'Open diff');
      check(await edit.getByRole('button', { name: 'Keep the change to src/b.ts' }).isEnabled(), 'Keep is still there after Open diff');
      checkEqual(await postsOfType(page, 'approvalDecision'), [], 'Open diff is not an answer');

      // Keep from the keyboard: focus the button, press Enter.
      await edit.getByRole('button', { name: 'Keep the change to src/b.ts' }).focus();
      await page.keyboard.press('Enter');
      checkEqual(await postsOfType(page, 'approvalDecision'), [{ type: 'approvalDecision', approvalId: 'r1', decision: 'allowOnce' }], 'Keep is allowOnce');
      check(await edit.getByRole('button', { name: 'Discard the change to src/b.ts' }).isDisabled(), 'one answer per card: the other buttons are disabled');
      await edit.getByRole('button', { name: 'Discard the change to src/b.ts' }).click({ force: true }).catch(() => undefined);
      checkEqual((await postsOfType(page, 'approvalDecision')).length, 1, 'a second click sends nothing');

      // Discard with Space on the other card.
      await created.getByRole('button', { name: 'Discard the change to src/created.ts' }).focus();
      await page.keyboard.press('Space');
      checkEqual(
        (await postsOfType(page, 'approvalDecision')).at(-1),
        { type: 'approvalDecision', approvalId: 'r2', decision: 'deny' },
        'Discard is deny',
      );

      // The host's answer replaces the buttons with the outcome, in place.
      await postToWebview(page, { type: 'approval', turnId: 'review-1', card: { ...editReview, state: 'allowedOnce' } }, { type: 'approval', turnId: 'review-1', card: { ...newFileReview, state: 'denied' } });
      await page.waitForSelector('[data-testid="review-card"][data-card-id="r1"][data-state="allowedOnce"]');
      checkEqual(await edit.locator('.card-outcome').textContent(), 'Kept', 'kept');
      checkEqual(await created.locator('.card-outcome').textContent(), 'Discarded', 'discarded');
      checkEqual(await edit.getByRole('button', { name: /Keep|Discard|Open the diff/ }).count(), 0, 'no buttons once answered');
      checkEqual(await cards.count(), 2, 'replaced in place');
    },
  },
  {
    name: 'review and question cards in a running turn (and from a snapshot): Continue / Stop with the host\'s wording',
    async run({ open }) {
      const page = await open();
      const turn = {
        id: 't1',
        userText: 'polish b.ts',
        attachments: [],
        status: 'running' as const,
        items: [{ kind: 'approval' as const, card: editReview }],
      };
      const snapshot = emptySnapshot();
      if (snapshot.type !== 'snapshot') throw new Error('emptySnapshot is a snapshot');
      await ready(page, { ...snapshot, session: { id: 's1', title: 'Polish', turns: [turn], totals: { turns: 1, bytesSent: 0, statelessBytes: 0 } } });
      await page.locator('[data-testid="review-card"][data-card-id="r1"]').waitFor();
      checkEqual(await page.locator('[data-testid="review-card"][data-card-id="r1"] .diff-line').count(), 4, 'a review restored from a snapshot shows its diff');

      await postToWebview(page, {
        type: 'approval',
        turnId: 't1',
        card: {
          id: 'q1',
          kind: 'question',
          topic: 'budget',
          message: 'This turn reached its tool-round budget (25 of 25). Continue?',
          detail: 'The limit is the setting holdfast.maxToolRoundsPerTurn.',
          continueLabel: 'Continue',
          stopLabel: 'Stop here',
          state: 'pending',
        },
      });
      const question = page.getByTestId('question-card');
      await question.waitFor();
      checkEqual(await question.getByTestId('question-message').textContent(), 'This turn reached its tool-round budget (25 of 25). Continue?', 'the question');
      check((await question.textContent())!.includes('holdfast.maxToolRoundsPerTurn'), 'the detail names the setting');
      await question.getByRole('button', { name: 'Stop here' }).focus();
      await page.keyboard.press('Enter');
      checkEqual(await postsOfType(page, 'approvalDecision'), [{ type: 'approvalDecision', approvalId: 'q1', decision: 'deny' }], 'Stop is deny');
      const announced = await page.getByTestId('live-region').locator('p').allTextContents();
      check(announced.some((text) => text.includes('Question: This turn reached its tool-round budget')), `the question was announced: ${JSON.stringify(announced)}`);
    },
  },
];
