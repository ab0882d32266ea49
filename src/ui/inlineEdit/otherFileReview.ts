import * as vscode from 'vscode';
import { CancellationToken } from '../../common/cancellation';
import type { OtherFileEdit } from '../../agent/inlineEdit/reply';
import type { ApprovalOrigin, VscodeApprovals } from '../approvals/vscodeApprovals';
import type { HostLog } from '../../host/log';
import { VscodeWorkspace } from '../../host/tools/vscodeWorkspace';
import { PathPolicy } from '../../tools/policy/pathPolicy';
import { ToolError } from '../../tools/toolError';

export type OtherFileDecision = 'kept' | 'discarded' | 'failed';

/** What proposes the changes: the proposal's label ("Inline edit", "Fix", "Fix all") and its document. */
export interface OtherFileSource {
  label: string;
  uri: vscode.Uri;
}

/**
 * Changes an inline edit or a fix wants in OTHER files are never applied silently: they go to the chat
 * panel's review flow, one review card per change (diff, Keep / Discard, Open diff) under an entry that
 * says what proposed them. When the chat view cannot be shown, each is opened as a diff with a Keep /
 * Discard message instead (the approvals' own fallback). Paths go through the same PathPolicy as the
 * agent's tools; Keep applies the change as one WorkspaceEdit, and only if the file did not change
 * during the review.
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
  private counter = 0;

  constructor(
    private readonly approvals: VscodeApprovals,
    /** Reveals the chat view (keeping the editor's focus); true once it can show cards. */
    private readonly showChat: () => Promise<boolean>,
    private readonly log: HostLog,
  ) {}

  /** Asks about each edit in turn (later ones see the earlier ones applied); resolves when all are decided. */
  async review(edits: readonly OtherFileEdit[], source: OtherFileSource): Promise<OtherFileDecision[]> {
    const origin: ApprovalOrigin = { id: `other-files-${++this.counter}`, title: originTitle(source, edits.length) };
    let chat: Promise<boolean> | undefined;
    const decisions: OtherFileDecision[] = [];
    for (const edit of edits) decisions.push(await this.reviewOne(edit, origin, () => (chat ??= this.revealChat())));
    return decisions;
  }

  private async revealChat(): Promise<boolean> {
    try {
      return await this.showChat();
    } catch (error) {
      this.log.warn(`Opening the chat for a review failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private async reviewOne(edit: OtherFileEdit, origin: ApprovalOrigin, revealChat: () => Promise<boolean>): Promise<OtherFileDecision> {
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
    // The chat's review card when the view comes up; otherwise the approvals show a diff with Keep / Discard.
    const inChat = await revealChat();
    const answer = await this.approvals.request(
      { kind: 'reviewEdit', path: target.display, before: target.exists ? current : undefined, after: proposed },
      CancellationToken.None,
      origin,
    );
    this.log.info(`Other-file proposal for ${target.display}: ${answer === 'deny' ? 'discarded' : 'kept'}${inChat ? '' : ' (the chat view could not be shown)'}.`);
    if (answer === 'deny') return 'discarded';
    const workspaceEdit = new vscode.WorkspaceEdit();
    if (target.exists) {
      const document = await vscode.workspace.openTextDocument(target.uri);
      if (document.getText() !== current) {
        void vscode.window.showWarningMessage(`Holdfast: ${target.display} changed during the review; the proposal was not applied.`);
        return 'failed';
      }
      workspaceEdit.replace(target.uri, new vscode.Range(document.positionAt(0), document.positionAt(current.length)), proposed);
    } else {
      if (await exists(target.uri)) {
        void vscode.window.showWarningMessage(`Holdfast: ${target.display} was created during the review; the proposal was not applied.`);
        return 'failed';
      }
      workspaceEdit.createFile(target.uri, { ignoreIfExists: true });
      workspaceEdit.insert(target.uri, new vscode.Position(0, 0), proposed);
    }
    const applied = await vscode.workspace.applyEdit(workspaceEdit);
    this.log.info(`Other-file proposal for ${target.display}: ${applied ? 'applied' : 'apply failed'}.`);
    return applied ? 'kept' : 'failed';
  }
}

/** "Inline edit in src/a.ts proposes changes to other files" (or "a change to another file"). */
export function originTitle(source: OtherFileSource, count: number): string {
  const file = vscode.workspace.asRelativePath(source.uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  return `${source.label} in ${file} proposes ${count === 1 ? 'a change to another file' : 'changes to other files'}`;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
