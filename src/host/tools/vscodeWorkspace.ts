import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { CancellationToken } from '../../common/cancellation';
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
import { IgnoreRules } from '../../tools/policy/ignoreRules';
import { searchWithRipgrep } from './ripgrepSearch';

const toUri = (path: string): vscode.Uri => vscode.Uri.file(path);

/**
 * The `Workspace` port on VS Code. Reads prefer open documents, so the model sees unsaved editor
 * content; every batch of changes is one `WorkspaceEdit` (one Undo step) and is saved afterwards.
 */
export class VscodeWorkspace implements Workspace {
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
      if (token.isCancellationRequested || results.length >= query.maxResults) break;
      const gitignore = await this.gitignore(folder.uri);
      // `undefined` exclude applies files.exclude; .gitignore is applied here as findFiles does not.
      const uris = await vscode.workspace.findFiles(
        new vscode.RelativePattern(folder, query.include),
        undefined,
        query.maxResults * 2,
        token as vscode.CancellationToken,
      );
      for (const uri of uris) {
        const relative = uri.path.slice(folder.uri.path.length + 1);
        if (relative.startsWith('.git/') || gitignore.match(relative)) continue;
        results.push(uri.path);
        if (results.length >= query.maxResults) break;
      }
    }
    return results.sort();
  }

  async searchText(query: TextSearchQuery, token: CancellationToken): Promise<TextSearchMatch[]> {
    const matches: TextSearchMatch[] = [];
    for (const folder of this.folders) {
      if (token.isCancellationRequested || matches.length >= query.maxResults) break;
      matches.push(
        ...(await searchWithRipgrep(folder.path, { ...query, maxResults: query.maxResults - matches.length }, token)),
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

  private async gitignore(folder: vscode.Uri): Promise<IgnoreRules> {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, '.gitignore'));
      return IgnoreRules.parse(new TextDecoder().decode(bytes));
    } catch {
      return IgnoreRules.empty;
    }
  }
}
