/**
 * The chat view's interactive parts in the real bundle: sending, steering while a turn runs, Stop,
 * `@file` completion, approvals, edit cards, error actions, sessions and restoring the draft and the
 * transcript after a reload (the host's snapshot plus the view's own saved state).
 */
import type { Page } from '../e2e/node_modules/playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { type BrowserTest, check, checkEqual } from './browserTest';
import { emptySnapshot, postToWebview, postsFrom, savedStateOf, waitForExpression } from './harness';
import { FOOTER } from './richTranscript';

async function ready(page: Page, snapshot: HostToWebview = emptySnapshot()): Promise<void> {
  await postToWebview(page, snapshot);
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
}

async function postsOfType(page: Page, type: string): Promise<Array<Record<string, unknown>>> {
  return (await postsFrom(page)).filter((post) => post.type === type);
}

const runningTurn: HostToWebview = { type: 'turnStarted', turn: { id: 't1', userText: 'fix the tests', attachments: [], items: [], status: 'running' } };

export const composerTests: BrowserTest[] = [
  {
    name: 'a typing pause sends the draft (draftPaused) for a speculative prefill, and the host\'s prefill note shows under the box',
    async run({ open }) {
      const page = await open();
      await ready(page);
      const input = page.getByTestId('composer-input');
      await input.click();
      await page.keyboard.type('Explain the lane scheduler');
      await waitForExpression(page, `window.__holdfast.posts.some((p) => p && p.type === 'draftPaused')`);
      checkEqual(await postsOfType(page, 'draftPaused'), [{ type: 'draftPaused', text: 'Explain the lane scheduler', attachments: [] }], 'one pause, one draft');
      await postToWebview(page, { type: 'prefillNote', text: 'Draft prepared while you typed: 2,400 tokens written to the cache.' });
      const note = page.getByTestId('prefill-note');
      await note.waitFor({ state: 'visible' });
      checkEqual(await note.textContent(), 'Draft prepared while you typed: 2,400 tokens written to the cache.', 'the note');
      await postToWebview(page, { type: 'prefillNote', text: '' });
      await note.waitFor({ state: 'hidden' });
    },
  },
  {
    name: 'Enter sends, Shift+Enter adds a line; while a turn runs Enter steers (queued → delivered) and Escape stops',
    async run({ open }) {
      const page = await open();
      await ready(page);
      const input = page.getByTestId('composer-input');
      await input.click();
      await page.keyboard.type('first line');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('second line');
      await page.keyboard.press('Enter');
      checkEqual(await postsOfType(page, 'sendPrompt'), [{ type: 'sendPrompt', text: 'first line\nsecond line', attachments: [] }], 'the prompt');
      checkEqual(await input.inputValue(), '', 'the box is cleared after sending');

      await postToWebview(page, runningTurn);
      await page.getByTestId('stop-button').waitFor({ state: 'visible' });
      await input.click();
      await page.keyboard.type('only unit tests please');
      await page.keyboard.press('Enter');
      const steers = await postsOfType(page, 'steer');
      check(steers.length === 1 && steers[0]!.text === 'only unit tests please', `one steer was sent: ${JSON.stringify(steers)}`);
      await page.waitForSelector('[data-testid="steer"][data-status="queued"]');
      await postToWebview(page, { type: 'steerStatus', turnId: 't1', steer: { id: steers[0]!.id as string, text: 'only unit tests please', status: 'delivered' } });
      await page.waitForSelector('[data-testid="steer"][data-status="delivered"]');
      checkEqual(await page.locator('[data-testid="steer"]').count(), 1, 'the steer line is updated in place');
      checkEqual(await postsOfType(page, 'sendPrompt'), [{ type: 'sendPrompt', text: 'first line\nsecond line', attachments: [] }], 'steering is not a new prompt');

      await input.click();
      await page.keyboard.press('Escape');
      checkEqual(await postsOfType(page, 'stop'), [{ type: 'stop', turnId: 't1' }], 'Escape stops the running turn');
      await postToWebview(page, { type: 'turnFinished', turnId: 't1', status: 'cancelled' });
      await page.getByTestId('stop-button').waitFor({ state: 'hidden' });
    },
  },
  {
    name: 'steer receipts: an unknown outcome offers one-click resend, a refused steer comes back to the composer, effort rides one message',
    async run({ open }) {
      const page = await open();
      await ready(page);
      const input = page.getByTestId('composer-input');
      await page.getByTestId('effort-toggle').click();
      checkEqual((await page.getByTestId('effort-toggle').getAttribute('aria-label'))?.startsWith('Effort: think harder'), true, 'one click: think harder');
      checkEqual(await page.getByTestId('effort-toggle').getAttribute('aria-pressed'), 'true', 'shown as pressed');
      await input.click();
      await page.keyboard.type('hard one');
      await page.keyboard.press('Enter');
      checkEqual(await postsOfType(page, 'sendPrompt'), [{ type: 'sendPrompt', text: 'hard one', attachments: [], effort: 'high' }], 'the prompt carries the effort');
      checkEqual((await page.getByTestId('effort-toggle').getAttribute('aria-label'))?.startsWith('Effort: normal'), true, 'per message: back to normal');

      await postToWebview(page, runningTurn);
      await page.getByTestId('stop-button').waitFor({ state: 'visible' });
      await postToWebview(page, { type: 'steerStatus', turnId: 't1', steer: { id: 'sx', text: 'wait, use util.ts', status: 'unknown', reason: 'The connection dropped.' } });
      await page.waitForSelector('[data-testid="steer"][data-status="unknown"]');
      checkEqual(await page.getByTestId('steer-reason').textContent(), 'The connection dropped.', 'the line says why');
      await page.getByTestId('steer-resend').click();
      const resent = await postsOfType(page, 'steer');
      check(resent.length === 1 && resent[0]!.text === 'wait, use util.ts', `one click resends it as a steer: ${JSON.stringify(resent)}`);
      checkEqual(await page.getByTestId('steer-resend').count(), 0, 'the button goes once used');

      await postToWebview(page, { type: 'steerStatus', turnId: 't1', steer: { id: 'sy', text: 'odd words', status: 'failed', reason: 'Refused.' } });
      await page.waitForSelector('[data-testid="steer"][data-status="failed"]');
      checkEqual(await input.inputValue(), 'odd words', 'a refused steer comes back to the empty composer');
    },
  },
  {
    name: '@ completion asks the host, ignores stale answers, and picking adds an attachment chip',
    async run({ open }) {
      const page = await open();
      await ready(page);
      const input = page.getByTestId('composer-input');
      await input.click();
      await page.keyboard.type('look at @cha');
      await waitForExpression(page, `window.__holdfast.posts.some((p) => p.type === 'mentionQuery' && p.query === 'cha')`);
      const query = (await postsOfType(page, 'mentionQuery')).pop()!;
      await postToWebview(page, { type: 'mentionResults', requestId: (query.requestId as number) - 1, candidates: [{ path: 'stale.ts' }] });
      await postToWebview(page, {
        type: 'mentionResults',
        requestId: query.requestId as number,
        candidates: [{ path: 'src/ui/chatPresenter.ts', description: 'src/ui' }, { path: 'media/chat/main.ts', description: 'media/chat' }],
      });
      await page.waitForSelector('#mention-list li[role="option"]');
      checkEqual(await page.locator('#mention-list li').count(), 2, 'the current answer is shown, the stale one is not');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      checkEqual(await input.inputValue(), 'look at @media/chat/main.ts ', 'the mention is completed in the text');
      await page.keyboard.type('please');
      await page.keyboard.press('Enter');
      checkEqual(
        (await postsOfType(page, 'sendPrompt')).pop(),
        { type: 'sendPrompt', text: 'look at @media/chat/main.ts please', attachments: [{ kind: 'file', path: 'media/chat/main.ts' }] },
        'the picked file is attached',
      );
    },
  },
  {
    name: 'approval, edit and error cards send the user\'s decision once',
    async run({ open }) {
      const page = await open();
      await ready(page);
      await postToWebview(
        page,
        runningTurn,
        { type: 'approval', turnId: 't1', card: { id: 'a1', kind: 'command', command: 'npm test && rm -rf build', parts: ['npm test', 'rm -rf build'], cwd: 'packages/app', reason: 'rm is destructive', canAllowAlways: false, state: 'pending' } },
        { type: 'editCard', turnId: 't1', card: { id: 'e1', path: 'src/a.ts', change: 'modified', added: 1, removed: 1, hunks: [{ header: '@@ -1 +1 @@', lines: [{ kind: 'remove', text: 'old' }, { kind: 'add', text: 'new' }] }], truncated: false, state: 'applied' } },
        { type: 'error', turnId: 't1', error: { id: 'err1', message: 'The connection dropped.', actions: ['retry', 'switchToHttp'] } },
      );
      const approval = page.getByTestId('approval-card');
      await approval.waitFor();
      checkEqual(await page.getByTestId('approval-command').textContent(), 'npm test && rm -rf build', 'the exact command is shown');
      check((await approval.textContent())!.includes('packages/app'), 'the working directory is shown');
      checkEqual(await approval.getByText('Always allow this').count(), 0, 'no "always" for a destructive command');
      await approval.getByText('Deny').click();
      await approval.getByText('Allow once').click({ force: true }).catch(() => undefined);
      checkEqual(await postsOfType(page, 'approvalDecision'), [{ type: 'approvalDecision', approvalId: 'a1', decision: 'deny' }], 'one decision');
      await postToWebview(page, { type: 'approval', turnId: 't1', card: { id: 'a1', kind: 'command', command: 'npm test && rm -rf build', parts: [], cwd: 'packages/app', canAllowAlways: false, state: 'denied' } });
      await page.waitForSelector('[data-testid="approval-card"][data-state="denied"]');
      checkEqual(await page.getByTestId('approval-card').count(), 1, 'the card is replaced in place');

      await page.getByTestId('edit-card').getByText('Undo').click();
      checkEqual(await postsOfType(page, 'editDecision'), [{ type: 'editDecision', editId: 'e1', decision: 'undo' }], 'edit decision');
      await page.getByTestId('error-card').getByText('Retry').click();
      await page.getByTestId('error-card').getByText('Switch to HTTP').click();
      checkEqual(await postsOfType(page, 'retry'), [{ type: 'retry', turnId: 't1' }], 'retry');
      checkEqual(await postsOfType(page, 'runAction'), [{ type: 'runAction', action: 'switchToHttp' }], 'switch to HTTP');
    },
  },
  {
    name: 'a sandboxed command card says where it runs and sends a grant (with network, without sandbox) as its decision, at 220 px without overflow',
    async run({ open }) {
      const page = await open();
      await page.setViewportSize({ width: 220, height: 700 });
      await ready(page);
      const card = {
        id: 'a2',
        kind: 'command',
        command: 'npm install',
        parts: ['npm install'],
        cwd: '',
        canAllowAlways: false,
        sandbox: { runsIn: 'sandbox', network: false, grants: ['allowOnceWithNetwork', 'allowOnceUnsandboxed'], suggested: 'allowOnceWithNetwork' },
        state: 'pending',
      };
      await postToWebview(page, runningTurn, { type: 'approval', turnId: 't1', card });
      const approval = page.getByTestId('approval-card');
      await approval.waitFor();
      const where = (await page.getByTestId('approval-sandbox').textContent()) ?? '';
      check(where.includes('sandboxed') && where.includes('no network'), `the card says where it runs: "${where}"`);
      const network = approval.getByText('Allow with network');
      check((await network.getAttribute('class'))?.includes('primary') === true, 'the suggested grant is the primary button');
      check((await approval.getByText('Allow without sandbox').count()) === 1, 'the unsandboxed grant is offered');
      const overflow = await approval.evaluate((el) => el.scrollWidth - el.clientWidth);
      check(overflow <= 0, `the card does not overflow at 220 px (by ${overflow} px)`);
      await network.click();
      checkEqual(await postsOfType(page, 'approvalDecision'), [{ type: 'approvalDecision', approvalId: 'a2', decision: 'allowOnceWithNetwork' }], 'the grant is the decision');
    },
  },
  {
    name: 'a notice (an API key removed from the message) is an information card in its turn, not an error, also after a reload',
    async run({ open }) {
      const notice = 'Holdfast removed an API key from your message before sending it.';
      const page = await open();
      await ready(page);
      await postToWebview(
        page,
        { type: 'turnStarted', turn: { id: 't1', userText: 'my key is [redacted API key]', attachments: [], items: [], status: 'running' } },
        { type: 'error', turnId: 't1', error: { id: 'n1', message: notice, actions: [], tone: 'notice' } },
      );
      const card = page.getByTestId('notice-card');
      await card.waitFor();
      checkEqual(await card.textContent(), notice, 'the notice text');
      checkEqual(await card.getAttribute('role'), 'status', 'a status, not an alert');
      checkEqual(await page.getByTestId('error-card').count(), 0, 'no error card');
      check((await page.getByTestId('live-region').textContent())!.includes(`Notice: ${notice}`), 'announced as a notice');
      check(((await page.getByTestId('turn').first().textContent()) ?? '').includes('[redacted API key]'), 'the turn shows the marker');

      // A snapshot (reload, session switch) draws the same card from the turn's items.
      await postToWebview(page, {
        ...emptySnapshot(),
        session: {
          id: 's1',
          title: 'x',
          turns: [{ id: 't2', userText: 'again [redacted API key]', attachments: [], items: [{ kind: 'error', error: { id: 'n2', message: notice, actions: [], tone: 'notice' } }], status: 'done' }],
          totals: { turns: 1, bytesSent: 0, statelessBytes: 0 },
        },
      });
      await page.waitForSelector('[data-testid="notice-card"][data-card-id="n2"]');
      checkEqual(await page.getByTestId('error-card').count(), 0, 'still no error card');
    },
  },
  {
    name: 'footer and totals show the wire meter and the measured time saved, with what is counted; the chip offers Set API key when the key is missing',
    async run({ open }) {
      const page = await open();
      await ready(page);
      await postToWebview(
        page,
        runningTurn,
        { type: 'deltas', turnId: 't1', items: [{ blockId: 'b', text: 'Done.' }] },
        {
          type: 'turnFinished',
          turnId: 't1',
          status: 'done',
          footer: FOOTER,
        },
        { type: 'sessionTotals', totals: { turns: 1, bytesSent: 2_150, statelessBytes: 49_152, timeSavedMs: 420 } },
        { type: 'connection', connection: { kind: 'noKey', label: 'key missing' } },
      );
      const footer = (await page.getByTestId('turn-footer').textContent()) ?? '';
      for (const part of ['first token 180 ms', 'total 2.31 s', '2,000 new', '10,000 cached', '321 out', 'sent 2.1 KB vs 48.0 KB stateless (−96%)', 'saved ≈ 160 ms']) {
        check(footer.includes(part), `footer shows "${part}": ${footer}`);
      }
      const turnSaved = page.getByTestId('turn-footer').locator('.metric', { hasText: 'saved ≈' });
      const turnTitle = (await turnSaved.getAttribute('title')) ?? '';
      for (const part of ['connect avoided 95 ms', 'warm-up off the critical path 65 ms', 'Not counted: upload time of the bytes not sent']) {
        check(turnTitle.includes(part), `the turn's tooltip says "${part}": ${turnTitle}`);
      }
      check(((await turnSaved.getAttribute('aria-label')) ?? '').startsWith('saved ≈ 160 ms. '), 'the turn figure has an aria-label');
      const totalsBox = page.getByTestId('session-totals');
      checkEqual(((await totalsBox.textContent()) ?? '').trim(), '45.9 KB and 0.42 s saved', 'the session total');
      const totalsMetric = totalsBox.locator('.metric');
      const totalsTitle = (await totalsMetric.getAttribute('title')) ?? '';
      for (const part of ['a stateless client would have sent 48.0 KB', 'Time saved (420 ms) is measured', 'the connect its first request did not wait for', 'the warm-up that ran before you asked', 'Not counted: upload time of the bytes not sent (the client cannot measure the uplink), and anything over HTTP.']) {
        check(totalsTitle.includes(part), `the total's tooltip says "${part}": ${totalsTitle}`);
      }
      checkEqual(await totalsMetric.getAttribute('aria-label'), `45.9 KB and 0.42 s saved. ${totalsTitle}`, 'the total is labelled for screen readers');
      // Totals restored from an older host carry no time: bytes only, never "0 s saved".
      await postToWebview(page, { type: 'sessionTotals', totals: { turns: 1, bytesSent: 2_150, statelessBytes: 49_152 } });
      checkEqual(((await totalsBox.textContent()) ?? '').trim(), '45.9 KB saved', 'an older total shows bytes only');
      await page.getByTestId('set-api-key').click();
      checkEqual(await postsOfType(page, 'runAction'), [{ type: 'runAction', action: 'setApiKey' }], 'Set API key');
    },
  },
  {
    name: 'sessions: new, switch, rename and delete (with a second click) send intents',
    async run({ open }) {
      const page = await open();
      const snapshot = emptySnapshot() as Extract<HostToWebview, { type: 'snapshot' }>;
      snapshot.sessions = [
        { id: 's1', title: 'Session one', updatedAt: Date.now(), turns: 0 },
        { id: 's2', title: 'Older work', updatedAt: Date.now() - 3_600_000, turns: 4 },
      ];
      await ready(page, snapshot);
      await page.getByTestId('new-session').click();
      await page.getByTestId('sessions-toggle').click();
      const row = (await page.locator('[data-session-id="s2"] .session-open').textContent()) ?? '';
      check(row.includes('4 turns'), `the session row shows its turn count: ${row}`);
      await page.locator('[data-session-id="s2"] .session-open').click();
      await page.getByTestId('sessions-toggle').click();
      await page.getByRole('button', { name: 'Rename Older work' }).click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('Transport refactor');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Delete Older work' }).click();
      await page.getByRole('button', { name: 'Click again to delete Older work' }).click();
      const intents = (await postsFrom(page)).filter((post) => ['newSession', 'switchSession', 'renameSession', 'deleteSession'].includes(post.type));
      checkEqual(
        intents,
        [
          { type: 'newSession' },
          { type: 'switchSession', sessionId: 's2' },
          { type: 'renameSession', sessionId: 's2', title: 'Transport refactor' },
          { type: 'deleteSession', sessionId: 's2' },
        ],
        'session intents',
      );
    },
  },
  {
    name: 'after a reload the view restores the draft from its state and the transcript from the snapshot',
    async run({ open }) {
      const first = await open();
      await ready(first);
      await first.getByTestId('composer-input').click();
      await first.keyboard.type('half-written question');
      await postToWebview(first, { type: 'attachmentAdded', attachment: { kind: 'selection', id: 'sel1', path: 'src/a.ts', startLine: 3, endLine: 9 } });
      await first.waitForTimeout(400); // the view saves its state at most every 200 ms
      const saved = await savedStateOf(first);
      await first.close();

      const second = await open(saved);
      const snapshot = emptySnapshot() as Extract<HostToWebview, { type: 'snapshot' }>;
      snapshot.session!.turns.push({
        id: 'old',
        userText: 'earlier question',
        attachments: [],
        status: 'running',
        items: [{ kind: 'markdown', id: 'm', text: '# Answer\n\nStill ' }],
      });
      await ready(second, snapshot);
      checkEqual(await second.getByTestId('composer-input').inputValue(), 'half-written question', 'the draft is back');
      check(((await second.locator('.composer-attachments').textContent()) ?? '').includes('src/a.ts:3-9'), 'the attachment is back');
      await postToWebview(second, { type: 'deltas', turnId: 'old', items: [{ blockId: 'm', text: 'streaming.' }] });
      await waitForExpression(second, `document.querySelector('[data-turn-id="old"] .answer').textContent.includes('Still streaming.')`);
      checkEqual(await second.locator('[data-turn-id="old"] h1').count(), 1, 'the restored answer keeps streaming into the same block');
      await second.keyboard.press('Enter').catch(() => undefined);
    },
  },
];
