import * as fs from 'node:fs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { onCleanup } from './cleanup';
import { chromiumArgs } from './chromiumFlags';
import { chromiumExecutable } from './paths';
import type { RunDirectory } from './runDirectory';

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** `HeadlessChrome/150.0…` */
  readonly version: string;
  close(): Promise<void>;
}

/** Launches Chromium with the run's fresh profile and one page sized like a laptop screen. */
export async function launchBrowser(run: RunDirectory): Promise<Browser> {
  if (!fs.existsSync(chromiumExecutable)) {
    throw new Error(`no Chromium at ${chromiumExecutable}; run: npm run setup:e2e (or set HOLDFAST_CHROMIUM)`);
  }
  const context = await chromium.launchPersistentContext(run.browserProfileDir, {
    executablePath: chromiumExecutable,
    headless: process.env['HOLDFAST_HEADED'] !== '1',
    args: [...chromiumArgs],
    viewport: { width: 1400, height: 900 },
    // Chromium's scratch files go into the run's temp folder, which is removed even after Ctrl+C.
    env: { ...process.env, TMPDIR: run.tmpDir },
  });
  // On Ctrl+C the terminal signals Chromium too, so the context may already be gone.
  const forgetCleanup = onCleanup(() => context.close().catch(() => undefined));
  const page = context.pages()[0] ?? (await context.newPage());
  const version = context.browser()?.version() ?? (await page.evaluate('navigator.userAgent')) as string;
  return {
    context,
    page,
    version,
    async close() {
      forgetCleanup();
      await context.close().catch(() => undefined);
    },
  };
}
