// Activation time of the packaged extension in a real VS Code: code-server with the freshly built
// .vsix installed, its web workbench opened in Chromium (the e2e harness in test/e2e/lib). This VS
// Code (1.100) logs only the start of an activation in the extension host log
//   ExtensionService#_doActivateExtension holdfast.holdfast, startup: false, activationEvent: 'onStartupFinished'
// (no activationTime, and telemetry is off in the test profile), so the bench waits for that line and
// then reads VS Code's own figure from "Developer: Show Running Extensions" — "Activation: N ms",
// which is code loading + the activate() call, exactly what activation costs the editor.
// The workbench is loaded several times (each reload starts a new extension host), the first counting
// as cold. Holdfast's own log adds when the rest of the extension (dist/main.js, loaded after
// activation returned) was ready. A baseline build of a committed version (default: the last commit
// with one eager bundle; HOLDFAST_BENCH_BASELINE_REF=<ref> or `off`) is measured the same way in the
// same run, so the comparison does not depend on how loaded the machine was on another day.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isCodeServerInstalled, installExtensionFromVsix, startCodeServer, codeServerVersion } from '../e2e/lib/codeServer';
import { runCleanups } from '../e2e/lib/cleanup';
import { copyFixtureWorkspace } from '../e2e/lib/fixtureWorkspace';
import { extensionId } from '../e2e/lib/paths';
import { createRunDirectory } from '../e2e/lib/runDirectory';
import { openWorkbench, runCommandFromPalette } from '../e2e/lib/workbench';
import { buildAndMeasureBundles } from './bundleSizes';
import type { LiveCodeServer } from './codeActionLatency';

export interface ActivationResult {
  measured: boolean;
  /** Why not, or what went wrong. */
  note: string;
  vscode?: string;
  /** VS Code's activation time per workbench load, in ms; the first is the cold load. */
  activationMs: number[];
  /** The extension host log lines that announced each activation. */
  lines: string[];
  /**
   * Per load, from Holdfast's log: how long loading and starting the rest (dist/main.js) took, and
   * when it was ready counted from the activation bundle starting (this includes VS Code preparing
   * the extension context between loading the bundle and calling `activate`).
   */
  restMs?: number[];
  readyMs?: number[];
  /**
   * Per load, the other extensions activated after start-up (by onStartupFinished, like Holdfast) and
   * their figures. VS Code starts every extension's code-loading clock when the event fires and loads
   * them one after another (built-ins first), so their loading is counted in Holdfast's figure too.
   */
  othersMs?: Array<Record<string, number>>;
  /** The same measurement of a committed baseline build, in the same run. */
  baseline?: BaselineActivation;
}

export interface BaselineActivation {
  ref: string;
  measured: boolean;
  note: string;
  activationMs: number[];
}

/** The last commit where activation loaded everything at once (one 390 KB bundle). */
const DEFAULT_BASELINE_REF = 'b67a533';

const LINE = new RegExp(`_doActivateExtension ${extensionId.replace('.', '\\.')},`);
const SHOWN = /Activation: (\d+)\s*ms/;
/** Holdfast's own line (src/extension.ts) once dist/main.js has loaded and started. */
const READY = /Activated: .* the rest loaded and started in ([\d.]+) ms, ready ([\d.]+) ms after the module began/;

function findLogLines(root: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.log')) {
        for (const line of fs.readFileSync(full, 'utf8').split('\n')) if (pattern.test(line)) found.push(line.trim());
      }
    }
  };
  if (fs.existsSync(root)) walk(root);
  // Every log line starts with its time stamp, so this is the order they were written in.
  return found.sort();
}

async function waitForLines(root: string, pattern: RegExp, count: number, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = findLogLines(root, pattern);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * `afterLoads`, when given, runs with the live workbench after the activation loads and before
 * code-server stops (the code-action latency uses it); it must not throw.
 */
export async function measureActivation(
  vsixPath: string | null,
  loads: number,
  afterLoads?: (live: LiveCodeServer) => Promise<void>,
  baselineRef: string = process.env['HOLDFAST_BENCH_BASELINE_REF'] ?? DEFAULT_BASELINE_REF,
): Promise<ActivationResult> {
  const result = await measureBuild(vsixPath, loads, afterLoads);
  if (!result.measured || baselineRef === 'off') return result;
  return { ...result, baseline: await measureBaseline(baselineRef, loads) };
}

async function measureBaseline(ref: string, loads: number): Promise<BaselineActivation> {
  const built = buildAndMeasureBundles({ fromRef: ref });
  try {
    if (!built.ok) return { ref, measured: false, note: `not measured: the baseline build failed (${built.error?.split('\n')[0] ?? ''})`, activationMs: [] };
    const measured = await measureBuild(built.vsixPath, loads);
    return { ref, measured: measured.measured, note: measured.note, activationMs: measured.activationMs };
  } finally {
    built.dispose();
  }
}

async function measureBuild(vsixPath: string | null, loads: number, afterLoads?: (live: LiveCodeServer) => Promise<void>): Promise<ActivationResult> {
  if (!isCodeServerInstalled()) return { measured: false, note: 'not measured (code-server not installed: run npm run setup:e2e)', activationMs: [], lines: [] };
  if (!vsixPath) return { measured: false, note: 'not measured (no .vsix: the production build failed)', activationMs: [], lines: [] };
  const run = createRunDirectory('bench-activation');
  let keep = false;
  try {
    const workspaceFolder = copyFixtureWorkspace(run.root);
    installExtensionFromVsix(run, vsixPath);
    const server = await startCodeServer(run, { workspaceFolder });
    // Loaded here: playwright-core exists only after `npm run setup:e2e`.
    const { launchBrowser } = await import('../e2e/lib/browser');
    const browser = await launchBrowser(run);
    const page = browser.page;
    let lines: string[] = [];
    const activationMs: number[] = [];
    const readyMs: number[] = [];
    const restMs: number[] = [];
    const othersMs: Array<Record<string, number>> = [];
    for (let load = 1; load <= loads; load++) {
      if (load === 1) await openWorkbench(page, server.workbenchUrl());
      else {
        await page.reload();
        await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
      }
      lines = await waitForLines(run.root, LINE, load, 60_000);
      if (lines.length < load) throw new Error(`no activation line for load ${load} within 60 s (found ${lines.length})`);
      await runCommandFromPalette(page, 'Developer: Show Running Extensions');
      const row = page.locator('.monaco-list-row').filter({ hasText: 'Holdfast' }).filter({ hasText: SHOWN }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await row.innerText();
      activationMs.push(Number(SHOWN.exec(text)?.[1]));
      const others: Record<string, number> = {};
      for (const other of await page.locator('.monaco-list-row').filter({ hasText: SHOWN }).allInnerTexts()) {
        const name = other.split('\n')[0]?.trim() ?? '';
        if (name && !name.startsWith('Holdfast') && !/Startup Activation/.test(other)) others[name] = Number(SHOWN.exec(other)?.[1]);
      }
      othersMs.push(others);
      // A build without the line (an older baseline) just has no figure; the wait is short.
      const ready = await waitForLines(run.root, READY, load, 3_000);
      const figures = ready.length >= load ? READY.exec(ready[load - 1]!) : null;
      if (figures) {
        restMs.push(Number(figures[1]));
        readyMs.push(Number(figures[2]));
      }
    }
    if (afterLoads) await afterLoads({ page, server, run, vscode: codeServerVersion().description });
    await browser.close();
    await server.stop();
    return {
      measured: true,
      note: `code-server, ${loads} workbench loads (first = cold)`,
      vscode: codeServerVersion().description,
      activationMs,
      lines,
      ...(readyMs.length === loads ? { readyMs, restMs } : {}),
      othersMs,
    };
  } catch (error) {
    keep = true;
    return { measured: false, note: `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (scratch kept: ${run.root})`, activationMs: [], lines: [] };
  } finally {
    await runCleanups();
    if (!keep) run.remove();
  }
}
