import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { artifactsRoot } from './paths';
import type { RunDirectory } from './runDirectory';

/** What a person needs to see why a run failed: what the screen showed and what VS Code logged. */

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '').slice(0, 120) || 'screenshot';
}

/** Saves a full-page screenshot as `<artifactsDir>/<name>.png`; never throws (a dead page has no pixels). */
export async function saveScreenshot(page: Page, run: RunDirectory, name: string): Promise<string | undefined> {
  const file = path.join(run.artifactsDir, `${safeName(name)}.png`);
  try {
    fs.mkdirSync(run.artifactsDir, { recursive: true });
    await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
    return file;
  } catch (error) {
    console.error(`[artifacts] screenshot ${name} failed: ${(error as Error).message}`);
    return undefined;
  }
}

/** Copies `<user-data-dir>/logs/**` (server, extension host, remote agent) and code-server's own output. */
export function saveServerLogs(run: RunDirectory): string {
  const target = path.join(run.artifactsDir, 'logs');
  fs.mkdirSync(target, { recursive: true });
  const logs = path.join(run.userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(target, 'user-data-logs'), { recursive: true });
  const serverLog = path.join(run.root, 'code-server.log');
  if (fs.existsSync(serverLog)) fs.copyFileSync(serverLog, path.join(target, 'code-server.log'));
  return target;
}

/** Writes the browser-side logs the workbench hands to `codeAutomationExit` (window, renderer). */
export function saveWorkbenchLogs(run: RunDirectory, logs: ReadonlyArray<{ relativePath: string; contents: string }>): void {
  for (const { relativePath, contents } of logs) {
    const file = path.join(run.artifactsDir, 'logs', 'workbench', relativePath);
    if (!file.startsWith(path.join(run.artifactsDir, 'logs'))) continue; // a path from the page must stay inside
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
}

/** Keeps the newest `keep` run folders in test/e2e/artifacts so successful runs' screenshots do not pile up. */
export function pruneArtifacts(keep = 20): void {
  if (!fs.existsSync(artifactsRoot)) return;
  const runs = fs
    .readdirSync(artifactsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ dir: path.join(artifactsRoot, entry.name), mtime: fs.statSync(path.join(artifactsRoot, entry.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of runs.slice(keep)) fs.rmSync(old.dir, { recursive: true, force: true });
}
