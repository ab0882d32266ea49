/** The tiny test vocabulary of the browser suites (no test framework: they run in one Chromium). */
import type { BrowserContext, Page } from '../e2e/node_modules/playwright-core';
import type { LaunchedBrowser, WebviewServer } from './harness';

export interface BrowserTestContext {
  browser: LaunchedBrowser;
  context: BrowserContext;
  server: WebviewServer;
  /** Opens a fresh webview page with an optional saved view state. */
  open(savedState?: unknown): Promise<Page>;
}

export interface BrowserTest {
  name: string;
  run(context: BrowserTestContext): Promise<void>;
}

export class AssertionError extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function checkEqual<T>(actual: T, expected: T, message: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${message}: expected ${e}, got ${a}`);
}
