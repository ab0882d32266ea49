/**
 * The one path policy every tool goes through. It decides, in code and never on the model's word:
 * - the path resolves inside a workspace folder (no `..`, no `~`, no absolute path elsewhere),
 * - it does not reach outside through a symlink (checked on the real path the port reports),
 * - it is not a secret-looking file (built-in patterns, the folder's `.holdfastignore`) unless the
 *   user allowed it in settings,
 * - writes never touch files that would widen the agent's own permissions or run code later
 *   (`.holdfastignore`, `.vscode/`, `*.code-workspace`, `.git/`).
 * Every refusal is a ToolError whose message tells the model what to do instead.
 */
import type { ToolSettings, Workspace, WorkspaceFolder } from '../ports';
import { refused, ToolError } from '../toolError';
import { matchesGlob } from './glob';
import { IgnoreRules } from './ignoreRules';
import { basename, isInside, joinPath, relativeTo } from './paths';
import { protectedPathRule } from './protectedFiles';
import { secretPatternOf } from './secretFiles';
import { listingOf } from './workspaceListing';

export { SECRET_FILE_PATTERNS } from './secretFiles';
export { PROTECTED_PATHS } from './protectedFiles';

export type PathPurpose = 'read' | 'write' | 'cwd';

export interface ResolvedPath {
  /** Absolute path (lexical; symlinks not resolved) inside `folder`. */
  absolute: string;
  folder: WorkspaceFolder;
  /** Relative to the folder, '' for the folder itself. */
  relative: string;
  /** What the model and the user see: relative, prefixed with the folder name in a multi-root workspace. */
  display: string;
  exists: boolean;
}

/** Files the agent may read but never write: changing them would widen its permissions or run code. */
const WRITE_PROTECTED: readonly string[] = ['.holdfastignore', '.vscode/**', '**/*.code-workspace', '.git/**', '**/.git/**'];

export const HOLDFASTIGNORE = '.holdfastignore';

/** Where an absolute path really is (symlinks followed), for the command policy. */
export type PathPlace =
  | { kind: 'inside'; folder: WorkspaceFolder; relative: string; display: string; exists: boolean }
  | { kind: 'outside'; real: string };

/** Recursive listings stop here; past it the policy cannot check and asks. */
const MAX_LISTED = 20_000;

export class PathPolicy {
  constructor(
    private readonly workspace: Workspace,
    private readonly settings: () => ToolSettings,
  ) {}

  get folders(): readonly WorkspaceFolder[] {
    return this.workspace.folders;
  }

  /** Resolves a path the model gave, or throws a ToolError the model can act on. */
  async resolve(input: string, purpose: PathPurpose): Promise<ResolvedPath> {
    const { folder, relative } = this.locate(input);
    const absolute = joinPath(folder.path, relative);
    const display = this.display(folder, relative);

    const real = await this.realpathOfNearestExisting(absolute);
    const realFolder = await this.folderContainingReal(real.path);
    if (!realFolder) {
      throw refused(
        `Refused: ${display} is (or is inside) a symbolic link that points outside the workspace. Only files inside the workspace folders can be used.`,
      );
    }
    const secretRule = (await this.secretRule(folder, relative)) ?? (await this.secretRule(realFolder.folder, realFolder.relative));
    if (secretRule) {
      throw refused(
        `Refused: ${display} looks like a secret file (${secretRule}). Holdfast does not read or change such files unless the user allows them in the setting holdfast.allowedSecretFiles. Do not try to reach it another way; ask the user if you need a value from it.`,
      );
    }
    if (purpose === 'write') {
      const protectedRule = [relative, realFolder.relative].map((p) => WRITE_PROTECTED.find((g) => matchesGlob(p, g))).find(Boolean);
      if (protectedRule) {
        throw refused(
          `Refused: ${display} configures Holdfast, VS Code or git (${protectedRule}); the agent may not change it. Tell the user what change you suggest instead.`,
        );
      }
    }
    return { absolute, folder, relative, display, exists: real.exact };
  }

  /**
   * For paths the host produced (list and search results): the display path if the file may be shown
   * to the model, undefined if policy hides it (outside, escaping symlink, secret).
   */
  async admitExisting(absolutePath: string): Promise<string | undefined> {
    const folder = this.folderOf(absolutePath);
    if (!folder) return undefined;
    try {
      const resolved = await this.resolve(absolutePath, 'read');
      return resolved.display;
    } catch (error) {
      if (error instanceof ToolError) return undefined;
      throw error;
    }
  }

  /** Relative display form of an absolute path inside the workspace (for messages), else the path itself. */
  displayOf(absolutePath: string): string {
    const folder = this.folderOf(absolutePath);
    return folder ? this.display(folder, relativeTo(absolutePath, folder.path)) : absolutePath;
  }

  /** Whether a workspace-relative path is secret-looking (used by the command policy for arguments). */
  async isSecretPath(input: string): Promise<string | undefined> {
    try {
      const { folder, relative } = this.locate(input);
      return await this.secretRule(folder, relative);
    } catch {
      return undefined;
    }
  }

  /** `absolute` with every symlink of its nearest existing ancestor resolved. */
  async realPath(absolute: string): Promise<string> {
    return (await this.realpathOfNearestExisting(absolute)).path;
  }

  /** Where `absolute` (already normalised) lands once symlinks are followed: in a folder, or outside. */
  async place(absolute: string): Promise<PathPlace> {
    const real = await this.realpathOfNearestExisting(absolute);
    const inside = await this.folderContainingReal(real.path);
    if (!inside) return { kind: 'outside', real: real.path };
    return { kind: 'inside', folder: inside.folder, relative: inside.relative, display: this.display(inside.folder, inside.relative), exists: real.exact };
  }

  /** The secret rule a folder-relative path falls under (patterns, .holdfastignore, minus allowedSecretFiles). */
  async secretRuleOf(folder: WorkspaceFolder, relative: string): Promise<string | undefined> {
    return this.secretRule(folder, relative);
  }

  /**
   * The first secret-looking file under a folder-relative directory, `undefined` if none, or 'unknown'
   * when the files cannot all be listed (no listing on this host, or too many files).
   */
  async secretUnder(folder: WorkspaceFolder, relative: string, honourIgnoreFiles: boolean): Promise<string | undefined | 'unknown'> {
    const listing = listingOf(this.workspace);
    if (!listing) return 'unknown';
    const files = await listing.listFilesUnder(joinPath(folder.path, relative), { honourIgnoreFiles, maxResults: MAX_LISTED });
    if (!files) return 'unknown';
    const ignore = await this.holdfastIgnore(folder);
    for (const file of files) {
      if (!isInside(file, folder.path)) return file;
      const fileRelative = relativeTo(file, folder.path);
      if (this.secretRuleWith(ignore, fileRelative) && !(await this.harmlessGitConfig(file, fileRelative))) return this.display(folder, fileRelative);
    }
    return undefined;
  }

  /**
   * Every git repository has a `.git/config`, so a recursive read of the workspace would always ask;
   * inside one it counts as a secret only when it holds a credential (a URL with a password, a token
   * header). Read on its own (`cat .git/config`, read_file) it is refused whatever it holds.
   */
  private async harmlessGitConfig(absolute: string, relative: string): Promise<boolean> {
    if (!/(^|\/)\.git\/config$/.test(relative) || secretPatternOf(relative.replace(/\.git\/config$/, 'x')) !== undefined) return false;
    try {
      return !/:\/\/[^\s/@:]+:[^\s/@]+@|extraheader|token|password|secret/i.test(await this.workspace.readFile(absolute));
    } catch {
      return false;
    }
  }

  /** Every file under a folder-relative directory (ignored and hidden ones too), or undefined if it cannot be listed. */
  async filesUnder(folder: WorkspaceFolder, relative: string): Promise<string[] | undefined> {
    return listingOf(this.workspace)?.listFilesUnder(joinPath(folder.path, relative), { honourIgnoreFiles: false, maxResults: MAX_LISTED });
  }

  /**
   * Why writing this folder-relative path could run code later (protected files, or the pieces of a
   * git directory: a `HEAD`, or a `config` beside one), or undefined.
   */
  async protectedWriteRule(folder: WorkspaceFolder, relative: string): Promise<string | undefined> {
    return protectedPathRule(relative) ?? (await this.gitDirectoryRule(folder, relative));
  }

  /** Why writing this path could make a git directory (whose config git would then obey), or undefined. */
  async gitDirectoryRule(folder: WorkspaceFolder, relative: string): Promise<string | undefined> {
    const name = basename(relative);
    if (name === 'HEAD') return 'a HEAD file makes its folder a git directory';
    const directory = relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '';
    if (['config', 'commondir', 'gitdir'].includes(name) && (await this.workspace.stat(joinPath(folder.path, directory ? `${directory}/HEAD` : 'HEAD')))) {
      return 'the configuration of a git directory';
    }
    return undefined;
  }

  /** Lexical resolution only: which folder and relative path `input` names. Throws refusals. */
  locate(input: string): { folder: WorkspaceFolder; relative: string } {
    const folders = this.workspace.folders;
    if (folders.length === 0) throw new ToolError('No workspace folder is open, so no files can be used.');
    let path = input.trim();
    if (path === '') throw new ToolError('The path is empty. Give a path relative to the workspace root, e.g. src/index.ts.');
    if (path.includes('\0')) throw refused('Refused: the path contains a NUL character.');
    path = path.replace(/\\/g, '/');
    if (path.startsWith('file://')) path = decodeURIComponent(path.slice('file://'.length));
    if (/^[A-Za-z]:\//.test(path)) path = `/${path[0]!.toLowerCase()}${path.slice(1)}`;
    if (path === '~' || path.startsWith('~/') || /^~[^/]*\//.test(path)) {
      throw refused(`Refused: ${input} is in a home directory, outside the workspace. Use paths relative to the workspace root.`);
    }
    const segments = path.split('/');
    if (segments.includes('..')) {
      throw refused(`Refused: ${input} contains '..'. Paths must stay inside the workspace; give the path relative to the workspace root without '..'.`);
    }
    const clean = segments.filter((s) => s !== '' && s !== '.').join('/');

    if (path.startsWith('/')) {
      const absolute = `/${clean}`;
      const folder = this.folderOf(absolute);
      if (!folder) {
        throw refused(
          `Refused: ${input} is outside the workspace. Only paths inside ${folders.map((f) => f.name).join(', ')} can be used; give them relative to the workspace root.`,
        );
      }
      return { folder, relative: relativeTo(absolute, folder.path) };
    }
    if (folders.length > 1) {
      const [first, ...rest] = clean.split('/');
      const named = folders.find((f) => f.name === first);
      if (named) return { folder: named, relative: rest.join('/') };
    }
    return { folder: folders[0]!, relative: clean };
  }

  private folderOf(absolute: string): WorkspaceFolder | undefined {
    // The longest match wins, for folders nested inside other folders.
    let best: WorkspaceFolder | undefined;
    for (const folder of this.workspace.folders) {
      if (isInside(absolute, folder.path) && (!best || folder.path.length > best.path.length)) best = folder;
    }
    return best;
  }

  private display(folder: WorkspaceFolder, relative: string): string {
    const shown = relative === '' ? '.' : relative;
    return this.workspace.folders.length > 1 ? `${folder.name}/${relative}` : shown;
  }

  private async realpathOfNearestExisting(absolute: string): Promise<{ path: string; exact: boolean }> {
    // For a file that does not exist yet (creation), the nearest existing ancestor decides.
    const suffix: string[] = [];
    let current = absolute;
    for (;;) {
      try {
        const real = await this.workspace.realpath(current);
        return { path: suffix.length ? joinPath(real, suffix.reverse().join('/')) : real, exact: suffix.length === 0 };
      } catch {
        const index = current.lastIndexOf('/');
        if (index <= 0) return { path: absolute, exact: false };
        suffix.push(current.slice(index + 1));
        current = current.slice(0, index);
      }
    }
  }

  private async folderContainingReal(realPath: string): Promise<{ folder: WorkspaceFolder; relative: string } | undefined> {
    for (const folder of this.workspace.folders) {
      let realRoot = folder.path;
      try {
        realRoot = await this.workspace.realpath(folder.path);
      } catch {
        // A folder that vanished still bounds the lexical path.
      }
      if (isInside(realPath, realRoot)) return { folder, relative: relativeTo(realPath, realRoot) };
    }
    return undefined;
  }

  private async secretRule(folder: WorkspaceFolder, relative: string): Promise<string | undefined> {
    if (relative === '') return undefined;
    return this.secretRuleWith(await this.holdfastIgnore(folder), relative);
  }

  private secretRuleWith(ignore: IgnoreRules, relative: string): string | undefined {
    const settings = this.settings();
    if (settings.allowedSecretFiles.some((glob) => matchesGlob(relative, glob) || matchesGlob(basename(relative), glob))) return undefined;
    const pattern = secretPatternOf(relative);
    if (pattern) return pattern;
    const rule = ignore.match(relative);
    return rule === undefined ? undefined : `${HOLDFASTIGNORE}: ${rule}`;
  }

  private async holdfastIgnore(folder: WorkspaceFolder): Promise<IgnoreRules> {
    // Read on every check: the user may edit it at any time, and a stale cache would be a hole.
    try {
      return IgnoreRules.parse(await this.workspace.readFile(joinPath(folder.path, HOLDFASTIGNORE)));
    } catch {
      return IgnoreRules.empty;
    }
  }
}
