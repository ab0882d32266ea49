/**
 * A real bubblewrap sandbox around a throw-away workspace, for the suites that run hostile commands
 * for real: the fixture (a workspace with protected and secret files, a fake $HOME with ~/.ssh and
 * ~/.aws, a folder "outside" the workspace), a runner that goes through the same CommandSandbox +
 * runShellProcess as VS Code's terminal, and file-system snapshots to prove nothing changed.
 *
 * Where bwrap cannot run, the suites say so LOUDLY; with CI or HOLDFAST_REQUIRE_SANDBOX set they fail.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationToken } from '../../../src/common/cancellation';
import { runShellProcess } from '../../../src/host/tools/processRunner';
import { type BwrapAvailability, CommandSandbox, type SandboxSettings } from '../../../src/host/tools/sandbox/commandSandbox';
import { runConfined } from '../../../src/host/tools/sandbox/confinedRun';
import type { ProcessResult, Terminal } from '../../../src/tools/ports';

export const PARENT_API_KEY = 'sk-test-SANDBOXPARENTKEY0123456789abcdef';
export const SECRETS = {
  env: 'SECRET_ENV_VALUE_7f3a9c',
  pem: 'PEM_PRIVATE_MATERIAL_51be2',
  sshKey: 'SSH_PRIVATE_KEY_MATERIAL_c0ffee',
  aws: 'AWS_SECRET_ACCESS_VALUE_9d8e7f',
  envrc: 'ENVRC_EXPORTED_TOKEN_4421',
} as const;

export const PROTECTED_FILES: Readonly<Record<string, string>> = {
  '.git/config': '[core]\n\trepositoryformatversion = 0\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  '.git/hooks/pre-commit': '#!/bin/sh\nexit 0\n',
  '.vscode/tasks.json': '{ "version": "2.0.0", "tasks": [] }\n',
  '.vscode/settings.json': '{}\n',
  '.github/workflows/ci.yml': 'on: push\n',
  '.husky/pre-commit': 'npm test\n',
  '.devcontainer/devcontainer.json': '{ "image": "node" }\n',
  '.envrc': `export TOKEN=${SECRETS.envrc}\n`,
  'node_modules/.bin/vitest': '#!/bin/sh\necho vitest\n',
  'packages/app/node_modules/.bin/tsc': '#!/bin/sh\necho tsc\n',
  'packages/app/.git': 'gitdir: ../../.git\n',
};

export const SECRET_FILES: Readonly<Record<string, string>> = {
  '.env': `API_TOKEN=${SECRETS.env}\n`,
  'config/server.pem': `-----BEGIN PRIVATE KEY-----\n${SECRETS.pem}\n-----END PRIVATE KEY-----\n`,
  'deploy/.aws/credentials': `aws_secret_access_key=${SECRETS.aws}\n`,
};

export interface SandboxFixture {
  root: string;
  /** The workspace folder (real path). */
  ws: string;
  /** The fake $HOME (real path) with ~/.ssh/id_rsa and ~/.aws/credentials. */
  home: string;
  /** A folder outside the workspace that nothing may change. */
  outside: string;
  sandbox: CommandSandbox;
  /** Runs `command` for real in bash inside the sandbox (cwd: the workspace), as VS Code's terminal does. */
  run(command: string, options?: { network?: boolean; cwd?: string }): Promise<ProcessResult>;
  /** The Terminal port on this sandbox, for the tools (refuses to run anything unsandboxed). */
  terminal: Terminal;
  /** The same command WITHOUT the sandbox (to prove the checks can fail). */
  runUnsandboxed(command: string): Promise<ProcessResult>;
  dispose(): void;
}

export interface FixtureOptions {
  settings?: Partial<SandboxSettings>;
  /** The workspace's files (relative path → content) instead of the built-in protected and secret set. */
  workspaceFiles?: Readonly<Record<string, string>>;
  /** Symlinks in the workspace (relative link → absolute or workspace-relative target). */
  workspaceSymlinks?: Readonly<Record<string, string>>;
  /** Copy this fixture's root instead of building one (fast: no files to write, no `git init`). */
  copyOf?: SandboxFixture;
  /** An existing, empty folder (real path) to build in, instead of a new temporary one. */
  root?: string;
}

export function createSandboxFixture(options: FixtureOptions = {}): SandboxFixture {
  const root = options.root ?? fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-escape-')));
  const ws = path.join(root, 'ws');
  const home = path.join(root, 'home');
  const outside = path.join(root, 'outside');
  // A copy keeps its links verbatim: links into the original's root still point there.
  if (options.copyOf) fs.cpSync(options.copyOf.root, root, { recursive: true, verbatimSymlinks: true });
  else buildFixture({ root, ws, home, outside }, options);

  const env = { ...process.env, HOME: home, OPENAI_API_KEY: PARENT_API_KEY, GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', HARMLESS_SETTING: 'kept' };
  const sandbox = new CommandSandbox({
    settings: () => ({ mode: 'auto', network: false, homeMounts: [], environmentAllowList: [], ...options.settings }),
    env,
    home,
  });
  const spawnOptions = { timeoutMs: 30_000, token: CancellationToken.None, maxOutputBytes: 256 * 1024 };
  const terminal: Terminal = {
    sandbox: () => sandbox.status(),
    run(command, options) {
      // Hostile commands never run unsandboxed on the test machine, whatever an approval said.
      if (!options.confinement.sandbox) throw new Error(`refusing to run without the sandbox in a test: ${command}`);
      return runConfined(sandbox, command, { ...options, folders: [ws], maxOutputBytes: 256 * 1024 });
    },
  };
  return {
    terminal,
    root,
    ws,
    home,
    outside,
    sandbox,
    run(command, options = {}) {
      return terminal.run(command, { ...spawnOptions, cwd: options.cwd ?? ws, confinement: { sandbox: true, network: options.network ?? false } });
    },
    runUnsandboxed(command) {
      return runShellProcess(command, { ...spawnOptions, cwd: ws, env });
    },
    dispose() {
      sandbox.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function buildFixture(at: { root: string; ws: string; home: string; outside: string }, options: FixtureOptions): void {
  const { root, ws, home, outside } = at;
  const workspaceFiles = options.workspaceFiles ?? {
    ...PROTECTED_FILES,
    ...SECRET_FILES,
    'package.json': '{ "name": "fixture", "scripts": { "test": "echo ok" } }\n',
    'src/index.ts': 'export const x = 1;\n',
  };
  const files: Record<string, string> = {
    ...Object.fromEntries(Object.entries(workspaceFiles).map(([p, t]) => [`ws/${p}`, t])),
    'home/.ssh/id_rsa': `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRETS.sshKey}\n-----END OPENSSH PRIVATE KEY-----\n`,
    'home/.aws/credentials': `[default]\naws_secret_access_key=${SECRETS.aws}\n`,
    'home/.bashrc': 'export PS1=x\n',
    'outside/existing.txt': 'outside the workspace\n',
  };
  fs.mkdirSync(ws);
  execFileSync('git', ['init', '-q', ws]); // a real repository, so git in the sandbox has one to read
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), text);
  }
  if (fs.existsSync(path.join(ws, 'node_modules/.bin/vitest'))) fs.chmodSync(path.join(ws, 'node_modules/.bin/vitest'), 0o755);
  // Planted before the agent runs: links that lead out of the workspace.
  const links = options.workspaceSymlinks ?? { 'planted-link': outside, 'id-link': path.join(home, '.ssh/id_rsa') };
  for (const [link, target] of Object.entries(links)) fs.symlinkSync(target, path.join(ws, link));
}

/** Content hashes of every file, link and folder under `dir` (relative paths), for before/after equality. */
export function snapshot(dir: string, options: { skip?: (relative: string) => boolean } = {}): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (relative: string): void => {
    const absolute = path.join(dir, relative);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(absolute);
    } catch {
      return;
    }
    if (relative && options.skip?.(relative)) return;
    if (stat.isSymbolicLink()) out.set(relative, `link:${fs.readlinkSync(absolute)}`);
    else if (stat.isDirectory()) {
      out.set(relative || '.', `dir:${(stat.mode & 0o7777).toString(8)}`);
      for (const name of fs.readdirSync(absolute).sort()) walk(relative ? `${relative}/${name}` : name);
    } else if (!stat.isFile()) out.set(relative, `special:${stat.mode.toString(8)}`);
    else out.set(relative, `file:${(stat.mode & 0o7777).toString(8)}:${createHash('sha256').update(fs.readFileSync(absolute)).digest('hex')}`);
  };
  walk('');
  return out;
}

/** What differs between two snapshots, readable in a failure message. */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) out.push(`${before.has(p) ? 'changed' : 'created'}: ${p}`);
  for (const p of before.keys()) if (!after.has(p)) out.push(`deleted: ${p}`);
  return out;
}

/** Every secret value the fixture holds, and the key set in the parent's environment. */
export const ALL_SECRET_VALUES: readonly string[] = [...Object.values(SECRETS), PARENT_API_KEY, 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'];

/**
 * Whether real bwrap works here. When it does not: a loud banner, and with CI or
 * HOLDFAST_REQUIRE_SANDBOX set the caller fails instead of skipping.
 */
export async function sandboxAvailability(suite: string): Promise<{ available: boolean; mustFail: boolean; reason: string }> {
  const probe = new CommandSandbox({ settings: () => ({ mode: 'auto', network: false, homeMounts: [], environmentAllowList: [] }) });
  const availability: BwrapAvailability = await probe.availability();
  probe.dispose();
  if (availability.ok) return { available: true, mustFail: false, reason: '' };
  const mustFail = Boolean(process.env['CI'] || process.env['HOLDFAST_REQUIRE_SANDBOX']);
  const line = '!'.repeat(100);
  console.error(
    `\n${line}\n!! ${suite}: NO SANDBOX — ${availability.reason}\n!! The tests that run hostile commands inside bubblewrap are ${mustFail ? 'FAILING (CI / HOLDFAST_REQUIRE_SANDBOX is set)' : 'SKIPPED'}.\n!! Install bubblewrap (Debian/Ubuntu: apt install bubblewrap) to run them.\n${line}\n`,
  );
  return { available: false, mustFail, reason: availability.reason };
}
