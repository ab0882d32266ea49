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

/** A view container's icon in the activity bar, with its badge. */
export function activityBarItem(page: Page, title: string): Locator {
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
    // The item, not its label: a badge (open questions) covers the label and takes the click, as for a user.
    await item.click();
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

/**
 * Opens a workspace file with Quick Open (Ctrl+P), as a user does. A loaded machine may swallow the
 * first key press or take long to list the files, so it waits on what the workbench shows (the
 * widget, the highlighted row, the active tab) with a generous bound, pressing Ctrl+P again if the
 * widget never came up.
 */
export async function openFileWithQuickOpen(page: Page, fileName: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await waitUntil('the Quick Open box', async () => {
    if (await input.isVisible()) return true;
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    return input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
  }, timeoutMs, 0);
  await input.fill(fileName);
  const row = widget.locator('.monaco-list-row.focused').filter({ hasText: fileName }).first();
  await row.waitFor({ state: 'visible', timeout: Math.max(1_000, deadline - Date.now()) });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active').filter({ hasText: fileName }).waitFor({ state: 'visible', timeout: Math.max(1_000, deadline - Date.now()) });
}

/** Puts the cursor at the start of `line` (1-based) of the active editor with Go to Line (Ctrl+G). */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** The primary side bar's width in CSS pixels. */
export async function sideBarWidth(page: Page): Promise<number> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) throw new Error('the side bar is not visible');
  return Math.round(box.width);
}

/**
 * Resizes the primary side bar to `width` px by dragging the sash on its right edge, as a user does;
 * drags again until it is within a pixel (VS Code clamps at its minimum of 170 px).
 */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const bar = await page.locator('.part.sidebar').boundingBox();
    if (!bar) throw new Error('the side bar is not visible');
    if (Math.abs(bar.width - width) <= 1) return;
    const edge = bar.x + bar.width;
    const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((elements, x) =>
      elements.map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0 && Math.abs(r.x + r.width / 2 - x) <= 4).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 })),
      edge,
    );
    const sash = sashes[0];
    if (!sash) throw new Error(`no sash at the side bar's edge (x ${edge})`);
    await page.mouse.move(sash.x, sash.y);
    await page.mouse.down();
    await page.mouse.move(sash.x + (width - bar.width) / 2, sash.y, { steps: 4 });
    await page.mouse.move(sash.x + (width - bar.width), sash.y, { steps: 4 });
    await page.mouse.up();
  }
  const final = await sideBarWidth(page);
  if (Math.abs(final - width) > 1) throw new Error(`the side bar is ${final} px wide, not ${width} px`);
}

/**
 * Ctrl+. on the first error squiggle of the active editor, until the quick-fix menu shows. The squiggle
 * sits under the text layer, so the click goes through to the text at its position. On a busy machine
 * tsserver may still be answering its own code-action request and VS Code then shows "No code
 * actions available" for that attempt; asking again is what a user would do too.
 */
export async function openQuickFixMenu(page: Page, attempts = 6): Promise<Locator> {
  const menu = page.locator('.action-widget');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.editor-instance .monaco-editor .squiggly-error').first().click({ force: true });
    await page.keyboard.press('Control+Period');
    try {
      await menu.waitFor({ state: 'visible', timeout: 10_000 });
      return menu;
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.log(`      (no quick-fix menu on attempt ${attempt}; asking again)`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Moves the focus in the open quick-fix menu to the item with `label` and presses Enter (clicks on items are intercepted). */
export async function chooseQuickFix(menu: Locator, label: string): Promise<void> {
  const page = menu.page();
  for (let i = 0; i < 25; i++) {
    const focused = (await menu.locator('.monaco-list-row.focused').textContent()) ?? '';
    if (focused.includes(label)) break;
    await page.keyboard.press('ArrowDown');
  }
  const focused = (await menu.locator('.monaco-list-row.focused').textContent()) ?? '';
  if (!focused.includes(label)) throw new Error(`"${label}" is not in the quick-fix menu (focused: ${focused})`);
  await page.keyboard.press('Enter');
}
