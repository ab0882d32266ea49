import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCROLL_STATE, visibleInConversation } from '../browser/layoutProbes';
import { startEmulator, type Emulator } from '../emulator';
import {
  CHAT_APPROVED_OUTPUT,
  CHAT_LONG_STORY,
  CHAT_NOTES_AFTER,
  CHAT_NOTES_BEFORE,
  CHAT_NOTES_FILE,
  CHAT_STEER_TEXT,
  CHAT_STEERED_ANSWER,
  chatScenario,
} from '../emulator/scenarios/chatE2e';
import { saveScreenshot } from './lib/artifacts';
import { answerText, chat, lastTurn, sendPrompt, turnCount, waitTurnStatus, webviewFrame } from './lib/chatView';
import { onCleanup } from './lib/cleanup';
import type { E2eSuite } from './lib/e2eSuite';
import { waitUntil } from './lib/waitUntil';
import { activityBarItem, openHoldfastView, openViewContainerFromActivityBar, runCommandFromPalette } from './lib/workbench';

/**
 * Issue 6 as a user meets it, in a real browser on the installed .vsix, against the emulator's scripted
 * model (test/emulator/scenarios/chatE2e.ts): a streamed markdown answer with a highlighted code block;
 * a tool chain with its cards and an edit card whose Undo restores the file; an approval card that
 * blocks the turn until clicked; Stop ending a slow stream at once; text typed during a run delivered
 * as steering; hostile markdown that runs and loads nothing; the conversation back after a reload.
 * A screenshot per state lands in the run's artifacts.
 */
let emulator: Emulator | undefined;
const requests: string[] = [];

function isLocal(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:' || protocol === 'vscode-webview:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || hostname.endsWith('.localhost');
  } catch {
    return true;
  }
}

export const suite: E2eSuite = {
  name: 'chat: prompts, tool cards, edits, approvals, stop, steering, hostile markdown, reload',
  tests: [
    {
      name: 'the chat view opens on a workspace whose model is the emulator',
      timeoutMs: 60_000,
      async run({ page, workspaceFolder }) {
        page.on('request', (request) => requests.push(request.url()));
        const emu = await startEmulator({ scenario: chatScenario, acceptAnyKey: true, pingIntervalMs: 0 });
        emulator = emu;
        onCleanup(() => emu.close());
        fs.writeFileSync(path.join(workspaceFolder, CHAT_NOTES_FILE), CHAT_NOTES_BEFORE);
        const settingsFile = path.join(workspaceFolder, '.vscode', 'settings.json');
        const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
        fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'holdfast.baseUrl': emu.url }, null, 2) + '\n');
        await openHoldfastView(page);
        await chat(page).locator('[data-testid="holdfast-chat"][data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
        console.log(`      (emulator ${emu.url})`);
      },
    },
    {
      name: 'a prompt streams a markdown answer with a highlighted code block and a footer',
      timeoutMs: 60_000,
      async run({ page, run }) {
        await sendPrompt(page, 'chat-e2e: markdown');
        await waitUntil('streamed text', async () => (await answerText(page)).length > 0, 20_000, 20);
        await saveScreenshot(page, run, 'chat-01-markdown-streaming');
        await waitTurnStatus(page, 'done');
        const text = await answerText(page);
        assert.ok(text.includes('Call it as'), `answer: ${text.slice(0, 200)}`);
        const turn = lastTurn(page);
        assert.ok((await turn.locator('strong').count()) > 0, 'bold text rendered as <strong>');
        await turn.locator('.code-block pre code.hljs .hljs-keyword').first().waitFor({ state: 'attached' });
        const keywords = await turn.locator('.code-block pre code.hljs .hljs-keyword').allTextContents();
        assert.ok(keywords.includes('export') || keywords.includes('function'), `highlighted keywords: ${keywords.join(',')}`);
        await turn.locator('[data-testid="turn-footer"]').waitFor({ state: 'visible' });
        console.log(`      (footer: ${((await turn.locator('[data-testid="turn-footer"]').textContent()) ?? '').trim().slice(0, 160)})`);
        await saveScreenshot(page, run, 'chat-02-markdown-done');
      },
    },
    {
      name: 'a tool chain shows its cards; the edit card’s Undo restores the file',
      timeoutMs: 60_000,
      async run({ page, run, workspaceFolder }) {
        const file = path.join(workspaceFolder, CHAT_NOTES_FILE);
        await sendPrompt(page, 'chat-e2e: edit the notes');
        await waitTurnStatus(page, 'done');
        const turn = lastTurn(page);
        const cards = turn.locator('[data-testid="tool-card"]');
        assert.strictEqual(await cards.count(), 2, 'read_file and apply_edit cards');
        const titles = await cards.locator('.tool-title').allTextContents();
        assert.deepStrictEqual(titles, ['Read file', 'Edit file']);
        assert.deepStrictEqual(await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-status'))), ['done', 'done']);
        assert.ok(((await cards.first().textContent()) ?? '').includes(CHAT_NOTES_FILE), 'the card names the file');
        const edit = turn.locator('[data-testid="edit-card"]');
        await edit.waitFor({ state: 'visible' });
        assert.strictEqual(await edit.getAttribute('data-state'), 'applied');
        assert.ok(((await edit.textContent()) ?? '').includes('status: reviewed by the agent'), 'the diff shows the new line');
        await waitUntil('the edit on disk', async () => fs.readFileSync(file, 'utf8') === CHAT_NOTES_AFTER, 10_000);
        await saveScreenshot(page, run, 'chat-03-tool-chain-and-edit-card');
        await edit.locator('[data-edit="undo"]').click();
        await waitUntil('the edit card to read "undone"', async () => (await edit.getAttribute('data-state')) === 'undone', 10_000, 50);
        await waitUntil('the file restored on disk', async () => fs.readFileSync(file, 'utf8') === CHAT_NOTES_BEFORE, 10_000);
        await saveScreenshot(page, run, 'chat-04-edit-undone');
      },
    },
    {
      name: 'an approval card blocks the command until it is clicked',
      timeoutMs: 60_000,
      async run({ page, run }) {
        assert.ok(emulator);
        await sendPrompt(page, 'chat-e2e: run a command');
        const card = lastTurn(page).locator('[data-testid="approval-card"]');
        await card.waitFor({ state: 'visible', timeout: 20_000 });
        assert.strictEqual(await card.getAttribute('data-state'), 'pending');
        assert.ok(((await card.locator('[data-testid="approval-command"]').textContent()) ?? '').includes(CHAT_APPROVED_OUTPUT));
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        assert.strictEqual(await lastTurn(page).getAttribute('data-status'), 'running', 'the turn waits for the answer');
        assert.ok(!emulator.stats().toolOutputs.some((o) => o.callId === 'call_run_echo'), 'nothing ran before the click');
        await saveScreenshot(page, run, 'chat-05-approval-pending');
        await card.locator('[data-approval="allowOnce"]').click();
        await waitTurnStatus(page, 'done');
        assert.strictEqual(await card.getAttribute('data-state'), 'allowedOnce');
        const output = emulator.stats().toolOutputs.find((o) => o.callId === 'call_run_echo');
        assert.ok(output && JSON.stringify(output).includes(CHAT_APPROVED_OUTPUT), `the command ran: ${JSON.stringify(output)?.slice(0, 300)}`);
        await saveScreenshot(page, run, 'chat-06-approval-allowed');
      },
    },
    {
      name: 'with the view hidden, a waiting question badges the Holdfast icon and the status reads "waiting for you"; answering clears both',
      timeoutMs: 90_000,
      async run({ page, run }) {
        assert.ok(emulator);
        await sendPrompt(page, 'chat-e2e: run a command while I look away');
        const card = lastTurn(page).locator('[data-testid="approval-card"]');
        await card.waitFor({ state: 'visible', timeout: 20_000 });
        await openViewContainerFromActivityBar(page, 'Explorer');
        const icon = activityBarItem(page, 'Holdfast');
        const badge = icon.locator('.badge .badge-content');
        await waitUntil('the badge on the Holdfast icon', async () => (await badge.count()) > 0 && (await badge.first().isVisible()) && (await badge.first().textContent())?.trim() === '1', 20_000, 50);
        // Measured, not just present: the badge is drawn on the icon, inside the activity bar.
        const [iconBox, badgeBox] = await Promise.all([icon.boundingBox(), badge.first().boundingBox()]);
        assert.ok(iconBox && badgeBox && badgeBox.width > 4 && badgeBox.height > 4, `the badge has a size: ${JSON.stringify(badgeBox)}`);
        const overlaps = badgeBox.x < iconBox.x + iconBox.width && badgeBox.x + badgeBox.width > iconBox.x && badgeBox.y < iconBox.y + iconBox.height && badgeBox.y + badgeBox.height > iconBox.y;
        assert.ok(overlaps, `the badge sits on the Holdfast icon: badge ${JSON.stringify(badgeBox)}, icon ${JSON.stringify(iconBox)}`);
        const status = (await page.locator('.statusbar-item:has-text("Holdfast:")').first().textContent()) ?? '';
        assert.match(status, /waiting for you/, `the status bar says what Holdfast waits for: ${status}`);
        assert.ok(!emulator.stats().toolOutputs.some((o) => o.callId === 'call_run_hidden'), 'nothing ran while nobody answered');
        await saveScreenshot(page, run, 'chat-06b-question-while-hidden');
        await openHoldfastView(page);
        const shown = lastTurn(page).locator('[data-testid="approval-card"]');
        await shown.waitFor({ state: 'visible', timeout: 20_000 });
        await shown.locator('[data-approval="allowOnce"]').click();
        await waitTurnStatus(page, 'done');
        await waitUntil('the badge to go', async () => (await badge.count()) === 0 || !(await badge.first().isVisible()), 20_000, 50);
        await waitUntil('the status to stop waiting', async () => !/waiting for you/.test((await page.locator('.statusbar-item:has-text("Holdfast:")').first().textContent()) ?? ''), 20_000);
        assert.ok(emulator.stats().toolOutputs.some((o) => o.callId === 'call_run_hidden'), 'the command ran after the answer');
      },
    },
    {
      name: 'Stop ends a slow stream at once and the turn shows as stopped',
      timeoutMs: 60_000,
      async run({ page, run }) {
        await sendPrompt(page, 'chat-e2e: long story');
        await waitUntil('some of the story', async () => (await answerText(page)).length > 150, 20_000, 50);
        await saveScreenshot(page, run, 'chat-07-long-stream-running');
        const clicked = Date.now();
        await chat(page).locator('[data-testid="stop-button"]').click();
        // The story streams for ~17 s; the budget only has to be far below that on a loaded machine.
        await waitTurnStatus(page, 'cancelled', 5_000);
        const stoppedMs = Date.now() - clicked;
        const length = (await answerText(page)).length;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const later = (await answerText(page)).length;
        console.log(`      (stopped ${stoppedMs} ms after the click at ${length} characters; ${later} a second later)`);
        assert.strictEqual(later, length, 'the text stopped growing');
        assert.ok(length < CHAT_LONG_STORY.length / 2, `stopped at ${length} of ${CHAT_LONG_STORY.length} characters`);
        assert.ok(((await lastTurn(page).textContent()) ?? '').includes('Stopped'));
        const stoppedInView = (await (await webviewFrame(page)).evaluate(visibleInConversation('[data-testid="turn"]:last-of-type .stopped'))) as string;
        assert.strictEqual(stoppedInView, 'visible', `"Stopped" is in view (the view: ${JSON.stringify(await (await webviewFrame(page)).evaluate(SCROLL_STATE))})`);
        await saveScreenshot(page, run, 'chat-08-stopped');
      },
    },
    {
      name: 'text typed during a run is delivered as steering (queued → delivered → answered)',
      timeoutMs: 60_000,
      async run({ page, run }) {
        assert.ok(emulator);
        await sendPrompt(page, 'chat-e2e: long story');
        await waitUntil('some of the story', async () => (await answerText(page)).length > 80, 20_000, 50);
        // Every status the steer line shows, recorded inside the webview as the DOM changes.
        await (await webviewFrame(page)).evaluate(`(() => {
          window.__steerStatuses = [];
          const record = () => {
            for (const el of document.querySelectorAll('[data-testid="steer"]')) {
              const status = el.getAttribute('data-status');
              if (status && window.__steerStatuses[window.__steerStatuses.length - 1] !== status) window.__steerStatuses.push(status);
            }
          };
          new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
        })()`);
        const input = chat(page).locator('[data-testid="composer-input"]');
        await input.fill(CHAT_STEER_TEXT);
        await input.press('Enter');
        const steer = lastTurn(page).locator('[data-testid="steer"]');
        await steer.first().waitFor({ state: 'attached', timeout: 5_000 });
        await saveScreenshot(page, run, 'chat-09-steer-sent');
        // The receipt: queued → delivered (the server took it) → answered (the model's answer came after it).
        await waitUntil('the steer line to read answered', async () => (await steer.first().getAttribute('data-status')) === 'answered', 20_000, 20);
        const seen = (await (await webviewFrame(page)).evaluate('window.__steerStatuses')) as string[];
        assert.deepStrictEqual(seen, ['queued', 'delivered', 'answered'], `steer statuses: ${seen.join(' → ')}`);
        console.log(`      (steer statuses seen: ${seen.join(' → ')})`);
        await waitTurnStatus(page, 'done');
        assert.ok((await answerText(page)).includes(CHAT_STEERED_ANSWER), 'the model answered the steering text');
        const steerFrames = emulator.frames().filter((f) => f.dir === 'send' && (f.frame as { type?: string }).type === 'response.steer');
        assert.ok(steerFrames.some((f) => JSON.stringify(f.frame).includes(CHAT_STEER_TEXT)), `a response.steer with the text (${steerFrames.length} steer frames)`);
        await saveScreenshot(page, run, 'chat-10-steer-delivered');
      },
    },
    {
      name: 'hostile markdown from the model runs nothing, loads nothing remote, and its links stay inert',
      timeoutMs: 60_000,
      async run({ page, run }) {
        const before = requests.length;
        await sendPrompt(page, 'chat-e2e: hostile');
        await waitTurnStatus(page, 'done');
        assert.ok((await answerText(page)).includes('End of hostile answer.'));
        const frame = await webviewFrame(page);
        const report = (await frame.evaluate(`(() => {
          const turns = document.querySelectorAll('[data-testid="turn"]');
          const turn = turns[turns.length - 1];
          const imgs = Array.from(document.querySelectorAll('img')).map((img) => img.getAttribute('src') || '');
          const anchors = Array.from(turn.querySelectorAll('a')).map((a) => a.getAttribute('href') || '');
          const scripts = Array.from(turn.querySelectorAll('script')).length;
          const handlers = Array.from(turn.querySelectorAll('*')).filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length;
          return { pwned: window.__holdfastPwned, imgs, anchors, scripts, handlers, text: turn.textContent || '' };
        })()`)) as { pwned: unknown; imgs: string[]; anchors: string[]; scripts: number; handlers: number; text: string };
        assert.strictEqual(report.pwned, undefined, 'no global flag set');
        assert.deepStrictEqual(report.imgs.filter((src) => /^(https?:)?\/\//i.test(src)), [], 'no <img> with a remote src');
        assert.deepStrictEqual(report.anchors.filter((href) => /^\s*javascript:/i.test(href)), [], 'no javascript: href');
        assert.strictEqual(report.scripts, 0, 'no <script> in the answer');
        assert.strictEqual(report.handlers, 0, 'no on* attributes in the answer');
        // Click the would-be javascript: link: nothing runs, nothing navigates.
        const link = lastTurn(page).getByText('click me', { exact: true });
        if ((await link.count()) > 0) await link.first().click();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const after = (await (await webviewFrame(page)).evaluate('window.__holdfastPwned')) as unknown;
        assert.strictEqual(after, undefined, 'clicking the link ran nothing');
        const remote = requests.slice(before).filter((url) => !isLocal(url));
        assert.deepStrictEqual(remote, [], 'no request to a remote host');
        assert.ok(!requests.some((url) => url.includes('example.com')), 'example.com was never requested');
        assert.ok(requests.some((url) => url.includes('/dist/webview/')), 'the listener does see the webview frame’s own requests');
        console.log(`      (${requests.length - before} requests during the hostile turn, all local; images in the view: ${report.imgs.length})`);
        await saveScreenshot(page, run, 'chat-11-hostile-markdown-inert');
      },
    },
    {
      name: 'after a window reload the conversation is still there',
      timeoutMs: 90_000,
      async run({ page, run }) {
        const turnsBefore = await turnCount(page);
        await runCommandFromPalette(page, 'Developer: Reload Window');
        await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
        await openHoldfastView(page);
        await chat(page).locator('[data-testid="holdfast-chat"][data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
        await waitUntil('the restored conversation', async () => (await turnCount(page)) >= turnsBefore, 20_000);
        const text = (await chat(page).locator('[data-testid="transcript"]').textContent()) ?? '';
        assert.ok(text.includes('Call it as'), 'the first answer is back');
        assert.ok(text.includes('I marked the notes as reviewed.'), 'the tool-chain answer is back');
        assert.ok(text.includes(CHAT_STEERED_ANSWER), 'the steered answer is back');
        // highlight.js loads on demand after a reload too: wait for it before counting.
        await chat(page).locator('.code-block pre code.hljs').first().waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
        assert.ok((await chat(page).locator('.code-block pre code.hljs').count()) > 0, 'code is highlighted again');
        console.log(`      (${await turnCount(page)} turns after the reload, ${turnsBefore} before)`);
        await saveScreenshot(page, run, 'chat-12-after-reload');
      },
    },
  ],
};
