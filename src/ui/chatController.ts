/**
 * The host side of the chat view (issue 6): the agent's events become display events for the
 * `ChatPresenter` (which posts validated, coalesced messages to the view), and every request the view
 * sends becomes an action on the agent, the session store or the editor.
 *
 * The view is untrusted input even after zod: it may only refer to ids this controller offered
 * (approval cards it showed, edit cards it showed, sessions it listed, turns it offered a retry for,
 * selections it attached). Anything else is logged and dropped. Links are re-checked before
 * `openExternal`; files are resolved through the tools' path policy before they are opened or written.
 */
import * as vscode from 'vscode';
import type { AgentEvent, ModelFailure, TurnOutcome } from '../agent/events';
import type { ChatSession } from '../agent/chatSession';
import type { UserInput } from '../agent/userInput';
import { DisposableStore } from '../common/disposable';
import type { Event } from '../common/event';
import { redactUserText } from '../common/redact';
import { errorMessage } from '../common/result';
import type { AgentHost } from '../host/agentHost';
import type { Logger } from '../host/log';
import {
  type AttachmentView,
  type ConnectionView,
  type ErrorAction,
  HostToWebview,
  isSafeExternalUrl,
  Limits,
  type MentionCandidate,
  type SessionSummaryView,
  SessionTranscriptView,
  type WebviewToHost,
} from '../protocol/webview';
import type { JournalEntry } from '../tools/editJournal';
import type { ApprovalAnswer, ApprovalRequest } from '../tools/ports';
import { CancellationToken } from '../common/cancellation';
import { ChatPresenter, KEY_REMOVED_NOTICE, sessionSummaryViews, type ChatDisplayEvent } from './chatPresenter';
import { Emitter } from '../common/event';
import type { ChatRequest } from './chatViewProvider';
import { clipHunks, editCardId, editChange, sessionTranscript, TOOL_TITLES } from './chat/sessionTranscript';
import { editHunks } from './chat/editHunks';
import { approvalCard, OfferedApprovals, outcomeOf } from './chat/approvalCards';
import type { ApprovalAsker, ApprovalOrigin, ApprovalPresenter, VscodeApprovals } from './approvals/vscodeApprovals';

/** What the controller needs from the chat view provider. */
export interface ChatViewPort {
  post(message: HostToWebview): void;
  /** The view is shown and its script has said `ready`: cards can be answered there. */
  readonly canShowCards: boolean;
  reveal(): Promise<void>;
  /** Resolves true once the view is ready (now or within `timeoutMs`). */
  whenReady(timeoutMs: number): Promise<boolean>;
}

export interface ChatControllerOptions {
  agentHost: AgentHost;
  /** The agent's approvals port on VS Code: the controller shows its questions as cards when it can. */
  approvals: VscodeApprovals;
  view: ChatViewPort;
  log: Logger;
  workspaceState: vscode.Memento;
  connectionView(): ConnectionView;
  onDidChangeConnection: Event<ConnectionView>;
}

const DISPLAY_KEY = (sessionId: string): string => `holdfast.chatView.display.${sessionId}`;
const MENTION_SCAN_LIMIT = 5_000;
const MENTION_CACHE_MS = 10_000;
/** Candidates checked against the path policy per query, at most (each is a realpath). */
const MENTION_POLICY_CHECKS = 500;

/** files.exclude and search.exclude (the plain `true` entries) as one findFiles exclude glob. */
function mentionExcludes(): string | undefined {
  const patterns = new Set<string>(['**/node_modules/**', '**/.git/**']);
  for (const section of ['files.exclude', 'search.exclude']) {
    const entries = vscode.workspace.getConfiguration().get<Record<string, unknown>>(section) ?? {};
    for (const [glob, on] of Object.entries(entries)) if (on === true && !/[{},]/.test(glob)) patterns.add(glob);
  }
  return `{${[...patterns].join(',')}}`;
}

interface OfferedEdit {
  turnId: string;
  entry: JournalEntry;
  state: 'applied' | 'kept' | 'undone' | 'failed';
}

export class ChatController implements ApprovalPresenter, vscode.Disposable {
  readonly presenter: ChatPresenter;
  private readonly store = new DisposableStore();
  private readonly agentHost: AgentHost;
  private shownSessionId: string | undefined;
  private initialised: Promise<void> | undefined;

  // ── ids the view may refer to ─────────────────────────────────────────────────────────────────
  private readonly approvals = new OfferedApprovals();
  /** Review entries (questions asked outside any agent turn), by origin id → the entry's turn id. */
  private readonly reviewEntries = new Map<string, { turnId: string; title: string }>();
  /** Questions asked outside any turn and still open, with the entry they are shown under. */
  private readonly outsideQuestions = new Map<string, { origin: ApprovalOrigin; turnId: string }>();
  private outsideCounter = 0;
  private readonly edits = new Map<string, OfferedEdit>();
  private offeredSessions = new Set<string>();
  private readonly retryable = new Set<string>();
  private readonly selections = new Map<string, NonNullable<UserInput['activeFile']>>();
  private selectionCounter = 0;

  // ── the running turn ──────────────────────────────────────────────────────────────────────────
  private runningTurnId: string | undefined;
  /** Attachments of the prompt being started, shown on its turn. */
  private nextAttachments: AttachmentView[] = [];
  /** The view's id for the steer being queued right now (the agent's `steerQueued` fires inside `steer()`). */
  private steeringViewId: string | undefined;
  /** agent steer id → the view's steer id and its turn. */
  private readonly steers = new Map<string, { viewId: string; turnId: string; text: string }>();
  private mentionCache: { at: number; files: vscode.Uri[] } | undefined;
  /** Refusals, for tests and the log. */
  readonly refused: string[] = [];
  private readonly posted = new Emitter<HostToWebview>();
  /** Test hook: the answers the controller itself posts (mentionResults, attachmentAdded). */
  readonly onDidPost = this.posted.event;

  constructor(private readonly options: ChatControllerOptions) {
    this.agentHost = options.agentHost;
    this.presenter = new ChatPresenter({
      post: (message) => options.view.post(message),
      workspaceName: vscode.workspace.name ?? 'No folder open',
      connection: options.connectionView(),
      onInvalidMessage: (type, error) => options.log.warn(`Chat: not posting an invalid "${type}" message (${error}).`),
    });
    this.store.add({ dispose: () => this.presenter.dispose() });
    this.store.add(this.posted);
    this.store.add(options.approvals.setPresenter(this));
    this.store.add(this.agentHost.onEvent((event) => this.onAgentEvent(event)));
    this.store.add(this.agentHost.onDidChangeActiveSession((session) => void this.show(session)));
    this.store.add(options.onDidChangeConnection((connection) => this.presenter.setConnection(connection)));
  }

  /** Loads the active session's transcript into the presenter (once; later changes come by event). */
  private ensureInitialised(): Promise<void> {
    this.initialised ??= this.agentHost.activeSession().then(
      (session) => (this.shownSessionId === session.id ? undefined : this.show(session)),
      (error: unknown) => this.options.log.warn(`Chat: restoring the session failed: ${errorMessage(error)}`),
    );
    return this.initialised;
  }

  /** The view (re)loaded: a full snapshot with the active session's conversation. */
  async onReady(): Promise<void> {
    await this.ensureInitialised();
    this.presenter.setConnection(this.options.connectionView());
    this.presenter.onReady();
  }

  private async show(session: ChatSession): Promise<void> {
    const saved = SessionTranscriptView.safeParse(this.options.workspaceState.get(DISPLAY_KEY(session.id)));
    const transcript = sessionTranscript(session, saved.success ? saved.data : undefined);
    this.shownSessionId = session.id;
    // Cards of agent turns go with their turns; questions asked outside any turn are shown again below.
    this.approvals.deleteWhere((offered) => !offered.outsideTurn);
    this.reviewEntries.clear();
    this.retryable.clear();
    this.edits.clear();
    session.journal.toJSON().forEach((entry, index) => {
      const card = transcript.turns.flatMap((t) => t.items).find((item) => item.kind === 'edit' && item.card.id === editCardId(index));
      const state = card?.kind === 'edit' ? card.card.state : 'applied';
      this.edits.set(editCardId(index), { turnId: entry.turnId, entry, state });
    });
    const last = transcript.turns.at(-1);
    if (last?.status === 'failed') this.retryable.add(last.id);
    // Shown at once, not after the session list is read: a turn (or a review card) that starts right
    // after "New session" must land in this session's view, not in one a late snapshot replaces.
    this.presenter.showSession(transcript);
    this.showOutsideQuestionsAgain();
    const sessions = await this.sessionList(session);
    if (this.shownSessionId === session.id) this.presenter.setSessions(sessions);
  }

  private async sessionList(active: ChatSession | undefined = this.agentHost.currentSession): Promise<SessionSummaryView[]> {
    const list = await this.agentHost.listSessions().catch(() => []);
    const kept = sessionSummaryViews(list, active && { id: active.id, title: active.title, updatedAt: active.updatedAt, turns: active.turns.length });
    this.offeredSessions = new Set(kept.map((v) => v.id));
    return kept;
  }

  /** The list's turn counts and times changed (a turn ended): send it again. */
  private refreshSessionList(sessionId: string): void {
    void this.sessionList().then(
      (sessions) => {
        if (this.shownSessionId === sessionId) this.presenter.setSessions(sessions);
      },
      (error: unknown) => this.options.log.warn(`Chat: could not refresh the session list: ${errorMessage(error)}`),
    );
  }

  private saveDisplay(): void {
    const transcript = this.presenter.transcript();
    if (transcript.id !== this.shownSessionId) return;
    void Promise.resolve(this.options.workspaceState.update(DISPLAY_KEY(transcript.id), transcript)).catch((error: unknown) =>
      this.options.log.warn(`Chat: could not save the view of session ${transcript.id}: ${errorMessage(error)}`),
    );
  }

  // ── agent events → display events ───────────────────────────────────────────────────────────

  private display(event: ChatDisplayEvent): void {
    this.presenter.handle(event);
  }

  private onAgentEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'turnStarted': {
        if (event.sessionId !== this.shownSessionId) return;
        this.runningTurnId = event.turnId;
        this.retryable.clear();
        const attachments = this.nextAttachments;
        this.nextAttachments = [];
        this.display({ kind: 'turnStarted', turnId: event.turnId, userText: event.userText === '' ? '↻ Retry' : event.userText, attachments });
        return;
      }
      case 'textDelta':
        this.display({ kind: 'textDelta', turnId: event.turnId, blockId: event.itemId, text: event.delta });
        return;
      case 'reasoningDelta':
        this.display({ kind: 'textDelta', turnId: event.turnId, blockId: `r-${event.itemId}`, text: event.delta, channel: 'reasoning' });
        return;
      case 'toolCallStarted':
        this.display({
          kind: 'toolStarted',
          turnId: event.turnId,
          callId: event.callId,
          name: event.name,
          title: TOOL_TITLES[event.name] ?? event.name,
          target: event.path ?? event.argsSummary,
        });
        return;
      case 'toolCallFinished':
        this.display({
          kind: 'toolFinished',
          turnId: event.turnId,
          callId: event.callId,
          status: event.status === 'ok' ? 'done' : event.status === 'cancelled' ? 'cancelled' : 'failed',
          output: event.outputSummary,
          durationMs: event.durationMs,
        });
        return;
      case 'approvalResolved': {
        const offered = this.approvals.get(event.approvalId);
        if (!offered) return;
        this.approvals.delete(event.approvalId);
        const outcome = outcomeOf(event.answer, this.runningTurnId !== event.turnId);
        this.display({ kind: 'approvalResolved', turnId: event.turnId, approvalId: event.approvalId, outcome });
        return;
      }
      case 'editApplied': {
        const session = this.agentHost.currentSession;
        const index = session ? session.journal.toJSON().indexOf(event.entry) : -1;
        if (!session || session.id !== this.shownSessionId || index < 0) return;
        const id = editCardId(index);
        this.edits.set(id, { turnId: event.turnId, entry: event.entry, state: 'applied' });
        this.display({
          kind: 'editApplied',
          turnId: event.turnId,
          editId: id,
          path: event.entry.display,
          change: editChange(event.entry),
          hunks: clipHunks(editHunks(event.entry.before, event.entry.after)),
        });
        return;
      }
      case 'steerQueued': {
        const viewId = this.steeringViewId ?? `steer-${event.steerId}`;
        this.steers.set(event.steerId, { viewId, turnId: event.turnId, text: event.text });
        this.display({ kind: 'steer', turnId: event.turnId, steerId: viewId, text: event.text, status: 'queued' });
        return;
      }
      case 'userTextRedacted':
        this.display({ kind: 'notice', turnId: event.turnId, message: KEY_REMOVED_NOTICE });
        return;
      case 'steerDelivered': {
        const steer = this.steers.get(event.steerId);
        if (!steer) return;
        this.steers.delete(event.steerId);
        const status = event.via === 'keptInTranscript' ? 'nextTurn' : 'delivered';
        this.display({ kind: 'steer', turnId: steer.turnId, steerId: steer.viewId, text: steer.text, status });
        return;
      }
      case 'turnFinished':
        this.turnFinished(event);
        return;
      case 'approvalRequested': // the card comes with the approvals port's call, which names the turn and question
      case 'requestStarted':
      case 'assistantMessage':
      case 'modelRecovering':
      case 'budgetPaused':
      case 'sessionSaveFailed':
        return;
    }
  }

  private turnFinished(event: Extract<AgentEvent, { type: 'turnFinished' }>): void {
    if (this.runningTurnId === event.turnId) this.runningTurnId = undefined;
    if (event.sessionId !== this.shownSessionId) return;
    const outcome = event.outcome;
    const failure = describeOutcome(outcome);
    if (failure) {
      if (failure.actions.includes('retry')) this.retryable.add(event.turnId);
      this.display({ kind: 'error', turnId: event.turnId, message: failure.message, actions: failure.actions });
    }
    this.display({
      kind: 'turnFinished',
      turnId: event.turnId,
      status: outcome.kind === 'cancelled' ? 'cancelled' : outcome.kind === 'failed' ? 'failed' : 'done',
      requests: event.metrics.perRequest,
      totalMs: event.metrics.totalMs,
    });
    this.saveDisplay();
    this.refreshSessionList(event.sessionId);
  }

  // ── approvals on cards ──────────────────────────────────────────────────────────────────────

  /**
   * `ApprovalPresenter`: every question goes to a card when the view can show it (it is visible and
   * ready); otherwise it returns undefined and VS Code asks (a modal, or a diff with Keep / Discard).
   * An agent turn's question is shown in that turn; one asked outside any turn (an inline edit's
   * changes to other files, "Apply to file") under a review entry of its origin.
   */
  request(request: ApprovalRequest, token: CancellationToken, asker?: ApprovalAsker): Promise<ApprovalAnswer> | undefined {
    if (!this.options.view.canShowCards || !asker) return undefined;
    if (asker.type === 'outside') return this.requestOutsideTurn(request, token, asker.origin, asker.approvalId);
    if (this.presenterLacksTurn(asker.turnId)) return undefined;
    return this.offer(request, token, asker.turnId, asker.approvalId, false);
  }

  /** `ApprovalPresenter`: the question was settled (here, by `answer()`, or by Stop): the card shows it. */
  settled(approvalId: string, answer: ApprovalAnswer): void {
    this.approvals.get(approvalId)?.settle(answer);
  }

  /** Shows the card and resolves with the view's answer (or `deny` when `token` is cancelled). */
  private offer(request: ApprovalRequest, token: CancellationToken, turnId: string, approvalId: string, outsideTurn: boolean): Promise<ApprovalAnswer> {
    const { event, decisions } = approvalCard(request, turnId, approvalId, (path) => this.agentHost.services.paths.displayOf(path));
    return new Promise<ApprovalAnswer>((resolve) => {
      let settled = false;
      const settle = (answer: ApprovalAnswer, cancelled = false): void => {
        if (settled) return;
        settled = true;
        subscription.dispose();
        if (outsideTurn && this.approvals.get(approvalId)) {
          // No agent event follows a question asked outside a turn: the card is updated here.
          this.approvals.delete(approvalId);
          this.display({ kind: 'approvalResolved', turnId: this.outsideTurnOf(approvalId) ?? turnId, approvalId, outcome: outcomeOf(answer, cancelled) });
        }
        resolve(answer);
      };
      const subscription = token.onCancellationRequested(() => settle('deny', true));
      this.approvals.add({ approvalId, turnId, request, decisions, outsideTurn, settle });
      this.display(event);
    });
  }

  /** A question no agent turn asks: shown under the review entry of its origin (added when needed). */
  private requestOutsideTurn(request: ApprovalRequest, token: CancellationToken, origin: ApprovalOrigin, approvalId: string): Promise<ApprovalAnswer> | undefined {
    if (this.shownSessionId === undefined) return undefined;
    const turnId = this.reviewEntryFor(origin);
    this.outsideQuestions.set(approvalId, { origin, turnId });
    const answer = this.offer(request, token, turnId, approvalId, true);
    void answer.then(() => this.outsideQuestions.delete(approvalId));
    return answer;
  }

  private outsideTurnOf(approvalId: string): string | undefined {
    return this.outsideQuestions.get(approvalId)?.turnId;
  }

  private reviewEntryFor(origin: ApprovalOrigin): string {
    const existing = this.reviewEntries.get(origin.id);
    if (existing && !this.presenterLacksTurn(existing.turnId)) return existing.turnId;
    const turnId = `review-${++this.outsideCounter}`;
    this.reviewEntries.set(origin.id, { turnId, title: origin.title });
    while (this.reviewEntries.size > 100) this.reviewEntries.delete(this.reviewEntries.keys().next().value!);
    this.display({ kind: 'reviewEntry', turnId, title: origin.title });
    return turnId;
  }

  /** After a session switch (or rename) the open outside-turn questions appear again, in the session now shown. */
  private showOutsideQuestionsAgain(): void {
    for (const offered of this.approvals.values()) {
      const question = this.outsideQuestions.get(offered.approvalId);
      if (!offered.outsideTurn || !question) continue;
      question.turnId = this.reviewEntryFor(question.origin);
      this.display(approvalCard(offered.request, question.turnId, offered.approvalId, (path) => this.agentHost.services.paths.displayOf(path)).event);
    }
  }

  private presenterLacksTurn(turnId: string): boolean {
    return !this.presenter.transcript().turns.some((turn) => turn.id === turnId);
  }

  // ── requests from the view ──────────────────────────────────────────────────────────────────

  private refuse(what: string): void {
    this.refused.push(what);
    if (this.refused.length > 100) this.refused.shift();
    this.options.log.warn(`Chat: refused a request from the view: ${what}`);
  }

  async handle(request: ChatRequest): Promise<void> {
    try {
      await this.dispatch(request);
    } catch (error) {
      this.options.log.error(`Chat: "${request.type}" failed: ${errorMessage(error)}`);
    }
  }

  private async dispatch(request: ChatRequest): Promise<void> {
    switch (request.type) {
      case 'sendPrompt':
        void this.sendPrompt(request.text, request.attachments);
        return;
      case 'steer':
        return this.steer(request.id, request.text);
      case 'stop':
        if (request.turnId !== undefined && request.turnId !== this.runningTurnId) return this.refuse(`stop for turn ${request.turnId}, which is not running`);
        this.agentHost.stop();
        return;
      case 'retry':
        if (!this.retryable.has(request.turnId)) return this.refuse(`retry of turn ${request.turnId}, which was not offered`);
        this.retryable.delete(request.turnId);
        void this.agentHost.continueTurn().then((outcome) => this.reportBusy(outcome));
        return;
      case 'approvalDecision': {
        const refused = this.approvals.answer(request.approvalId, request.decision);
        if (refused !== undefined) this.refuse(refused);
        return;
      }
      case 'openReviewDiff': {
        const review = this.approvals.review(request.approvalId);
        if ('refused' in review) return this.refuse(review.refused);
        if (!(await this.options.approvals.openDiff(request.approvalId))) this.options.log.info(`Chat: the review ${request.approvalId} is no longer open; no diff to show.`);
        return;
      }
      case 'editDecision':
        return this.editDecision(request.editId, request.decision);
      case 'codeAction':
        return this.codeAction(request);
      case 'openLink':
        if (!isSafeExternalUrl(request.url)) return this.refuse(`link ${request.url.slice(0, 100)}`);
        await vscode.env.openExternal(vscode.Uri.parse(request.url, true));
        return;
      case 'openFile':
        return this.openFile(request.path);
      case 'newSession':
        this.agentHost.newSession();
        return;
      case 'switchSession':
        if (!this.offeredSessions.has(request.sessionId)) return this.refuse(`session ${request.sessionId}, which was not listed`);
        if (this.agentHost.agent.runningTurn) this.agentHost.stop();
        if (!(await this.agentHost.openSession(request.sessionId))) this.display({ kind: 'error', message: 'That chat could not be opened (it may have been deleted).' });
        return;
      case 'renameSession': {
        if (!this.offeredSessions.has(request.sessionId)) return this.refuse(`rename of session ${request.sessionId}, which was not listed`);
        await this.agentHost.renameSession(request.sessionId, request.title);
        const active = this.agentHost.currentSession;
        if (active?.id === request.sessionId) await this.show(active);
        else this.presenter.setSessions(await this.sessionList());
        return;
      }
      case 'deleteSession': {
        if (!this.offeredSessions.has(request.sessionId)) return this.refuse(`delete of session ${request.sessionId}, which was not listed`);
        const wasActive = this.agentHost.currentSession?.id === request.sessionId;
        await this.agentHost.deleteSession(request.sessionId);
        await this.options.workspaceState.update(DISPLAY_KEY(request.sessionId), undefined);
        if (!wasActive) this.presenter.setSessions(await this.sessionList());
        return;
      }
      case 'mentionQuery':
        return this.mentionQuery(request.requestId, request.query);
      case 'attachSelection':
        return this.attachSelection();
    }
  }

  /**
   * Starts a turn with what the user typed (the view, or `askInChat`). Resolves when the turn ends;
   * `busy` when another turn is running.
   */
  async sendPrompt(text: string, attachments: readonly AttachmentView[] = []): Promise<TurnOutcome> {
    await this.ensureInitialised();
    const input: UserInput = { text };
    const mentions: string[] = [];
    const shown: AttachmentView[] = [];
    for (const attachment of attachments) {
      if (attachment.kind === 'file') {
        if (!mentions.includes(attachment.path)) mentions.push(attachment.path);
        shown.push(attachment);
      } else {
        const selection = this.selections.get(attachment.id);
        if (!selection) {
          this.refuse(`selection attachment ${attachment.id}, which was not offered`);
          continue;
        }
        if (!input.activeFile) input.activeFile = selection;
        shown.push({ kind: 'selection', id: attachment.id, path: selection.path, startLine: selection.selection?.startLine ?? 1, endLine: selection.selection?.endLine ?? 1 });
      }
    }
    if (mentions.length) input.mentions = mentions;
    this.nextAttachments = shown;
    const outcome = await this.agentHost.runTurn(input);
    this.reportBusy(outcome);
    return outcome;
  }

  private reportBusy(outcome: TurnOutcome): void {
    if (outcome.kind !== 'busy') return;
    this.nextAttachments = [];
    this.display({ kind: 'error', message: 'A turn is already running: stop it first, or type while it runs to steer it.' });
  }

  private async steer(viewId: string, text: string): Promise<void> {
    const running = this.runningTurnId;
    // The agent replaces an API key in what it sends and records (and says so on the turn); the line
    // shown here before that turn starts must not show the key either.
    const shown = redactUserText(text, this.agentHost.services.knownSecrets()).text;
    if (running === undefined) {
      // The turn ended before the text arrived: it becomes the next prompt.
      const last = this.presenter.transcript().turns.at(-1);
      if (last) this.display({ kind: 'steer', turnId: last.id, steerId: viewId, text: shown, status: 'nextTurn' });
      void this.sendPrompt(text);
      return;
    }
    this.steeringViewId = viewId;
    try {
      const accepted = this.agentHost.steer(text);
      if (accepted.status === 'noTurnRunning') {
        this.display({ kind: 'steer', turnId: running, steerId: viewId, text: shown, status: 'nextTurn' });
        void this.sendPrompt(text);
      }
    } finally {
      this.steeringViewId = undefined;
    }
  }

  private async editDecision(editId: string, decision: 'keep' | 'undo'): Promise<void> {
    const offered = this.edits.get(editId);
    if (!offered) return this.refuse(`edit ${editId}, which was not offered`);
    if (offered.state !== 'applied') return this.refuse(`edit ${editId}, which is already ${offered.state}`);
    if (decision === 'keep') {
      offered.state = 'kept';
      this.display({ kind: 'editResolved', turnId: offered.turnId, editId, state: 'kept' });
      this.saveDisplay();
      return;
    }
    const result = await this.undoEdit(offered.entry);
    if (result.ok) {
      offered.state = 'undone';
      this.display({ kind: 'editResolved', turnId: offered.turnId, editId, state: 'undone' });
    } else {
      // The card keeps its Undo buttons disabled in the view; tell why and leave the file alone.
      offered.state = 'failed';
      this.display({ kind: 'editResolved', turnId: offered.turnId, editId, state: 'failed', message: result.message });
    }
    this.saveDisplay();
  }

  /**
   * Undoes one edit: the file goes back to its content before that edit, as one WorkspaceEdit (so
   * VS Code's own undo can redo it). Refused when the file changed since (a later edit or the user's
   * typing): nothing is thrown away silently.
   */
  private async undoEdit(entry: JournalEntry): Promise<{ ok: true } | { ok: false; message: string }> {
    if (this.agentHost.agent.runningTurn?.turnId === entry.turnId) return { ok: false, message: 'The turn is still running; stop it before undoing its edits.' };
    const workspace = this.agentHost.services.workspace;
    const stat = await workspace.stat(entry.path);
    const current = stat?.type === 'file' ? await workspace.readFile(entry.path) : undefined;
    if (current !== entry.after) {
      return { ok: false, message: `Not undone: ${entry.display} changed after this edit (a later edit or your own changes). Use “Holdfast: Revert Last Turn” or edit it by hand.` };
    }
    const applied =
      entry.before === undefined
        ? await workspace.applyEdit([{ kind: 'delete', path: entry.path }])
        : await workspace.applyEdit([{ kind: 'modify', path: entry.path, baseText: current, replacements: [{ start: 0, end: current.length, newText: entry.before }] }]);
    if (!applied.applied) return { ok: false, message: `Not undone: ${applied.reason}` };
    const session = this.agentHost.currentSession;
    if (session && !this.agentHost.agent.runningTurn) {
      session.items.push({
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: `The user undid one of your edits: ${entry.display} is back to its content before that edit. Read it again before editing.` }],
      });
      await this.agentHost.sessions.save(session).catch(() => undefined);
    }
    return { ok: true };
  }

  private async codeAction(request: Extract<WebviewToHost, { type: 'codeAction' }>): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (request.action === 'insertAtCursor') {
      if (!editor) {
        void vscode.window.showInformationMessage('Holdfast: open an editor to insert the code into.');
        return;
      }
      // One WorkspaceEdit: one undo step, whatever the number of cursors.
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
   * the view cannot show it), and only Keep
   * applies it, as one WorkspaceEdit, and only if the file did not change during the review.
   */
  private async applyReviewed(pathHint: string, code: string): Promise<void> {
    const hint = pathHint.slice(0, 200);
    const workspace = this.agentHost.services.workspace;
    let target: { absolute: string; display: string };
    let before: string | undefined;
    try {
      if (!vscode.workspace.isTrusted) throw new Error('the workspace is not trusted, so Holdfast does not change files');
      const resolved = await this.agentHost.services.paths.resolve(pathHint, 'write');
      target = { absolute: resolved.absolute, display: resolved.display };
      const stat = await workspace.stat(resolved.absolute);
      if (stat && stat.type !== 'file') throw new Error('it is not a file');
      before = stat ? await workspace.readFile(resolved.absolute) : undefined;
    } catch (error) {
      this.refuse(`apply to ${hint}: ${errorMessage(error)}`);
      void vscode.window.showWarningMessage(`Holdfast: not applied to ${hint}: ${errorMessage(error)}`);
      return;
    }
    if (before === code) {
      void vscode.window.showInformationMessage(`Holdfast: ${target.display} already has this content.`);
      return;
    }
    const answer = await this.options.approvals.request({ kind: 'reviewEdit', path: target.display, before, after: code }, CancellationToken.None, {
      id: `apply-${++this.outsideCounter}`,
      title: `“Apply to file” proposes a change to ${target.display}`,
    });
    if (answer === 'deny') {
      this.options.log.info(`Chat: "Apply to file" on ${target.display} discarded in review.`);
      return;
    }
    const stat = await workspace.stat(target.absolute);
    const current = stat?.type === 'file' ? await workspace.readFile(target.absolute) : undefined;
    if (current !== before) {
      void vscode.window.showWarningMessage(`Holdfast: ${target.display} changed during the review; nothing was applied.`);
      return;
    }
    const applied = await workspace.applyEdit(
      current === undefined
        ? [{ kind: 'create', path: target.absolute, text: code }]
        : [{ kind: 'modify', path: target.absolute, baseText: current, replacements: [{ start: 0, end: current.length, newText: code }] }],
    );
    if (!applied.applied) {
      void vscode.window.showWarningMessage(`Holdfast: not applied to ${target.display}: ${applied.reason}`);
      return;
    }
    this.options.log.info(`Chat: "Apply to file" on ${target.display} kept and applied.`);
    await vscode.window.showTextDocument(vscode.Uri.file(target.absolute), { preview: true });
  }

  private async openFile(path: string): Promise<void> {
    let absolute: string;
    try {
      const resolved = await this.agentHost.services.paths.resolve(path, 'read');
      if (!resolved.exists) throw new Error('it does not exist');
      absolute = resolved.absolute;
    } catch (error) {
      return this.refuse(`open ${path.slice(0, 200)}: ${errorMessage(error)}`);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(absolute), { preview: true });
  }

  /**
   * `@file` completion: workspace files (VS Code's findFiles, bounded, without what files.exclude and
   * search.exclude hide) whose path contains the query, file-name matches first. Each candidate goes
   * through the tools' path policy (secret-looking files, `.holdfastignore`, escaping symlinks are
   * never offered), and at most `Limits.mentionCandidates` are sent.
   */
  private async mentionQuery(requestId: number, query: string): Promise<void> {
    const now = Date.now();
    if (!this.mentionCache || now - this.mentionCache.at > MENTION_CACHE_MS) {
      const files = await vscode.workspace.findFiles('**/*', mentionExcludes(), MENTION_SCAN_LIMIT);
      this.mentionCache = { at: now, files };
    }
    const needle = query.toLowerCase();
    const scored: Array<{ uri: vscode.Uri; path: string; score: number }> = [];
    for (const uri of this.mentionCache.files) {
      if (uri.scheme !== 'file') continue;
      const relative = vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
      if (relative.length > Limits.path) continue;
      const name = relative.split('/').pop() ?? relative;
      const lower = relative.toLowerCase();
      if (needle !== '' && !lower.includes(needle)) continue;
      const nameAt = name.toLowerCase().indexOf(needle);
      scored.push({ uri, path: relative, score: (nameAt === 0 ? 0 : nameAt > 0 ? 1 : 2) * 1000 + relative.length });
    }
    scored.sort((a, b) => a.score - b.score || a.path.localeCompare(b.path));
    const paths = this.agentHost.services.paths;
    const candidates: MentionCandidate[] = [];
    let checked = 0;
    for (const { uri } of scored) {
      if (candidates.length >= Limits.mentionCandidates || checked >= MENTION_POLICY_CHECKS) break;
      checked++;
      const display = await paths.admitExisting(uri.path).catch(() => undefined);
      if (display === undefined || display === '' || display.length > Limits.path) continue;
      const slash = display.lastIndexOf('/');
      candidates.push(slash > 0 ? { path: display, description: display.slice(0, slash) } : { path: display });
    }
    this.post({ type: 'mentionResults', requestId, candidates });
  }

  private async attachSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor || editor.selection.isEmpty || editor.document.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('Holdfast: select some code in an editor to attach it.');
      return;
    }
    let path: string;
    try {
      path = (await this.agentHost.services.paths.resolve(editor.document.uri.path, 'read')).display;
    } catch (error) {
      return this.refuse(`attach a selection of ${editor.document.uri.path}: ${errorMessage(error)}`);
    }
    const selection = editor.selection;
    const id = `sel-${++this.selectionCounter}`;
    const startLine = selection.start.line + 1;
    const endLine = selection.end.line + 1;
    this.selections.set(id, { path, selection: { startLine, endLine, text: editor.document.getText(selection) } });
    this.post({ type: 'attachmentAdded', attachment: { kind: 'selection', id, path, startLine, endLine } });
  }

  private post(message: HostToWebview): void {
    const checked = HostToWebview.safeParse(message);
    if (!checked.success) {
      this.options.log.warn(`Chat: not posting an invalid "${message.type}" message.`);
      return;
    }
    this.options.view.post(checked.data);
    this.posted.fire(checked.data);
  }

  /** Test hook: the ids the view may currently refer to. */
  offered(): { approvals: string[]; edits: string[]; sessions: string[]; retry: string[] } {
    return { approvals: this.approvals.ids(), edits: [...this.edits.keys()], sessions: [...this.offeredSessions], retry: [...this.retryable] };
  }

  dispose(): void {
    for (const approval of this.approvals.values()) approval.settle('deny', true);
    this.approvals.deleteWhere(() => true);
    this.store.dispose();
  }
}

/** The error card for how a turn ended, if it needs one. */
function describeOutcome(outcome: TurnOutcome): { message: string; actions: ErrorAction[] } | undefined {
  if (outcome.kind === 'budgetPaused') {
    return {
      message: `Paused: this turn reached its ${outcome.budget === 'toolRounds' ? 'tool-round' : 'token'} budget (${outcome.used} of ${outcome.limit}). Retry continues it.`,
      actions: ['retry'],
    };
  }
  if (outcome.kind === 'incomplete' && outcome.reason !== 'steered') {
    return { message: `The answer stopped early (${outcome.reason}).`, actions: ['retry'] };
  }
  if (outcome.kind !== 'failed') return undefined;
  return describeFailure(outcome.error);
}

function describeFailure(error: ModelFailure): { message: string; actions: ErrorAction[] } {
  switch (error.kind) {
    case 'authFailed':
      return { message: `The model server refused the API key: ${error.message}`, actions: ['setApiKey', 'testConnection'] };
    case 'rateLimited':
      return {
        message: `Rate limited${error.retryAfterMs !== undefined ? ` (try again in ${Math.ceil(error.retryAfterMs / 1000)} s)` : ''}: ${error.message}`,
        actions: ['retry'],
      };
    case 'networkError':
      return { message: `The connection failed: ${error.message}`, actions: ['retry', 'switchToHttp', 'testConnection'] };
    case 'serverError':
      return { message: `The model server failed the request (${error.code}): ${error.message}`, actions: error.retryable ? ['retry', 'testConnection'] : ['testConnection'] };
  }
}
