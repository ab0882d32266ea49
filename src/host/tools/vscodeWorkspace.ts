import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { CancellationToken } from '../../common/cancellation';
import type {
  ApplyEditResult,
  FileChange,
  FileStat,
  FindFilesQuery,
  TextSearchMatch,
  TextSearchQuery,
  Workspace,
  WorkspaceFolder,
} from '../../tools/ports';
import { globForFolder, matchesGlob } from '../../tools/policy/glob';
import type { ListUnderOptions, WorkspaceListing } from '../../tools/policy/workspaceListing';
import { listWithRipgrep, searchWithRipgrep } from './ripgrepSearch';

const toUri = (path: string): vscode.Uri => vscode.Uri.file(path);

/** Files list_files looks at per folder before it gives up on finding more matches. */
const LIST_SCAN_LIMIT = 200_000;

/**
 * The `Workspace` port on VS Code. Reads prefer open documents, so the model sees unsaved editor
 * content; every batch of changes is one `WorkspaceEdit` (one Undo step) and is saved afterwards.
 * Listing and search both run ripgrep, so list_files and search_text agree on what is ignored.
 */
export class VscodeWorkspace implements Workspace, WorkspaceListing {
  get folders(): readonly WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? [])
      .filter((folder) => folder.uri.scheme === 'file')
      .map((folder) => ({ name: folder.name, path: folder.uri.path }));
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const stat = await vscode.workspace.fs.stat(toUri(path));
      return {
        type: stat.type & vscode.FileType.Directory ? 'directory' : 'file',
        size: stat.size,
        mtime: stat.mtime,
      };
    } catch {
      return undefined;
    }
  }

  async readFile(path: string): Promise<string> {
    const open = this.openDocument(path);
    if (open) return open.getText();
    const bytes = await vscode.workspace.fs.readFile(toUri(path));
    return new TextDecoder('utf-8').decode(bytes);
  }

  async realpath(path: string): Promise<string> {
    const real = await fs.realpath(toUri(path).fsPath);
    return vscode.Uri.file(real).path;
  }

  async findFiles(query: FindFilesQuery, token: CancellationToken): Promise<string[]> {
    const results: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (token.isCancellationRequested || results.length >= query.maxResults || folder.uri.scheme !== 'file') continue;
      const include = globForFolder(query.include, folder, this.folders);
      if (include === undefined) continue;
      // ripgrep's view (every .gitignore, .git/info/exclude, hidden files, no .git), minus files.exclude.
      const files = (await listWithRipgrep(folder.uri.path, { sharedView: true, maxResults: LIST_SCAN_LIMIT }, token)) ?? [];
      const excluded = Object.entries(vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {})
        .filter(([, on]) => on === true)
        .map(([glob]) => glob);
      for (const file of files) {
        const relative = file.slice(folder.uri.path.length + 1);
        if (!matchesGlob(relative, include) || excluded.some((glob) => matchesGlob(relative, glob))) continue;
        results.push(file);
        if (results.length >= query.maxResults) break;
      }
    }
    return results.sort();
  }

  async listFilesUnder(directory: string, options: ListUnderOptions): Promise<string[] | undefined> {
    const stat = await this.stat(directory);
    if (!stat) return [];
    if (stat.type === 'file') return [directory];
    return listWithRipgrep(directory, { sharedView: false, ripgrepDefault: options.honourIgnoreFiles, maxResults: options.maxResults }, CancellationToken.None);
  }

  async searchText(query: TextSearchQuery, token: CancellationToken): Promise<TextSearchMatch[]> {
    const matches: TextSearchMatch[] = [];
    for (const folder of this.folders) {
      if (token.isCancellationRequested || matches.length >= query.maxResults) break;
      const include = query.include === undefined ? undefined : globForFolder(query.include, folder, this.folders);
      if (query.include !== undefined && include === undefined) continue;
      matches.push(
        ...(await searchWithRipgrep(folder.path, { ...query, include, maxResults: query.maxResults - matches.length }, token)),
      );
    }
    return matches;
  }

  async applyEdit(changes: readonly FileChange[]): Promise<ApplyEditResult> {
    const edit = new vscode.WorkspaceEdit();
    const touched: vscode.Uri[] = [];
    for (const change of changes) {
      const uri = toUri(change.path);
      if (change.kind === 'create') {
        if (await this.stat(change.path)) return { applied: false, reason: `${change.path} already exists.` };
        edit.createFile(uri, { contents: new TextEncoder().encode(change.text), overwrite: false });
      } else if (change.kind === 'delete') {
        edit.deleteFile(uri, { ignoreIfNotExists: true });
      } else {
        const document = await vscode.workspace.openTextDocument(uri);
        // The offsets were computed against baseText; if the user typed meanwhile they would land wrong.
        if (document.getText() !== change.baseText) {
          return { applied: false, reason: `${change.path} changed while the edit was being prepared.` };
        }
        for (const replacement of change.replacements) {
          edit.replace(
            uri,
            new vscode.Range(document.positionAt(replacement.start), document.positionAt(replacement.end)),
            replacement.newText,
          );
        }
        touched.push(uri);
      }
    }
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) return { applied: false, reason: 'VS Code refused the edit (the file may be read-only).' };
    for (const uri of touched) {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (document?.isDirty) await document.save();
    }
    return { applied: true };
  }

  private openDocument(path: string): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'file' && document.uri.path === path);
  }
}
