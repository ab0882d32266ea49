import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from './paths';

/**
 * The README's pictures, taken by the end-to-end run itself so they always show what the product
 * does today. Each is cropped to the part that matters (a view, a card, a toast) to stay small.
 * HOLDFAST_NO_GALLERY=1 leaves the checked-in pictures alone (e.g. on a machine with odd fonts).
 */
export const galleryDir = path.join(repoRoot, 'media', 'readme');

export async function saveGalleryShot(target: Locator | Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<string | undefined> {
  if (process.env['HOLDFAST_NO_GALLERY'] === '1') return undefined;
  const file = path.join(galleryDir, `${name}.png`);
  fs.mkdirSync(galleryDir, { recursive: true });
  try {
    await moveMouseAway('goto' in target ? target : target.page());
    if ('goto' in target) await target.screenshot({ path: file, clip, animations: 'disabled', caret: 'hide', timeout: 15_000 });
    else await target.screenshot({ path: file, animations: 'disabled', caret: 'hide', timeout: 15_000 });
    return file;
  } catch (error) {
    console.error(`[gallery] ${name} failed: ${(error as Error).message}`);
    return undefined;
  }
}

/** The pointer parked over the empty editor area, and any hover it left (an activity bar tooltip) gone. */
async function moveMouseAway(page: Page): Promise<void> {
  const size = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(Math.round(size.width * 0.75), Math.round(size.height * 0.55));
  await page
    .locator('.workbench-hover, .monaco-hover:not(.hidden)')
    .first()
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(() => undefined);
}
