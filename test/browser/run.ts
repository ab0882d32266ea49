/**
 * Runs the browser suites (test/browser/*.browser.ts) against the built webview bundle in headless
 * Chromium, prints one line per test and `N passed, N failed`, and exits non-zero on any failure or
 * when it cannot run at all (a missing prerequisite is a failure, not a skip).
 * Usage: npm run build && npm run test:browser [-- name-filter]
 */
import * as path from 'node:path';
import type { BrowserTest, BrowserTestContext } from './browserTest';
import { launchChromium, missingPrerequisite, openWebview, repoRoot, serveWebview } from './harness';
import { composerTests } from './composer.browser';
import { contextTests } from './context.browser';
import { followTests } from './follow.browser';
import { highlightingTests } from './highlighting.browser';
import { layoutTests } from './layout.browser';
import { renderingTests } from './rendering.browser';
import { reviewTests } from './review.browser';
import { sanitisingTests } from './sanitising.browser';
import { subagentTests } from './subagents.browser';

const suites: Record<string, BrowserTest[]> = {
  sanitising: sanitisingTests,
  composer: composerTests,
  review: reviewTests,
  subagents: subagentTests,
  layout: layoutTests,
  follow: followTests,
  context: contextTests,
  highlighting: highlightingTests,
  rendering: renderingTests,
};

async function main(): Promise<number> {
  const bundleDir = path.join(repoRoot, 'dist', 'webview');
  const missing = missingPrerequisite(bundleDir);
  if (missing) {
    console.error(`browser tests cannot run: ${missing}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const filter = process.argv[2];
  const server = await serveWebview({ chat: bundleDir });
  const browser = await launchChromium();
  let passed = 0;
  let failed = 0;
  try {
    for (const [suite, tests] of Object.entries(suites)) {
      for (const test of tests) {
        const name = `${suite} › ${test.name}`;
        if (filter && !name.includes(filter)) continue;
        const context = await browser.browser.newContext({ viewport: { width: 480, height: 900 } });
        context.on('request', (request) => browser.requests.push(request));
        browser.requests.length = 0;
        const testContext: BrowserTestContext = { browser, context, server, open: (state) => openWebview(context, server.url('chat'), state) };
        const started = Date.now();
        try {
          await test.run(testContext);
          passed++;
          console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
        } catch (error) {
          failed++;
          console.log(`  ✗ ${name}\n      ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          await context.close().catch(() => undefined);
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
