/**
 * The chat view's layout measured in the real bundle, with VS Code's default webview styles and a
 * theme around it: nothing scrolls sideways from a 220 px side bar to a wide panel, the header's
 * controls stay inside the view (also while the keyboard moves through them), the composer is two
 * lines at least and grows with its text, and code blocks are one box (Dark and High Contrast).
 */
import type { Page } from '../e2e/node_modules/playwright-core';
import { type BrowserTest, type BrowserTestContext, check, checkEqual } from './browserTest';
import { emptySnapshot, openWebview, postToWebview, postsFrom, waitForExpression } from './harness';
import { COMPOSER_SIZE, HEADER_OUTSIDE, OVERFLOW_REPORT, VIEW_SHIFT } from './layoutProbes';
import { richSnapshot } from './richTranscript';

const WIDTHS = [220, 300, 600];

async function openAt(context: BrowserTestContext, width: number, theme = 'dark', initScript?: string): Promise<Page> {
  const browserContext = await context.browser.browser.newContext({ viewport: { width, height: 900 } });
  const page = await openWebview(browserContext, context.server.url('chat', theme), undefined, initScript);
  page.on('close', () => void browserContext.close());
  if (theme === 'hc') await page.evaluate(`document.body.classList.add('vscode-high-contrast')`);
  return page;
}

async function showRich(page: Page): Promise<void> {
  await postToWebview(page, richSnapshot());
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
}

async function composerHeight(page: Page): Promise<{ height: number; line: number }> {
  return (await page.evaluate(COMPOSER_SIZE)) as { height: number; line: number };
}

export const layoutTests: BrowserTest[] = [
  {
    name: 'at 220, 300 and 600 px nothing scrolls sideways, every card fits, header controls stay inside, Tab moves nothing',
    async run(context) {
      for (const width of WIDTHS) {
        const page = await openAt(context, width);
        await showRich(page);
        checkEqual(await page.evaluate(OVERFLOW_REPORT), [], `overflow at ${width} px`);
        checkEqual(await page.evaluate(HEADER_OUTSIDE), [], `header controls outside the view at ${width} px`);
        await page.locator('[data-testid="sessions-toggle"]').focus();
        for (let i = 0; i < 5; i++) {
          await page.keyboard.press('Tab');
          checkEqual(await page.evaluate(VIEW_SHIFT), { scrollLeft: 0, rootLeft: 0 }, `the view did not move after Tab ${i + 1} at ${width} px`);
        }
        await page.close();
      }
    },
  },
  {
    name: 'the composer is two lines at least, also when the view was created hidden, and grows with its text',
    async run(context) {
      // VS Code creates a view's webview before it is shown: the box was measured at 0 px then.
      const hidden = `(() => {
        const hide = new MutationObserver(() => {
          if (!document.documentElement) return;
          hide.disconnect();
          document.documentElement.style.display = 'none';
          setTimeout(() => { document.documentElement.style.display = ''; window.__shown = true; }, 300);
        });
        hide.observe(document, { childList: true, subtree: true });
      })();`;
      for (const width of WIDTHS) {
        const page = await openAt(context, width, 'dark', hidden);
        await postToWebview(page, emptySnapshot());
        await waitForExpression(page, 'window.__shown === true');
        await page.waitForTimeout(50);
        const empty = await composerHeight(page);
        check(empty.height >= 2 * empty.line, `at ${width} px the empty composer is ${empty.height} px, less than two lines of ${empty.line} px`);
        await page.getByTestId('composer-input').click();
        await page.keyboard.type('one');
        for (const line of ['two', 'three', 'four', 'five']) {
          await page.keyboard.press('Shift+Enter');
          await page.keyboard.type(line);
        }
        const five = await composerHeight(page);
        check(five.height >= 5 * five.line, `at ${width} px five lines make the composer ${five.height} px (line ${five.line} px)`);
        for (let i = 0; i < 30; i++) await page.keyboard.press('Shift+Enter');
        const tall = await composerHeight(page);
        check(tall.height <= 241, `the composer stops growing at 240 px (${tall.height} px)`);
        await page.keyboard.press('ControlOrMeta+a');
        await page.keyboard.press('Delete');
        const cleared = await composerHeight(page);
        check(Math.abs(cleared.height - empty.height) < 1, `the composer shrinks back when cleared (${cleared.height} vs ${empty.height} px)`);
        await page.close();
      }
    },
  },
  {
    name: 'a code block is one box in Dark and High Contrast: no background or padding of its own on any line',
    async run(context) {
      for (const theme of ['dark', 'hc']) {
        const page = await openAt(context, 300, theme);
        await showRich(page);
        const blocks = (await page.evaluate(`[...document.querySelectorAll('.markdown .code-block')].map((block) => {
          const code = block.querySelector('pre > code');
          const style = getComputedStyle(code);
          const pre = getComputedStyle(block.querySelector('pre'));
          return { code: style.backgroundColor, padding: style.paddingLeft, display: style.display, pre: pre.backgroundColor, block: getComputedStyle(block).backgroundColor, border: getComputedStyle(block).borderTopColor };
        })`)) as Array<Record<string, string>>;
        check(blocks.length === 2, `two code blocks (${blocks.length})`);
        for (const block of blocks) {
          checkEqual([block.code, block.padding, block.display, block.pre], ['rgba(0, 0, 0, 0)', '0px', 'block', 'rgba(0, 0, 0, 0)'], `${theme}: the lines of a block have no box of their own`);
        }
        if (theme === 'hc') checkEqual(blocks[0]!.border, 'rgb(111, 195, 223)', 'High Contrast: the block has the contrast border');
        else checkEqual(blocks[0]!.block, 'rgb(43, 43, 43)', 'Dark: the block has the code-block background');
        await page.close();
      }
    },
  },
  {
    name: 'Insert and Apply to file appear on code, not on error output, stack traces or shell commands',
    async run(context) {
      const page = await openAt(context, 480);
      await postToWebview(page, emptySnapshot(), {
        type: 'turnStarted',
        turn: { id: 't', userText: 'show me', attachments: [], status: 'done', items: [{ kind: 'markdown', id: 'm', text: [
          '```ts', 'export const a = 1;', '```',
          '```', 'TypeError: Cannot read properties of undefined (reading \'price\')', '    at subtotal (/w/src/cart.js:4:21)', '```',
          '```text', 'old_text was not found in src/a.ts', '```',
          '```bash', 'npm test', '```',
          '```', 'const untagged = true;', '```',
        ].join('\n') }] },
      });
      await page.waitForSelector('.code-block');
      const actions = await page.evaluate(`[...document.querySelectorAll('.code-block')].map((b) => [...b.querySelectorAll('[data-code-action]')].map((x) => x.dataset.codeAction).join(' '))`);
      checkEqual(
        actions,
        ['copy insertAtCursor applyToFile', 'copy', 'copy', 'copy insertAtCursor', 'copy insertAtCursor applyToFile'],
        'actions per block: ts, stack trace, text output, bash, untagged code',
      );
      await page.close();
    },
  },
  {
    name: 'the empty chat suggests prompts that send as typed, and says how to edit inline and fix a problem',
    async run({ open }) {
      const page = await open();
      await postToWebview(page, emptySnapshot());
      const suggestions = page.getByTestId('suggestion');
      checkEqual(await suggestions.evaluateAll((els) => els.map((el) => el.getAttribute('data-prompt'))), ['Run the tests', 'Fix the failing test'], 'the suggested prompts');
      const tips = (await page.locator('.tips').textContent()) ?? '';
      check(tips.includes('Inline edit') && tips.includes('Fix with Holdfast'), `the editor tips: ${tips}`);
      await suggestions.first().click();
      checkEqual((await postsFrom(page)).filter((p) => p.type === 'sendPrompt'), [{ type: 'sendPrompt', text: 'Run the tests', attachments: [] }], 'a click sends the prompt');
      await postToWebview(page, { type: 'turnStarted', turn: { id: 't', userText: 'Run the tests', attachments: [], items: [], status: 'running' } });
      await page.getByTestId('empty-state').waitFor({ state: 'hidden' });
    },
  },
  {
    name: 'tool cards show their arguments readably (never a bare {}); the footer is one quiet line with the figures folded',
    async run(context) {
      const page = await openAt(context, 300);
      await showRich(page);
      const heads = await page.locator('[data-testid="tool-card"] .card-head').evaluateAll((els) => els.map((el) => el.textContent));
      checkEqual(heads.slice(0, 3), ['Run tasktest812 ms', 'List files12 ms', 'Searchquery subtotal, include src/**/*.js30 ms'], 'the cards');
      check(!heads.some((h) => (h ?? '').includes('{')), `no raw JSON in a card: ${JSON.stringify(heads)}`);
      checkEqual(await page.evaluate(`document.querySelector('[data-testid="turn-footer"]').open`), false, 'the figures are folded');
      const summary = (await page.evaluate(`(() => { const el = document.querySelector('[data-testid="turn-footer"] > summary'); return { text: el.textContent, height: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) }; })()`)) as { text: string; height: number; line: number };
      checkEqual(summary.text, '2.31 s · 45.9 KB and 160 ms saved', 'the one line');
      check(summary.height <= summary.line * 1.5, `the footer is one line tall (${summary.height} px, line ${summary.line} px)`);
      await page.close();
    },
  },
];
