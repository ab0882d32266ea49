import * as assert from 'node:assert';
import type { E2eSuite } from './lib/e2eSuite';
import { waitUntil } from './lib/waitUntil';
import { extensionWebview, notificationToast, openHoldfastView, runCommandFromPalette } from './lib/workbench';

/**
 * Issue 2's foundation, as a user meets it: the packaged extension installs, its activity bar entry
 * opens the chat, the webview renders from the host's snapshot and talks to the extension host, and
 * its commands run from the command palette.
 */
export const suite: E2eSuite = {
  name: 'foundation: install, open the chat, talk to the host, run a command',
  tests: [
    {
      name: 'the Holdfast activity bar entry opens the chat webview, which renders',
      async run({ page }) {
        await openHoldfastView(page);
        const chat = extensionWebview(page);
        await chat.locator('[data-testid="holdfast-chat"][data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
        const chipText = await waitUntil('a non-empty connection chip', async () => {
          const text = (await chat.locator('[data-testid="connection-chip"]').textContent())?.trim();
          return text ? text : undefined;
        });
        console.log(`      (connection chip: "${chipText}")`);
      },
    },
    {
      name: 'the webview and the extension host answer each other (ping → pong)',
      async run({ page }) {
        const chat = extensionWebview(page);
        const roundTrip = chat.locator('[data-testid="host-roundtrip"]');
        await waitUntil('host-roundtrip to read "ok"', async () => (await roundTrip.textContent())?.trim() === 'ok');
      },
    },
    {
      name: '"Holdfast: Test Connection" from the command palette reports back',
      async run({ page }) {
        await runCommandFromPalette(page, 'Holdfast: Test Connection');
        const toast = notificationToast(page, /Holdfast/i);
        await toast.waitFor({ state: 'visible' });
        const text = (await toast.textContent())?.trim() ?? '';
        assert.ok(text.length > 0);
        console.log(`      (notification: "${text.slice(0, 140)}")`);
      },
    },
  ],
};
