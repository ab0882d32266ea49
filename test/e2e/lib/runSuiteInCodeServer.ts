import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { saveScreenshot, saveServerLogs, saveWorkbenchLogs } from './artifacts';
import { launchBrowser } from './browser';
import { runCleanups } from './cleanup';
import { codeServerVersion, startCodeServer } from './codeServer';
import { createRunDirectory } from './runDirectory';

/**
 * Runs a VS Code integration suite (the standard `run(): Promise<void>` module) inside code-server's
 * extension host, driven by Chromium, the way desktop VS Code runs it under @vscode/test-electron:
 * the workbench is opened with an `extensionDevelopmentPath` + `extensionTestsPath` launch payload, the
 * extension host's log arrives through `window.codeAutomationLog`, and `window.codeAutomationExit`
 * carries the suite's exit code.
 */
export interface SuiteRun {
  extensionDevelopmentPaths: readonly string[];
  extensionTestsPath: string;
  /** Folder to open; an empty scratch folder when absent. */
  workspaceFolder?: string;
  userDataDir?: string;
  extensionsDir?: string;
  /** Whole-run limit; mocha's own timeouts normally end a stuck test long before. */
  timeoutMs?: number;
}

const say = (message: string) => console.log(`[code-server-tests] ${message}`);

interface SuiteEnd {
  code: number;
  logs: ReadonlyArray<{ relativePath: string; contents: string }>;
}

export async function runSuiteInCodeServer(options: SuiteRun): Promise<number> {
  const started = Date.now();
  const run = createRunDirectory('integration', { userDataDir: options.userDataDir, extensionsDir: options.extensionsDir });
  const version = codeServerVersion();
  say(`VS Code ${version.vscode} (${version.description}), web workbench + remote extension host`);

  const workspaceFolder = options.workspaceFolder ?? path.join(run.root, 'empty-workspace');
  if (!fs.existsSync(workspaceFolder)) fs.mkdirSync(workspaceFolder, { recursive: true });
  const timeoutMs = options.timeoutMs ?? Number(process.env['HOLDFAST_SUITE_TIMEOUT_MS'] ?? 600_000);

  let code = 1;
  let saveArtifacts = true;
  try {
    const server = await startCodeServer(run, { workspaceFolder });
    const browser = await launchBrowser(run);
    say(`code-server on ${server.origin} (up in ${Date.now() - started} ms), browser ${browser.version}`);
    const { page } = browser;

    let endSuite: (end: SuiteEnd) => void = () => undefined;
    const suiteEnded = new Promise<SuiteEnd>((resolve) => (endSuite = resolve));
    // Exposed before navigation: the workbench looks these up when the extension host logs or the
    // suite ends.
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => forwardLog(level, message));
    await page.exposeFunction('codeAutomationExit', (exitCode: number, logs?: SuiteEnd['logs']) =>
      endSuite({ code: exitCode, logs: Array.isArray(logs) ? logs : [] }),
    );
    page.on('crash', () => endSuite({ code: 1, logs: [] }));
    page.on('close', () => endSuite({ code: 1, logs: [] }));

    const payload: Array<[string, string]> = [
      ...options.extensionDevelopmentPaths.map((p): [string, string] => ['extensionDevelopmentPath', server.remoteUri(p)]),
      ['extensionTestsPath', server.remoteUri(options.extensionTestsPath)],
    ];
    await page.goto(server.workbenchUrl(payload));

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<SuiteEnd>((resolve) => {
      timer = setTimeout(() => {
        say(`the suite did not finish within ${timeoutMs} ms`);
        resolve({ code: 1, logs: [] });
      }, timeoutMs);
    });
    const end = await Promise.race([suiteEnded, timedOut]);
    clearTimeout(timer);
    code = end.code;
    saveArtifacts = code !== 0;
    if (saveArtifacts) {
      await saveScreenshot(page, run, 'suite-failed');
      saveWorkbenchLogs(run, end.logs);
    }
    await browser.close();
    await server.stop();
  } catch (error) {
    say(`harness error: ${(error as Error).stack ?? String(error)}`);
    code = 1;
  } finally {
    await runCleanups();
  }

  if (saveArtifacts) {
    saveServerLogs(run);
    say(`artifacts (screenshot, logs): ${run.artifactsDir}`);
    say(`scratch folders kept: ${run.root}`);
  } else {
    run.remove(); // a user data folder the caller chose lives elsewhere and stays
  }
  say(`exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

/**
 * Workbench lines that say nothing about the suite: connection set-up, caches, and the offline
 * failures every run has (no marketplace, no vsda). Shown with HOLDFAST_VERBOSE=1.
 */
const workbenchNoise = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /ENOTFOUND open-vsx\.org/,
  /vsda/,
  /^WARNING: IPC handle/,
];

/**
 * The workbench's log: the extension host's console (mocha's reporter, printf-style arguments) and
 * the window's own lines, which arrive on the same channel at the same levels, so known noise is
 * filtered out instead of filtering the suite in.
 */
function forwardLog(level: string, message: unknown): void {
  const text = Array.isArray(message) ? format(...(message as unknown[])) : String(message);
  if (process.env['HOLDFAST_VERBOSE'] !== '1' && workbenchNoise.some((noise) => noise.test(text))) return;
  (level === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
}
