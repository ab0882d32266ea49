/**
 * The bubblewrap command line for one sandboxed command, built from a plan and nothing else (pure, so
 * every rule is a unit test). What the sandbox looks like from inside:
 * - the whole file system read-only (`--ro-bind / /`), with a fresh /dev, a /proc of its own PID
 *   namespace, and private, empty /tmp, /var/tmp, $XDG_RUNTIME_DIR and $HOME (tmpfs);
 * - the paths the user mapped from $HOME, read-only;
 * - the workspace folders read-write, then, on top of them, the protected paths read-only again, the
 *   secret files (an empty read-only file) and secret folders (an empty read-only tmpfs) hidden, and
 *   git configs holding a credential replaced by a redacted copy;
 * - no network (`--unshare-net`) unless granted; its own IPC, UTS and user namespaces; no
 *   capabilities (root included: bwrap keeps them for uid 0 unless told); no nested user namespaces
 *   (they could re-mount what the sandbox hides); killed with its parent; a new session (no TIOCSTI
 *   into a terminal);
 * - only the scrubbed environment (`--clearenv` + `--setenv`);
 * - a seccomp filter on fd 3 (no AF_UNIX sockets: a read-only mount does not stop connect() to a
 *   socket such as docker.sock; no io_uring; no kernel keyrings).
 * Order matters to bwrap: later mounts cover earlier ones, so each layer comes after what it covers.
 */

export interface SandboxPlan {
  /** Workspace folders (real paths), mounted read-write. */
  writable: readonly string[];
  /** The command's working directory (a real path inside `writable`). */
  cwd: string;
  /** $HOME (real path): replaced by an empty tmpfs. */
  home: string;
  /** Existing directories replaced by an empty tmpfs besides $HOME (/tmp, /var/tmp, $XDG_RUNTIME_DIR). */
  scratch: readonly string[];
  /** Existing paths under $HOME mapped back read-only (the user's `holdfast.sandbox.homeMounts`, toolchains on PATH). */
  homeMounts: readonly string[];
  /** Existing paths inside the workspace re-bound read-only (.git, .vscode, node_modules/.bin, …). */
  readOnly: readonly string[];
  /** Existing secret files inside the workspace, covered by `emptyFile`. */
  hiddenFiles: readonly string[];
  /** Existing secret folders inside the workspace, covered by an empty read-only tmpfs. */
  hiddenDirs: readonly string[];
  /** An empty, read-only regular file on the host to bind over secret files (reads empty, writes fail). */
  emptyFile: string;
  /** Files shown as another file's content, read-only (git configs without their credentials). */
  replaced: ReadonlyArray<{ source: string; target: string }>;
  network: boolean;
  /** The complete environment of the command (already scrubbed). */
  env: Readonly<Record<string, string>>;
  /** Pass `--seccomp 3` (the caller writes the filter to fd 3). */
  seccompOnFd3: boolean;
  /** bwrap ≥ 0.8 knows `--disable-userns`; older ones refuse the flag. */
  disableUserns: boolean;
}

export function bwrapArgs(plan: SandboxPlan): string[] {
  const args: string[] = ['--unshare-user'];
  if (plan.disableUserns) args.push('--disable-userns');
  args.push('--cap-drop', 'ALL', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try');
  if (!plan.network) args.push('--unshare-net');
  args.push('--die-with-parent', '--new-session');

  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  for (const mount of mountsInOrder(plan)) args.push(...mount.args);

  args.push('--chdir', plan.cwd, '--clearenv');
  for (const [name, value] of Object.entries(plan.env)) args.push('--setenv', name, value);
  if (plan.seccompOnFd3) args.push('--seccomp', '3');
  return args;
}

interface Mount {
  path: string;
  args: string[];
}

/**
 * Every mount over `/`, deeper paths after shallower ones (the deeper stays visible: the workspace in a
 * hidden $HOME, .git in the workspace, and $HOME hidden again when the workspace is `/home`), and at
 * one depth in the order of the layers.
 */
function mountsInOrder(plan: SandboxPlan): Mount[] {
  const layers: Mount[][] = [
    unique([...plan.scratch, plan.home]).map((dir) => ({ path: dir, args: ['--tmpfs', dir] })),
    plan.homeMounts.map((path) => ({ path, args: ['--ro-bind', path, path] })),
    plan.writable.map((folder) => ({ path: folder, args: ['--bind', folder, folder] })),
    plan.readOnly.map((path) => ({ path, args: ['--ro-bind', path, path] })),
    plan.hiddenFiles.map((path) => ({ path, args: ['--ro-bind', plan.emptyFile, path] })),
    plan.hiddenDirs.map((dir) => ({ path: dir, args: ['--tmpfs', dir, '--remount-ro', dir] })),
    plan.replaced.map(({ source, target }) => ({ path: target, args: ['--ro-bind', source, target] })),
  ];
  const depth = (path: string): number => path.split('/').filter(Boolean).length;
  // Array.prototype.sort is stable: at equal depth the layer order above holds.
  return layers.flat().sort((a, b) => depth(a.path) - depth(b.path));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
