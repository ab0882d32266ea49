import type { Page } from 'playwright-core';

/** The active editor's visible text (Monaco renders spaces as no-break spaces). */
export async function editorText(page: Page): Promise<string> {
  const text = await page.locator('.editor-instance .monaco-editor .view-lines').first().textContent();
  return (text ?? '').replace(/\u00a0/g, ' ');
}

/** Every CodeLens the editors show, joined with " | " (Holdfast shows none of its own). */
export async function codeLensText(page: Page): Promise<string> {
  const lenses = await page.locator('.monaco-editor .codelens-decoration').allTextContents();
  return lenses.join(' | ');
}

/**
 * The labels of the active editor group's title buttons, joined with " | ": an inline proposal's
 * controls (Accept Inline Proposal, Reject…, Follow Up…, Show… as Diff) appear and go there.
 */
export async function editorTitleActions(page: Page): Promise<string> {
  const labels = await page
    .locator('.editor-group-container.active .editor-actions .action-label[aria-label]')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? ''));
  return labels.join(' | ');
}

export function errorSquiggles(page: Page) {
  return page.locator('.editor-instance .monaco-editor .squiggly-error');
}
