/**
 * An in-memory `Workspace` for tests: files, directories and symlinks (which may point outside the
 * workspace, to exercise the escape checks), glob listing with an exclude list standing in for
 * `.gitignore` / `files.exclude`, plain and regex search, and all-or-nothing edit batches with a
 * counter of applied batches (each is "one undo" in VS Code). Like the VS Code host it also lists
 * every file under a directory for the command policy (`WorkspaceListing`); ripgrep's default view
 * there skips hidden files and the excluded ones.
 */
import type { CancellationToken } from '../../src/common/cancellation';
import { globForFolder, matchesGlob } from '../../src/tools/policy/glob';
import { isInside, joinPath, relativeTo } from '../../src/tools/policy/paths';
import type { ListUnderOptions, WorkspaceListing } from '../../src/tools/policy/workspaceListing';
import type {
  ApplyEditResult,
  FileChange,
  FileStat,
  FindFilesQuery,
  TextSearchMatch,
  TextSearchQuery,
  Workspace,
  WorkspaceFolder,
} from '../../src/tools/ports';

type Node = { kind: 'file'; text: string; mtime: number } | { kind: 'dir' } | { kind: 'symlink'; target: string };

export class MemoryWorkspace implements Workspace, WorkspaceListing {
  readonly folders: WorkspaceFolder[];
  private readonly nodes = new Map<string, Node>();
  /** Globs (folder-relative) hidden from findFiles/searchText, like `.gitignore` and `files.exclude`. */
  excludes: string[] = ['**/node_modules/**', '**/.git/**'];
  /** Every batch applyEdit accepted, in order. */
  readonly appliedBatches: FileChange[][] = [];
  /** Set to make the next applyEdit fail with this reason. */
  failNextEdit: string | undefined;
  private tick = 1;

  constructor(folders: Array<string | WorkspaceFolder> = ['/ws']) {
    this.folders = folders.map((f) => (typeof f === 'string' ? { name: f.slice(f.lastIndexOf('/') + 1), path: f } : f));
    for (const folder of this.folders) this.mkdirp(folder.path);
  }

  /** Writes a file (creating parent directories); `path` absolute or relative to the first folder. */
  write(path: string, text: string): this {
    const absolute = this.absolute(path);
    this.mkdirp(absolute.slice(0, absolute.lastIndexOf('/')) || '/');
    this.nodes.set(absolute, { kind: 'file', text, mtime: this.tick++ });
    return this;
  }

  symlink(path: string, target: string): this {
    const absolute = this.absolute(path);
    this.mkdirp(absolute.slice(0, absolute.lastIndexOf('/')) || '/');
    this.nodes.set(absolute, { kind: 'symlink', target: this.absolute(target) });
    return this;
  }

  /** Content of a file (following symlinks), undefined if missing. */
  text(path: string): string | undefined {
    const node = this.resolveNode(this.absolute(path));
    return node?.node.kind === 'file' ? node.node.text : undefined;
  }

  /** A snapshot of every file's content, for "the workspace is unchanged" assertions. */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [path, node] of [...this.nodes].sort(([a], [b]) => a.localeCompare(b))) {
      if (node.kind === 'file') out[path] = node.text;
      if (node.kind === 'symlink') out[path] = `-> ${node.target}`;
    }
    return out;
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const found = this.resolveNode(path);
    if (!found) return undefined;
    return found.node.kind === 'file' ? { type: 'file', size: found.node.text.length, mtime: found.node.mtime } : { type: 'directory', size: 0, mtime: 0 };
  }

  async readFile(path: string): Promise<string> {
    const found = this.resolveNode(path);
    if (!found) throw new Error(`ENOENT: ${path}`);
    if (found.node.kind !== 'file') throw new Error(`EISDIR: ${path}`);
    return found.node.text;
  }

  async realpath(path: string): Promise<string> {
    const found = this.resolveNode(path);
    if (!found) throw new Error(`ENOENT: ${path}`);
    return found.real;
  }

  async findFiles(query: FindFilesQuery, _token: CancellationToken): Promise<string[]> {
    const out: string[] = [];
    for (const path of this.filePaths()) {
      const folder = this.folders.find((f) => isInside(path, f.path));
      if (!folder) continue;
      const relative = relativeTo(path, folder.path);
      const include = globForFolder(query.include, folder, this.folders);
      if (include === undefined || this.isExcluded(relative) || !matchesGlob(relative, include)) continue;
      out.push(path);
      if (out.length >= query.maxResults) break;
    }
    return out;
  }

  async listFilesUnder(directory: string, options: ListUnderOptions): Promise<string[] | undefined> {
    const root = this.resolveNode(directory);
    if (!root) return [];
    const out: string[] = [];
    for (const path of this.filePaths()) {
      const real = this.resolveNode(path)!.real;
      if (!isInside(path, directory) && !isInside(real, root.real)) continue;
      const relative = relativeTo(path, directory);
      if (options.honourIgnoreFiles && (this.isExcluded(relative) || relative.split('/').some((s) => s.startsWith('.')))) continue;
      out.push(path);
      if (out.length > options.maxResults) return undefined;
    }
    return out;
  }

  async searchText(query: TextSearchQuery, _token: CancellationToken): Promise<TextSearchMatch[]> {
    const flags = query.caseSensitive ? '' : 'i';
    const regex = new RegExp(query.isRegExp ? query.pattern : query.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
    const out: TextSearchMatch[] = [];
    for (const path of this.filePaths()) {
      const folder = this.folders.find((f) => isInside(path, f.path));
      if (!folder) continue;
      const relative = relativeTo(path, folder.path);
      const include = query.include === undefined ? undefined : globForFolder(query.include, folder, this.folders);
      if (this.isExcluded(relative) || (query.include !== undefined && (include === undefined || !matchesGlob(relative, include)))) continue;
      const text = (await this.readFile(path)).split('\n');
      for (let i = 0; i < text.length; i++) {
        if (regex.test(text[i]!)) out.push({ path, line: i + 1, preview: text[i]! });
        if (out.length >= query.maxResults) return out;
      }
    }
    return out;
  }

  async applyEdit(changes: readonly FileChange[]): Promise<ApplyEditResult> {
    if (this.failNextEdit) {
      const reason = this.failNextEdit;
      this.failNextEdit = undefined;
      return { applied: false, reason };
    }
    // Validate everything first: all or nothing, like a WorkspaceEdit.
    for (const change of changes) {
      const existing = this.resolveNode(change.path);
      if (change.kind === 'create' && existing) return { applied: false, reason: `${change.path} already exists` };
      if (change.kind === 'modify' && (existing?.node.kind !== 'file' || existing.node.text !== change.baseText)) {
        return { applied: false, reason: `${change.path} changed on disk` };
      }
      if (change.kind === 'delete' && !existing) return { applied: false, reason: `${change.path} does not exist` };
    }
    for (const change of changes) {
      if (change.kind === 'create') this.write(change.path, change.text);
      else if (change.kind === 'delete') this.nodes.delete(this.resolveNode(change.path)!.real);
      else {
        let text = '';
        let cursor = 0;
        for (const r of [...change.replacements].sort((a, b) => a.start - b.start)) {
          text += change.baseText.slice(cursor, r.start) + r.newText;
          cursor = r.end;
        }
        this.write(this.resolveNode(change.path)!.real, text + change.baseText.slice(cursor));
      }
    }
    this.appliedBatches.push([...changes]);
    return { applied: true };
  }

  private filePaths(): string[] {
    return [...this.nodes].filter(([, n]) => n.kind === 'file' || n.kind === 'symlink').map(([p]) => p).filter((p) => this.resolveNode(p)?.node.kind === 'file').sort();
  }

  private isExcluded(relative: string): boolean {
    return this.excludes.some((glob) => matchesGlob(relative, glob));
  }

  private absolute(path: string): string {
    return path.startsWith('/') ? path : joinPath(this.folders[0]!.path, path);
  }

  private mkdirp(path: string): void {
    let current = '';
    for (const segment of path.split('/').filter(Boolean)) {
      current += `/${segment}`;
      if (!this.nodes.has(current)) this.nodes.set(current, { kind: 'dir' });
    }
    if (!this.nodes.has('/')) this.nodes.set('/', { kind: 'dir' });
  }

  /** Walks the path segment by segment, following symlinks (also in the middle of a path). */
  private resolveNode(path: string, depth = 0): { node: Node; real: string } | undefined {
    if (depth > 20) return undefined;
    let real = '';
    const segments = path.split('/').filter(Boolean);
    for (let i = 0; i < segments.length; i++) {
      const candidate = `${real}/${segments[i]}`;
      const node = this.nodes.get(candidate);
      if (!node) return undefined;
      if (node.kind === 'symlink') {
        const target = this.resolveNode(node.target, depth + 1);
        if (!target) return undefined;
        real = target.real;
        if (i === segments.length - 1) return target;
        continue;
      }
      real = candidate;
      if (i === segments.length - 1) return { node, real };
    }
    return segments.length === 0 ? { node: { kind: 'dir' }, real: '/' } : undefined;
  }
}
