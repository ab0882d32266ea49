/**
 * highlight.js is not in the chat bundle: its core and each language are chunks the view loads with
 * the page's CSP nonce when a code block names the language. In the real bundle, with the production
 * CSP: code is highlighted once its chunks arrive (snapshot and stream alike), each chunk loads once,
 * languages a language embeds come with it, an unknown language loads no language chunk, and nothing
 * trips the CSP.
 */
import type { HostToWebview } from '../../src/protocol/webview';
import { type BrowserTest, check, checkEqual } from './browserTest';
import { emptySnapshot, postToWebview, waitForExpression } from './harness';
import { install as ready } from './sanitising.browser';

function snapshotWith(text: string): HostToWebview {
  const snapshot = emptySnapshot() as Extract<HostToWebview, { type: 'snapshot' }>;
  snapshot.session!.turns.push({ id: 'old', userText: 'show me', attachments: [], status: 'done', items: [{ kind: 'markdown', id: 'm', text }] });
  return snapshot;
}

/** The chunk files the page requested, in order. */
function chunkRequests(requests: () => string[]): string[] {
  return requests()
    .map((url) => new URL(url).pathname.split('/').pop() ?? '')
    .filter((file) => file.startsWith('hljs'));
}

const HTML_BLOCK = '```html\n<div class="a"><script>const x = 1;</script><style>.a { color: red; }</style></div>\n```';

export const highlightingTests: BrowserTest[] = [
  {
    name: 'code in a snapshot is highlighted once its chunks load; each loads once, embedded languages come along',
    async run({ open, browser }) {
      const page = await open();
      await ready(page);
      const requests = (): string[] => browser.requests.map((request) => request.url());
      checkEqual(chunkRequests(requests), [], 'no highlighting chunk is loaded before code needs it');
      const text = ['```ts\nexport function a(): number { return 1; }\n```', '```typescript\nconst b = 2;\n```', HTML_BLOCK, '```sh\nls -la | grep x\n```'].join('\n\n');
      await postToWebview(page, snapshotWith(text));
      await waitForExpression(page, `document.querySelectorAll('[data-testid="conversation"] pre > code.hljs').length === 4`);
      check((await page.locator('code.hljs .hljs-keyword').count()) > 0, 'keywords are marked');
      // HTML's <script> and <style> are highlighted as JavaScript and CSS: those chunks came with xml.
      check((await page.locator('code.language-html .language-javascript, code.language-html .language-css').count()) === 2, 'embedded script and style are highlighted');
      const loaded = chunkRequests(requests);
      checkEqual([...loaded].sort(), ['hljs-bash.js', 'hljs-css.js', 'hljs-javascript.js', 'hljs-typescript.js', 'hljs-xml.js', 'hljs.js'], 'the core and exactly the languages used (and embedded) were loaded');
      checkEqual(new Set(loaded).size, loaded.length, 'each chunk was requested once');
      checkEqual(await page.evaluate('window.__violations'), [], 'the chunks carry the nonce: no CSP violation');
    },
  },
  {
    name: 'a streamed fence stays live text while it streams and is highlighted when it closes',
    async run({ open }) {
      const page = await open();
      await ready(page);
      await postToWebview(page, { type: 'turnStarted', turn: { id: 't', userText: 'code', attachments: [], items: [], status: 'running' } });
      const pieces = ['Here:\n\n```python\n', 'def f(x):\n', '    return x + 1\n'];
      for (const piece of pieces) await postToWebview(page, { type: 'deltas', turnId: 't', items: [{ blockId: 'b', text: piece }] });
      await waitForExpression(page, `(document.querySelector('.code-block.streaming code')?.textContent ?? '').includes('return x + 1')`);
      checkEqual(await page.locator('.code-block.streaming code .hljs-keyword').count(), 0, 'the open fence is plain text while it streams');
      await postToWebview(page, { type: 'deltas', turnId: 't', items: [{ blockId: 'b', text: '```\n\nDone.' }] }, { type: 'turnFinished', turnId: 't', status: 'done' });
      await page.locator('.code-block code.language-python .hljs-keyword').first().waitFor({ state: 'attached', timeout: 10_000 });
      checkEqual(await page.locator('.code-block code.language-python').textContent(), 'def f(x):\n    return x + 1\n', 'the highlighted code is the streamed code');
    },
  },
  {
    name: 'an unknown or hostile language word loads no language chunk and stays plain',
    async run({ open, browser }) {
      const page = await open();
      await ready(page);
      const requests = (): string[] => browser.requests.map((request) => request.url());
      const text = ['```klingon\nqapla\n```', `\`\`\`${'x'.repeat(100)}\nlong word\n\`\`\``, '```../../etc/passwd\nno\n```', '```ts\nconst ok = 1;\n```'].join('\n\n');
      await postToWebview(page, snapshotWith(text));
      await page.locator('code.language-ts .hljs-keyword').first().waitFor({ state: 'attached', timeout: 10_000 });
      // TypeScript embeds CSS and HTML (template literals), and HTML embeds JavaScript: they come along.
      const expected = ['hljs-css.js', 'hljs-javascript.js', 'hljs-typescript.js', 'hljs-xml.js', 'hljs.js'];
      checkEqual(chunkRequests(requests).sort(), expected, 'only the core and the known language (with what it embeds) were requested');
      checkEqual(await page.locator('[data-testid="conversation"] pre > code.hljs').count(), 1, 'the unknown languages stay plain');
      checkEqual(await page.evaluate('window.__violations'), [], 'no CSP violation');
    },
  },
];
