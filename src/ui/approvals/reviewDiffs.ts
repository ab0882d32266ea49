/**
 * The read-only before/after documents of open reviews (`holdfast-review:` URIs) and the diff editors
 * that show them. Each review's documents and tab go away when its question settles.
 */
import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../tools/ports';

const REVIEW_SCHEME = 'holdfast-review';

export type ReviewEdit = Extract<ApprovalRequest, { kind: 'reviewEdit' }>;

export class ReviewDiffs implements vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor() {
    const docs = this.docs;
    this.registration = vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, {
      provideTextDocumentContent: (uri) => docs.get(uri.toString()) ?? '',
    });
  }

  /**
   * Opens (or re-opens) the diff editor of review `id`. The first call registers, in `cleanups`, the
   * removal of its documents and the closing of its tab.
   */
  async show(request: ReviewEdit, id: number, cleanups: Array<() => void>): Promise<void> {
    const name = request.path.split('/').pop() ?? request.path;
    const before = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${id}/before/${request.path}` });
    const after = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${id}/after/${request.path}` });
    if (!this.docs.has(after.toString())) {
      this.docs.set(before.toString(), request.before ?? '');
      this.docs.set(after.toString(), request.after);
      cleanups.push(() => {
        this.docs.delete(before.toString());
        this.docs.delete(after.toString());
        void closeDiffTabs(after);
      });
    }
    const title = `${name} (Holdfast: ${request.before === undefined ? 'new file' : 'proposed edit'})`;
    try {
      await vscode.commands.executeCommand('vscode.diff', before, after, title, { preview: true });
    } catch {
      // No editor area (headless): the question (modal or card) still decides.
    }
  }

  dispose(): void {
    this.registration.dispose();
  }
}

async function closeDiffTabs(modified: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === modified.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
