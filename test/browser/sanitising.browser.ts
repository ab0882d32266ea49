/**
 * Model output is untrusted: the real webview bundle, in a real Chromium with the production CSP, is
 * fed hostile markdown (through streaming deltas and through a snapshot) and must not run anything,
 * load anything remote, or navigate anywhere. Links stay inert until the host opens them.
 */
import type { Page } from '../e2e/node_modules/playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { type BrowserTest, check, checkEqual } from './browserTest';
import { emptySnapshot, postToWebview, postsFrom } from './harness';

const hostileMarkdown = [
  'Here is an image: <img src=x onerror="window.__pwned=\'img\'">',
  '',
  '<script>window.__pwned = "script"</script>',
  '',
  '[click me](javascript:window.__pwned="js-link")',
  '',
  '[entity](jav&#x61;script:window.__pwned="entity")',
  '',
  '[vb](vbscript:msgbox(1)) and [file](file:///etc/passwd)',
  '',
  '![remote](https://example.com/x.png)',
  '',
  '![tracker][t]',
  '',
  '[t]: https://example.com/pixel.gif',
  '',
  '<a href="javascript:window.__pwned=\'anchor\'">raw anchor</a>',
  '',
  '[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)',
  '',
  '<iframe src="https://example.com/frame"></iframe>',
  '',
  '<svg onload="window.__pwned=\'svg\'"></svg>',
  '',
  '<style>body{background:url(https://example.com/bg.png)}</style>',
  '',
  'A safe link: [docs](https://example.com/docs) and an autolink https://example.com/auto',
  '',
  '```html',
  '<img src=x onerror="window.__pwned=\'code\'"></code></pre><script>window.__pwned="escape"</script>',
  '```',
  '',
  '![data img](data:image/png;base64,iVBORw0KGgo=)',
  '',
  '| a | b |',
  '|---|---|',
  '| <img src=x onerror="window.__pwned=\'table\'"> | [x](javascript:alert(1)) |',
  '',
].join('\n');

const FORBIDDEN_TAGS = ['img', 'script', 'iframe', 'svg', 'style', 'object', 'embed', 'video', 'audio', 'link', 'meta', 'form', 'base'];

/** Records CSP violations in `window.__violations`, then makes the view ready with an empty snapshot. */
export async function install(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const record = (window.__violations = []);
    document.addEventListener('securitypolicyviolation', (event) => record.push(event.violatedDirective + ' ' + event.blockedURI));
  })()`);
  await postToWebview(page, emptySnapshot());
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
}

/** Streams `text` as a running turn in small pieces, the way the presenter's frames arrive. */
async function streamTurn(page: Page, turnId: string, text: string): Promise<void> {
  const start: HostToWebview = { type: 'turnStarted', turn: { id: turnId, userText: 'show me', attachments: [], items: [], status: 'running' } };
  await postToWebview(page, start);
  const pieces: HostToWebview[] = [];
  for (let offset = 0; offset < text.length; offset += 7) {
    pieces.push({ type: 'deltas', turnId, items: [{ blockId: `${turnId}-b`, text: text.slice(offset, offset + 7) }] });
  }
  await postToWebview(page, ...pieces);
  await postToWebview(page, { type: 'turnFinished', turnId, status: 'done' });
  await page.waitForSelector(`[data-turn-id="${turnId}"][data-status="done"]`);
}

/** Every structural check that must hold for whatever the conversation shows. */
async function checkInert(page: Page, origin: string, requests: () => string[]): Promise<void> {
  const report = (await page.evaluate(`(() => {
    const forbidden = ${JSON.stringify(FORBIDDEN_TAGS)};
    const conversation = document.querySelector('[data-testid="conversation"]');
    const bad = [];
    for (const node of Array.from(conversation.querySelectorAll('*'))) {
      if (forbidden.includes(node.localName)) bad.push('<' + node.localName + '>');
      for (const attribute of Array.from(node.attributes)) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith('on') || ['href', 'src', 'srcset', 'style', 'action', 'formaction', 'xlink:href'].includes(name)) {
          bad.push(node.localName + '[' + name + '=' + attribute.value.slice(0, 40) + ']');
        }
      }
    }
    return { bad, pwned: window.__pwned, violations: window.__violations, text: conversation.textContent || '' };
  })()`)) as { bad: string[]; pwned: unknown; violations: string[]; text: string };
  checkEqual(report.bad, [], 'no dangerous element or attribute in the conversation');
  check(report.pwned === undefined, `nothing executed (window.__pwned = ${String(report.pwned)})`);
  checkEqual(report.violations, [], 'the sanitiser, not the CSP, stopped everything (no CSP violation)');
  check(report.text.includes('<script>window.__pwned = "script"</script>'), 'raw HTML is shown as text');
  const remote = requests().filter((url) => !url.startsWith(origin));
  checkEqual(remote, [], 'no request leaves the page');
}

async function clickEveryLink(page: Page): Promise<void> {
  const links = page.locator('[data-testid="conversation"] a, [data-testid="conversation"] [role="link"]');
  const count = await links.count();
  check(count >= 2, `the hostile answer rendered its links (found ${count})`);
  for (let index = 0; index < count; index++) {
    await links.nth(index).click();
    await links.nth(index).focus();
    await page.keyboard.press('Enter');
  }
  await page.waitForTimeout(100);
}

export const sanitisingTests: BrowserTest[] = [
  {
    name: 'streamed hostile markdown runs nothing, loads nothing remote and links stay inert',
    async run({ open, server, browser }) {
      const page = await open();
      const pageUrl = page.url();
      await install(page);
      await streamTurn(page, 't1', hostileMarkdown);
      const requests = (): string[] => browser.requests.map((request) => request.url());
      await checkInert(page, server.origin, requests);
      await clickEveryLink(page);
      await checkInert(page, server.origin, requests);
      check(page.url() === pageUrl, `the page did not navigate (now at ${page.url()})`);
      const opened = (await postsFrom(page)).filter((post) => post.type === 'openLink').map((post) => post.url as string);
      check(opened.length > 0, 'the safe links were offered to the host');
      for (const url of opened) check(/^https?:\/\//.test(url), `only http(s) links reach the host (got ${url})`);
      check(opened.includes('https://example.com/docs') && opened.includes('https://example.com/auto'), `the safe links go to the host: ${opened.join(', ')}`);
      check(!opened.some((url) => url.includes('x.png') || url.includes('pixel.gif')), 'images are not links to their source');
    },
  },
  {
    name: 'the same hostile markdown in a snapshot (reload path) is equally inert',
    async run({ open, server, browser }) {
      const page = await open();
      await install(page);
      const snapshot = emptySnapshot() as Extract<HostToWebview, { type: 'snapshot' }>;
      snapshot.session!.turns.push({
        id: 'old',
        userText: '<img src=x onerror="window.__pwned=\'user\'">',
        attachments: [{ kind: 'file', path: '"><img src=x onerror=alert(1)>' }],
        status: 'done',
        items: [
          { kind: 'reasoning', id: 'r', text: '<script>window.__pwned="reasoning"</script>' },
          { kind: 'markdown', id: 'm', text: hostileMarkdown },
          { kind: 'tool', card: { id: 'c', name: 'run', title: '<b>bold</b>', target: '<img src=x onerror=alert(1)>', status: 'done', output: '<script>window.__pwned="tool"</script>' } },
          {
            kind: 'approval',
            card: { id: 'a', kind: 'command', command: '<img src=x onerror="window.__pwned=\'approval\'">', parts: [], cwd: '<svg onload=alert(1)>', canAllowAlways: false, state: 'denied' },
          },
          { kind: 'error', error: { id: 'e', message: '<script>window.__pwned="error"</script>', actions: ['retry'] } },
        ],
      });
      await postToWebview(page, snapshot);
      await page.waitForSelector('[data-turn-id="old"]');
      await checkInert(page, server.origin, () => browser.requests.map((request) => request.url()));
    },
  },
  {
    name: 'messages that fail validation are dropped and the view keeps working',
    async run({ open }) {
      const page = await open();
      await install(page);
      const hostile: unknown[] = [
        { type: 'eval', code: 'window.__pwned = 1' },
        { type: 'deltas', turnId: 'x', items: [] },
        { type: 'snapshot', connection: { kind: 'warm', label: 'x'.repeat(201) }, workspaceName: 'w' },
        { type: 'turnStarted', turn: { id: '', userText: 'x', items: [], status: 'running' } },
        { type: 'connection', connection: { kind: 'warm', label: 'ok', detail: 'd', __proto__: { polluted: true } } },
        '{"type":"pong","id":"a"}',
        null,
      ];
      for (const message of hostile) await postToWebview(page, message);
      await postToWebview(page, { type: 'connection', connection: { kind: 'reconnecting', label: 'reconnecting (2)' } });
      await page.waitForSelector('[data-testid="connection-chip"]:has-text("reconnecting (2)")');
      const state = await page.evaluate(`({ pwned: window.__pwned, turns: document.querySelectorAll('[data-testid="turn"]').length })`);
      checkEqual(state, { pwned: undefined, turns: 0 }, 'invalid messages changed nothing');
    },
  },
  {
    name: 'code block actions: Insert and Apply go to the host with the code text, the path hint and language',
    async run({ open }) {
      const page = await open();
      await install(page);
      await streamTurn(page, 't2', 'Try this:\n\n```ts src/a.ts\nconst a = "<b>" + 1;\n```\n\nDone.');
      await page.locator('[data-code-action="insertAtCursor"]').first().click();
      await page.locator('[data-code-action="applyToFile"]').first().click();
      const actions = (await postsFrom(page)).filter((post) => post.type === 'codeAction');
      checkEqual(
        actions,
        [
          { type: 'codeAction', action: 'insertAtCursor', code: 'const a = "<b>" + 1;\n', language: 'ts', pathHint: 'src/a.ts' },
          { type: 'codeAction', action: 'applyToFile', code: 'const a = "<b>" + 1;\n', language: 'ts', pathHint: 'src/a.ts' },
        ],
        'code actions',
      );
      // highlight.js loads on demand (a chunk per language): wait for it, then count.
      await page.locator('.code-block code.hljs .hljs-keyword').first().waitFor({ state: 'attached', timeout: 10_000 });
      const highlighted = await page.locator('.code-block code.hljs .hljs-keyword').count();
      check(highlighted > 0, 'the code block is syntax-highlighted');
    },
  },
];
