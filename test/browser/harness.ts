/**
 * Runs the real chat webview bundle (dist/webview/chat.js + chat.css) in headless Chromium without VS
 * Code: a local static server serves the same HTML shell and CSP the extension uses (renderChatHtml
 * with a fake `Webview`), and an init script stands in for `acquireVsCodeApi`, recording every post.
 * Host messages are delivered with `window.postMessage`, as VS Code delivers them.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Browser, BrowserContext, BrowserType, Page, Request } from '../e2e/node_modules/playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { renderChatHtml } from '../../src/ui/webviewHtml';
import { chromiumArgs } from '../e2e/lib/chromiumFlags';
import { themeStylesheet } from './vscodeTheme';

export const repoRoot = path.resolve(__dirname, '../..');
const playwrightDir = path.join(repoRoot, 'test', 'e2e', 'node_modules', 'playwright-core');
export const chromiumExecutable = process.env['HOLDFAST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the harness cannot run here, or undefined when it can. */
export function missingPrerequisite(bundleDir: string): string | undefined {
  if (!fs.existsSync(path.join(playwrightDir, 'package.json'))) return `playwright-core is not installed in test/e2e/node_modules (npm ci --prefix test/e2e)`;
  if (!fs.existsSync(chromiumExecutable)) return `no Chromium at ${chromiumExecutable} (apt-get install chromium, or set HOLDFAST_CHROMIUM)`;
  if (!fs.existsSync(path.join(bundleDir, 'chat.js'))) return `no webview bundle in ${bundleDir} (npm run build)`;
  return undefined;
}

export interface WebviewServer {
  readonly origin: string;
  /**
   * URL of a page that loads `chat.js`/`chat.css` from `bundleDir` with the production CSP, with VS
   * Code's default webview styles and a theme's colours (`dark` or `hc`) in front, as VS Code has them.
   */
  url(bundle?: string, theme?: string): string;
  close(): Promise<void>;
}

/**
 * Serves `/view/<bundle>/` as the webview shell and `/bundle/<bundle>/<file>` from the named folders.
 * `bundles` maps a name to a folder holding chat.js and chat.css.
 */
export async function serveWebview(bundles: Record<string, string>): Promise<WebviewServer> {
  let origin = '';
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, area, bundle, file] = url.pathname.split('/');
    const folder = bundle === undefined ? undefined : bundles[bundle];
    if (area === 'view' && folder) {
      const bundleRoot = `${origin}/bundle/${bundle}`;
      const webview = { cspSource: origin, asWebviewUri: (uri: string) => uri };
      const theme = url.searchParams.get('theme') ?? 'dark';
      const html = renderChatHtml(
        webview as never,
        bundleRoot as never,
        ((base: string, ...parts: string[]) => [base, ...parts].join('/')) as never,
      ).replace('<link href=', `<link href="${origin}/theme/${encodeURIComponent(theme)}.css" rel="stylesheet">\n<link href=`);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
      return;
    }
    const themeCss = area === 'theme' && bundle ? themeStylesheet(bundle.replace(/\.css$/, '')) : undefined;
    if (themeCss !== undefined) {
      response.writeHead(200, { 'content-type': 'text/css', 'cache-control': 'no-store' });
      response.end(themeCss);
      return;
    }
    if (area === 'bundle' && folder && file && !file.includes('..')) {
      const full = path.join(folder, file);
      if (fs.existsSync(full)) {
        const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : 'application/octet-stream';
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        fs.createReadStream(full).pipe(response);
        return;
      }
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (bundle = Object.keys(bundles)[0]!, theme = 'dark') => `${origin}/view/${bundle}/?theme=${encodeURIComponent(theme)}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Stands in for VS Code's `acquireVsCodeApi`, installed before any page script runs (CSP or not). It is
 * a string, not a function, because tsx rewrites functions with a `__name` helper the page lacks; the
 * same helper is defined here so callbacks given to `page.evaluate` work too.
 */
function fakeVsCodeApiScript(savedState: unknown): string {
  return `(() => {
  window.__name = (target) => target;
  const record = { posts: [], state: ${JSON.stringify(savedState ?? null)} };
  window.__holdfast = record;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (message) => { record.posts.push(JSON.parse(JSON.stringify(message))); },
      getState: () => record.state,
      setState: (state) => { record.state = JSON.parse(JSON.stringify(state)); },
    };
  };
})();`;
}

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  /** Every request the page made, in order. */
  requests: Request[];
  close(): Promise<void>;
}

export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<LaunchedBrowser> {
  const load = createRequire(__filename);
  const { chromium } = load(playwrightDir) as { chromium: BrowserType };
  const browser = await chromium.launch({ executablePath: chromiumExecutable, headless: true, args: [...chromiumArgs] });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 480, height: 900 } });
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  return {
    browser,
    context,
    requests,
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}

/** Opens the webview page; resolves once it posted `ready`. `initScript` runs before the page's own scripts. */
export async function openWebview(context: BrowserContext, url: string, savedState?: unknown, initScript?: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ content: fakeVsCodeApiScript(savedState) });
  if (initScript) await page.addInitScript({ content: initScript });
  await page.goto(url);
  await waitForExpression(page, `window.__holdfast && window.__holdfast.posts.some((p) => p && p.type === 'ready')`);
  return page;
}

/**
 * Polls a page expression until it is truthy. (`page.waitForFunction` evaluates strings with eval
 * inside the page, which the webview's CSP rightly forbids; `page.evaluate` goes through DevTools.)
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// Page-side code is passed as source text: the root tsconfig has no DOM types (it checks Node code),
// and tsx would otherwise rewrite the functions with helpers the page does not have.

/** Delivers host messages to the webview, in order, in one task (as a burst of posts would arrive). */
export async function postToWebview(page: Page, ...messages: Array<HostToWebview | unknown>): Promise<void> {
  await page.evaluate(`(${JSON.stringify(messages)}).forEach((m) => window.postMessage(m, '*'))`);
}

export async function postsFrom(page: Page): Promise<Array<{ type: string } & Record<string, unknown>>> {
  return (await page.evaluate('window.__holdfast.posts')) as Array<{ type: string } & Record<string, unknown>>;
}

export async function savedStateOf(page: Page): Promise<unknown> {
  return page.evaluate('window.__holdfast.state');
}

/** A snapshot with nothing in it, enough to make the view ready. */
export function emptySnapshot(): HostToWebview {
  return {
    type: 'snapshot',
    connection: { kind: 'warm', label: 'warm' },
    workspaceName: 'fixture',
    sessions: [{ id: 's1', title: 'Session one', updatedAt: 0, turns: 0 }],
    session: { id: 's1', title: 'Session one', turns: [], totals: { turns: 0, bytesSent: 0, statelessBytes: 0 } },
  };
}
