// `npm start`: Holdfast in a real VS Code in your browser, working with no API key.
//   1. installs the offline VS Code (code-server) and Chromium the first time (npm run setup:e2e),
//   2. builds and packages the extension and installs the .vsix into a fresh VS Code profile,
//   3. starts the built-in Responses emulator (a scripted model that reads files and proposes edits),
//   4. starts code-server on 127.0.0.1 with a copy of the sample workspace pointed at the emulator,
//      and prints the URL to open.
// Options: --openai (use the real API: no emulator; set your key in VS Code with "Holdfast: Set API
// Key"), --folder <path> (open your own folder instead of the sample), --port <n> (code-server port),
// --smoke (open the workbench headless, wait until Holdfast has warmed its socket, then exit: for CI).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startEmulator } from '../emulator';
import { onCleanup, runCleanups } from '../e2e/lib/cleanup';
import { codeServerVersion, installExtensionFromVsix, isCodeServerInstalled, startCodeServer } from '../e2e/lib/codeServer';
import { copyFixtureWorkspace } from '../e2e/lib/fixtureWorkspace';
import { repoRoot } from '../e2e/lib/paths';
import { createRunDirectory } from '../e2e/lib/runDirectory';
import { expectedVsixPath } from '../e2e/lib/vsix';

interface DemoOptions {
  openai: boolean;
  folder: string | undefined;
  port: number | undefined;
  smoke: boolean;
}

function parseArgs(argv: string[]): DemoOptions {
  const options: DemoOptions = { openai: false, folder: undefined, port: undefined, smoke: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--openai') options.openai = true;
    else if (flag === '--smoke') options.smoke = true;
    else if (flag === '--folder') options.folder = path.resolve(argv[++i] ?? '.');
    else if (flag === '--port') options.port = Number(argv[++i]);
    else throw new Error(`unknown option ${flag}; options: --openai, --folder <path>, --port <n>, --smoke`);
  }
  return options;
}

function npm(...args: string[]): void {
  const result = spawnSync('npm', args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.status})`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!isCodeServerInstalled()) {
    console.log('[holdfast] first run: installing the offline VS Code (code-server) and Chromium…');
    npm('run', 'setup:e2e');
  }
  console.log('[holdfast] building and packaging the extension…');
  npm('run', '--silent', 'package');

  const run = createRunDirectory('demo');
  onCleanup(() => run.remove());
  const emulator = options.openai
    ? undefined
    : await startEmulator({ acceptAnyKey: true, scenario: 'default', pingIntervalMs: 0 });
  if (emulator) onCleanup(() => emulator.close());

  const settings: Record<string, unknown> = emulator ? { 'holdfast.baseUrl': emulator.url } : {};
  const workspace = options.folder ?? copyFixtureWorkspace(run.root, settings);
  installExtensionFromVsix(run, expectedVsixPath());
  const server = await startCodeServer(run, {
    workspaceFolder: workspace,
    userSettings: options.folder ? settings : {},
    ...(options.port ? { port: options.port } : {}),
  });
  onCleanup(() => server.stop());

  const url = server.workbenchUrl();
  console.log('');
  console.log(`[holdfast] ${codeServerVersion().description} with Holdfast installed`);
  console.log(
    emulator
      ? `[holdfast] model: the built-in emulator at ${emulator.url} (no API key needed; try "explain src/a.ts")`
      : '[holdfast] model: the OpenAI API — run "Holdfast: Set API Key" in VS Code first',
  );
  console.log(`[holdfast] workspace: ${workspace}`);
  console.log(`\n    Open ${url}\n`);

  if (options.smoke) {
    await smokeCheck(url, run, emulator);
    await runCleanups();
    return;
  }
  console.log('[holdfast] Ctrl+C stops everything.');
  await new Promise(() => undefined);
}

/** Opens the workbench headless and waits for the extension's warm-up to reach the emulator. */
async function smokeCheck(url: string, run: ReturnType<typeof createRunDirectory>, emulator: Awaited<ReturnType<typeof startEmulator>> | undefined): Promise<void> {
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

