/**
 * Questions that cannot be missed (issue 14): while any question waits, the Holdfast view carries a
 * badge with their number; a question the chat shows as a card while the view is hidden also raises a
 * notification with its answers and "Show". The first answer wins, from the card or the notification:
 * both go through the question's one `answer` (VscodeApprovals ignores later ones). VS Code offers no
 * way to close a notification, so a stale one's buttons answer nothing.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../../common/disposable';
import { attentionBadge, attentionNotice, SHOW_CHOICE } from './attentionWording';
import type { PendingApproval, VscodeApprovals } from './vscodeApprovals';

/** The view the badge goes on (ChatViewProvider). */
export interface AttentionView {
  /** The view is on screen (and its script running): a card there is seen. */
  readonly canShowCards: boolean;
  setBadge(badge: vscode.ViewBadge | undefined): void;
  reveal(): Promise<void>;
}

export class ApprovalAttention implements vscode.Disposable {
  private readonly store = new DisposableStore();
  /** Questions a notification was raised for (each at most once). */
  private readonly notified = new Set<number>();

  constructor(
    private readonly approvals: Pick<VscodeApprovals, 'pending' | 'onDidChangePending'>,
    private readonly view: AttentionView,
  ) {
    this.store.add(approvals.onDidChangePending((pending) => this.update(pending)));
    this.update(approvals.pending);
  }

  private update(pending: readonly PendingApproval[]): void {
    this.view.setBadge(attentionBadge(pending.length));
    const open = new Set(pending.map((p) => p.id));
    for (const id of this.notified) if (!open.has(id)) this.notified.delete(id);
    for (const question of pending) {
      // Modals and diff editors are in front of the user already; a card in a hidden view is not.
      if (question.shownIn !== 'presenter' || this.notified.has(question.id) || this.view.canShowCards) continue;
      this.notified.add(question.id);
      void this.notify(question);
    }
  }

  private async notify(question: PendingApproval): Promise<void> {
    const { message, choices } = attentionNotice(question.request);
    const picked = await vscode.window.showWarningMessage(message, ...choices.map((c) => c.label), SHOW_CHOICE);
    if (picked === SHOW_CHOICE) return this.view.reveal();
    const answer = choices.find((c) => c.label === picked)?.answer;
    // Dismissed (Escape, the close button): the card still waits; nothing is answered for the user.
    if (answer !== undefined) question.answer(answer);
  }

  /** Tells whether a notification was raised for an open question (tests). */
  notifiedFor(question: PendingApproval): boolean {
    return this.notified.has(question.id);
  }

  dispose(): void {
    this.view.setBadge(undefined);
    this.store.dispose();
  }
}
