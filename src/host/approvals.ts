import * as vscode from 'vscode';
import type { CancellationToken } from '../common/cancellation';
import { Emitter, type Event } from '../common/event';
import type { ApprovalAnswer, ApprovalRequest, Approvals } from '../tools/ports';

/**
 * Something that can ask the user inside Holdfast's own UI (the chat view's approval cards). Returns
 * undefined when it cannot show the question right now (view closed, not ready): the question then goes
 * to VS Code's own prompts. The promise must settle when `token` is cancelled (any answer; it is ignored).
 */
export interface ApprovalPresenter {
  request(request: ApprovalRequest, token: CancellationToken): Promise<ApprovalAnswer> | undefined;
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
 * The `Approvals` port on VS Code. Each request goes to the presenter when one is set and accepts it,
 * otherwise to a modal warning (commands, tasks, budgets, edit mismatches) or, for `reviewEdit`, to a
 * diff editor of before/after with Keep / Discard. Every open question is listed in `pending` (and
 * `onDidChangePending`), where it can also be answered programmatically. Cancellation (Stop) settles a
 * question as `deny`; nothing is ever allowed by default.
 */
export class VscodeApprovals implements Approvals, vscode.Disposable {
  private presenter: ApprovalPresenter | undefined;
  private readonly open = new Map<number, PendingApproval>();
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

  /** The chat view sets itself here while it can show approval cards; dispose to unset. */
  setPresenter(presenter: ApprovalPresenter): vscode.Disposable {
    this.presenter = presenter;
    return new vscode.Disposable(() => {
      if (this.presenter === presenter) this.presenter = undefined;
    });
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

  request(request: ApprovalRequest, token: CancellationToken): Promise<ApprovalAnswer> {
    if (token.isCancellationRequested) return Promise.resolve('deny');
    const id = this.nextId++;
    return new Promise<ApprovalAnswer>((resolve) => {
      let settled = false;
      const cleanups: Array<() => void> = [];
      const settle = (answer: ApprovalAnswer): void => {
        if (settled) return;
        settled = true;
        this.open.delete(id);
        for (const cleanup of cleanups.splice(0)) cleanup();
        resolve(answer);
        this.changed.fire(this.pending);
      };
      const cancellation = token.onCancellationRequested(() => settle('deny'));
      cleanups.push(() => cancellation.dispose());

      const fromPresenter = this.askPresenter(request, token);
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

  private askPresenter(request: ApprovalRequest, token: CancellationToken): Promise<ApprovalAnswer> | undefined {
    try {
      return this.presenter?.request(request, token);
    } catch {
      return undefined;
    }
  }

  private async askModal(request: Exclude<ApprovalRequest, { kind: 'reviewEdit' }>): Promise<ApprovalAnswer> {
    const { message, detail, choices } = describe(request);
    const picked = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices.map((c) => c.label));
    return choices.find((c) => c.label === picked)?.answer ?? 'deny';
  }

  /** Shows before/after in a diff editor and asks Keep / Discard; closes the diff when answered. */
  private async reviewInDiff(request: Extract<ApprovalRequest, { kind: 'reviewEdit' }>, id: number, cleanups: Array<() => void>): Promise<ApprovalAnswer> {
    const name = request.path.split('/').pop() ?? request.path;
    const before = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${id}/before/${request.path}` });
    const after = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${id}/after/${request.path}` });
    this.reviewDocs.set(before.toString(), request.before ?? '');
    this.reviewDocs.set(after.toString(), request.after);
    cleanups.push(() => {
      this.reviewDocs.delete(before.toString());
      this.reviewDocs.delete(after.toString());
      void closeDiffTabs(after);
    });
    const title = `${name} (Holdfast: ${request.before === undefined ? 'new file' : 'proposed edit'})`;
    try {
      await vscode.commands.executeCommand('vscode.diff', before, after, title, { preview: true });
    } catch {
      // No editor area (headless): the question below still decides.
    }
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

interface Choice {
  label: string;
  answer: ApprovalAnswer;
}

function describe(request: Exclude<ApprovalRequest, { kind: 'reviewEdit' }>): { message: string; detail: string; choices: Choice[] } {
  const allow: Choice = { label: 'Allow once', answer: 'allowOnce' };
  const always: Choice = { label: 'Always allow', answer: 'alwaysAllow' };
  const deny: Choice = { label: 'Deny', answer: 'deny' };
  switch (request.kind) {
    case 'runCommand': {
      const lines = [`$ ${request.command}`, `in ${request.cwd}`, '', ...request.reasons.map((r) => `• ${r}`)];
      if (request.alwaysAllowRules?.length) lines.push('', `"Always allow" adds to this workspace's allowed commands: ${request.alwaysAllowRules.join(', ')}`);
      return {
        message: 'Holdfast wants to run a command.',
        detail: lines.join('\n'),
        choices: request.alwaysAllowRules?.length ? [allow, always, deny] : [allow, deny],
      };
    }
    case 'runTask':
      return {
        message: `Holdfast wants to run the task "${request.label}".`,
        detail: request.alwaysAllowRules?.length ? `"Always allow" adds it to this workspace's allowed tasks.` : '',
        choices: request.alwaysAllowRules?.length ? [allow, always, deny] : [allow, deny],
      };
    case 'editMismatches':
      return {
        message: `Holdfast's edits to ${request.path} failed to match ${request.failures} times. Let it keep trying?`,
        detail: `Last error: ${request.lastError}`,
        choices: [
          { label: 'Keep trying', answer: 'allowOnce' },
          { label: 'Stop editing this file', answer: 'deny' },
        ],
      };
    case 'continueAfterBudget':
      return {
        message: `This turn reached its ${request.budget === 'toolRounds' ? 'tool-round' : 'token'} budget (${request.used} of ${request.limit}). Continue?`,
        detail: `The limit is the setting holdfast.${request.budget === 'toolRounds' ? 'maxToolRoundsPerTurn' : 'maxTokensPerTurn'}.`,
        choices: [
          { label: 'Continue', answer: 'allowOnce' },
          { label: 'Stop here', answer: 'deny' },
        ],
      };
  }
}

async function closeDiffTabs(modified: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === modified.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
