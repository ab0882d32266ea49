/**
 * The chat's side of the approvals port (`ApprovalPresenter`): a question becomes a card when the view
 * can show it (it is visible and ready), and the view's answer settles it. An agent turn's question is
 * shown in that turn; one asked outside any turn (an inline edit's changes to other files, "Apply to
 * file") under a review entry of its origin. Cards are known by the approval id the port was asked
 * with; the view may answer only those, once, with a decision the card offered.
 */
import type { CancellationToken } from '../../common/cancellation';
import type { ApprovalDecision } from '../../protocol/webview';
import type { ApprovalAnswer, ApprovalRequest } from '../../tools/ports';
import type { ApprovalAsker, ApprovalOrigin, ApprovalPresenter } from '../approvals/vscodeApprovals';
import { approvalCard, OfferedApprovals, outcomeOf } from './approvalCards';
import type { ChatDisplayEvent } from './displayEvents';

export interface ApprovalCardPresenterOptions {
  /** The view is shown and its script is running: a card shown there can be answered. */
  canShowCards(): boolean;
  /**
   * A view exists but is hidden and `turnId` was started from the chat: its question is still shown
   * as its card (seen when the view is shown; the view's badge and a notification point to it
   * meanwhile). Default: no, VS Code asks.
   */
  canHoldCards?(turnId: string): boolean;
  /** The session the view shows (questions outside a turn need one to be shown in). */
  shownSessionId(): string | undefined;
  /** Whether the view's display model has the turn (a card for a turn it lacks would be dropped). */
  showsTurn(turnId: string): boolean;
  display(event: ChatDisplayEvent): void;
  /** An absolute path as the chat shows it (workspace-relative). */
  displayOf(absolutePath: string): string;
}

/** Review entries remembered per origin, at most (an entry shown long ago gets a new one). */
const MAX_REVIEW_ENTRIES = 100;

export class ApprovalCardPresenter implements ApprovalPresenter {
  private readonly offered = new OfferedApprovals();
  /** Review entries (questions asked outside any agent turn), by origin id → the entry's turn id. */
  private readonly reviewEntries = new Map<string, { turnId: string; title: string }>();
  /** Questions asked outside any turn and still open, with the entry they are shown under. */
  private readonly outsideQuestions = new Map<string, { origin: ApprovalOrigin; turnId: string }>();
  private entryCounter = 0;

  constructor(private readonly options: ApprovalCardPresenterOptions) {}

  /** `ApprovalPresenter`: a card when the view can show it; otherwise undefined and VS Code asks. */
  request(request: ApprovalRequest, token: CancellationToken, asker?: ApprovalAsker): Promise<ApprovalAnswer> | undefined {
    if (!asker) return undefined;
    const visible = this.options.canShowCards();
    if (asker.type === 'outside') return visible ? this.requestOutsideTurn(request, token, asker.origin, asker.approvalId) : undefined;
    if (!visible && this.options.canHoldCards?.(asker.turnId) !== true) return undefined;
    if (!this.options.showsTurn(asker.turnId)) return undefined;
    return this.offer(request, token, asker.turnId, asker.approvalId, false);
  }

  /** `ApprovalPresenter`: the question was settled (here, by `answer()`, or by Stop): the card shows it. */
  settled(approvalId: string, answer: ApprovalAnswer): void {
    this.offered.get(approvalId)?.settle(answer);
  }

  /** The view's decision on a card; why it was refused, or undefined when it was taken. */
  answer(approvalId: string, decision: ApprovalDecision): string | undefined {
    return this.offered.answer(approvalId, decision);
  }

  /** Why "Open diff" on `approvalId` is refused (not an open review card), or undefined. */
  refuseDiff(approvalId: string): string | undefined {
    const review = this.offered.review(approvalId);
    return 'refused' in review ? review.refused : undefined;
  }

  /** Whether the view shows an open card for `approvalId`. */
  offers(approvalId: string): boolean {
    return this.offered.get(approvalId) !== undefined;
  }

  /** The agent reported the question of a turn resolved: its card is no longer open. */
  resolved(approvalId: string): void {
    this.offered.delete(approvalId);
  }

  ids(): string[] {
    return this.offered.ids();
  }

  /** Another session is about to be shown: cards of agent turns go with their turns. */
  forgetTurnCards(): void {
    this.offered.deleteWhere((offered) => !offered.outsideTurn);
    this.reviewEntries.clear();
  }

  /** After a session switch (or rename) the open outside-turn questions appear again, in the session now shown. */
  showOutsideQuestionsAgain(): void {
    for (const offered of this.offered.values()) {
      const question = this.outsideQuestions.get(offered.approvalId);
      if (!offered.outsideTurn || !question) continue;
      question.turnId = this.reviewEntryFor(question.origin);
      this.options.display(approvalCard(offered.request, question.turnId, offered.approvalId, (path) => this.options.displayOf(path)).event);
    }
  }

  /** Every open card is answered `deny` (shown as cancelled). */
  dispose(): void {
    for (const approval of this.offered.values()) approval.settle('deny', true);
    this.offered.deleteWhere(() => true);
  }

  /** Shows the card and resolves with the view's answer (or `deny` when `token` is cancelled). */
  private offer(request: ApprovalRequest, token: CancellationToken, turnId: string, approvalId: string, outsideTurn: boolean): Promise<ApprovalAnswer> {
    const { event, decisions } = approvalCard(request, turnId, approvalId, (path) => this.options.displayOf(path));
    return new Promise<ApprovalAnswer>((resolve) => {
      let settled = false;
      const settle = (answer: ApprovalAnswer, cancelled = false): void => {
        if (settled) return;
        settled = true;
        subscription.dispose();
        if (outsideTurn && this.offered.get(approvalId)) {
          // No agent event follows a question asked outside a turn: the card is updated here.
          this.offered.delete(approvalId);
          const shownIn = this.outsideQuestions.get(approvalId)?.turnId ?? turnId;
          this.options.display({ type: 'approvalResolved', turnId: shownIn, approvalId, outcome: outcomeOf(answer, cancelled) });
        }
        resolve(answer);
      };
      const subscription = token.onCancellationRequested(() => settle('deny', true));
      this.offered.add({ approvalId, turnId, request, decisions, outsideTurn, settle });
      this.options.display(event);
    });
  }

  /** A question no agent turn asks: shown under the review entry of its origin (added when needed). */
  private requestOutsideTurn(request: ApprovalRequest, token: CancellationToken, origin: ApprovalOrigin, approvalId: string): Promise<ApprovalAnswer> | undefined {
    if (this.options.shownSessionId() === undefined) return undefined;
    const turnId = this.reviewEntryFor(origin);
    this.outsideQuestions.set(approvalId, { origin, turnId });
    const answer = this.offer(request, token, turnId, approvalId, true);
    void answer.then(() => this.outsideQuestions.delete(approvalId));
    return answer;
  }

  private reviewEntryFor(origin: ApprovalOrigin): string {
    const existing = this.reviewEntries.get(origin.id);
    if (existing && this.options.showsTurn(existing.turnId)) return existing.turnId;
    // Entries rebuilt after a reload keep their ids: a new one takes the next id not shown.
    let turnId = `review-${++this.entryCounter}`;
    for (let tries = 0; this.options.showsTurn(turnId) && tries < MAX_REVIEW_ENTRIES * 4; tries++) turnId = `review-${++this.entryCounter}`;
    this.reviewEntries.set(origin.id, { turnId, title: origin.title });
    while (this.reviewEntries.size > MAX_REVIEW_ENTRIES) this.reviewEntries.delete(this.reviewEntries.keys().next().value!);
    this.options.display({ type: 'reviewEntry', turnId, title: origin.title });
    return turnId;
  }
}
