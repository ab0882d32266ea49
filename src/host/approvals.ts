import * as vscode from 'vscode';
import type { CancellationToken } from '../common/cancellation';
import { Emitter, type Event } from '../common/event';
import type { ApprovalAnswer, ApprovalRequest, Approvals } from '../tools/ports';
import { describeApproval } from '../ui/chat/approvalCards';

/**
 * Where a question comes from when no agent turn asks it (an inline edit's or a fix's changes to
 * other files, "Apply to file"). The chat shows questions with the same `id` under one entry titled
 * `title`, e.g. "Inline edit in src/a.ts proposes changes to other files".
 */
export interface ApprovalOrigin {
  readonly id: string;
  readonly title: string;
}

/**
 * Something that can ask the user inside Holdfast's own UI (the chat view's cards). Returns undefined
 * when it cannot show the question right now (view closed, not ready): the question then goes to
 * VS Code's own prompts. The promise must settle when `token` is cancelled (any answer; it is ignored).
 * `origin` is set for questions no agent turn asks.
 */
export interface ApprovalPresenter {
  request(request: ApprovalRequest, token: CancellationToken, origin?: ApprovalOrigin): Promise<ApprovalAnswer> | undefined;
  /** The question it showed was settled, by its own answer or elsewhere (`answer()`, Stop): update the card. */
  settled?(request: ApprovalRequest, answer: ApprovalAnswer): void;
}

/** A question waiting for the user. Whoever answers first wins: the UI, or `answer()` (tests, the chat view). */
export interface PendingApproval {
  readonly id: number;
  readonly request: ApprovalRequest;
  /** Where the question is shown. */
  readonly shownIn: 'presenter' | 'modal' | 'diff';
  /** Settles the question; later answers (including the UI's) are ignored. */
  answer(answer: ApprovalAnswer): void;
}

const REVIEW_SCHEME = 'holdfast-review';

/**
 * The `Approvals` port on VS Code. Each request goes to the presenter (the chat view's cards) when one
 * is set and accepts it, otherwise to a modal warning (commands, tasks, budgets, edit mismatches) or,
 * for `reviewEdit`, to a diff editor of before/after with Keep / Discard. Every open question is listed
 * in `pending` (and `onDidChangePending`), where it can also be answered programmatically. Cancellation
 * (Stop) settles a question as `deny`; nothing is ever allowed by default.
 */
export class VscodeApprovals implements Approvals, vscode.Disposable {
  /** Presenters set and not yet disposed; the last one asks (a test's stand-in over the chat view's). */
  private readonly presenters: ApprovalPresenter[] = [];
  private readonly open = new Map<number, PendingApproval>();
  /** Cleanups of each open question (its diff documents and tabs), run when it settles. */
  private readonly cleanupsOf = new Map<number, Array<() => void>>();
  private nextId = 1;
  private readonly changed = new Emitter<readonly PendingApproval[]>();
  readonly onDidChangePending: Event<readonly PendingApproval[]> = this.changed.event;
  private readonly reviewDocs = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor() {
    const docs = this.reviewDocs;
    this.registration = vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, {
      provideTextDocumentContent: (uri) => docs.get(uri.toString()) ?? '',
    });
  }

  /**
   * The chat view sets itself here while it can show approval cards; dispose to unset. A later
   * presenter takes over until it is disposed; then the earlier one asks again.
   */
  setPresenter(presenter: ApprovalPresenter): vscode.Disposable {
    this.presenters.push(presenter);
    return new vscode.Disposable(() => {
      const index = this.presenters.lastIndexOf(presenter);
      if (index >= 0) this.presenters.splice(index, 1);
    });
  }

  private get presenter(): ApprovalPresenter | undefined {
    return this.presenters.at(-1);
  }

  /** Open questions, oldest first. */
  get pending(): readonly PendingApproval[] {
    return [...this.open.values()];
  }

  /** Resolves with the first question (matching `filter`) to be open, now or later. */
  waitForPending(filter: (pending: PendingApproval) => boolean = () => true): Promise<PendingApproval> {
    const now = this.pending.find(filter);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const subscription = this.onDidChangePending((list) => {
        const found = list.find(filter);
        if (!found) return;
        subscription.dispose();
        resolve(found);
      });
    });
  }

  /**
   * Asks the user. `origin` names what asks when no agent turn does (an inline edit, a fix, "Apply to
   * file"): the chat groups such questions under one entry.
   */
  request(request: ApprovalRequest, token: CancellationToken, origin?: ApprovalOrigin): Promise<ApprovalAnswer> {
    if (token.isCancellationRequested) return Promise.resolve('deny');
    const id = this.nextId++;
    return new Promise<ApprovalAnswer>((resolve) => {
      let settled = false;
      const cleanups: Array<() => void> = [];
      this.cleanupsOf.set(id, cleanups);
      let presenter: ApprovalPresenter | undefined;
      const settle = (answer: ApprovalAnswer): void => {
        if (settled) return;
        settled = true;
        this.open.delete(id);
        this.cleanupsOf.delete(id);
        for (const cleanup of cleanups.splice(0)) cleanup();
        resolve(answer);
        this.changed.fire(this.pending);
        try {
          presenter?.settled?.(request, answer);
        } catch {
          // The card stays as it was; the answer stands.
        }
      };
      const cancellation = token.onCancellationRequested(() => settle('deny'));
      cleanups.push(() => cancellation.dispose());

      presenter = this.presenter;
      const fromPresenter = this.askPresenter(request, token, origin);
      if (!fromPresenter) presenter = undefined;
      const shownIn: PendingApproval['shownIn'] = fromPresenter ? 'presenter' : request.kind === 'reviewEdit' ? 'diff' : 'modal';
      this.open.set(id, { id, request, shownIn, answer: settle });
      this.changed.fire(this.pending);

      const shown = fromPresenter ?? (request.kind === 'reviewEdit' ? this.reviewInDiff(request, id, cleanups) : this.askModal(request));
      shown.then(
        (answer) => settle(answer),
        () => settle('deny'),
      );
    });
  }

  private askPresenter(request: ApprovalRequest, token: CancellationToken, origin: ApprovalOrigin | undefined): Promise<ApprovalAnswer> | undefined {
    try {
      return this.presenter?.request(request, token, origin);
    } catch {
      return undefined;
    }
  }

  /**
   * Opens the diff editor (before ↔ after) of an open review: the chat card's "Open diff". The card
   * stays the place to answer; the diff closes when the review is settled. False when `request` is not
   * an open review.
   */
  async openDiff(request: ApprovalRequest): Promise<boolean> {
    const pending = this.pending.find((p) => p.request === request);
    const cleanups = pending && this.cleanupsOf.get(pending.id);
    if (!pending || !cleanups || request.kind !== 'reviewEdit') return false;
    await this.showReviewDiff(request, pending.id, cleanups);
    return true;
  }

  private async askModal(request: Exclude<ApprovalRequest, { kind: 'reviewEdit' }>): Promise<ApprovalAnswer> {
    const { message, detail, choices } = describeApproval(request);
    const picked = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices.map((c) => c.label));
    return choices.find((c) => c.label === picked)?.answer ?? 'deny';
  }

  /** Opens (or re-opens) the diff editor of review `id`; its documents and tab go away when it settles. */
  private async showReviewDiff(request: Extract<ApprovalRequest, { kind: 'reviewEdit' }>, id: number, cleanups: Array<() => void>): Promise<void> {
    const name = request.path.split('/').pop() ?? request.path;
    const before = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${id}/before/${request.path}` });
    const after = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${id}/after/${request.path}` });
    if (!this.reviewDocs.has(after.toString())) {
      this.reviewDocs.set(before.toString(), request.before ?? '');
      this.reviewDocs.set(after.toString(), request.after);
      cleanups.push(() => {
        this.reviewDocs.delete(before.toString());
        this.reviewDocs.delete(after.toString());
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

  /** Shows before/after in a diff editor and asks Keep / Discard; closes the diff when answered. */
  private async reviewInDiff(request: Extract<ApprovalRequest, { kind: 'reviewEdit' }>, id: number, cleanups: Array<() => void>): Promise<ApprovalAnswer> {
    await this.showReviewDiff(request, id, cleanups);
    const picked = await vscode.window.showInformationMessage(
      `Holdfast wants to ${request.before === undefined ? 'create' : 'edit'} ${request.path}. Keep the change?`,
      'Keep',
      'Discard',
    );
    return picked === 'Keep' ? 'allowOnce' : 'deny';
  }

  dispose(): void {
    for (const pending of this.pending) pending.answer('deny');
    this.registration.dispose();
    this.changed.dispose();
  }
}

async function closeDiffTabs(modified: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === modified.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
