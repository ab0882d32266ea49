import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { isCodeServerInstalled } from '../e2e/lib/codeServer';
import { copyFixtureWorkspace } from '../e2e/lib/fixtureWorkspace';
import { reportNoVscode, requireVscode } from '../e2e/lib/noVscodeBanner';
import { codeServerEntry, e2eRoot, repoRoot } from '../e2e/lib/paths';
import { startBlackholeServer } from '../fakes/blackholeServer';
import { MULTI_ROOT_GREP, writeTwoFolderWorkspace } from './multiRootWorkspace';

/**
 * Runs the integration suites (out/test/integration, built by `node esbuild.js --tests`) inside a
 * real VS Code through @vscode/test-electron:
 *  - code-server installed (npm run setup:e2e): VS Code's server + web workbench, through the
 *    test/e2e/bin/code-server-tests stand-in for the VS Code executable;
 *  - otherwise VS Code desktop, downloaded by test-electron (needs internet and a display);
 *    (also with HOLDFAST_VSCODE=desktop);
 *  - neither possible: a loud SKIPPED, which fails the run when HOLDFAST_REQUIRE_VSCODE=1 (CI).
 * Each run opens a fresh copy of test/fixtures/workspace whose `holdfast.baseUrl` points at a local
 * server that accepts connections and never answers; then a second pass opens a two-folder
 * `.code-workspace` (multiRootWorkspace.ts) and runs only the multi-root suite in it.
 */
const say = (message: string) => console.log(`[test:integration] ${message}`);

/** The desktop version to download: the same VS Code that code-server 4.100.3 embeds. */
const desktopVersion = process.env['HOLDFAST_VSCODE_VERSION'] ?? '1.100.3';
const codeServerTestsExecutable = path.join(e2eRoot, 'bin', 'code-server-tests');
const extensionTestsPath = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');

async function main(): Promise<number> {
  const started = Date.now();
  if (!fs.existsSync(extensionTestsPath)) {
    say(`no compiled suite runner at ${extensionTestsPath}: run node esbuild.js --tests first`);
    return 1;
  }
  const vscodeExecutablePath = await chooseVscode();
  if (vscodeExecutablePath === undefined) return requireVscode() ? 1 : 0;

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-integration-'));
  const blackhole = await startBlackholeServer();
  try {
    const workspace = copyFixtureWorkspace(scratch, { 'holdfast.baseUrl': blackhole.baseUrl });
    say(`workspace ${workspace} (holdfast.baseUrl = ${blackhole.baseUrl}, a server that never answers)`);
    const grep = process.env['HOLDFAST_TEST_GREP'];
    // HOLDFAST_TEST_GREP=multi-root runs the multi-root pass alone (in a single folder it only skips).
    if (grep !== MULTI_ROOT_GREP) await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      // Fresh profile per run: no key, state or extension from an earlier run leaks in.
      launchArgs: [workspace, `--user-data-dir=${path.join(scratch, 'user-data')}`, `--extensions-dir=${path.join(scratch, 'extensions')}`],
      extensionTestsEnv: { HOLDFAST_TEST_BLACKHOLE_URL: blackhole.baseUrl },
    });
    if (grep === undefined || new RegExp(grep).test(`${MULTI_ROOT_GREP}:`)) {
      const workspaceFile = writeTwoFolderWorkspace(scratch, { 'holdfast.baseUrl': blackhole.baseUrl });
      say(`multi-root pass: ${workspaceFile}`);
      await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath,
        launchArgs: [workspaceFile, `--user-data-dir=${path.join(scratch, 'user-data-multi')}`, `--extensions-dir=${path.join(scratch, 'extensions')}`],
        extensionTestsEnv: { HOLDFAST_TEST_BLACKHOLE_URL: blackhole.baseUrl, HOLDFAST_TEST_GREP: MULTI_ROOT_GREP },
      });
    }
    say(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    say(`FAILED in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(error as Error).message}`);
    return 1;
  } finally {
    await blackhole.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The VS Code executable to hand test-electron, or undefined when none can be had (skip). */
async function chooseVscode(): Promise<string | undefined> {
  // HOLDFAST_VSCODE=desktop skips code-server, to run in VS Code desktop on a machine that has both.
  if (process.env['HOLDFAST_VSCODE'] !== 'desktop' && isCodeServerInstalled()) {
    say(`running in code-server via ${path.relative(repoRoot, codeServerTestsExecutable)}`);
    return codeServerTestsExecutable;
  }
  say(`${isCodeServerInstalled() ? 'HOLDFAST_VSCODE=desktop' : 'code-server is not installed'}; downloading VS Code desktop ${desktopVersion}`);
  try {
    const executable = await downloadAndUnzipVSCode({ version: desktopVersion, timeout: 15_000 });
    say(`running in VS Code desktop ${desktopVersion} (${executable})`);
    return executable;
  } catch (error) {
    reportNoVscode('the integration tests', [
      isCodeServerInstalled()
        ? 'code-server was not used (HOLDFAST_VSCODE=desktop),'
        : `code-server is not installed (${path.relative(repoRoot, codeServerEntry)} is missing),`,
      `and downloading VS Code desktop ${desktopVersion} failed: ${(error as Error).message}`,
      'With internet and a display (or xvfb-run), test-electron downloads VS Code desktop instead.',
    ]);
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
