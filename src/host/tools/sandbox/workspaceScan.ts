/**
 * What inside the workspace folders must stay read-only or hidden in the sandbox, found on disk just
 * before each command (files come and go): protected paths (they grant execution or trust: .git,
 * .vscode, node_modules/.bin, …), secret files and folders (.env, *.pem, .aws, …), and git configs
 * that hold a credential (shown redacted). A bounded, breadth-first walk: the top levels, where nearly
 * all of these live, are always seen; a huge tree is cut off after `maxEntries` and the result says so.
 */
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { globToRegExp } from '../../../tools/policy/glob';
import { PROTECTED_PATHS } from '../../../tools/policy/protectedFiles';
import { SECRET_FILE_PATTERNS, SECRET_PATH_PATTERNS } from '../../../tools/policy/secretFiles';
import { gitConfigsWithCredentials, gitDirsBehind, type RedactedFile } from './gitDirs';

/**
 * Besides the policy's PROTECTED_PATHS (every write to them asks): protected at the root of a workspace
 * folder (where VS Code, CI and hooks managers read them); globs.
 */
const PROTECTED_AT_ROOT: readonly string[] = [
  '.vscode',
  '.github/workflows',
  '.husky',
  '.devcontainer',
  '.holdfastignore',
  '.pre-commit-config.yaml',
  '.yarnrc',
  '.yarnrc.yml',
  '.cargo',
  '*.code-workspace',
];
/** Protected at any depth (nested repositories and packages, direnv in any folder). */
const PROTECTED_ANYWHERE: readonly string[] = ['.git', '.envrc', 'node_modules/.bin'];

/** Secret file names beyond the policy's SECRET_FILE_PATTERNS (case-insensitive, the file's own name). */
const MORE_SECRET_FILES: readonly string[] = ['.envrc', 'credentials', 'credentials.toml'];
/**
 * Folders hidden whole. The policy's name patterns judge files only here: hiding every FOLDER a pattern
 * matches (`id_*` matches `id_generators/`) would break builds for nothing a file rule does not cover.
 */
const SECRET_DIRS: readonly string[] = ['.ssh', '.aws', '.gnupg', '.docker', '.kube', '.azure', 'gcloud'];
/** The policy's secret paths, but for git configs: git needs them, so they are shown redacted instead. */
const SECRET_PATHS = SECRET_PATH_PATTERNS.filter((glob) => !glob.endsWith('.git/config'));

/** Many globs as one expression: each walked entry is tested once per list, not once per glob. */
function anyOf(globs: readonly string[], caseInsensitive = false): RegExp {
  const parts = globs.map((glob) => globToRegExp(glob, { caseInsensitive }));
  return new RegExp(parts.map((re) => `(?:${re.source})`).join('|'), caseInsensitive ? 'i' : '');
}
const SECRET_NAME = anyOf([...SECRET_FILE_PATTERNS, ...MORE_SECRET_FILES], true);
const SECRET_PATH = anyOf(SECRET_PATHS, true);
const PROTECTED_ROOT = anyOf(PROTECTED_AT_ROOT);
const PROTECTED = anyOf(PROTECTED_PATHS);

/** Never descended into: too big, or already covered whole. */
const SKIP_DESCENT = new Set(['node_modules', '.git']);

export interface WorkspaceScan {
  readOnly: string[];
  hiddenFiles: string[];
  hiddenDirs: string[];
  /** Git configs with a credential, and the redacted copy the sandbox shows. */
  redacted: RedactedFile[];
  /** The walk stopped at its bound: deeper secret files may be visible. */
  truncated: boolean;
}

export interface ScanOptions {
  maxEntries?: number;
}

type EntryKind = 'file' | 'dir' | 'link';
type Found = 'protected' | 'secretFile' | 'secretDir' | undefined;

/** `folders` are real paths (the sandbox mounts real paths). */
export async function scanWorkspace(folders: readonly string[], options: ScanOptions = {}): Promise<WorkspaceScan> {
  const found = { readOnly: [] as string[], hidden: [] as string[], truncated: false };
  let budget = options.maxEntries ?? 20_000;
  for (const folder of folders) {
    const queue: string[] = [''];
    while (queue.length > 0 && !found.truncated) {
      const relative = queue.shift()!;
      for (const entry of await entriesOf(path.join(folder, relative))) {
        if (--budget < 0) {
          found.truncated = true;
          break;
        }
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        const kind: EntryKind = entry.isSymbolicLink() ? 'link' : entry.isDirectory() ? 'dir' : 'file';
        const verdict = classify(child, kind);
        if (verdict === 'protected') found.readOnly.push(path.join(folder, child));
        else if (verdict) found.hidden.push(path.join(folder, child));
        // Into protected folders too (a key inside .vscode/ is still a key), not into hidden ones.
        if (verdict !== 'secretDir' && kind === 'dir' && !SKIP_DESCENT.has(entry.name)) queue.push(child);
        if (entry.name === 'node_modules' && kind === 'dir') found.readOnly.push(path.join(folder, child, '.bin'));
      }
    }
  }
  const gitDirs = await gitDirsBehind(found.readOnly.filter((p) => path.basename(p) === '.git'));
  return {
    ...(await resolveMounts([...found.readOnly, ...gitDirs], found.hidden, folders)),
    redacted: await gitConfigsWithCredentials(gitDirs),
    truncated: found.truncated,
  };
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function classify(relative: string, kind: EntryKind): Found {
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  // A secret file is hidden (an empty read-only file), which also keeps it from being written.
  if (kind !== 'dir' && (SECRET_NAME.test(name) || SECRET_PATH.test(relative))) return 'secretFile';
  if (PROTECTED_ANYWHERE.includes(name) || PROTECTED_ROOT.test(relative)) return 'protected';
  // A folder is protected when the policy protects what is inside it (`.husky/**`).
  if (PROTECTED.test(relative) || (kind !== 'file' && PROTECTED.test(`${relative}/x`))) return 'protected';
  return kind !== 'file' && SECRET_DIRS.includes(name.toLowerCase()) ? 'secretDir' : undefined;
}

/**
 * The walk's names as mount targets: real paths (bwrap would follow a symlink anyway), missing ones
 * dropped (bwrap fails on them). A protected path that resolves outside the workspace is read-only
 * already; a secret that resolves anywhere is hidden where it really is, as a file or as a folder.
 */
async function resolveMounts(readOnly: readonly string[], hidden: readonly string[], folders: readonly string[]): Promise<Omit<WorkspaceScan, 'redacted' | 'truncated'>> {
  const inside = (p: string): boolean => folders.some((folder) => p === folder || p.startsWith(`${folder}/`));
  const out = { readOnly: new Set<string>(), hiddenFiles: new Set<string>(), hiddenDirs: new Set<string>() };
  for (const candidate of readOnly) {
    const real = await fs.realpath(candidate).catch(() => undefined);
    if (real && inside(real)) out.readOnly.add(real);
  }
  for (const candidate of hidden) {
    const real = await fs.realpath(candidate).catch(() => undefined);
    const stat = real ? await fs.stat(real).catch(() => undefined) : undefined;
    if (stat?.isDirectory()) out.hiddenDirs.add(real!);
    else if (stat) out.hiddenFiles.add(real!);
  }
  // A path inside a read-only folder is read-only already: one mount for the folder is enough.
  const within = (p: string, set: Set<string>): boolean => [...set].some((q) => p.startsWith(`${q}/`));
  return { readOnly: [...out.readOnly].filter((p) => !within(p, out.readOnly)), hiddenFiles: [...out.hiddenFiles], hiddenDirs: [...out.hiddenDirs] };
}
