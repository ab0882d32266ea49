import type * as vscode from 'vscode';
import type { Agent, SteerAcceptance } from '../agent/agent';
import { branchAt, type BranchKind, switchBranch } from '../agent/branches/branchOps';
import type { ChatSession } from '../agent/chatSession';
import type { CompactResult, ContextChange } from '../agent/context/contextKeeper';
import type { ContextStatus } from '../agent/context/contextStatus';
import type { Pin } from '../agent/context/sessionContext';
import type { AgentEvent, TurnOutcome } from '../agent/events';
import type { SessionStore, SessionSummary } from '../agent/sessionStore';
import type { UserInput } from '../agent/userInput';
import { CancellationToken } from '../common/cancellation';
import { randomUUID } from '../common/ids';
import { DisposableStore } from '../common/disposable';
import { Emitter, type Event } from '../common/event';
import type { Usage } from '../protocol/items';
import type { RevertResult } from '../tools/editJournal';
import type { Approvals } from '../tools/ports';
import type { ToolServices } from '../tools/toolContext';
import type { Logger } from './log';
import type { VscodeToolSettings } from './toolSettings';

const ACTIVE_SESSION_KEY = 'holdfast.activeSessionId';

/** The parts of the chat agent, built by the composition root (`app/chatAgent.ts`). */
export interface AgentHostParts<TApprovals extends Approvals> {
  agent: Agent;
  /** The approvals port the agent asks; its type is whatever the root built (VS Code's prompts and cards). */
  approvals: TApprovals;
  sessions: SessionStore;
  services: ToolServices;
  toolSettings: VscodeToolSettings;
  /** `workspaceState` remembers which session is active. */
  workspaceState: vscode.Memento;
  log: Logger;
}

/**
 * The chat agent of the window, as the UI sees it: the event stream, the sessions (list, create,
 * open, rename, delete; one active, restored after a reload), and the turn controls (run, stop,
 * steer, revert). It owns none of the parts it is given: the composition root builds and disposes
 * them. Construction does no I/O.
 */
export class AgentHost<TApprovals extends Approvals = Approvals> implements vscode.Disposable {
  readonly agent: Agent;
  readonly approvals: TApprovals;
  readonly sessions: SessionStore;
  readonly toolSettings: VscodeToolSettings;
  readonly services: ToolServices;
  readonly onEvent: Event<AgentEvent>;
  /** The model window of a session changed (the meter's figures). */
  readonly onDidChangeContext: Event<ContextChange>;
  private readonly store = new DisposableStore();
  private readonly activeChanged = new Emitter<ChatSession>();
  /** Fires when another session becomes the active one (new, opened, or the active one deleted). */
  readonly onDidChangeActiveSession: Event<ChatSession> = this.activeChanged.event;
  private active: ChatSession | undefined;
  private restoring: Promise<ChatSession> | undefined;
  private readonly workspaceState: vscode.Memento;

  constructor(parts: AgentHostParts<TApprovals>) {
    this.agent = parts.agent;
    this.approvals = parts.approvals;
    this.sessions = parts.sessions;
    this.services = parts.services;
    this.toolSettings = parts.toolSettings;
    this.workspaceState = parts.workspaceState;
    this.onEvent = this.agent.onEvent;
    this.onDidChangeContext = this.agent.context.onDidChange;
    this.store.add(this.activeChanged);
    this.store.add(
      this.agent.onEvent((event) => {
        if (event.type === 'sessionSaveFailed') parts.log.warn(`Could not save chat session ${event.sessionId}: ${event.message}`);
        if (event.type === 'turnFinished' && event.outcome.kind === 'failed') {
          parts.log.warn(`Turn ${event.turnId} failed: ${event.outcome.error.kind} ${'message' in event.outcome.error ? event.outcome.error.message : ''}`);
        }
      }),
    );
    // A prefill is a cache write like a warm-up: it counts in the session's cost.
    this.store.add(this.agent.prefill.onReport((report) => report.kind === 'prefilled' && report.usage && this.recordWarmup(report.usage)));
  }

  // ─── Sessions ───────────────────────────────────────────────────────────────────────────────────

  /** The active session: the one last used in this workspace (restored after a reload), else a new one. */
  activeSession(): Promise<ChatSession> {
    if (this.active) return Promise.resolve(this.active);
    this.restoring ??= (async () => {
      const id = this.workspaceState.get<string>(ACTIVE_SESSION_KEY);
      const restored = id ? await this.sessions.load(id) : undefined;
      // Someone may have created or opened a session while this was loading.
      if (!this.active) this.setActive(restored ?? this.sessions.create(), false);
      return this.active!;
    })().finally(() => (this.restoring = undefined));
    return this.restoring;
  }

  /** The active session if it is already known (no I/O). */
  get currentSession(): ChatSession | undefined {
    return this.active;
  }

  listSessions(): Promise<SessionSummary[]> {
    return this.sessions.list();
  }

  /** Starts a new, empty conversation and makes it active. It is saved once it has a turn. */
  newSession(): ChatSession {
    const session = this.sessions.create();
    this.setActive(session);
    return session;
  }

  /** Makes a saved session the active one; undefined when it does not exist (or is corrupt). */
  async openSession(id: string): Promise<ChatSession | undefined> {
    if (this.active?.id === id) return this.active;
    const session = await this.sessions.load(id);
    if (session) this.setActive(session);
    return session;
  }

  async renameSession(id: string, title: string): Promise<boolean> {
    const renamed = await this.sessions.rename(id, title);
    if (renamed && this.active?.id === id) this.active.title = title.trim() || this.active.title;
    return renamed;
  }

  /** Deletes a session; deleting the active one starts a new one (a running turn on it is stopped). */
  async deleteSession(id: string): Promise<void> {
    if (this.agent.runningTurn?.sessionId === id) this.agent.stop();
    await this.sessions.delete(id);
    if (this.active?.id === id) this.newSession();
  }

  /**
   * Rewinds or forks the active session before `turnId` (issue 18): the conversation continues from
   * there, the later turns stay a branch. Undefined while a turn runs or for a turn it does not have.
   * Returns the prompt that was cut off (for the composer).
   */
  async branchAt(turnId: string, kind: BranchKind): Promise<{ prompt: string } | undefined> {
    if (this.agent.runningTurn) return undefined;
    const session = await this.activeSession();
    if (!session.turns.some((t) => t.id === turnId)) return undefined;
    const { prompt } = branchAt(session, turnId, kind, this.services.clock.now(), randomUUID);
    await this.sessions.save(session).catch(() => undefined);
    this.activeChanged.fire(session);
    return { prompt };
  }

  /** Makes another branch of the active session its conversation; false while a turn runs or for an unknown branch. */
  async switchBranch(branchId: string): Promise<boolean> {
    if (this.agent.runningTurn) return false;
    const session = await this.activeSession();
    if (!session.branches.get(branchId)) return false;
    switchBranch(session, branchId);
    await this.sessions.save(session).catch(() => undefined);
    this.activeChanged.fire(session);
    return true;
  }

  private setActive(session: ChatSession, fire = true): void {
    this.active = session;
    void this.workspaceState.update(ACTIVE_SESSION_KEY, session.id);
    if (fire) this.activeChanged.fire(session);
  }

  // ─── Turns ──────────────────────────────────────────────────────────────────────────────────────

  /** Runs a turn on the active session. Resolves with how it ended; never throws. */
  async runTurn(input: UserInput, token: CancellationToken = CancellationToken.None): Promise<TurnOutcome> {
    const session = await this.activeSession();
    return this.agent.runTurn(session, input, token);
  }

  /** The user paused typing `input` while no turn ran: the agent may prepare it (speculativePrefill.ts). */
  async prefillDraft(input: UserInput): Promise<void> {
    if (this.agent.runningTurn) return;
    await this.agent.prefill.draftPaused(await this.activeSession(), input);
  }

  /** "Retry" after a failure, "Continue" after a budget pause, on the active session. */
  async continueTurn(token: CancellationToken = CancellationToken.None): Promise<TurnOutcome> {
    return this.agent.continueTurn(await this.activeSession(), token);
  }

  /** The background card's Stop (an async call of the running turn). */
  stopBackgroundCall(callId: string): boolean {
    return this.agent.stopBackgroundCall(callId);
  }

  stop(): void {
    this.agent.stop();
  }

  steer(text: string): SteerAcceptance {
    return this.agent.steer(text);
  }

  /** The latest turn of the active session that edited files, if any. */
  async lastTurnWithEdits(): Promise<string | undefined> {
    const session = await this.activeSession();
    return session.journal.turnIds().at(-1);
  }

  /**
   * Restores every file a turn of the active session touched (deleting files it created). Default: the
   * latest turn with edits. `undefined` when there is nothing to revert.
   */
  async revertTurn(turnId?: string, options: { force?: boolean } = {}): Promise<RevertResult | undefined> {
    const session = await this.activeSession();
    const target = turnId ?? session.journal.turnIds().at(-1);
    if (!target) return undefined;
    if (this.agent.runningTurn?.turnId === target) {
      return { reverted: [], conflicts: [], error: 'The turn is still running; stop it before reverting.' };
    }
    return this.agent.revertTurn(session, target, options);
  }

  // ─── The model window ───────────────────────────────────────────────────────────────────────────

  /** The meter's figures for the active session. */
  async contextStatus(): Promise<ContextStatus> {
    return this.agent.context.status(await this.activeSession());
  }

  /**
   * "Compact Now": compacts the active session between turns (standalone: the next request starts a
   * new chain with the compacted window). `busy` while a turn runs; `empty` before the first turn.
   */
  async compactNow(): Promise<CompactResult | { kind: 'busy' } | { kind: 'empty' }> {
    if (this.agent.runningTurn) return { kind: 'busy' };
    const session = await this.activeSession();
    const last = session.turns.at(-1);
    if (!last) return { kind: 'empty' };
    const result = await this.agent.context.compact(session, last.id, 'manual');
    await this.saveQuietly(session);
    return result;
  }

  /** Pins (or unpins) a message of the active session: pinned text is carried past compaction verbatim. */
  async setPinned(pin: Pin, pinned: boolean): Promise<boolean> {
    const session = await this.activeSession();
    const done = pinned ? this.agent.context.pin(session, pin) : (this.agent.context.unpin(session, pin.id), true);
    await this.saveQuietly(session);
    return done;
  }

  /** The active session's pins. */
  async pins(): Promise<readonly Pin[]> {
    return (await this.activeSession()).context.pins;
  }

  /** A warm-up of the chat's chain ran: it is a cache write, counted for the active session (restored first if need be). */
  recordWarmup(usage: Usage): void {
    if (this.active) this.agent.context.recordWarmup(this.active, usage);
    else void this.activeSession().then((session) => this.agent.context.recordWarmup(session, usage), () => undefined);
  }

  private async saveQuietly(session: ChatSession): Promise<void> {
    // An unsaved session (no turn yet) stays unsaved; a saved one keeps its pins and window.
    if (session.turns.length === 0) return;
    await this.sessions.save(session).catch(() => undefined);
  }

  dispose(): void {
    this.store.dispose();
  }
}
