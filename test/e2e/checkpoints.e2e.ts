import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { type Emulator, startEmulator, type Scenario } from '../emulator';
import { CHECKPOINT_FILES, checkpointTurns } from '../emulator/scenarios/checkpointTurns';
import { chat, sendPrompt, turnCount, waitTurnStatus } from './lib/chatView';
import { onCleanup } from './lib/cleanup';
import type { E2eSuite } from './lib/e2eSuite';
import { writeWorkspaceSettings } from './lib/fixtureWorkspace';
import { waitUntil } from './lib/waitUntil';
import { openHoldfastView, runCommandFromPalette } from './lib/workbench';

/**
 * Checkpoints and branches across a REAL window reload (issue 18), in a workspace folder that is not
 * a git repository, against the scripted model: three agent turns edit and create files, the user
 * edits one by hand, the window reloads; then "Restore code to here" on turn 2 from the chat (the
 * preview QuickPick answered by keyboard: the hand-edited file is unticked, so it is kept), the files
 * byte-identical to before turn 2 and the created file gone; "Undo Last Code Restore" from the
 * palette; "Rewind chat to here" on turn 2 and another way; a second reload; the first branch back
 * from the branch tree. The integration tests cover the same without a reload.
 */
const { a0: A0, b0: B0, created: NEW, bHand: B_HAND } = CHECKPOINT_FILES;
const PROMPTS = ['checkpoints-e2e turn1', 'checkpoints-e2e turn2', 'checkpoints-e2e turn3'];
const OTHER_WAY = 'checkpoints-e2e another way';
const ON_FIRST_BRANCH = 'checkpoints-e2e turn4 on the first branch';

const scenario: Scenario = {
  name: 'e2e-checkpoints',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    ...checkpointTurns({ prefix: 'checkpoints-e2e', repeat: true }),
    { id: 'other', when: { userText: OTHER_WAY }, say: 'Took another way from turn 2.', repeat: true },
    { id: 'turn4', when: { userText: ON_FIRST_BRANCH }, say: 'Done with turn4.', repeat: true },
  ],
};

/** The files under ck/, name → bytes (hex, so CRLF and every byte count). */
function snapshot(workspace: string): Record<string, string> {
  const dir = path.join(workspace, 'ck');
  const files: Record<string, string> = {};
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) files[name] = fs.readFileSync(path.join(dir, name)).toString('hex');
  return files;
}

function sameFiles(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function reloadWindow(page: Page, turnsBefore: number): Promise<void> {
  await runCommandFromPalette(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  await openHoldfastView(page);
  await chat(page).locator('[data-testid="holdfast-chat"][data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
  await waitUntil(`the conversation back after the reload (${turnsBefore} turns)`, async () => (await turnCount(page)) === turnsBefore, 30_000);
}

/** Answers the restore preview (a multi-select QuickPick) with Enter: the ticked files are written, the unticked kept. */
async function acceptRestorePreview(page: Page, title: string): Promise<string[]> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title').filter({ hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
  const rows = await widget.locator('.monaco-list-row').allTextContents();
  await widget.locator('.quick-input-box input').press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 15_000 });
  return rows;
}

/** The last response.create the client sent (its input as JSON, to look for the prompts and answers in it). */
function lastCreate(emulator: Emulator): { previous_response_id?: string; input?: unknown } | undefined {
  type Create = { type?: string; previous_response_id?: string; input?: unknown };
  return emulator
    .frames()
    .map((f) => f.frame as Create)
    .filter((f) => f.type === 'response.create')
    .at(-1);
}

/** The id of the completed response whose output says `text`. */
function responseIdSaying(emulator: Emulator, text: string): string | undefined {
  type Completed = { type?: string; response?: { id?: string; output?: unknown } };
  const frames = emulator.frames().map((f) => f.frame as Completed);
  return frames.find((f) => f.type === 'response.completed' && JSON.stringify(f.response?.output ?? []).includes(text))?.response?.id;
}

async function turnButton(page: Page, index: number, action: 'restoreCode' | 'rewind'): Promise<void> {
  const turn = chat(page).locator('[data-testid="turn"]').nth(index);
  await turn.locator('[data-testid="user-message"]').hover();
  await turn.locator(`[data-testid="turn-${action}"]`).click();
}

let beforeTurn2: Record<string, string> = {};
let afterTurn3: Record<string, string> = {};
let topLevel: string[] = [];
let emulator: Emulator | undefined;

export const suite: E2eSuite = {
  name: 'checkpoints: restore code to a turn and branches after a real window reload, in a folder that is not a git repository',
  tests: [
    {
      name: 'three agent turns edit and create files; a hand edit; the window reloads and the chat is back',
      timeoutMs: 240_000,
      async run({ page, workspaceFolder }) {
        assert.ok(!fs.existsSync(path.join(workspaceFolder, '.git')), 'the workspace folder is not a git repository');
        topLevel = [...fs.readdirSync(workspaceFolder), 'ck'].sort();
        const emu = await startEmulator({ scenario, acceptAnyKey: true, pingIntervalMs: 0 });
        emulator = emu;
        onCleanup(() => emu.close());
        writeWorkspaceSettings(workspaceFolder, { 'holdfast.baseUrl': emu.url });
        fs.mkdirSync(path.join(workspaceFolder, 'ck'), { recursive: true });
        fs.writeFileSync(path.join(workspaceFolder, 'ck', 'a.txt'), A0);
        fs.writeFileSync(path.join(workspaceFolder, 'ck', 'b.txt'), B0);
        await openHoldfastView(page);
        await chat(page).locator('[data-testid="holdfast-chat"][data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
        for (const [index, prompt] of PROMPTS.entries()) {
          if (index === 1) beforeTurn2 = snapshot(workspaceFolder);
          await sendPrompt(page, prompt);
          await waitTurnStatus(page, 'done');
        }
        const a2 = A0.replace('alpha 0', 'alpha 2');
        await waitUntil('the three turns on disk', async () => sameFiles(snapshot(workspaceFolder), { 'a.txt': Buffer.from(a2).toString('hex'), 'b.txt': Buffer.from('bravo 3\n').toString('hex'), 'new.txt': Buffer.from(NEW).toString('hex') }), 15_000);
        fs.writeFileSync(path.join(workspaceFolder, 'ck', 'b.txt'), B_HAND);
        afterTurn3 = snapshot(workspaceFolder);
        await reloadWindow(page, 3);
      },
    },
    {
      name: 'after the reload, "Restore code to here" on turn 2: files byte-identical to before it, the created file gone, the hand edit kept',
      timeoutMs: 120_000,
      async run({ page, workspaceFolder }) {
        await turnButton(page, 1, 'restoreCode');
        const rows = await acceptRestorePreview(page, 'Restore code to before this turn');
        console.log(`      (preview: ${rows.join(' | ')})`);
        assert.ok(rows.some((row) => row.includes('new.txt') && row.includes('removed')), `the created file is in the preview: ${rows.join(' | ')}`);
        assert.ok(rows.some((row) => row.includes('b.txt') && row.includes('Changed since')), `the hand edit is flagged: ${rows.join(' | ')}`);
        const expected = { ...beforeTurn2, 'b.txt': Buffer.from(B_HAND).toString('hex') };
        await waitUntil('the files as before turn 2 (hand edit kept)', async () => sameFiles(snapshot(workspaceFolder), expected), 20_000);
        assert.ok(!fs.existsSync(path.join(workspaceFolder, 'ck', 'new.txt')), 'the file turn 2 created is gone');
        assert.strictEqual(fs.readFileSync(path.join(workspaceFolder, 'ck', 'a.txt'), 'utf8'), A0.replace('alpha 0', 'alpha 1'), 'a.txt as turn 1 left it, CRLF kept');
        assert.strictEqual(await turnCount(page), 3, 'restoring code leaves the chat alone');
      },
    },
    {
      name: '"Undo Last Code Restore" from the palette brings the agent\'s files back',
      timeoutMs: 120_000,
      async run({ page, workspaceFolder }) {
        await runCommandFromPalette(page, 'Holdfast: Undo Last Code Restore');
        await acceptRestorePreview(page, 'Undo the last code restore');
        await waitUntil('the files as after turn 3 (with the hand edit)', async () => sameFiles(snapshot(workspaceFolder), afterTurn3), 20_000);
      },
    },
    {
      name: 'rewind the chat to turn 2, another way, a second reload, and the first branch back from the tree',
      timeoutMs: 240_000,
      async run({ page, workspaceFolder }) {
        assert.ok(emulator);
        await turnButton(page, 1, 'rewind');
        await waitUntil('the chat to go back to one turn', async () => (await turnCount(page)) === 1, 30_000);
        const input = chat(page).locator('[data-testid="composer-input"]');
        await waitUntil('the cut-off prompt in the composer', async () => (await input.inputValue()) === PROMPTS[1], 10_000);
        await input.fill('');
        await sendPrompt(page, OTHER_WAY);
        await waitTurnStatus(page, 'done');
        const shown = async () => chat(page).locator('[data-testid="user-message"]').allTextContents();
        // After a reload no lane holds turn 1's response: the fork is one full resend of turn 1 + the new prompt.
        const create = lastCreate(emulator);
        const resent = JSON.stringify(create?.input ?? []);
        assert.ok(resent.includes(OTHER_WAY), 'the last response.create is the other way');
        assert.strictEqual(create?.previous_response_id, undefined, 'a new chain, not a continuation');
        assert.ok(resent.includes(PROMPTS[0]!) && resent.includes('Done with turn1.') && !resent.includes(PROMPTS[1]!) && !resent.includes('Done with turn3.'), `turn 1 resent, the later turns not: ${resent.slice(0, 400)}`);
        const onBranch = await shown();
        assert.ok(onBranch.length === 2 && onBranch[0]!.includes(PROMPTS[0]!) && onBranch[1]!.includes(OTHER_WAY), `the new branch: ${onBranch.join(' | ')}`);

        await reloadWindow(page, 2);
        const afterReload = await shown();
        assert.ok(afterReload[1]?.includes(OTHER_WAY), `the new branch after the reload: ${afterReload.join(' | ')}`);
        await chat(page).locator('[data-testid="sessions-toggle"]').click();
        const branches = chat(page).locator('[data-testid="branch-item"]');
        await waitUntil('two branches in the tree after the reload', async () => (await branches.count()) === 2, 15_000);
        await branches.first().locator('.branch-open').click();
        await waitUntil('the first branch back (three turns)', async () => (await turnCount(page)) === 3, 30_000);
        const first = await shown();
        assert.ok(PROMPTS.every((prompt, i) => first[i]?.includes(prompt)), `the first branch's prompts: ${first.join(' | ')}`);
        const text = (await chat(page).locator('[data-testid="transcript"]').textContent()) ?? '';
        assert.ok(text.includes('Done with turn3.') && !text.includes('Took another way'), 'the first branch\'s answers, not the other branch\'s');
        // The model sees the first branch again: turn 3 in the context, the other way not.
        await sendPrompt(page, ON_FIRST_BRANCH);
        await waitTurnStatus(page, 'done');
        const context = JSON.stringify(lastCreate(emulator)?.input ?? []);
        assert.ok(context.includes(ON_FIRST_BRANCH), 'the last response.create is turn 4');
        assert.ok(!context.includes(OTHER_WAY), 'the other branch is not in the context');
        const previous = lastCreate(emulator)?.previous_response_id;
        console.log(`      (turn 4 on the first branch: ${previous === undefined ? 'a full resend' : 'chained to turn 3'}, ${context.length} chars of input)`);
        if (previous === undefined) assert.ok(context.includes('Done with turn3.'), `turn 3 resent: ${context.slice(0, 400)}`);
        else assert.strictEqual(previous, responseIdSaying(emulator, 'Done with turn3.'), 'chained to turn 3\'s response');
        // The checkpoints live in the extension's storage: nothing new in the folder, no .git made.
        assert.deepStrictEqual(fs.readdirSync(workspaceFolder).sort(), topLevel, 'the workspace holds no checkpoint files');
      },
    },
  ],
};
