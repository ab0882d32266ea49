/**
 * The buttons on a code block in the chat: "Insert at cursor" (one WorkspaceEdit, one undo step,
 * whatever the number of cursors) and "Apply to file" (a named file is reviewed first; a selection
 * the user made is replaced in place).
 */
import * as vscode from 'vscode';
import { CancellationToken } from '../../common/cancellation';
import { errorMessage } from '../../common/result';
import type { Logger } from '../../host/log';
import type { WebviewToHost } from '../../protocol/webview';
import type { PathPolicy } from '../../tools/policy/pathPolicy';
import type { Workspace } from '../../tools/ports';
import type { VscodeApprovals } from '../approvals/vscodeApprovals';

export type CodeBlockRequest = Extract<WebviewToHost, { type: 'codeAction' }>;

export interface CodeBlockActionsOptions {
  workspace: Workspace;
  paths: PathPolicy;
  approvals: VscodeApprovals;
  log: Logger;
  /** Logs a request from the view that is not honoured, with why. */
  refuse(what: string): void;
}

export class CodeBlockActions {
  private reviews = 0;

  constructor(private readonly options: CodeBlockActionsOptions) {}

  async run(request: CodeBlockRequest): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (request.action === 'insertAtCursor') {
      if (!editor) {
        void vscode.window.showInformationMessage('Holdfast: open an editor to insert the code into.');
        return;
      }
      const edit = new vscode.WorkspaceEdit();
      for (const selection of editor.selections) edit.replace(editor.document.uri, selection, request.code);
      await vscode.workspace.applyEdit(edit);
      return;
    }
    if (request.pathHint !== undefined) return this.applyReviewed(request.pathHint, request.code);
    if (!editor) {
      void vscode.window.showInformationMessage('Holdfast: the code block names no file; open the file to apply it to.');
      return;
    }
    const document = editor.document;
    const selection = editor.selection;
    if (selection.isEmpty && document.uri.scheme === 'file') {
      // Replacing a whole file is reviewed like a named one.
      return this.applyReviewed(document.uri.path, request.code);
    }
    // A selection the user made (or an untitled buffer): replaced in place, one undo step.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, selection.isEmpty ? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)) : selection, request.code);
    await vscode.workspace.applyEdit(edit);
  }

  /**
   * "Apply to file" on a file in the workspace: the path goes through the tools' path policy (for
   * writing), the change is shown for review (a card in the chat, or a diff with Keep / Discard when
   * the view cannot show it), and only Keep applies it, as one WorkspaceEdit, and only if the file did
   * not change during the review.
   */
  private async applyReviewed(pathHint: string, code: string): Promise<void> {
    const target = await this.target(pathHint);
    if (!target) return;
    const { absolute, display, before } = target;
    if (before === code) {
      void vscode.window.showInformationMessage(`Holdfast: ${display} already has this content.`);
      return;
    }
    const answer = await this.options.approvals.request({ kind: 'reviewEdit', path: display, before, after: code }, CancellationToken.None, {
      id: `apply-${++this.reviews}`,
      title: `“Apply to file” proposes a change to ${display}`,
    });
    if (answer === 'deny') {
      this.options.log.info(`Chat: "Apply to file" on ${display} discarded in review.`);
      return;
    }
    const current = await this.readIfFile(absolute);
    if (current !== before) {
      void vscode.window.showWarningMessage(`Holdfast: ${display} changed during the review; nothing was applied.`);
      return;
    }
    const applied = await this.options.workspace.applyEdit(
      current === undefined
        ? [{ kind: 'create', path: absolute, text: code }]
        : [{ kind: 'modify', path: absolute, baseText: current, replacements: [{ start: 0, end: current.length, newText: code }] }],
    );
    if (!applied.applied) {
      void vscode.window.showWarningMessage(`Holdfast: not applied to ${display}: ${applied.reason}`);
      return;
    }
    this.options.log.info(`Chat: "Apply to file" on ${display} kept and applied.`);
    await vscode.window.showTextDocument(vscode.Uri.file(absolute), { preview: true });
  }

  /** The file to write, through the path policy, with its current text; undefined (refused, told) when it may not be written. */
  private async target(pathHint: string): Promise<{ absolute: string; display: string; before: string | undefined } | undefined> {
    const hint = pathHint.slice(0, 200);
    try {
      if (!vscode.workspace.isTrusted) throw new Error('the workspace is not trusted, so Holdfast does not change files');
      const resolved = await this.options.paths.resolve(pathHint, 'write');
      const stat = await this.options.workspace.stat(resolved.absolute);
      if (stat && stat.type !== 'file') throw new Error('it is not a file');
      const before = stat ? await this.options.workspace.readFile(resolved.absolute) : undefined;
      return { absolute: resolved.absolute, display: resolved.display, before };
    } catch (error) {
      this.options.refuse(`apply to ${hint}: ${errorMessage(error)}`);
      void vscode.window.showWarningMessage(`Holdfast: not applied to ${hint}: ${errorMessage(error)}`);
      return undefined;
    }
  }

  private async readIfFile(absolute: string): Promise<string | undefined> {
    const stat = await this.options.workspace.stat(absolute);
    return stat?.type === 'file' ? this.options.workspace.readFile(absolute) : undefined;
  }
}
