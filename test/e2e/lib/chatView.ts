import * as assert from 'node:assert';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { extensionId } from './paths';
import { waitUntil } from './waitUntil';
import { extensionWebview } from './workbench';

/** The Holdfast chat view as a user drives it: its document, turns, the composer. */
export function chat(page: Page): FrameLocator {
  return extensionWebview(page);
}

export function lastTurn(page: Page) {
  return chat(page).locator('[data-testid="turn"]').last();
}

export async function turnCount(page: Page): Promise<number> {
  return chat(page).locator('[data-testid="turn"]').count();
}

/** Types a prompt into the composer and sends it with Enter; waits for its turn to appear. */
export async function sendPrompt(page: Page, text: string): Promise<void> {
  const before = await turnCount(page);
  const input = chat(page).locator('[data-testid="composer-input"]');
  await input.click();
  await input.fill(text);
  await input.press('Enter');
  await waitForTurn(page, text, before);
}

/** Waits until a new turn (after `before` turns) shows `text` as its prompt. */
export async function waitForTurn(page: Page, text: string, before: number, timeoutMs = 15_000): Promise<void> {
  await waitUntil(`the turn for "${text}"`, async () => (await turnCount(page)) > before && ((await lastTurn(page).locator('[data-testid="user-message"]').textContent()) ?? '').includes(text), timeoutMs, 50);
}

export async function waitTurnStatus(page: Page, status: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(`the last turn to be ${status}`, async () => (await lastTurn(page).getAttribute('data-status')) === status, timeoutMs, 50);
}

export async function answerText(page: Page): Promise<string> {
  return ((await lastTurn(page).locator('[data-testid="assistant-message"]').textContent()) ?? '').trim();
}

/** The webview's document as a Frame (to evaluate in it). */
export async function webviewFrame(page: Page): Promise<Frame> {
  const outer = await page.locator(`iframe.webview[src*="extensionId=${extensionId}"]`).first().elementHandle();
  const outerFrame = await outer?.contentFrame();
  assert.ok(outerFrame, 'the Holdfast webview host frame');
  const inner = await outerFrame.locator('#active-frame').elementHandle();
  const frame = await inner?.contentFrame();
  assert.ok(frame, 'the Holdfast webview content frame');
  return frame;
}
