/**
 * The host side of the chat view, without `vscode`: it turns display events (`chat/displayEvents.ts`)
 * into validated webview messages and keeps the display model of the active session, so a webview that
 * reloads at any time gets a complete `snapshot` on `ready`.
 *
 * Text deltas are the hot path: coalesced per block and posted at most once per frame
 * (`chat/deltaCoalescer.ts`); any other message first flushes what is pending, so the view sees events
 * in the order they happened. Cards and turns live in `chat/displayModel.ts`; everything is clipped to
 * the protocol's bounds there (`chat/clipping.ts`) and validated before it is posted.
 */
import { type Clock, systemClock } from '../common/clock';
import { type ConnectionView, type HostToWebview, Limits, type SessionSummaryView, type SessionTranscriptView } from '../protocol/webview';
import { DeltaCoalescer } from './chat/deltaCoalescer';
import { ChatDisplayModel } from './chat/displayModel';
import type { ChatDisplayEvent } from './chat/displayEvents';
import { postValidated } from './chat/validatedPost';

export interface ChatPresenterOptions {
  /** Delivers a message to the webview (ChatViewProvider.post); may drop it when no view is open. */
  post(message: HostToWebview): void;
  /** Times frames and durations; tests pass a ManualClock. */
  clock?: Clock;
  /** Minimum time between two delta posts. */
  frameMs?: number;
  /** Told about a message that failed validation (a presenter bug); it is not posted. */
  onInvalidMessage?(type: string, error: string): void;
  workspaceName?: string;
  connection?: ConnectionView;
}

const DEFAULT_FRAME_MS = 16;

export class ChatPresenter {
  private connection: ConnectionView;
  private workspaceName: string;
  private sessions: SessionSummaryView[] = [];
  private readonly model: ChatDisplayModel;
  private readonly deltas: DeltaCoalescer;
  private disposed = false;

  constructor(private readonly options: ChatPresenterOptions) {
    const clock = options.clock ?? systemClock;
    this.model = new ChatDisplayModel(clock);
    this.deltas = new DeltaCoalescer(clock, options.frameMs ?? DEFAULT_FRAME_MS, () => this.flush());
    this.connection = options.connection ?? { kind: 'idle', label: 'not connected' };
    this.workspaceName = options.workspaceName ?? '';
  }

  handle(event: ChatDisplayEvent): void {
    if (this.disposed) return;
    if (event.type === 'textDelta') {
      this.deltas.queue(event);
      return;
    }
    this.flush();
    const messages = this.model.apply(event);
    // Removing the broken response's fragment has no message of its own: the view renders afresh.
    if (event.type === 'responseResent') {
      if (messages.length > 0) this.send(this.snapshot());
      return;
    }
    for (const message of messages) this.send(message);
  }

  /** The transport state changed (the chip). */
  setConnection(connection: ConnectionView): void {
    this.connection = connection;
    this.flush();
    this.send({ type: 'connection', connection });
  }

  setWorkspaceName(name: string): void {
    this.workspaceName = name;
  }

  /** The session list changed without switching (a rename, a delete of another session). */
  setSessions(sessions: readonly SessionSummaryView[]): void {
    this.sessions = sessions.slice(0, Limits.sessions);
    this.flush();
    this.send({ type: 'sessions', sessions: this.sessions, activeSessionId: this.model.sessionId });
  }

  /**
   * Makes `conversation` the active session (new, switched to, or restored after a restart) and sends
   * the view a fresh snapshot. A running turn in it stays running only if events keep coming.
   */
  showSession(conversation: SessionTranscriptView, sessions?: readonly SessionSummaryView[]): void {
    this.deltas.drop();
    if (sessions) this.sessions = sessions.slice(0, Limits.sessions);
    this.model.load(conversation);
    this.send(this.snapshot());
  }

  /** The webview (re)loaded: everything it needs, pending text included. */
  onReady(): void {
    this.send(this.snapshot());
  }

  /** A complete snapshot of what the view shows; pending deltas are folded in, not lost. */
  snapshot(): Extract<HostToWebview, { type: 'snapshot' }> {
    this.applyPending(false);
    return {
      type: 'snapshot',
      connection: this.connection,
      workspaceName: this.workspaceName.slice(0, 500),
      sessions: this.sessions,
      session: this.transcript(),
    };
  }

  /** The active session's display model, for the host to persist (it restores the view after a restart). */
  transcript(): SessionTranscriptView {
    return this.model.view();
  }

  /** Posts pending deltas now (also called before every other message, to keep order). */
  flush(): void {
    this.applyPending(true);
  }

  dispose(): void {
    this.deltas.drop();
    this.disposed = true;
  }

  /** Folds pending text into the display model and, when `post`, sends it as `deltas` messages. */
  private applyPending(post: boolean): void {
    const taken = this.deltas.take();
    if (!taken) return;
    const items = this.model.appendText(taken.turnId, taken.pending);
    if (!post || items.length === 0) return;
    this.deltas.posted();
    for (let start = 0; start < items.length; start += Limits.deltaEntries) {
      this.send({ type: 'deltas', turnId: taken.turnId, items: items.slice(start, start + Limits.deltaEntries) });
    }
  }

  /** Validates and posts. An invalid message is a presenter bug: reported, never sent half-formed. */
  private send(message: HostToWebview): void {
    postValidated(message, this.options.post, this.options.onInvalidMessage);
  }
}
