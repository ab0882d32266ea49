/**
 * The host side of the chat view (issue 6): the agent's events become display events for the
 * `ChatPresenter` (`chat/agentEventDisplay.ts` maps them), and every request the view sends becomes an
 * action on the agent, the session store or the editor. The cards' answers, edit keep/undo, code-block
 * actions, `@`-mentions and attachments each live in their own file under `chat/`; this class owns the
 * state they share (the session shown, the running turn) and the dispatch.
 *
 * The view is untrusted input even after zod: it may only refer to ids this controller offered
 * (approval cards it showed, edit cards it showed, sessions it listed, turns it offered a retry for,
 * selections it attached). Anything else is logged and dropped. Links are re-checked before
 * `openExternal`; files are resolved through the tools' path policy before they are opened or written.
 *
 * Just over 400 lines: the dispatch of every view request is one switch, kept in one place so that
 * what the view may ask for is visible at once; the work of each request lives under `chat/`.
 */
import { prefillNoteText } from './chat/prefillNote';
import * as vscode from 'vscode';
import type { ChatSession } from '../agent/chatSession';
import type { AgentEvent, TurnOutcome } from '../agent/events';
import { DisposableStore } from '../common/disposable';
import { Emitter, type Event } from '../common/event';
import { redactUserText } from '../common/redact';
import { errorMessage } from '../common/result';
import type { AgentHost } from '../host/agentHost';
import type { Logger } from '../host/log';
import { type AttachmentView, type ConnectionView, type HostToWebview, isSafeExternalUrl } from '../protocol/webview';
import type { JournalEntry } from '../tools/editJournal';
import { ApprovalAttention } from './approvals/approvalAttention';
import type { VscodeApprovals } from './approvals/vscodeApprovals';
import { displayEventsOf } from './chat/agentEventDisplay';
import { ChatState } from './chat/chatState';
import { ApprovalCardPresenter } from './chat/approvalCardPresenter';
import { BranchActions } from './chat/branchActions';
import { CodeBlockActions } from './chat/codeBlockActions';
import { ContextPanel } from './chat/contextPanel';
import { conversationViewOf, editCardId } from './chat/conversationView';
import type { ChatDisplayEvent } from './chat/displayEvents';
import { MentionSearch } from './chat/mentionSearch';
import { OfferedEdits } from './chat/offeredEdits';
import { PromptAttachments } from './chat/promptAttachments';
import { SandboxNoticeOnce } from './chat/sandboxNotice';
import { SessionSwitcher } from './chat/sessionSwitcher';
import { postValidated } from './chat/validatedPost';
import { runViewAction } from './chat/viewActions';
import { ChatPresenter } from './chatPresenter';
import type { ChatRequest, ChatViewListener } from './chatViewProvider';

/** What the controller needs from the chat view provider. */
export interface ChatViewPort {
  post(message: HostToWebview): void;
  /** The view is shown and its script has said `ready`: cards can be answered there. */
  readonly canShowCards: boolean;
  /** A view exists but may be hidden: a turn's card put there is seen once it is shown (with a badge and a notification meanwhile). */
  readonly hasView: boolean;
  setBadge(badge: vscode.ViewBadge | undefined): void;
  reveal(): Promise<void>;
  /** Where the view's messages go; dispose to disconnect. */
  connect(listener: ChatViewListener): vscode.Disposable;
}

export interface ChatControllerOptions {
  /** The chat agent; its approvals port (VS Code's prompts) shows questions as the chat's cards when it can. */
  agentHost: AgentHost<VscodeApprovals>;
  view: ChatViewPort;
  log: Logger;
  workspaceState: vscode.Memento;
  connectionView(): ConnectionView;
  onDidChangeConnection: Event<ConnectionView>;
  /** The user starts or steers a turn from the view: the connection warms if it waits for first use. */
  onFirstUse(): void;
}

export class ChatController implements ChatViewListener, vscode.Disposable {
  readonly presenter: ChatPresenter;
  private readonly store = new DisposableStore();
  private readonly agentHost: AgentHost<VscodeApprovals>;
  private readonly state: ChatState;
  private initialised: Promise<void> | undefined;

  // ── ids the view may refer to ─────────────────────────────────────────────────────────────────
  private readonly approvalCards: ApprovalCardPresenter;
  private readonly edits: OfferedEdits;
  private readonly attachments: PromptAttachments;
  private readonly sessions: SessionSwitcher;
  private readonly retryable = new Set<string>();

  private readonly mentions: MentionSearch;
  private readonly codeBlocks: CodeBlockActions;
  /** The header's context meter and the pin buttons. */
  private readonly contextPanel: ContextPanel;
  private readonly branches: BranchActions;
  /** Refusals, for tests and the log. */
  readonly refused: string[] = [];
  private readonly posted = new Emitter<HostToWebview>();
  /** Test hook: the answers the controller itself posts (mentionResults, attachmentAdded). */
  readonly onDidPost = this.posted.event;

  constructor(private readonly options: ChatControllerOptions) {
    const agentHost = options.agentHost;
    this.agentHost = agentHost;
    const { workspace, paths } = agentHost.services;
    const refuse = (what: string): void => this.refuse(what);
    this.presenter = new ChatPresenter({
      post: (message) => options.view.post(message),
      workspaceName: vscode.workspace.name ?? 'No folder open',
      connection: options.connectionView(),
      onInvalidMessage: (type, error) => options.log.warn(`Chat: not posting an invalid "${type}" message (${error}).`),
    });
    this.approvalCards = new ApprovalCardPresenter({
      canShowCards: () => options.view.canShowCards,
      canHoldCards: (turnId) => options.view.hasView && this.state.chatTurns.has(turnId),
      shownSessionId: () => this.state.shownSessionId,
      showsTurn: (turnId) => this.presenter.transcript().turns.some((turn) => turn.id === turnId),
      display: (event) => this.display(event),
      displayOf: (path) => paths.displayOf(path),
    });
    this.edits = new OfferedEdits({ workspace, runningTurnId: () => agentHost.agent.runningTurn?.turnId, noteUndone: (entry) => this.tellModelUndone(entry) });
    this.state = new ChatState(
      (approvalId) => this.approvalCards.offers(approvalId),
      (entry) => this.editCardIdOf(entry),
    );
    this.attachments = new PromptAttachments(paths, refuse);
    this.mentions = new MentionSearch(paths);
    this.sessions = new SessionSwitcher({
      agentHost,
      presenter: this.presenter,
      workspaceState: options.workspaceState,
      log: options.log,
      shownSessionId: () => this.state.shownSessionId,
      show: (session) => this.show(session),
      refuse,
    });
    this.codeBlocks = new CodeBlockActions({ workspace, paths, approvals: agentHost.approvals, log: options.log, refuse });
    this.contextPanel = new ContextPanel({
      agentHost,
      shownSessionId: () => this.state.shownSessionId,
      transcript: () => this.presenter.transcript(),
      post: (message) => this.post(message),
      refuse,
    });
    this.store.add(this.contextPanel);
    this.branches = new BranchActions({
      agentHost,
      commands: { available: () => Promise.resolve(vscode.commands.getCommands(true)), run: (command, argument) => Promise.resolve(vscode.commands.executeCommand(command, argument)) },
      shownSessionId: () => this.state.shownSessionId,
      post: (message) => this.post(message),
      notify: (message) => this.presenter.handle({ type: 'error', message }),
      refuse,
    });
    this.store.add(agentHost.agent.prefill.onReport((report) => this.post({ type: 'prefillNote', text: prefillNoteText(report) })));
    this.store.add({ dispose: () => this.presenter.dispose() });
    this.store.add(this.posted);
    this.store.add(agentHost.approvals.setPresenter(this.approvalCards));
    this.store.add(new ApprovalAttention(agentHost.approvals, options.view));
    this.store.add(options.view.connect(this));
    this.store.add(agentHost.onEvent((event) => this.onAgentEvent(event)));
    this.store.add(agentHost.onDidChangeActiveSession((session) => void this.show(session)));
    this.store.add(options.onDidChangeConnection((connection) => this.presenter.setConnection(connection)));
    const sandboxNotice = new SandboxNoticeOnce();
    const sandboxChanged = agentHost.services.terminal.onDidChangeSandboxStatus;
    if (sandboxChanged) {
      this.store.add(
        sandboxChanged((status) => {
          const message = sandboxNotice.take(status);
          if (message) this.display({ type: 'notice', ...(this.state.runningTurnId ? { turnId: this.state.runningTurnId } : {}), message });
        }),
      );
    }
  }

  // ── the session shown ───────────────────────────────────────────────────────────────────────

  /** Loads the active session's conversation into the presenter (once; later changes come by event). */
  private ensureInitialised(): Promise<void> {
    this.initialised ??= this.agentHost.activeSession().then(
      (session) => (this.state.shownSessionId === session.id ? undefined : this.show(session)),
      (error: unknown) => this.options.log.warn(`Chat: restoring the session failed: ${errorMessage(error)}`),
    );
    return this.initialised;
  }

  /** The view (re)loaded: a full snapshot with the active session's conversation. */
  async onViewReady(): Promise<void> {
    await this.ensureInitialised();
    this.presenter.setConnection(this.options.connectionView());
    this.presenter.onReady();
    await this.contextPanel.publish();
  }

  private async show(session: ChatSession): Promise<void> {
    const conversation = conversationViewOf(session, this.sessions.savedView(session.id));
    this.state.shownSessionId = session.id;
    // Cards of agent turns go with their turns; questions asked outside any turn are shown again below.
    this.approvalCards.forgetTurnCards();
    this.retryable.clear();
    this.edits.showSession(session.journal.toJSON(), conversation);
    const last = conversation.turns.at(-1);
    if (last?.status === 'failed') this.retryable.add(last.id);
    // Shown at once, not after the session list is read: a turn (or a review card) that starts right
    // after "New session" must land in this session's view, not in one a late snapshot replaces.
    this.presenter.showSession(conversation);
    void this.contextPanel.publish();
    this.approvalCards.showOutsideQuestionsAgain();
    const sessions = await this.sessions.list(session);
    if (this.state.shownSessionId === session.id) this.presenter.setSessions(sessions);
  }

  // ── agent events → display events ───────────────────────────────────────────────────────────

  private display(event: ChatDisplayEvent): void {
    this.presenter.handle(event);
    // Review entries live outside the session's turns: saved as they change, so a reload rebuilds them.
    const reviewEvents: ReadonlyArray<ChatDisplayEvent['type']> = ['reviewRequested', 'questionRequested', 'approvalRequested', 'approvalResolved'];
    if (reviewEvents.includes(event.type) && 'turnId' in event && event.turnId?.startsWith('review-')) this.sessions.saveView();
  }

  private onAgentEvent(event: AgentEvent): void {
    const shown = displayEventsOf(event, this.state);
    this.track(event, shown);
    for (const display of shown) this.display(display);
    if (event.type === 'turnFinished' && shown.length > 0) {
      this.sessions.saveView();
      this.sessions.refresh(event.sessionId);
    }
    // A compaction between turns marks a finished turn: saved now, so a reload still shows where it happened.
    if (event.type === 'compacted' && shown.length > 0 && event.turnId !== this.state.runningTurnId) this.sessions.saveView();
  }

  /** The running turn and the ids the view may refer to, as `event` (shown as `shown`) changes them. */
  private track(event: AgentEvent, shown: readonly ChatDisplayEvent[]): void {
    const state = this.state;
    switch (event.type) {
      case 'turnStarted':
        if (shown.length === 0) return;
        state.runningTurnId = event.turnId;
        state.nextAttachments = [];
        state.nextUserText = undefined;
        if (state.nextFromChat) state.chatTurns.add(event.turnId);
        state.nextFromChat = false;
        this.retryable.clear();
        return;
      case 'approvalResolved':
        this.approvalCards.resolved(event.approvalId);
        return;
      case 'editApplied':
        for (const card of shown) if (card.type === 'editApplied') this.edits.offer(card.editId, event.turnId, event.entry, card.kept === true);
        return;
      case 'steerQueued':
        for (const line of shown) if (line.type === 'steer') state.steers.set(event.steerId, { viewId: line.steerId, turnId: event.turnId, text: event.text });
        return;
      // A delivered steer is still answered later; one whose outcome is unknown or that came back is done.
      case 'steerAnswered':
      case 'steerUnknown':
      case 'steerReturned':
        state.steers.delete(event.steerId);
        return;
      case 'turnFinished':
        for (const [steerId, steer] of state.steers) if (steer.turnId === event.turnId) state.steers.delete(steerId);
        if (state.runningTurnId === event.turnId) state.runningTurnId = undefined;
        state.chatTurns.delete(event.turnId);
        if (shown.some((e) => e.type === 'error' && e.actions?.includes('retry'))) this.retryable.add(event.turnId);
        return;
    }
  }

  /** The edit card id of a journal entry of the session shown; undefined for any other. */
  private editCardIdOf(entry: JournalEntry): string | undefined {
    const session = this.agentHost.currentSession;
    if (!session || session.id !== this.state.shownSessionId) return undefined;
    const index = session.journal.toJSON().indexOf(entry);
    return index < 0 ? undefined : editCardId(index);
  }

  // ── requests from the view ──────────────────────────────────────────────────────────────────

  private refuse(what: string): void {
    this.refused.push(what);
    if (this.refused.length > 100) this.refused.shift();
    this.options.log.warn(`Chat: refused a request from the view: ${what}`);
  }

  /** A request from the view (ChatViewProvider validated its shape; this checks what it refers to). */
  async handle(request: ChatRequest): Promise<void> {
    try {
      if (request.type === 'sendPrompt' || request.type === 'steer' || request.type === 'retry') this.options.onFirstUse();
      await this.dispatch(request);
    } catch (error) {
      this.options.log.error(`Chat: "${request.type}" failed: ${errorMessage(error)}`);
    }
  }

  private async dispatch(request: ChatRequest): Promise<void> {
    switch (request.type) {
      case 'sendPrompt':
        void this.sendPrompt(request.text, request.attachments, undefined, request.effort);
        return;
      case 'draftPaused':
        if (request.text.trim() === '' && request.attachments.length === 0) return this.agentHost.agent.prefill.forget();
        void this.agentHost.prefillDraft(this.attachments.inputFor(request.text, request.attachments).input);
        return;
      case 'steer':
        return this.steer(request.id, request.text);
      case 'stop':
        if (request.turnId !== undefined && request.turnId !== this.state.runningTurnId) return this.refuse(`stop for turn ${request.turnId}, which is not running`);
        this.agentHost.stop();
        return;
      case 'stopBackgroundCall':
        if (!this.agentHost.stopBackgroundCall(request.callId)) return this.refuse(`stop of background call ${request.callId}, which is not running`);
        return;
      case 'retry':
        if (!this.retryable.delete(request.turnId)) return this.refuse(`retry of turn ${request.turnId}, which was not offered`);
        this.state.nextFromChat = true;
        void this.agentHost.continueTurn().then((outcome) => this.reportBusy(outcome));
        return;
      case 'approvalDecision':
        return this.refuseIfAny(this.approvalCards.answer(request.approvalId, request.decision));
      case 'openReviewDiff':
        return this.openReviewDiff(request.approvalId);
      case 'editDecision':
        return this.editDecision(request.editId, request.decision);
      case 'codeAction':
        return this.codeBlocks.run(request);
      case 'openLink':
        if (!isSafeExternalUrl(request.url)) return this.refuse(`link ${request.url.slice(0, 100)}`);
        await vscode.env.openExternal(vscode.Uri.parse(request.url, true));
        return;
      case 'openFile':
        return this.openFile(request.path);
      case 'mentionQuery':
        return this.post({ type: 'mentionResults', requestId: request.requestId, candidates: await this.mentions.candidates(request.query) });
      case 'attachSelection': {
        const attachment = await this.attachments.attachSelection();
        if (attachment) this.post({ type: 'attachmentAdded', attachment });
        return;
      }
      case 'runAction':
        return runViewAction(request.action);
      case 'pinMessage':
        return this.contextPanel.pin(request);
      case 'restoreCode':
        await vscode.commands.executeCommand('holdfast.restoreCodeToTurn', { sessionId: this.agentHost.currentSession?.id, turnId: request.turnId });
        return;
      case 'branchAction':
      case 'switchBranch':
        return this.branches.handle(request);
      default:
        return this.sessions.handle(request);
    }
  }

  private refuseIfAny(refused: string | undefined): void {
    if (refused !== undefined) this.refuse(refused);
  }

  private async openReviewDiff(approvalId: string): Promise<void> {
    const refused = this.approvalCards.refuseDiff(approvalId);
    if (refused !== undefined) return this.refuse(refused);
    if (!(await this.agentHost.approvals.openDiff(approvalId))) this.options.log.info(`Chat: the review ${approvalId} is no longer open; no diff to show.`);
  }

  /**
   * Starts a turn with what the user typed (the view, or `askInChat`). Resolves when the turn ends;
   * `busy` when another turn is running. `userText` is the user's line when `text` is a prompt the
   * host wrote for them (Explain): the model gets `text`, the chat shows `userText`.
   */
  async sendPrompt(text: string, attachments: readonly AttachmentView[] = [], userText?: string, effort?: 'high' | 'low'): Promise<TurnOutcome> {
    await this.ensureInitialised();
    const { input: built, shown } = this.attachments.inputFor(text, attachments);
    const input = effort === undefined ? built : { ...built, effort };
    this.state.nextAttachments = shown;
    this.state.nextUserText = userText;
    this.state.nextFromChat = true;
    const outcome = await this.agentHost.runTurn(input);
    this.reportBusy(outcome);
    return outcome;
  }

  private reportBusy(outcome: TurnOutcome): void {
    if (outcome.kind !== 'busy') return;
    this.state.nextAttachments = [];
    this.state.nextUserText = undefined;
    this.state.nextFromChat = false;
    this.display({ type: 'error', message: 'A turn is already running: stop it first, or type while it runs to steer it.' });
  }

  private async steer(viewId: string, text: string): Promise<void> {
    const running = this.state.runningTurnId;
    // The agent replaces an API key in what it sends and records (and says so on the turn); the line
    // shown here before that turn starts must not show the key either.
    const shown = redactUserText(text, this.agentHost.services.knownSecrets()).text;
    if (running === undefined) {
      // The turn ended before the text arrived: it becomes the next prompt.
      const last = this.presenter.transcript().turns.at(-1);
      if (last) this.display({ type: 'steer', turnId: last.id, steerId: viewId, text: shown, status: 'nextTurn' });
      void this.sendPrompt(text);
      return;
    }
    this.state.steeringViewId = viewId;
    try {
      const accepted = this.agentHost.steer(text);
      if (accepted.status === 'noTurnRunning') {
        this.display({ type: 'steer', turnId: running, steerId: viewId, text: shown, status: 'nextTurn' });
        void this.sendPrompt(text);
      }
    } finally {
      this.state.steeringViewId = undefined;
    }
  }

  private async editDecision(editId: string, decision: 'keep' | 'undo'): Promise<void> {
    const result = await this.edits.decide(editId, decision);
    if ('refused' in result) return this.refuse(result.refused);
    this.display(result.show);
    this.sessions.saveView();
  }

  /** An undone edit: the model is told between turns (in the session), so it reads the file again. */
  private async tellModelUndone(entry: JournalEntry): Promise<void> {
    const session = this.agentHost.currentSession;
    if (!session || this.agentHost.agent.runningTurn) return;
    session.items.push({
      type: 'message',
      role: 'developer',
      content: [{ type: 'input_text', text: `The user undid one of your edits: ${entry.display} is back to its content before that edit. Read it again before editing.` }],
    });
    await this.agentHost.sessions.save(session).catch(() => undefined);
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

  private post(message: HostToWebview): void {
    const posted = postValidated(message, (checked) => this.options.view.post(checked), (type) => this.options.log.warn(`Chat: not posting an invalid "${type}" message.`));
    if (posted) this.posted.fire(posted);
  }

  /** Test hook: the ids the view may currently refer to. */
  offered(): { approvals: string[]; edits: string[]; sessions: string[]; retry: string[] } {
    return { approvals: this.approvalCards.ids(), edits: this.edits.ids(), sessions: this.sessions.ids(), retry: [...this.retryable] };
  }

  dispose(): void {
    this.approvalCards.dispose();
    this.store.dispose();
  }
}
