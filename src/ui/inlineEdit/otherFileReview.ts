import * as vscode from 'vscode';
import type { OtherFileEdit } from '../../agent/inlineEdit/reply';
import type { HostLog } from '../../host/log';
import { VscodeWorkspace } from '../../host/tools/vscodeWorkspace';
import { PathPolicy } from '../../tools/policy/pathPolicy';
import { ToolError } from '../../tools/toolError';
import type { VirtualDocuments } from './virtualDocuments';

export type OtherFileDecision = 'kept' | 'discarded' | 'failed';

/**
 * Changes an inline edit or a fix wants in OTHER files are never applied silently: each is opened as a
 * diff (current ↔ proposed) with Keep / Discard. (The chat panel's review card can take this over;
 * until then this is the review flow.) Paths go through the same PathPolicy as the agent's tools.
 */
export class OtherFileReview {
  private readonly policy = new PathPolicy(new VscodeWorkspace(), () => ({
    workspaceTrusted: vscode.workspace.isTrusted,
    editApproval: 'review',
    allowedCommands: [],
    deniedCommands: [],
    allowedTasks: [],
    allowedSecretFiles: vscode.workspace.getConfiguration('holdfast').get<string[]>('allowedSecretFiles') ?? [],
  }));

  constructor(
    private readonly documents: VirtualDocuments,
    private readonly log: HostLog,
  ) {}

  /** Opens one review per edit; resolves when the user has decided on all of them. */
  async review(edits: readonly OtherFileEdit[]): Promise<OtherFileDecision[]> {
    const decisions: OtherFileDecision[] = [];
    for (const edit of edits) decisions.push(await this.reviewOne(edit));
    return decisions;
  }

  private async reviewOne(edit: OtherFileEdit): Promise<OtherFileDecision> {
    let target: { uri: vscode.Uri; display: string; exists: boolean };
    try {
      if (!vscode.workspace.isTrusted) throw new ToolError('the workspace is not trusted, so Holdfast does not change files');
      const resolved = await this.policy.resolve(edit.path, 'write');
      target = { uri: vscode.Uri.file(resolved.absolute), display: resolved.display, exists: resolved.exists };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showWarningMessage(`Holdfast: a proposed change to ${edit.path} was not offered: ${message}`);
      return 'failed';
    }
    const current = target.exists ? (await vscode.workspace.openTextDocument(target.uri)).getText() : '';
    let proposed: string;
    if (edit.oldText === '') {
      proposed = current === '' ? edit.newText : `${current}${current.endsWith('\n') ? '' : '\n'}${edit.newText}`;
    } else {
      const at = current.indexOf(edit.oldText);
      if (at < 0 || current.indexOf(edit.oldText, at + 1) >= 0) {
        void vscode.window.showWarningMessage(
          `Holdfast: a proposed change to ${target.display} did not match the file (${at < 0 ? 'text not found' : 'text found more than once'}); nothing was changed.`,
        );
        return 'failed';
      }
      proposed = current.slice(0, at) + edit.newText + current.slice(at + edit.oldText.length);
    }
    const left = target.exists ? target.uri : this.documents.create(`empty/${target.display}`, '');
    const right = this.documents.create(`proposed/${target.display}`, proposed);
    await vscode.commands.executeCommand('vscode.diff', left, right, `Holdfast proposes: ${target.display}`, { preview: true });
    const choice = await vscode.window.showInformationMessage(
      `Holdfast proposes a change to ${target.display} (shown in the diff). Keep it?`,
      'Keep',
      'Discard',
    );
    this.documents.delete(right);
    if (choice !== 'Keep') return 'discarded';
    const workspaceEdit = new vscode.WorkspaceEdit();
    if (target.exists) {
      const document = await vscode.workspace.openTextDocument(target.uri);
      if (document.getText() !== current) {
        void vscode.window.showWarningMessage(`Holdfast: ${target.display} changed during the review; the proposal was not applied.`);
        return 'failed';
      }
      workspaceEdit.replace(target.uri, new vscode.Range(document.positionAt(0), document.positionAt(current.length)), proposed);
    } else {
      workspaceEdit.createFile(target.uri, { ignoreIfExists: true });
      workspaceEdit.insert(target.uri, new vscode.Position(0, 0), proposed);
    }
    const applied = await vscode.workspace.applyEdit(workspaceEdit);
    this.log.info(`Other-file proposal for ${target.display}: ${applied ? 'kept' : 'apply failed'}.`);
    return applied ? 'kept' : 'failed';
  }
}
