/**
 * The `Approvals` port on VS Code: a question goes to Holdfast's own UI (the chat view's cards) when
 * it can show it, else to VS Code's prompts (a modal warning, or a diff editor with Keep / Discard).
 * It lives in `ui/` because that is what it is: modals, diff editors and the chat's wording.
 */
import * as vscode from 'vscode';
import { whenEvent } from '../../common/async';
import type { CancellationToken } from '../../common/cancellation';
import { Emitter, type Event } from '../../common/event';
import type { ApprovalAnswer, ApprovalContext, ApprovalRequest, Approvals } from '../../tools/ports';
import { describeApproval } from './approvalWording';
import { type ReviewEdit, ReviewDiffs } from './reviewDiffs';

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
 * Who asks a question, as the presenter is told: an agent turn (the ids its approval events carry),
 * or something outside any turn (its origin). `approvalId` names the question while it is open; for
 * a question outside a turn VscodeApprovals makes it up.
 */
export type ApprovalAsker = { type: 'turn'; turnId: string; approvalId: string } | { type: 'outside'; origin: ApprovalOrigin; approvalId: string };

/**
 * Something that can ask the user inside Holdfast's own UI (the chat view's cards). Returns undefined
 * when it cannot show the question right now (view closed, not ready, nobody named as asking): the
 * question then goes to VS Code's own prompts. The promise must settle when `token` is cancelled (any
 * answer; it is ignored).
 */
export interface ApprovalPresenter {
  request(request: ApprovalRequest, token: CancellationToken, asker?: ApprovalAsker): Promise<ApprovalAnswer> | undefined;
  /** The question `approvalId` it showed was settled, by its own answer or elsewhere (`answer()`, Stop): update the card. */
  settled?(approvalId: string, answer: ApprovalAnswer): void;
}

/** A question waiting for the user. Whoever answers first wins: the UI, or `answer()` (tests, the chat view). */
export interface PendingApproval {
  readonly id: number;
  readonly request: ApprovalRequest;
  /** Who asks; undefined when the port was called without a context or an origin. */
  readonly asker: ApprovalAsker | undefined;
  /** Where the question is shown. */
  readonly shownIn: 'presenter' | 'modal' | 'diff';
  /** Settles the question; later answers (including the UI's) are ignored. */
  answer(answer: ApprovalAnswer): void;
}

/**
 * Each request goes to the presenter (the chat view's cards) when one is set and accepts it, otherwise
 * to a modal warning (commands, tasks, budgets, edit mismatches) or, for `reviewEdit`, to a diff editor
 * of before/after with Keep / Discard. Every open question is listed in `pending` (and
 * `onDidChangePending`), where it can also be answered programmatically. Cancellation (Stop) settles a
 * question as `deny`; nothing is ever allowed by default.
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
  private readonly diffs = new ReviewDiffs();

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
  async waitForPending(filter: (pending: PendingApproval) => boolean = () => true): Promise<PendingApproval> {
    const found = this.pending.find(filter) ?? (await whenEvent(this.onDidChangePending, (list) => list.find(filter)));
    // Without a timeout `whenEvent` resolves only with a match.
    return found!;
  }

  /**
   * Asks the user. `from` names who asks: an agent turn (the port's context, from the agent) or, when
   * no turn does, the origin (an inline edit, a fix, "Apply to file"): the chat groups such questions
   * under one entry.
   */
  request(request: ApprovalRequest, token: CancellationToken, from?: ApprovalContext | ApprovalOrigin): Promise<ApprovalAnswer> {
    if (token.isCancellationRequested) return Promise.resolve('deny');
    const id = this.nextId++;
    const asker = askerOf(from, id);
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
          if (asker) presenter?.settled?.(asker.approvalId, answer);
        } catch {
          // The card stays as it was; the answer stands.
        }
      };
      const cancellation = token.onCancellationRequested(() => settle('deny'));
      cleanups.push(() => cancellation.dispose());

      presenter = this.presenter;
      const fromPresenter = this.askPresenter(request, token, asker);
      if (!fromPresenter) presenter = undefined;
      const shownIn: PendingApproval['shownIn'] = fromPresenter ? 'presenter' : request.kind === 'reviewEdit' ? 'diff' : 'modal';
      this.open.set(id, { id, request, asker, shownIn, answer: settle });
      this.changed.fire(this.pending);

      const shown = fromPresenter ?? (request.kind === 'reviewEdit' ? this.reviewInDiff(request, id, cleanups) : askModal(request));
      shown.then(
        (answer) => settle(answer),
        () => settle('deny'),
      );
    });
  }

  private askPresenter(request: ApprovalRequest, token: CancellationToken, asker: ApprovalAsker | undefined): Promise<ApprovalAnswer> | undefined {
    try {
      return this.presenter?.request(request, token, asker);
    } catch {
      return undefined;
    }
  }

  /**
   * Opens the diff editor (before ↔ after) of the open review `approvalId`: the chat card's "Open
   * diff". The card stays the place to answer; the diff closes when the review is settled. False when
   * no open review has that id.
   */
  async openDiff(approvalId: string): Promise<boolean> {
    const pending = this.pending.find((p) => p.asker?.approvalId === approvalId);
    const cleanups = pending && this.cleanupsOf.get(pending.id);
    if (!pending || !cleanups || pending.request.kind !== 'reviewEdit') return false;
    await this.diffs.show(pending.request, pending.id, cleanups);
    return true;
  }

  /** Shows before/after in a diff editor and asks Keep / Discard; closes the diff when answered. */
  private async reviewInDiff(request: ReviewEdit, id: number, cleanups: Array<() => void>): Promise<ApprovalAnswer> {
    await this.diffs.show(request, id, cleanups);
    const picked = await vscode.window.showInformationMessage(
      `Holdfast wants to ${request.before === undefined ? 'create' : 'edit'} ${request.path}. Keep the change?`,
      'Keep',
      'Discard',
    );
    return picked === 'Keep' ? 'allowOnce' : 'deny';
  }

  dispose(): void {
    for (const pending of this.pending) pending.answer('deny');
    this.diffs.dispose();
    this.changed.dispose();
  }
}

/** Who asks, from the port's context (an agent turn) or an origin (outside any turn; question `id`). */
function askerOf(from: ApprovalContext | ApprovalOrigin | undefined, id: number): ApprovalAsker | undefined {
  if (from === undefined) return undefined;
  if ('title' in from) return { type: 'outside', origin: from, approvalId: `outside-${id}` };
  return { type: 'turn', turnId: from.turnId, approvalId: from.approvalId };
}

async function askModal(request: Exclude<ApprovalRequest, { kind: 'reviewEdit' }>): Promise<ApprovalAnswer> {
  const { message, detail, choices } = describeApproval(request);
  const picked = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices.map((c) => c.label));
  return choices.find((c) => c.label === picked)?.answer ?? 'deny';
}
