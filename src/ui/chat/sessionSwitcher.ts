/**
 * The chat's session switcher (the header's list: new, switch, rename, delete) and the saved display
 * model of each session (footers and card outcomes a reload cannot rebuild from the transcript). The
 * view may act only on sessions it was listed.
 */
import type * as vscode from 'vscode';
import type { ChatSession } from '../../agent/chatSession';
import { errorMessage } from '../../common/result';
import type { AgentHost } from '../../host/agentHost';
import type { Logger } from '../../host/log';
import { type SessionSummaryView, SessionTranscriptView } from '../../protocol/webview';
import type { ChatPresenter } from '../chatPresenter';
import type { ChatRequest } from '../chatViewProvider';
import { branchViews } from './branchActions';
import { sessionSummaryViews } from './sessionList';

const DISPLAY_KEY = (sessionId: string): string => `holdfast.chatView.display.${sessionId}`;

export type SessionRequest = Extract<ChatRequest, { type: 'newSession' | 'switchSession' | 'renameSession' | 'deleteSession' }>;

export interface SessionSwitcherOptions {
  agentHost: AgentHost;
  presenter: ChatPresenter;
  workspaceState: vscode.Memento;
  log: Logger;
  /** The session the view shows. */
  shownSessionId(): string | undefined;
  /** Shows `session` again (after a rename of the active one). */
  show(session: ChatSession): Promise<void>;
  refuse(what: string): void;
}

export class SessionSwitcher {
  private offered = new Set<string>();

  constructor(private readonly options: SessionSwitcherOptions) {}

  /** The display model last saved for `sessionId`, if it is still valid. */
  savedView(sessionId: string): SessionTranscriptView | undefined {
    const saved = SessionTranscriptView.safeParse(this.options.workspaceState.get(DISPLAY_KEY(sessionId)));
    return saved.success ? saved.data : undefined;
  }

  /** Saves the presenter's display model of the session shown. */
  saveView(): void {
    const conversation = this.options.presenter.transcript();
    if (conversation.id !== this.options.shownSessionId()) return;
    void Promise.resolve(this.options.workspaceState.update(DISPLAY_KEY(conversation.id), conversation)).catch((error: unknown) =>
      this.options.log.warn(`Chat: could not save the view of session ${conversation.id}: ${errorMessage(error)}`),
    );
  }

  /** The list as the view shows it (and may act on), with the active session's live figures. */
  async list(active: ChatSession | undefined = this.options.agentHost.currentSession): Promise<SessionSummaryView[]> {
    const list = await this.options.agentHost.listSessions().catch(() => []);
    const kept = sessionSummaryViews(list, active && { id: active.id, title: active.title, updatedAt: active.updatedAt, turns: active.turns.length, branches: branchViews(active) });
    this.offered = new Set(kept.map((v) => v.id));
    return kept;
  }

  /** The list's turn counts and times changed (a turn ended): send it again. */
  refresh(sessionId: string): void {
    void this.list().then(
      (sessions) => {
        if (this.options.shownSessionId() === sessionId) this.options.presenter.setSessions(sessions);
      },
      (error: unknown) => this.options.log.warn(`Chat: could not refresh the session list: ${errorMessage(error)}`),
    );
  }

  ids(): string[] {
    return [...this.offered];
  }

  async handle(request: SessionRequest): Promise<void> {
    const { agentHost, presenter } = this.options;
    if (request.type === 'newSession') {
      agentHost.newSession();
      return;
    }
    const verb = { switchSession: '', renameSession: 'rename of ', deleteSession: 'delete of ' }[request.type];
    if (!this.offered.has(request.sessionId)) return this.options.refuse(`${verb}session ${request.sessionId}, which was not listed`);
    switch (request.type) {
      case 'switchSession':
        if (agentHost.agent.runningTurn) agentHost.stop();
        if (!(await agentHost.openSession(request.sessionId))) presenter.handle({ type: 'error', message: 'That chat could not be opened (it may have been deleted).' });
        return;
      case 'renameSession': {
        await agentHost.renameSession(request.sessionId, request.title);
        const active = agentHost.currentSession;
        if (active?.id === request.sessionId) await this.options.show(active);
        else presenter.setSessions(await this.list());
        return;
      }
      case 'deleteSession': {
        const wasActive = agentHost.currentSession?.id === request.sessionId;
        await agentHost.deleteSession(request.sessionId);
        await this.options.workspaceState.update(DISPLAY_KEY(request.sessionId), undefined);
        if (!wasActive) presenter.setSessions(await this.list());
        return;
      }
    }
  }
}
