import type { Page } from 'playwright-core';

/** The active editor's visible text (Monaco renders spaces as no-break spaces). */
export async function editorText(page: Page): Promise<string> {
  const text = await page.locator('.editor-instance .monaco-editor .view-lines').first().textContent();
  return (text ?? '').replace(/\u00a0/g, ' ');
}

/** Every CodeLens the editors show, joined with " | ". */
export async function codeLensText(page: Page): Promise<string> {
  const lenses = await page.locator('.monaco-editor .codelens-decoration').allTextContents();
  return lenses.join(' | ');
}

export function errorSquiggles(page: Page) {
  return page.locator('.editor-instance .monaco-editor .squiggly-error');
}
