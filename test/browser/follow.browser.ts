/**
 * Following the stream, measured in the real bundle: the view sticks to the bottom while an answer
 * streams, stops when the user scrolls up (and offers "Jump to latest"), and a finished answer's last
 * line, or "Stopped", ends up in view. And Escape in the composer never answers a card.
 */
import type { Page } from '../e2e/node_modules/playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { type BrowserTest, type BrowserTestContext, check, checkEqual } from './browserTest';
import { emptySnapshot, openWebview, postToWebview, postsFrom, waitForExpression } from './harness';
import { visibleInConversation } from './layoutProbes';
import { FOOTER } from './richTranscript';

async function openShort(context: BrowserTestContext): Promise<Page> {
  const browserContext = await context.browser.browser.newContext({ viewport: { width: 300, height: 420 } });
  const page = await openWebview(browserContext, context.server.url('chat'));
  page.on('close', () => void browserContext.close());
  await postToWebview(page, emptySnapshot());
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
  return page;
}

const DISTANCE = `(() => { const c = document.querySelector('.conversation'); return c.scrollHeight - c.scrollTop - c.clientHeight; })()`;
const SCROLL_TOP = `document.querySelector('.conversation').scrollTop`;

async function stream(page: Page, turnId: string, from: number, to: number, paragraphs = true): Promise<void> {
  for (let n = from; n < to; n++) {
    await postToWebview(page, { type: 'deltas', turnId, items: [{ blockId: 'b', text: `Sentence ${n} of an answer that keeps streaming for a while.${paragraphs ? '\n\n' : ' '}` }] });
    await waitForExpression(page, `document.querySelector('[data-turn-id="${turnId}"] .answer').textContent.includes('Sentence ${n} ')`);
  }
  // One more frame for the ResizeObserver after the last render.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

const running = (id: string): HostToWebview => ({ type: 'turnStarted', turn: { id, userText: 'tell me a long story', attachments: [], items: [], status: 'running' } });

export const followTests: BrowserTest[] = [
  {
    name: 'a streaming answer keeps its last line in view; scrolling up stops that and shows Jump to latest, which follows again',
    async run(context) {
      const page = await openShort(context);
      await postToWebview(page, running('t1'));
      for (let n = 0; n < 30; n += 5) {
        await stream(page, 't1', n, n + 5);
        const distance = (await page.evaluate(DISTANCE)) as number;
        check(distance <= 24, `after ${n + 5} sentences the view is ${distance} px from the bottom`);
      }
      checkEqual(await page.getByTestId('jump-to-latest').isVisible(), false, 'no Jump to latest while following');

      const box = (await page.locator('.conversation').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -400);
      await waitForExpression(page, `${DISTANCE} > 100`);
      const readingAt = (await page.evaluate(SCROLL_TOP)) as number;
      await stream(page, 't1', 30, 40);
      const after = (await page.evaluate(SCROLL_TOP)) as number;
      check(Math.abs(after - readingAt) <= 1, `the view stays where the user is reading (${readingAt} → ${after})`);
      await page.getByTestId('jump-to-latest').waitFor({ state: 'visible' });

      await page.getByTestId('jump-to-latest').click();
      await waitForExpression(page, `${DISTANCE} <= 24`);
      await page.getByTestId('jump-to-latest').waitFor({ state: 'hidden' });
      await stream(page, 't1', 40, 45);
      check(((await page.evaluate(DISTANCE)) as number) <= 24, 'following again after Jump to latest');

      await postToWebview(page, { type: 'turnFinished', turnId: 't1', status: 'done', footer: FOOTER });
      await waitForExpression(page, `document.querySelector('[data-turn-id="t1"] [data-testid="turn-footer"]') !== null`);
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      checkEqual(await page.evaluate(visibleInConversation('[data-turn-id="t1"] .answer p')), 'visible', 'the last line of the finished answer');
      checkEqual(await page.evaluate(visibleInConversation('[data-turn-id="t1"] [data-testid="turn-footer"]')), 'visible', 'the footer under it');
      await page.close();
    },
  },
  {
    name: 'after Stop in the middle of a paragraph, "Stopped" is in view',
    async run(context) {
      const page = await openShort(context);
      await postToWebview(page, running('t1'));
      await stream(page, 't1', 0, 20);
      await postToWebview(page, { type: 'turnFinished', turnId: 't1', status: 'done', footer: FOOTER });
      // The open paragraph becomes a finished chunk when the turn stops: it must not collapse to a
      // placeholder for a frame (that left the end of the answer below the fold in VS Code).
      await postToWebview(page, running('t2'));
      await stream(page, 't2', 0, 6, false);
      await postToWebview(page, { type: 'turnFinished', turnId: 't2', status: 'cancelled' });
      await waitForExpression(page, `document.querySelector('[data-turn-id="t2"] .stopped') !== null`);
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      checkEqual(await page.evaluate(visibleInConversation('[data-turn-id="t2"] .stopped')), 'visible', '"Stopped"');
      await page.close();
    },
  },
  {
    name: 'Escape in the composer never answers a waiting card (it points at it); with no card waiting it stops the turn',
    async run(context) {
      const page = await openShort(context);
      await postToWebview(page, running('t3'), {
        type: 'approval',
        turnId: 't3',
        card: { id: 'a1', kind: 'task', command: 'test', parts: [], cwd: '', canAllowAlways: true, state: 'pending' },
      });
      await page.getByTestId('approval-card').waitFor();
      checkEqual(await page.getByTestId('turn-working').textContent(), 'Waiting for you', 'the turn says it waits for the user');
      const input = page.getByTestId('composer-input');
      await input.click();
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      const posts = (await postsFrom(page)).filter((p) => p.type === 'stop' || p.type === 'approvalDecision');
      checkEqual(posts, [], 'Escape neither stopped the turn nor answered the card');
      checkEqual(await page.getByTestId('approval-card').getAttribute('data-state'), 'pending', 'the card still waits');
      check(((await input.getAttribute('placeholder')) ?? '').startsWith('Answer the card above'), 'the composer says a card waits');
      check(((await page.getByTestId('live-region').textContent()) ?? '').includes('waiting for your answer'), 'a screen reader hears why nothing stopped');

      await page.getByTestId('approval-card').getByText('Allow once').click();
      checkEqual((await postsFrom(page)).filter((p) => p.type === 'approvalDecision'), [{ type: 'approvalDecision', approvalId: 'a1', decision: 'allowOnce' }], 'the card is answered by its button');
      await postToWebview(page, { type: 'approval', turnId: 't3', card: { id: 'a1', kind: 'task', command: 'test', parts: [], cwd: '', canAllowAlways: true, state: 'allowedOnce' } });
      await waitForExpression(page, `document.querySelector('[data-testid="turn-working"]').textContent === 'Working…'`);
      await input.click();
      await page.keyboard.press('Escape');
      checkEqual((await postsFrom(page)).filter((p) => p.type === 'stop'), [{ type: 'stop', turnId: 't3' }], 'with no card waiting, Escape stops');
      await page.close();
    },
  },
];
