import * as assert from 'node:assert';
import { startEmulator, type Scenario } from '../emulator';
import { chat, sendPrompt, turnCount, waitTurnStatus } from './lib/chatView';
import { onCleanup } from './lib/cleanup';
import type { E2eSuite } from './lib/e2eSuite';
import { writeWorkspaceSettings } from './lib/fixtureWorkspace';
import { saveGalleryShot } from './lib/gallery';
import { waitUntil } from './lib/waitUntil';
import { openHoldfastView } from './lib/workbench';

/**
 * Branches in the chat (issue 18), as a user does it: three turns, "Rewind chat to here" on the
 * second prompt (the chat goes back, the prompt returns to the composer, one line says what it
 * costs), another way sent from there, the branch tree in the session list (the README's picture),
 * and a click on the first branch brings its three turns back.
 */
const PROMPTS = ['Plan the refactor of the pricing module', 'Rename the helper to priceOf', 'Add a test for the discount'];
const OTHER_WAY = 'Rename the helper to totalPrice instead';

const scenario: Scenario = {
  name: 'e2e-branches',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    { id: 'plan', when: { userText: PROMPTS[0]! }, say: 'First the helpers, then the callers, then the tests.', repeat: true },
    { id: 'rename', when: { userText: PROMPTS[1]! }, say: 'Renamed `price` to `priceOf` in three places.', repeat: true },
    { id: 'test', when: { userText: PROMPTS[2]! }, say: 'Added a test for the 10% discount.', repeat: true },
    { id: 'other', when: { userText: OTHER_WAY }, say: 'Renamed `price` to `totalPrice` instead.', repeat: true },
  ],
};

export const suite: E2eSuite = {
  name: 'branches: rewind the chat to a turn, continue another way, switch back from the branch tree',
  tests: [
    {
      name: 'three turns, rewind to the second, another way, the branch tree, back to the first branch',
      timeoutMs: 180_000,
      async run({ page, workspaceFolder }) {
        const emu = await startEmulator({ scenario, acceptAnyKey: true, pingIntervalMs: 0 });
        onCleanup(() => emu.close());
        writeWorkspaceSettings(workspaceFolder, { 'holdfast.baseUrl': emu.url });
        await openHoldfastView(page);
        await chat(page).locator('[data-testid="holdfast-chat"][data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
        for (const prompt of PROMPTS) {
          await sendPrompt(page, prompt);
          await waitTurnStatus(page, 'done');
        }

        const second = chat(page).locator('[data-testid="turn"]').nth(1);
        await second.locator('[data-testid="user-message"]').hover();
        await second.locator('[data-testid="turn-rewind"]').click();
        await waitUntil('the chat to go back to one turn', async () => (await turnCount(page)) === 1, 30_000);
        const input = chat(page).locator('[data-testid="composer-input"]');
        await waitUntil('the cut-off prompt in the composer', async () => (await input.inputValue()) === PROMPTS[1], 10_000);
        const note = (await chat(page).locator('[data-testid="branch-note"]').textContent()) ?? '';
        assert.ok(/one full resend/.test(note), `the cost is said in one line: ${note}`);

        await input.fill('');
        await sendPrompt(page, OTHER_WAY);
        await waitTurnStatus(page, 'done');
        await chat(page).locator('[data-testid="sessions-toggle"]').click();
        const branches = chat(page).locator('[data-testid="branch-item"]');
        await waitUntil('two branches in the tree', async () => (await branches.count()) === 2, 10_000);
        await saveGalleryShot(page.locator('.part.sidebar'), 'branches');

        await branches.first().locator('.branch-open').click();
        await waitUntil('the first branch back (three turns)', async () => (await turnCount(page)) === 3, 30_000);
        const prompts = await chat(page).locator('[data-testid="user-message"]').allTextContents();
        assert.ok(prompts[1]?.includes(PROMPTS[1]!) && prompts[2]?.includes(PROMPTS[2]!), `the first branch's prompts: ${prompts.join(' | ')}`);
      },
    },
  ],
};
