/**
 * What the chat view is told, before it becomes webview messages: the presenter's input. Most events
 * come from agent events (`displayEventsOf`), and keep the agent's discriminant (`type`) and field
 * names where they mean the same thing; ids are the agent's (turn ids, call ids, approval ids). The
 * rest come from the controller (review entries, edit outcomes, errors it words itself).
 */
import type { AttachmentView, DiffHunk, EditCardView, ErrorAction, SteerView, SubagentView } from '../../protocol/webview';

/** A change to a subagent's nested card; `id` names it. */
export type SubagentPatch = Partial<SubagentView> & { id: string };
import type { RequestMetrics } from '../../transport/modelClient';
import type { CommandSandboxOffer } from '../../tools/ports';

export type ChatDisplayEvent =
  | { type: 'turnStarted'; turnId: string; userText: string; attachments?: readonly AttachmentView[] }
  /** Answer or reasoning-summary text; `blockId` is stable per output item (the item id, prefixed for reasoning). */
  | { type: 'textDelta'; turnId: string; blockId: string; delta: string; channel?: 'answer' | 'reasoning' }
  | { type: 'toolCallStarted'; turnId: string; callId: string; name: string; title?: string; target?: string; background?: boolean }
  /** A background call's latest output (redacted tail), for its card. */
  | { type: 'toolCallOutput'; turnId: string; callId: string; tail: string }
  | {
      type: 'toolCallFinished';
      turnId: string;
      callId: string;
      status: 'done' | 'failed' | 'cancelled';
      outputSummary?: string;
      /** Measured by the caller; otherwise the presenter's clock from `toolCallStarted`. */
      durationMs?: number;
    }
  /** A command or task waiting for Allow / Deny. */
  | {
      type: 'approvalRequested';
      turnId: string;
      approvalId: string;
      approvalKind: 'command' | 'task' | 'mcpTool' | 'mcpServer';
      command: string;
      parts?: readonly string[];
      cwd: string;
      reason?: string;
      canAllowAlways: boolean;
      /** Where a command runs if allowed, and what more the card may grant (see `CommandSandboxOffer`). */
      sandbox?: CommandSandboxOffer;
    }
  /** A change waiting for Keep / Discard; `hunks` as editHunks gives them (the presenter bounds them). */
  | {
      type: 'reviewRequested';
      turnId: string;
      approvalId: string;
      path: string;
      change: 'modified' | 'created';
      hunks: readonly DiffHunk[];
    }
  /** A paused turn's question (budget, edit mismatches): Continue / Stop. */
  | {
      type: 'questionRequested';
      turnId: string;
      approvalId: string;
      topic: 'budget' | 'editMismatches';
      message: string;
      detail?: string;
      continueLabel: string;
      stopLabel: string;
    }
  | {
      type: 'approvalResolved';
      turnId: string;
      approvalId: string;
      outcome: 'allowedOnce' | 'allowedAlways' | 'denied' | 'cancelled';
    }
  /**
   * An entry that is not a prompt: the editor (an inline edit, a fix, "Apply to file") asks for a
   * review in the chat; `title` says what proposes the change. Its cards follow as `reviewRequested`.
   */
  | { type: 'reviewEntry'; turnId: string; title: string }
  /** An edit landed (through WorkspaceEdit); `hunks` as editHunks gives them (the presenter bounds them). */
  | {
      type: 'editApplied';
      turnId: string;
      editId: string;
      path: string;
      change?: EditCardView['change'];
      hunks: readonly DiffHunk[];
      /** The user kept this change in its review before it landed: the card is shown kept (no second Keep). */
      kept?: boolean;
    }
  | { type: 'editResolved'; turnId: string; editId: string; state: 'kept' | 'undone' | 'failed'; message?: string }
  | { type: 'steer'; turnId: string; steerId: string; text: string; status: SteerView['status']; reason?: string }
  | {
      type: 'turnFinished';
      turnId: string;
      status: 'done' | 'cancelled' | 'failed';
      /** Every model request the turn made, in order (RequestMetrics from the transport). */
      requests?: readonly RequestMetrics[];
      /** Wall time of the turn; otherwise the presenter's clock from `turnStarted`. */
      totalMs?: number;
    }
  /**
   * The stream of the turn's current response broke and the response is being resent: the text it
   * had streamed (the fragment) goes, the resent answer replaces it, and a note says so (once a turn).
   */
  | { type: 'responseResent'; turnId: string }
  /** A subagent of the delegate call `callId` started, did something or finished: the fields given changed. */
  | { type: 'subagent'; turnId: string; callId: string; subagent: SubagentPatch }
  | { type: 'error'; turnId?: string; message: string; actions?: readonly ErrorAction[] }
  /** Something the host did for the user that they should know (an information card in the turn, not an error). */
  | { type: 'notice'; turnId?: string; message: string };

export type DisplayEventOf<T extends ChatDisplayEvent['type']> = Extract<ChatDisplayEvent, { type: T }>;
