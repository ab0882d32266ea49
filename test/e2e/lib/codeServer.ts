import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onCleanup } from './cleanup';
import { findFreePort } from './freePort';
import { codeServerEntry, codeServerPackageDir, playwrightCorePackage } from './paths';
import { type ProcessGroup, spawnProcessGroup } from './processGroup';
import type { RunDirectory } from './runDirectory';

/**
 * code-server (VS Code's server + web workbench) is the real VS Code these machines can run, and
 * playwright-core drives it; `npm run setup:e2e` installs both into test/e2e/node_modules.
 */
export function isCodeServerInstalled(): boolean {
  return fs.existsSync(codeServerEntry) && fs.existsSync(playwrightCorePackage);
}

/** E.g. "code-server 4.100.3, VS Code 1.100.3 (commit 409c64e)". Read from files: running code-server writes to ~/.config. */
export function codeServerVersion(): { codeServer: string; vscode: string; description: string } {
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string; commit?: string };
  const codeServer = read(path.join(codeServerPackageDir, 'package.json')).version;
  const product = read(path.join(codeServerPackageDir, 'lib', 'vscode', 'product.json'));
  const commit = product.commit ? ` (commit ${product.commit.slice(0, 7)})` : '';
  return { codeServer, vscode: product.version, description: `code-server ${codeServer}, VS Code ${product.version}${commit}` };
}

/**
 * The environment code-server runs in: its own XDG and temp folders, and nothing inherited that
 * would change what it does (inside a VS Code terminal, VSCODE_IPC_HOOK_CLI makes code-server open
 * the folder in that VS Code instead of starting a server; NODE_OPTIONS from tsx would load the test
 * tooling into the extension host).
 */
function serverEnvironment(run: RunDirectory): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('VSCODE_') || name === 'NODE_OPTIONS' || name === 'ELECTRON_RUN_AS_NODE') delete env[name];
  }
  return { ...env, XDG_CONFIG_HOME: run.xdgConfigHome, XDG_DATA_HOME: run.xdgDataHome, TMPDIR: run.tmpDir };
}

/** User settings that keep the workbench quiet and deterministic for a test. */
const testUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
};

function writeUserSettings(run: RunDirectory, extra: Record<string, unknown>): void {
  const userDir = path.join(run.userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...testUserSettings, ...extra }, null, 2));
}

/** `code-server --install-extension <vsix>` into the run's extensions folder; this also tests the package. */
export function installExtensionFromVsix(run: RunDirectory, vsixPath: string): void {
  const result = spawnSync(
    process.execPath,
    [codeServerEntry, '--user-data-dir', run.userDataDir, '--extensions-dir', run.extensionsDir, '--install-extension', vsixPath],
    { env: serverEnvironment(run), encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsixPath} failed (exit ${result.status}):\n${output}`);
  }
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly workspaceFolder: string;
  /** code-server's own stdout/stderr. */
  readonly serverLogFile: string;
  /** The workbench URL for the folder, with an optional launch payload (extension development, tests). */
  workbenchUrl(payload?: ReadonlyArray<readonly [string, string]>): string;
  /** `vscode-remote://127.0.0.1:<port>/<abs path>`: how the web workbench names a path on the server. */
  remoteUri(absolutePath: string): string;
  stop(): Promise<void>;
}

export interface StartCodeServerOptions {
  workspaceFolder: string;
  /** Merged over the quiet test defaults in the fresh user settings. */
  userSettings?: Record<string, unknown>;
  startTimeoutMs?: number;
  /** A fixed port (the demo); default: a free one. */
  port?: number;
}

/** Starts a fresh code-server for one run and waits until it answers /healthz. */
export async function startCodeServer(run: RunDirectory, options: StartCodeServerOptions): Promise<CodeServer> {
  if (!isCodeServerInstalled()) throw new Error(`code-server is not installed (${codeServerEntry}); run: npm run setup:e2e`);
  writeUserSettings(run, options.userSettings ?? {});
  const port = options.port ?? (await findFreePort());
  const origin = `http://127.0.0.1:${port}`;
  const configFile = path.join(run.root, 'code-server.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const serverLogFile = path.join(run.root, 'code-server.log');
  const logFd = fs.openSync(serverLogFile, 'a');

  const server: ProcessGroup = spawnProcessGroup(
    process.execPath,
    [
      codeServerEntry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', run.userDataDir,
      '--extensions-dir', run.extensionsDir,
      '--config', configFile,
      options.workspaceFolder,
    ],
    { env: serverEnvironment(run), stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  const forgetCleanup = onCleanup(() => server.stop());

  const stop = async () => {
    forgetCleanup();
    await server.stop();
  };
  try {
    await waitForHealthz(origin, server, options.startTimeoutMs ?? 30_000, serverLogFile);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    port,
    origin,
    workspaceFolder: options.workspaceFolder,
    serverLogFile,
    remoteUri: (absolutePath) => `vscode-remote://127.0.0.1:${port}${path.resolve(absolutePath)}`,
    workbenchUrl(payload) {
      // A .code-workspace file opens as a (multi-root) workspace, anything else as a folder.
      const query = new URLSearchParams({ [options.workspaceFolder.endsWith('.code-workspace') ? 'workspace' : 'folder']: options.workspaceFolder });
      if (payload && payload.length > 0) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query.toString()}`;
    },
    stop,
  };
}

async function waitForHealthz(origin: string, server: ProcessGroup, timeoutMs: number, logFile: string): Promise<void> {
  let exitCode: number | undefined;
  void server.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`code-server exited with ${exitCode} before it was up:\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs} ms:\n${fs.readFileSync(logFile, 'utf8')}`);
}
