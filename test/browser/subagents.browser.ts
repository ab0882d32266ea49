/**
 * Subagents in the real webview bundle (issue 17): a delegate call's card shows one nested,
 * collapsible card per subagent with its progress; an update re-renders the card and keeps the folds
 * the user opened; the model's text in them goes in as text.
 */
import type { Page } from '../e2e/node_modules/playwright-core';
import type { HostToWebview, ToolCardView } from '../../src/protocol/webview';
import { type BrowserTest, check, checkEqual } from './browserTest';
import { emptySnapshot, postToWebview } from './harness';

async function ready(page: Page): Promise<void> {
  await postToWebview(page, emptySnapshot());
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
}

const card = (subagents: ToolCardView['subagents']): HostToWebview => ({
  type: 'toolCard',
  turnId: 'sub-1',
  card: { id: 'call_d', name: 'delegate', title: 'Subagents', status: 'running', subagents },
});

export const subagentTests: BrowserTest[] = [
  {
    name: 'subagents are nested collapsible cards in the delegate card; updates keep the folds the user opened',
    async run({ open }) {
      const page = await open();
      await ready(page);
      await postToWebview(
        page,
        { type: 'turnStarted', turn: { id: 'sub-1', userText: 'use subagents', attachments: [], items: [], status: 'running' } },
        card([
          { id: 'call_d.1', index: 1, title: 'callers of parse', status: 'running', activity: 'search_text parse', toolCalls: 1 },
          { id: 'call_d.2', index: 2, title: 'summarise a.ts', status: 'running', activity: '<img src=x onerror=alert(1)>', toolCalls: 0 },
        ]),
      );
      const subagents = page.getByTestId('subagent-card');
      await subagents.first().waitFor();
      checkEqual(await subagents.count(), 2, 'one card per subagent');
      const first = page.locator('[data-subagent-id="call_d.1"]');
      checkEqual(await first.getAttribute('data-status'), 'running', 'running');
      check((await first.locator('summary').textContent())?.includes('Subagent 1: callers of parse'), 'its title on the summary line');
      check(!(await first.evaluate((el) => (el as HTMLDetailsElement).open)), 'collapsed at first');
      checkEqual(await page.locator('.subagents img').count(), 0, 'model text is text, never markup');

      await first.locator('summary').click();
      check(await first.evaluate((el) => (el as HTMLDetailsElement).open), 'opened by the user');
      await postToWebview(
        page,
        card([
          { id: 'call_d.1', index: 1, title: 'callers of parse', status: 'answered', activity: 'parse is called in 3 places', toolCalls: 2, durationMs: 1200 },
          { id: 'call_d.2', index: 2, title: 'summarise a.ts', status: 'failed', activity: 'serverError: boom', toolCalls: 0, durationMs: 300 },
        ]),
      );
      await page.waitForSelector('[data-subagent-id="call_d.1"][data-status="answered"]');
      const updated = page.locator('[data-subagent-id="call_d.1"]');
      check(await updated.evaluate((el) => (el as HTMLDetailsElement).open), 'still open after the update');
      checkEqual(await updated.getByTestId('subagent-activity').textContent(), 'parse is called in 3 places', 'its report line');
      checkEqual(await page.locator('[data-subagent-id="call_d.2"]').getAttribute('data-status'), 'failed', 'a failed subagent shows as failed');
    },
  },
];
