/**
 * The chat header's context meter and the pin buttons (issue 16) in the real bundle: the meter says in
 * plain words how full the window is, its tooltip has the detail (cached and written tokens, when and how
 * compaction comes, the cost or "unknown"), it fills toward the compaction mark and warns past it;
 * "Compact now" asks the host; finished turns get pin buttons that send `pinMessage` and show the host's
 * pins, also after a reload.
 */
import type { Page } from '../e2e/node_modules/playwright-core';
import type { ContextMeterView, HostToWebview } from '../../src/protocol/webview';
import { type BrowserTest, check, checkEqual } from './browserTest';
import { emptySnapshot, openWebview, postToWebview, postsFrom } from './harness';
import { HEADER_OUTSIDE, OVERFLOW_REPORT } from './layoutProbes';
import { richSnapshot } from './richTranscript';

function meter(overrides: Partial<ContextMeterView> = {}): ContextMeterView {
  return {
    model: 'test-32k',
    usedTokens: 12_400,
    windowTokens: 32_768,
    windowSource: 'setting',
    compactAtTokens: 26_214,
    compactionMode: 'standalone',
    lastInputTokens: 12_000,
    lastCachedTokens: 9_000,
    lastCacheWriteTokens: 2_000,
    session: { requests: 4, inputTokens: 30_000, cachedTokens: 18_000, cacheWriteTokens: 5_000, outputTokens: 900, warmupTokens: 1_500, costUsd: 0.0213 },
    turnCostUsd: 0.0042,
    compactions: 1,
    pins: 0,
    ...overrides,
  };
}

function snapshotWithTurn(): HostToWebview {
  const snapshot = emptySnapshot();
  if (snapshot.type !== 'snapshot' || !snapshot.session) return snapshot;
  snapshot.session.turns = [{ id: 't1', userText: 'use tabs, never spaces', attachments: [], status: 'done', items: [{ kind: 'markdown', id: 'b1', text: 'Tabs it is.' }] }];
  return snapshot;
}

async function ready(page: Page, snapshot: HostToWebview): Promise<void> {
  await postToWebview(page, snapshot);
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
}

export const contextTests: BrowserTest[] = [
  {
    name: 'the meter: plain words, the detail in its tooltip, warning past the compaction mark, Compact now',
    async run({ open }) {
      const page = await open();
      await ready(page, emptySnapshot());
      check(await page.getByTestId('context-meter').isHidden(), 'no meter before the host sends one');
      await postToWebview(page, { type: 'contextMeter', meter: meter() });
      const label = page.getByTestId('context-label');
      checkEqual(await label.textContent(), '38% of 32.8k', 'the label');
      const detail = (await page.getByTestId('context-meter').getAttribute('title')) ?? '';
      for (const words of ['12,400 of 32,768 tokens', 'holdfast.contextWindow', 'Compacts at 26,214 tokens', 'between requests', '9,000 read from the cache, 2,000 written to it', 'this turn $0.0042', 'this session $0.021', 'warm-ups wrote 1,500 tokens']) {
        check(detail.includes(words), `the tooltip says "${words}": ${detail}`);
      }
      checkEqual(await page.getByTestId('context-meter').getAttribute('data-level'), 'ok', 'under the mark');

      await postToWebview(page, { type: 'contextMeter', meter: meter({ usedTokens: 27_000, session: { ...meter().session, costUsd: null }, turnCostUsd: null }) });
      checkEqual(await page.getByTestId('context-meter').getAttribute('data-level'), 'near', 'past the compaction mark');
      const unknown = (await page.getByTestId('context-meter').getAttribute('title')) ?? '';
      check(unknown.includes('this session unknown (no price known'), `an unknown price reads "unknown": ${unknown}`);

      await postToWebview(page, { type: 'contextMeter', meter: meter({ windowTokens: undefined, compactAtTokens: undefined, windowSource: 'unknown' }) });
      checkEqual(await label.textContent(), '12.4k tokens', 'without a window: tokens only');

      await page.getByTestId('compact-now').click();
      checkEqual((await postsFrom(page)).filter((p) => p.type === 'runAction'), [{ type: 'runAction', action: 'compactNow' }], 'Compact now asks the host');
    },
  },
  {
    name: 'with the meter (and the pins) shown, nothing scrolls sideways and the header controls stay inside at 220, 300 and 600 px',
    async run(context) {
      for (const width of [220, 300, 600]) {
        const browserContext = await context.browser.browser.newContext({ viewport: { width, height: 900 } });
        try {
          const page = await openWebview(browserContext, context.server.url('chat'));
          await ready(page, richSnapshot());
          await postToWebview(page, { type: 'contextMeter', meter: meter({ usedTokens: 312_345, windowTokens: 400_000, windowSource: 'table', compactAtTokens: 320_000, model: 'gpt-5.2' }) });
          await page.getByTestId('context-meter').waitFor({ state: 'visible' });
          checkEqual(await page.evaluate(OVERFLOW_REPORT), [], `overflow at ${width} px`);
          checkEqual(await page.evaluate(HEADER_OUTSIDE), [], `header controls outside the view at ${width} px`);
        } finally {
          await browserContext.close();
        }
      }
    },
  },
  {
    name: 'pin buttons on a finished turn send pinMessage and show the host’s pins, also after a reload',
    async run({ open }) {
      const page = await open();
      await ready(page, snapshotWithTurn());
      const pins = page.getByTestId('pin');
      checkEqual(await pins.count(), 2, 'the prompt and the answer block each have a pin button');
      await pins.nth(1).click({ force: true });
      checkEqual((await postsFrom(page)).filter((p) => p.type === 'pinMessage'), [{ type: 'pinMessage', turnId: 't1', blockId: 'b1', pinned: true }], 'the answer block is pinned');
      await postToWebview(page, { type: 'pins', pinned: ['t1/b1'] });
      // window.postMessage delivers on a later task: wait for the view to apply it, not a fixed time.
      await page.waitForSelector('[data-testid="pin"][aria-pressed="true"]', { timeout: 30_000 }).catch(() => undefined);
      checkEqual(await pins.nth(1).getAttribute('aria-pressed'), 'true', 'shown pinned');
      checkEqual(await pins.nth(0).getAttribute('aria-pressed'), 'false', 'the prompt is not');

      const reloaded = await open();
      await ready(reloaded, snapshotWithTurn());
      await postToWebview(reloaded, { type: 'pins', pinned: ['t1/b1'] });
      await reloaded.waitForSelector('[data-testid="pin"][aria-pressed="true"]', { timeout: 30_000 }).catch(() => undefined);
      checkEqual(await reloaded.getByTestId('pin').nth(1).getAttribute('aria-pressed'), 'true', 'pinned after a reload');
    },
  },
];
