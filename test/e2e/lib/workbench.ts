import type { FrameLocator, Locator, Page } from 'playwright-core';
import { extensionId } from './paths';
import { waitUntil } from './waitUntil';

/**
 * Driving the VS Code web workbench like a user: activity bar, command palette, notifications and an
 * extension's webview. Selectors are VS Code's own DOM (checked against 1.100).
 */

/** Opens the workbench URL and waits until the activity bar is there and the extension host is up. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 60_000): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
}

function activityBarItem(page: Page, title: string): Locator {
  // The item's label is the view container's title, sometimes followed by a keybinding hint.
  return page.locator(`.part.activitybar .action-item:has(.action-label[aria-label^="${title}"])`).first();
}

/**
 * Shows a view container by clicking its activity bar icon, as a user does. Clicking an already
 * open container closes it, so it clicks only when the container is not shown. Escape first: an
 * open notification or quick pick would otherwise swallow the click.
 */
export async function openViewContainerFromActivityBar(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await page.keyboard.press('Escape');
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  // The item is marked checked once its container is the one the side bar shows. (The side bar's
  // title is not a good signal: with one view it reads "HOLDFAST: CHAT", with several "HOLDFAST".)
  // Right after a window reload the workbench may restore the container a moment after we looked, so
  // our click closes it again: look again after each click, and click again if it is still not shown.
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    if (await isActivityBarItemChecked(item)) return;
    await item.locator('.action-label').click();
    try {
      await waitUntil(`the "${title}" view container to open`, () => isActivityBarItemChecked(item), Math.min(3_000, Math.max(500, deadline - Date.now())));
      return;
    } catch (error) {
      if (attempt >= 4 || Date.now() > deadline) throw error;
    }
  }
}

async function isActivityBarItemChecked(item: Locator): Promise<boolean> {
  const [className, pressed] = await Promise.all([item.getAttribute('class'), item.locator('.action-label').getAttribute('aria-pressed')]);
  return (className ?? '').split(/\s+/).includes('checked') || pressed === 'true';
}

/** The Holdfast chat view: the "Holdfast" activity bar container. */
export async function openHoldfastView(page: Page): Promise<void> {
  await openViewContainerFromActivityBar(page, 'Holdfast');
}

/**
 * The document inside an extension's webview. Several `iframe.webview` exist (other extensions, other
 * views); the outer one is VS Code's host frame, the content is in its `#active-frame`.
 */
export function extensionWebview(page: Page, id: string = extensionId): FrameLocator {
  return page.frameLocator(`iframe.webview[src*="extensionId=${id}"]`).frameLocator('#active-frame');
}

/**
 * Runs a command the way a user does: F1, type its palette label ("Holdfast: Test Connection"),
 * wait until that exact entry is the highlighted one, Enter.
 */
export async function runCommandFromPalette(page: Page, label: string, timeoutMs = 15_000): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${label}`);
  const focusedRow = widget.locator('.monaco-list-row.focused');
  await focusedRow.filter({ hasText: label }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
}

/** The message of a notification toast whose text matches, e.g. after a command reports its result. */
export function notificationToast(page: Page, text: string | RegExp): Locator {
  // The message element only: the toast also holds a <style> whose text would match loosely.
  return page.locator('.notifications-toasts .notification-toast .notification-list-item-message').filter({ hasText: text }).first();
}
