import * as fs from 'node:fs';
import * as path from 'node:path';
import { pruneArtifacts, saveScreenshot, saveServerLogs } from './lib/artifacts';
import { runCleanups } from './lib/cleanup';
import { codeServerVersion, installExtensionFromVsix, isCodeServerInstalled, startCodeServer } from './lib/codeServer';
import type { E2eSuite } from './lib/e2eSuite';
import { copyFixtureWorkspace } from './lib/fixtureWorkspace';
import { reportNoVscode } from './lib/noVscodeBanner';
import { codeServerEntry, demoWorkspaceDir, e2eRoot, fixtureWorkspaceDir, repoRoot } from './lib/paths';
import { createRunDirectory } from './lib/runDirectory';
import { describeVsix, expectedVsixPath } from './lib/vsix';
import { openWorkbench } from './lib/workbench';

/**
 * Runs every test/e2e/*.e2e.ts suite against the packaged extension: per suite a fresh code-server
 * with the .vsix installed (build it first: `npm run test:e2e` does `npm run package`), Debian's
 * Chromium on the workbench, tests in order, a screenshot per test, logs on failure.
 * Usage: tsx test/e2e/run.ts [name filter]   Prints "N passed, N failed"; exit 1 if any failed.
 */
const defaultTestTimeoutMs = 60_000;
const actionTimeoutMs = 15_000;

interface Counts {
  passed: number;
  failed: number;
}

async function main(): Promise<number> {
  const started = Date.now();
  const filter = process.argv[2];
  const files = fs
    .readdirSync(e2eRoot)
    .filter((file) => file.endsWith('.e2e.ts') && (!filter || file.includes(filter)))
    .sort();
  if (files.length === 0) {
    console.log(`no *.e2e.ts suites${filter ? ` matching "${filter}"` : ''} in ${e2eRoot}`);
    return 1;
  }
  if (!isCodeServerInstalled()) {
    return reportNoVscode('the end-to-end tests', [`code-server is not installed (${path.relative(repoRoot, codeServerEntry)} is missing).`]);
  }
  const vsix = expectedVsixPath();
  if (!fs.existsSync(vsix)) {
    console.log(`no ${path.basename(vsix)} at the repository root: run npm run package (npm run test:e2e does)`);
    return 1;
  }
  const version = codeServerVersion();
  console.log(`[e2e] VS Code ${version.vscode} (${version.description}); extension ${describeVsix(vsix)}`);

  pruneArtifacts();
  const counts: Counts = { passed: 0, failed: 0 };
  for (const file of files) {
    const { suite } = (await import(path.join(e2eRoot, file))) as { suite?: E2eSuite };
    if (!suite) {
      console.log(`✘ ${file} exports no \`suite\``);
      counts.failed++;
      continue;
    }
    await runSuite(suite, path.basename(file, '.e2e.ts'), vsix, counts);
  }
  await runCleanups();
  console.log(`[e2e] ${counts.passed} passed, ${counts.failed} failed (VS Code ${version.vscode}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return counts.failed > 0 ? 1 : 0;
}

async function runSuite(suite: E2eSuite, label: string, vsix: string, counts: Counts): Promise<void> {
  const run = createRunDirectory(`e2e-${label}`);
  console.log(`\n${suite.name}`);
  let failedHere = 0;
  try {
    const workspaceFolder = copyFixtureWorkspace(run.root, { ...suite.workspaceSettings }, suite.workspace === 'demo' ? demoWorkspaceDir : fixtureWorkspaceDir);
    const step = stepTimer();
    installExtensionFromVsix(run, vsix);
    const installMs = step();
    const server = await startCodeServer(run, { workspaceFolder });
    const serverMs = step();
    // Loaded here, not at the top: without `npm run setup:e2e` there is no playwright-core, and the
    // run must still get as far as saying so.
    const { launchBrowser } = await import('./lib/browser');
    const browser = await launchBrowser(run);
    const { page } = browser;
    page.setDefaultTimeout(actionTimeoutMs);
    const browserMs = step();
    await openWorkbench(page, server.workbenchUrl());
    console.log(
      `  (code-server ${server.origin}, Chromium ${browser.version}; .vsix installed in ${installMs} ms, ` +
        `server up in ${serverMs} ms, browser in ${browserMs} ms, workbench in ${step()} ms)`,
    );

    for (const test of suite.tests) {
      const testStarted = Date.now();
      try {
        await withTimeout(test.run({ page, server, run, workspaceFolder }), test.timeoutMs ?? defaultTestTimeoutMs, test.name);
        counts.passed++;
        console.log(`  ✔ ${test.name} (${Date.now() - testStarted} ms)`);
        await saveScreenshot(page, run, `${test.name}-passed`);
      } catch (error) {
        counts.failed++;
        failedHere++;
        console.log(`  ✘ ${test.name} (${Date.now() - testStarted} ms)\n      ${indent((error as Error).message ?? String(error))}`);
        const screenshot = await saveScreenshot(page, run, `${test.name}-failed`);
        if (screenshot) console.log(`      screenshot: ${path.relative(repoRoot, screenshot)}`);
      }
    }
    await browser.close();
    await server.stop();
  } catch (error) {
    // Setup failed (install, start, workbench): every test of the suite counts as failed.
    const notRun = suite.tests.length;
    counts.failed += notRun;
    failedHere += notRun;
    console.log(`  ✘ suite setup failed, ${notRun} test(s) not run:\n      ${indent((error as Error).stack ?? String(error))}`);
  } finally {
    await runCleanups();
  }
  if (failedHere > 0) {
    console.log(`  logs: ${path.relative(repoRoot, saveServerLogs(run))} (scratch kept: ${path.relative(repoRoot, run.root)})`);
  } else {
    run.remove();
  }
  console.log(`  artifacts: ${path.relative(repoRoot, run.artifactsDir)}`);
}

/** Each call returns the milliseconds since the previous call (or since creation). */
function stepTimer(): () => number {
  let last = Date.now();
  return () => {
    const now = Date.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`"${name}" did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Indents a multi-line message under its test, without the terminal colours playwright adds. */
function indent(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').join('\n      ');
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    void runCleanups().finally(() => process.exit(1));
  },
);
