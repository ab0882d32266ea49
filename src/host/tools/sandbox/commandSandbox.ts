/**
 * The OS sandbox `run_command` runs in on Linux (bubblewrap), without `vscode` so it is tested in
 * Node against the real bwrap. It answers two questions:
 * - `status()`: can commands be sandboxed here? bwrap must be on PATH AND able to create its
 *   namespaces (a probe runs the real sandbox once; AppArmor, seccomp'd containers or a kernel without
 *   user namespaces make it fail) — cached for the process; the settings decide the rest;
 * - `prepare()`: the bwrap launch for one command: its plan (see bwrapArgs.ts) from the workspace as it
 *   is on disk now, the scrubbed environment, the seccomp filter, and the report of what it could touch.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationToken } from '../../../common/cancellation';
import { Emitter, type Event } from '../../../common/event';
import type { SandboxReport, SandboxStatus } from '../../../tools/ports';
import { runShellProcess, type SandboxLaunch } from '../processRunner';
import { bwrapArgs, type SandboxPlan } from './bwrapArgs';
import { scrubEnvironment } from './environment';
import { existingRealPaths, homeMountCandidates } from './homeMounts';
import { seccompFilter } from './seccomp';
import { scanWorkspace, type WorkspaceScan } from './workspaceScan';

export type SandboxMode = 'auto' | 'required' | 'off';

export interface SandboxSettings {
  mode: SandboxMode;
  network: boolean;
  /** Paths under $HOME mapped read-only (user settings only). */
  homeMounts: readonly string[];
  /** Environment variable names (or `PREFIX*`) kept although they look like credentials (user settings only). */
  environmentAllowList: readonly string[];
}

export type BwrapAvailability = { ok: true; bwrap: string; disableUserns: boolean } | { ok: false; reason: string };

export interface PreparedCommand {
  /** The workspace folders (real paths) and the protected paths in them before the run. */
  folders: readonly string[];
  protectedBefore: readonly string[];
  launch: SandboxLaunch;
  /** The environment for the bwrap process itself: the same scrubbed one (its pid 1 keeps it in /proc/1/environ). */
  env: Record<string, string>;
  report: Extract<SandboxReport, { sandboxed: true }>;
}

export interface CommandSandboxOptions {
  settings: () => SandboxSettings;
  env?: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  home?: string;
}

/** One probe per process (and PATH and home): bwrap does not appear or break while VS Code runs. */
const probes = new Map<string, Promise<BwrapAvailability>>();

export class CommandSandbox {
  private lastStatus: SandboxStatus | undefined;
  /** A private folder on the host for the empty file and the redacted copies bound into sandboxes. */
  private scratchDir: string | undefined;
  private homeScan: { key: string; at: number; scan: WorkspaceScan } | undefined;
  private readonly statusChanged = new Emitter<SandboxStatus>();
  /** Fires when the status changes (first probe, a settings change seen at the next command). */
  readonly onDidChangeStatus: Event<SandboxStatus> = this.statusChanged.event;

  constructor(private readonly options: CommandSandboxOptions) {}

  private get env(): Readonly<Record<string, string | undefined>> {
    return this.options.env ?? process.env;
  }

  private get home(): string {
    return this.options.home ?? os.homedir();
  }

  /** Whether a working bwrap is here; probed once. */
  availability(): Promise<BwrapAvailability> {
    const key = [this.options.platform ?? process.platform, this.env['PATH'] ?? '', this.home].join('\0');
    let probe = probes.get(key);
    if (!probe) probes.set(key, (probe = this.probe()));
    return probe;
  }

  async status(): Promise<SandboxStatus> {
    const settings = this.options.settings();
    let status: SandboxStatus;
    if (settings.mode === 'off') status = { kind: 'off' };
    else {
      const available = await this.availability();
      status = available.ok ? { kind: 'available', network: settings.network } : { kind: 'unavailable', reason: available.reason, required: settings.mode === 'required' };
    }
    if (JSON.stringify(status) !== JSON.stringify(this.lastStatus)) {
      this.lastStatus = status;
      this.statusChanged.fire(status);
    }
    return status;
  }

  /** The last status `status()` computed (undefined before the first command). */
  get currentStatus(): SandboxStatus | undefined {
    return this.lastStatus;
  }

  /** The environment of an unsandboxed command: scrubbed all the same. */
  scrubbedEnvironment(): Record<string, string> {
    return scrubEnvironment(this.env, this.options.settings().environmentAllowList).kept;
  }

  /** The launch of one command in the sandbox. `folders` are the workspace folders, `cwd` inside one. */
  async prepare(folders: readonly string[], cwd: string, network: boolean): Promise<PreparedCommand> {
    const available = await this.availability();
    if (!available.ok) throw new Error(`No sandbox: ${available.reason}`);
    const settings = this.options.settings();
    const plan = await this.plan(folders, cwd, network, settings, available.disableUserns);
    const seccomp = seccompFilter();
    const report: PreparedCommand['report'] = {
      sandboxed: true,
      writable: plan.writable,
      network,
      readOnly: plan.readOnly,
      hidden: plan.hiddenFiles.length + plan.hiddenDirs.length,
      notes: [
        ...(plan.truncated ? ['the workspace is too large to search fully for secret files; deeper ones may be readable'] : []),
        ...(seccomp ? [] : [`Unix sockets are not blocked on ${process.arch}`]),
      ],
    };
    return {
      folders: plan.writable,
      protectedBefore: plan.readOnly,
      launch: { file: available.bwrap, args: bwrapArgs({ ...plan, seccompOnFd3: seccomp !== undefined }), fd3: seccomp },
      env: { ...plan.env },
      report,
    };
  }

  /** Protected paths a finished run created (they were not there when it was prepared). */
  async createdProtectedPaths(prepared: PreparedCommand): Promise<string[]> {
    const before = prepared.protectedBefore;
    const covered = (p: string): boolean => before.some((q) => p === q || p.startsWith(`${q}/`));
    return (await scanWorkspace(prepared.folders)).readOnly.filter((p) => !covered(p));
  }

  private async plan(folders: readonly string[], cwd: string, network: boolean, settings: SandboxSettings, disableUserns: boolean): Promise<SandboxPlan & { truncated: boolean }> {
    const writable = await existingReal(folders);
    // A user without a home folder gets /tmp's scratch space as $HOME.
    const home = (await existingReal([this.home]))[0] ?? '/tmp';
    const scan = await scanWorkspace(writable);
    const homeMounts = await existingRealPaths(home, homeMountCandidates(home, this.env['PATH'] ?? '', settings.homeMounts));
    const homeSecrets = await this.homeSecrets(homeMounts);
    const env = scrubEnvironment(this.env, settings.environmentAllowList).kept;
    return {
      writable,
      cwd: fs.realpathSync.native(cwd),
      home,
      scratch: existingDirs(['/tmp', '/var/tmp', this.env['XDG_RUNTIME_DIR'] ?? '']),
      homeMounts,
      readOnly: scan.readOnly,
      hiddenFiles: [...scan.hiddenFiles, ...homeSecrets.hiddenFiles],
      hiddenDirs: [...scan.hiddenDirs, ...homeSecrets.hiddenDirs],
      emptyFile: this.hostFile('empty', ''),
      replaced: scan.redacted.map((file) => ({ source: this.hostFile(`redacted-${hash(file.path + file.text)}`, file.text), target: file.path })),
      network,
      // The workspace is a mount of its own: without this, git stops there and misses a repository above it.
      env: { ...env, HOME: home, TMPDIR: '/tmp', HOLDFAST_SANDBOX: '1', GIT_DISCOVERY_ACROSS_FILESYSTEM: '1' },
      seccompOnFd3: true,
      disableUserns,
      truncated: scan.truncated,
    };
  }

  /**
   * Secrets inside what is mapped from $HOME (~/.cargo/credentials.toml, or ~/.ssh if all of ~ is
   * mapped). Toolchain folders are big and change rarely: the scan is reused for a minute.
   */
  private async homeSecrets(homeMounts: readonly string[]): Promise<WorkspaceScan> {
    const key = homeMounts.join('\0');
    const now = Date.now();
    if (this.homeScan?.key === key && now - this.homeScan.at < 60_000) return this.homeScan.scan;
    const scan = await scanWorkspace(homeMounts, { maxEntries: 2_000 });
    this.homeScan = { key, at: now, scan };
    return scan;
  }

  /** A read-only file with `text` in the private folder (created once; again if a tmp cleaner removed it). */
  private hostFile(name: string, text: string): string {
    if (!this.scratchDir || !fs.existsSync(this.scratchDir)) this.scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-sandbox-'));
    const file = path.join(this.scratchDir, name);
    if (!fs.existsSync(file)) fs.writeFileSync(file, text, { mode: 0o444 });
    return file;
  }

  private async probe(): Promise<BwrapAvailability> {
    const platform = this.options.platform ?? process.platform;
    if (platform !== 'linux') return { ok: false, reason: `there is no sandbox on ${platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform}` };
    const bwrap = findOnPath('bwrap', this.env['PATH'] ?? '');
    if (!bwrap) return { ok: false, reason: 'bubblewrap (bwrap) is not installed; on Debian/Ubuntu: sudo apt install bubblewrap' };
    const first = await this.tryRun(bwrap, true);
    if (first === undefined) return { ok: true, bwrap, disableUserns: true };
    // bwrap before 0.8 does not know --disable-userns: the rest of the sandbox still holds.
    if (/disable-userns/.test(first) && (await this.tryRun(bwrap, false)) === undefined) return { ok: true, bwrap, disableUserns: false };
    return { ok: false, reason: `bwrap cannot create its sandbox here: ${first}` };
  }

  /** Runs `true` in a sandbox around a scratch folder; undefined when it worked, else bwrap's complaint. */
  private async tryRun(bwrap: string, disableUserns: boolean): Promise<string | undefined> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-probe-'));
    try {
      const plan = await this.plan([scratch], scratch, false, { mode: 'auto', network: false, homeMounts: [], environmentAllowList: [] }, disableUserns);
      const seccomp = seccompFilter();
      const result = await runShellProcess('echo sandbox-ok', {
        cwd: scratch,
        timeoutMs: 15_000,
        token: CancellationToken.None,
        maxOutputBytes: 4096,
        env: plan.env,
        sandbox: { file: bwrap, args: bwrapArgs({ ...plan, seccompOnFd3: seccomp !== undefined }), fd3: seccomp },
      });
      if (result.exitCode === 0 && result.output.trim() === 'sandbox-ok') return undefined;
      return result.output.trim().split('\n')[0] || `exit code ${result.exitCode ?? 'none'}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  dispose(): void {
    this.statusChanged.dispose();
    if (this.scratchDir) fs.rmSync(this.scratchDir, { recursive: true, force: true });
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function findOnPath(name: string, pathEnv: string): string | undefined {
  for (const dir of [...pathEnv.split(':').filter(Boolean), '/usr/bin', '/bin']) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function existingReal(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of paths) {
    try {
      found.push(await fs.promises.realpath(p));
    } catch {
      // A folder that vanished has nothing to mount.
    }
  }
  return [...new Set(found)];
}

function existingDirs(paths: readonly string[]): string[] {
  return paths.filter((p) => {
    try {
      return p !== '' && fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
}
