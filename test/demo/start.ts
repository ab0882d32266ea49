// `npm start`: Holdfast in a real VS Code in your browser, working with no API key.
//   1. installs the offline VS Code (code-server) and Chromium the first time (npm run setup:e2e),
//   2. builds and packages the extension and installs the .vsix into the demo's VS Code profile,
//   3. starts the built-in Responses emulator (a scripted model that reads and edits your real files),
//   4. starts code-server on 127.0.0.1 with the demo workspace (a copy of test/fixtures/demo-workspace:
//      a failing test and a typo to fix) pointed at the emulator, and prints the URL to open.
// The demo workspace and the VS Code profile are kept in test/e2e/.work/demo between starts, and the
// address stays the same, so the browser keeps the chat history too: Ctrl+C stops the servers and
// says where everything is; --fresh starts over.
// Options: --openai (use the real API: no emulator; set your key in VS Code with "Holdfast: Set API
// Key"), --folder <path> (open your own folder instead of the sample), --port <n> (code-server port),
// --fresh (discard the kept demo workspace and history first), --smoke (open the workbench headless,
// wait until Holdfast has warmed its socket, then exit and remove everything: for CI).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator } from '../emulator';
import { onCleanup, runCleanups } from '../e2e/lib/cleanup';
import { codeServerVersion, installExtensionFromVsix, isCodeServerInstalled, startCodeServer } from '../e2e/lib/codeServer';
import { copyFixtureWorkspace, writeWorkspaceSettings } from '../e2e/lib/fixtureWorkspace';
import { findFreePort, isPortFree } from '../e2e/lib/freePort';
import { demoWorkspaceDir, repoRoot } from '../e2e/lib/paths';
import { createRunDirectory, openPersistentRunDirectory, type RunDirectory } from '../e2e/lib/runDirectory';
import { expectedVsixPath } from '../e2e/lib/vsix';

interface DemoOptions {
  openai: boolean;
  folder: string | undefined;
  port: number | undefined;
  smoke: boolean;
  fresh: boolean;
}

function parseArgs(argv: string[]): DemoOptions {
  const options: DemoOptions = { openai: false, folder: undefined, port: undefined, smoke: false, fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--openai') options.openai = true;
    else if (flag === '--smoke') options.smoke = true;
    else if (flag === '--fresh') options.fresh = true;
    else if (flag === '--folder') options.folder = path.resolve(argv[++i] ?? '.');
    else if (flag === '--port') options.port = Number(argv[++i]);
    else throw new Error(`unknown option ${flag}; options: --openai, --folder <path>, --port <n>, --fresh, --smoke`);
  }
  return options;
}

function npm(...args: string[]): void {
  const result = spawnSync('npm', args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.status})`);
}

const DEMO_HOME = 'demo';

/**
 * The demo's folders: kept between starts (a fresh copy of the sample workspace only the first time,
 * or with --fresh), except for --smoke, which leaves nothing behind.
 */
function demoFolders(options: DemoOptions): { run: RunDirectory; workspace: string; resumed: boolean } {
  if (options.smoke) {
    const run = createRunDirectory('demo-smoke');
    onCleanup(() => run.remove());
    return { run, workspace: options.folder ?? copyFixtureWorkspace(run.root, {}, demoWorkspaceDir), resumed: false };
  }
  if (options.fresh) openPersistentRunDirectory(DEMO_HOME).remove();
  const run = openPersistentRunDirectory(DEMO_HOME);
  if (options.folder) return { run, workspace: options.folder, resumed: false };
  const kept = path.join(run.root, 'workspace');
  if (fs.existsSync(kept)) return { run, workspace: kept, resumed: true };
  return { run, workspace: copyFixtureWorkspace(run.root, {}, demoWorkspaceDir), resumed: false };
}

/**
 * The same port as last time when it is free: VS Code in the browser keeps its state (the chat
 * history among it) per address, so a new port would start with an empty chat.
 */
async function demoPort(run: RunDirectory, requested: number | undefined): Promise<number> {
  if (requested) return requested;
  const file = path.join(run.root, 'port');
  const previous = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : NaN;
  const port = Number.isInteger(previous) && previous > 0 && (await isPortFree(previous)) ? previous : await findFreePort();
  fs.writeFileSync(file, String(port));
  return port;
}

function tellWhereTheDemoIs(run: RunDirectory, workspace: string, ownFolder: boolean): void {
  const where = path.relative(process.cwd(), run.root) || run.root;
  console.log('');
  console.log(
    ownFolder
      ? `[holdfast] stopped. Your folder ${workspace} is as Holdfast left it; the chat history is kept in ${where}.`
      : `[holdfast] stopped. The demo workspace is kept in ${where}, and your browser keeps the chat history\n` +
          '           for this address: npm start continues there (same address); npm start -- --fresh starts over.',
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!isCodeServerInstalled()) {
    console.log('[holdfast] first run: installing the offline VS Code (code-server) and Chromium…');
    npm('run', 'setup:e2e');
  }
  console.log('[holdfast] building and packaging the extension…');
  npm('run', '--silent', 'package');

  const { run, workspace, resumed } = demoFolders(options);
  // Registered before the servers' cleanups, so it runs after them (newest first), also on Ctrl+C.
  if (!options.smoke) onCleanup(() => tellWhereTheDemoIs(run, workspace, options.folder !== undefined));
  const emulator = options.openai
    ? undefined
    : await startEmulator({ acceptAnyKey: true, scenario: 'default', pingIntervalMs: 0 });
  if (emulator) onCleanup(() => emulator.close());

  const settings: Record<string, unknown> = emulator ? { 'holdfast.baseUrl': emulator.url } : {};
  if (!options.folder) writeWorkspaceSettings(workspace, settings);
  // A fresh install each start: the kept profile may hold an older build of the same version.
  fs.rmSync(run.extensionsDir, { recursive: true, force: true });
  fs.mkdirSync(run.extensionsDir, { recursive: true });
  installExtensionFromVsix(run, expectedVsixPath());
  const server = await startCodeServer(run, {
    workspaceFolder: workspace,
    userSettings: options.folder ? settings : {},
    port: options.smoke ? options.port : await demoPort(run, options.port),
  });
  onCleanup(() => server.stop());

  const url = server.workbenchUrl();
  console.log('');
  console.log(`[holdfast] ${codeServerVersion().description} with Holdfast installed`);
  console.log(
    emulator
      ? `[holdfast] model: the built-in demo model at ${emulator.url} (no API key needed)`
      : '[holdfast] model: the OpenAI API — run "Holdfast: Set API Key" in VS Code first',
  );
  console.log(`[holdfast] workspace: ${workspace}${resumed ? ' (kept from last time; --fresh starts over)' : ''}`);
  if (emulator && !options.folder) {
    console.log('[holdfast] try: "Run the tests", then "Fix the failing test" in the chat; in src/cart.js, Ctrl+Shift+Alt+E');
    console.log('           "add a doc comment"; in src/receipt.js, Ctrl+. on the squiggle → Fix with Holdfast.');
  }
  console.log(`\n    Open ${url}\n`);

  if (options.smoke) {
    await smokeCheck(url, run, emulator);
    await runCleanups();
    return;
  }
  console.log('[holdfast] Ctrl+C stops the servers; the workspace and the chat history stay.');
  await new Promise(() => undefined);
}

/** Opens the workbench headless and waits for the extension's warm-up to reach the emulator. */
async function smokeCheck(url: string, run: RunDirectory, emulator: Awaited<ReturnType<typeof startEmulator>> | undefined): Promise<void> {
  if (!emulator) throw new Error('--smoke needs the emulator (drop --openai)');
  const { launchBrowser } = await import('../e2e/lib/browser');
  const browser = await launchBrowser(run);
  onCleanup(() => browser.close());
  await browser.page.goto(url);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const warmed = emulator.frames().some((f) => f.dir === 'send' && (f.frame as { generate?: unknown }).generate === false);
    if (warmed) {
      console.log('[holdfast] smoke: the extension opened and warmed its socket against the emulator ✔');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('smoke: no warm-up reached the emulator within 60 s');
}

main().catch(async (error: unknown) => {
  console.error(`[holdfast] ${error instanceof Error ? error.message : String(error)}`);
  await runCleanups();
  process.exit(1);
});

