/**
 * Messages between the extension host and the chat webview. Both sides validate what they receive
 * with these schemas; anything else is dropped and logged. The webview never receives the API key or
 * anything it does not display. Each message says who sends it and when.
 *
 * Every string, id and array is bounded so a hostile or buggy peer cannot make the other side
 * allocate without limit. The bounds are generous for real use (an answer block may be megabytes).
 *
 * Over 400 lines on purpose: it is the one list of messages both sides speak, read top to bottom as
 * the protocol's documentation; the views' shapes sit beside the messages that carry them.
 */
import * as z from 'zod';
import { lazySchema } from './lazySchema';
import { isSafeExternalUrl, Limits } from './webviewLimits';

// The limits and the URL rule live in webviewLimits.ts (no zod), so the webview can use them too.
export { isSafeExternalUrl, Limits } from './webviewLimits';

const Id = lazySchema(() => z.string().min(1).max(Limits.id));
const ShortText = lazySchema(() => z.string().max(Limits.shortText));
const PathText = lazySchema(() => z.string().min(1).max(Limits.path));
const Millis = lazySchema(() => z.number().finite().nonnegative().max(1e10));
const Count = lazySchema(() => z.number().int().nonnegative().max(1e15));

const ExternalUrl = lazySchema(() => z.string().max(Limits.url).refine(isSafeExternalUrl, 'only http(s) URLs without credentials'));

// ── display model: what the view shows, never what the model or the transport needs ───────────────

/** The connection state as the chip in the view header shows it. */
export const ConnectionView = lazySchema(() =>
  z.object({
    kind: z.enum(['idle', 'noKey', 'connecting', 'warm', 'busy', 'reconnecting', 'httpFallback', 'authError', 'offline']),
    /** Short text for the chip, e.g. "warm", "reconnecting (2)", "HTTP fallback (426)". */
    label: z.string().max(200),
    /** Longer explanation for the tooltip. */
    detail: z.string().max(2000).optional(),
  }),
);
export type ConnectionView = z.infer<typeof ConnectionView>;

/** Context the user attached to a prompt, as a chip shows it. The host keeps the content itself. */
export const AttachmentView = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('file'), path: PathText }),
    z.object({
      kind: z.literal('selection'),
      /** Host-issued id; the host resolves it to the selected text when the prompt is sent. */
      id: Id,
      path: PathText,
      startLine: z.number().int().min(1).max(10_000_000),
      endLine: z.number().int().min(1).max(10_000_000),
    }),
  ]),
);
export type AttachmentView = z.infer<typeof AttachmentView>;

/** A subagent of a `delegate` call, nested in that call's card: what it works on and how far it got. */
export const SubagentView = lazySchema(() =>
  z.object({
    id: Id,
    index: z.number().int().min(1).max(16),
    title: ShortText,
    status: z.enum(['running', 'answered', 'stopped', 'failed', 'cancelled']),
    /** What it does now ("read_file src/a.ts"), or when finished the first line of its report (or why it failed). */
    activity: z.string().max(Limits.shortText).optional(),
    toolCalls: Count,
    durationMs: Millis.optional(),
  }),
);
export type SubagentView = z.infer<typeof SubagentView>;

/** A tool call as a compact card: what ran, on what, how long; the output folded. */
export const ToolCardView = lazySchema(() =>
  z.object({
    id: Id,
    /** The tool's name as the model called it, e.g. `read_file`. */
    name: ShortText,
    /** Human title, e.g. "Read file". */
    title: ShortText,
    /** What it ran on: a workspace-relative path, a task name, a search query. */
    target: z.string().max(Limits.path).optional(),
    status: z.enum(['running', 'done', 'failed', 'cancelled']),
    durationMs: Millis.optional(),
    /** The tool's output (already truncated by the host for display), shown folded. */
    output: z.string().max(Limits.toolOutput).optional(),
    /** `delegate`: its subagents, each a nested, collapsible card. */
    subagents: z.array(SubagentView).max(8).optional(),
    /** An async call (§8): it runs in the background while the model keeps working; the card offers Stop. */
    background: z.boolean().optional(),
    /** A running background call's latest output (its redacted end), shown live. */
    liveOutput: z.string().max(Limits.toolOutput).optional(),
  }),
);
export type ToolCardView = z.infer<typeof ToolCardView>;

/** `allowOnceWithNetwork` / `allowOnceUnsandboxed`: allow once and grant a sandboxed command more, for that run only. */
export const ApprovalDecision = lazySchema(() => z.enum(['allowOnce', 'allowAlways', 'deny', 'allowOnceWithNetwork', 'allowOnceUnsandboxed']));
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

const ApprovalState = lazySchema(() => z.enum(['pending', 'allowedOnce', 'allowedAlways', 'denied', 'cancelled']));

/**
 * A request to run a task or command, call an MCP server's tool (`mcpTool`: `command` is
 * "server/tool", `parts` the arguments) or start a workspace's MCP server (`mcpServer`); the user
 * answers Allow once / Always allow this / Deny.
 */
export const CommandApprovalView = lazySchema(() =>
  z.object({
    id: Id,
    kind: z.enum(['command', 'task', 'mcpTool', 'mcpServer']),
    /** The exact command (or task name) that would run, as the policy parsed it. */
    command: z.string().min(1).max(Limits.command),
    /** Each part of a chain, pipe or subshell, as the policy saw them. */
    parts: z.array(z.string().max(Limits.command)).max(100).default([]),
    /** The working directory (workspace-relative when inside the workspace). */
    cwd: z.string().max(Limits.path),
    /** Why approval is needed, e.g. "rm is destructive". */
    reason: z.string().max(Limits.errorText).optional(),
    /** Whether "Always allow this" is offered (destructive commands never get it). */
    canAllowAlways: z.boolean(),
    /** Where the command runs if allowed once, and the grants beyond that the card offers. */
    sandbox: z
      .object({
        runsIn: z.enum(['sandbox', 'none']),
        network: z.boolean(),
        grants: z.array(z.enum(['allowOnceWithNetwork', 'allowOnceUnsandboxed'])).max(2),
        /** The grant the policy saw the command needs (network, or writes outside the workspace). */
        suggested: z.enum(['allowOnceWithNetwork', 'allowOnceUnsandboxed']).optional(),
      })
      .optional(),
    state: ApprovalState,
  }),
);
export type CommandApprovalView = z.infer<typeof CommandApprovalView>;

export const DiffLine = lazySchema(() =>
  z.object({
    kind: z.enum(['context', 'add', 'remove']),
    text: z.string().max(Limits.diffLineText),
  }),
);
export const DiffHunk = lazySchema(() =>
  z.object({
    /** The `@@ -a,b +c,d @@` header. */
    header: z.string().max(Limits.shortText),
    lines: z.array(DiffLine).max(Limits.diffLines),
  }),
);
export type DiffHunk = z.infer<typeof DiffHunk>;

/** An agent edit to one file: its diff and Keep / Undo. */
export const EditCardView = lazySchema(() =>
  z.object({
    id: Id,
    path: PathText,
    /** `created` / `deleted` files are shown differently from modifications. */
    change: z.enum(['modified', 'created', 'deleted']),
    added: Count,
    removed: Count,
    hunks: z.array(DiffHunk).max(Limits.diffHunks),
    /** True when the host had to drop hunks to stay in bounds. */
    truncated: z.boolean().default(false),
    state: z.enum(['applied', 'kept', 'undone', 'failed']),
    /** Why the edit failed or could not be undone. */
    message: z.string().max(Limits.errorText).optional(),
  }),
);
export type EditCardView = z.infer<typeof EditCardView>;

/**
 * A change waiting for review (editApproval "review", or another file an inline edit or a fix wants to
 * change, or "Apply to file"): its diff, Keep (`allowOnce`) / Discard (`deny`) and Open diff. Nothing
 * is written before Keep.
 */
export const ReviewApprovalView = lazySchema(() =>
  z.object({
    id: Id,
    kind: z.literal('review'),
    path: PathText,
    change: z.enum(['modified', 'created']),
    added: Count,
    removed: Count,
    hunks: z.array(DiffHunk).max(Limits.diffHunks),
    /** True when the host had to drop hunks or lines to stay in bounds ("Open diff" shows all). */
    truncated: z.boolean().default(false),
    state: ApprovalState,
  }),
);
export type ReviewApprovalView = z.infer<typeof ReviewApprovalView>;

/** A turn paused on a question (a budget ran out, edits keep failing to match): Continue (`allowOnce`) / Stop (`deny`). */
export const QuestionApprovalView = lazySchema(() =>
  z.object({
    id: Id,
    kind: z.literal('question'),
    topic: z.enum(['budget', 'editMismatches']),
    message: z.string().min(1).max(Limits.errorText),
    detail: z.string().max(Limits.errorText).optional(),
    continueLabel: z.string().min(1).max(Limits.shortText),
    stopLabel: z.string().min(1).max(Limits.shortText),
    state: ApprovalState,
  }),
);
export type QuestionApprovalView = z.infer<typeof QuestionApprovalView>;

/** Anything the agent (or the editor) waits on the user for, as a card. */
export const ApprovalView = lazySchema(() => z.discriminatedUnion('kind', [CommandApprovalView, ReviewApprovalView, QuestionApprovalView]));
export type ApprovalView = z.infer<typeof ApprovalView>;

/** Text the user typed while a turn ran, and how far it got. */
export const SteerView = lazySchema(() =>
  z.object({
    /** Chosen by the webview when it sends `steer`, so the queued line can be updated in place. */
    id: Id,
    text: z.string().max(Limits.userText),
    /**
     * queued: the host has it; delivered: the running response took it; pending: held for the next
     * request of this turn; nextTurn: it will be sent as the next prompt; failed: not sent (see reason;
     * the text goes back to the composer); answered: the model answered with it in context; unknown:
     * the connection dropped before the server confirmed it (the line offers a resend).
     */
    status: z.enum(['queued', 'delivered', 'pending', 'nextTurn', 'failed', 'answered', 'unknown']),
    reason: z.string().max(Limits.errorText).optional(),
  }),
);
export type SteerView = z.infer<typeof SteerView>;

export const ErrorAction = lazySchema(() => z.enum(['retry', 'setApiKey', 'switchToHttp', 'testConnection']));
export type ErrorAction = z.infer<typeof ErrorAction>;

/** An error shown inline with the actions that can fix it. Cancellation is never an error. */
export const ErrorView = lazySchema(() =>
  z.object({
    id: Id,
    message: z.string().max(Limits.errorText),
    actions: z.array(ErrorAction).max(4),
    /**
     * Absent: an error. `notice`: something the host did on the user's behalf that they should know
     * about (e.g. it removed an API key from their message), shown as an information card, not an alert.
     */
    tone: z.literal('notice').optional(),
  }),
);
export type ErrorView = z.infer<typeof ErrorView>;

/** The per-turn footer: speed, tokens and what the warm socket saved on the wire. */
export const TurnFooterView = lazySchema(() =>
  z.object({
    transport: z.enum(['websocket', 'http']),
    timeToFirstTokenMs: Millis.optional(),
    totalMs: Millis,
    /** Model requests this turn made (one per tool round). */
    requests: Count,
    inputTokens: Count,
    cachedTokens: Count,
    /** Input tokens written to the prompt cache, where the server reports them (GPT-5.6+). */
    cacheWriteTokens: Count.optional(),
    outputTokens: Count,
    reasoningTokens: Count.optional(),
    bytesSent: Count,
    /** What a stateless client (full context every request) would have sent for the same turn. */
    statelessBytes: Count,
    recoveries: Count.default(0),
    /**
     * Time saved this turn, measured by the transport (absent in footers saved before it was measured):
     * the connect (TCP + TLS + upgrade) its first request did not wait for because the socket was open,
     * and the warm-up (generate:false) request time that ran before the user asked. 0 over HTTP.
     */
    connectSavedMs: Millis.optional(),
    warmupSavedMs: Millis.optional(),
    /** The `service_tier` the server reported for the turn's last answer (the tier that actually ran it). */
    serviceTier: z.string().max(64).optional(),
  }),
);
export type TurnFooterView = z.infer<typeof TurnFooterView>;

/** Running totals for the active session. */
export const SessionTotalsView = lazySchema(() =>
  z.object({
    turns: Count,
    bytesSent: Count,
    /** What a stateless client would have sent for the same requests. The view shows the difference as "saved". */
    statelessBytes: Count,
    /**
     * The turns' measured time saved (footer `connectSavedMs` + `warmupSavedMs`). Upload time of the bytes
     * not sent is not converted to time: the client cannot measure the uplink. Absent in totals saved before.
     */
    timeSavedMs: Millis.optional(),
  }),
);
export type SessionTotalsView = z.infer<typeof SessionTotalsView>;

/** One thing in an assistant turn, in the order it happened. */
export const TurnItemView = lazySchema(() =>
  z.discriminatedUnion('kind', [
    /** Assistant answer text (markdown source; the webview renders it). */
    z.object({ kind: z.literal('markdown'), id: Id, text: z.string().max(Limits.blockText) }),
    /** A reasoning summary, shown folded. */
    z.object({ kind: z.literal('reasoning'), id: Id, text: z.string().max(Limits.blockText) }),
    z.object({ kind: z.literal('tool'), card: ToolCardView }),
    z.object({ kind: z.literal('approval'), card: ApprovalView }),
    z.object({ kind: z.literal('edit'), card: EditCardView }),
    z.object({ kind: z.literal('steer'), steer: SteerView }),
    z.object({ kind: z.literal('error'), error: ErrorView }),
  ]),
);
export type TurnItemView = z.infer<typeof TurnItemView>;

export const TurnStatus = lazySchema(() => z.enum(['running', 'done', 'cancelled', 'failed']));
export type TurnStatus = z.infer<typeof TurnStatus>;

/** One user prompt and everything the agent did for it. */
export const TurnView = lazySchema(() =>
  z.object({
    id: Id,
    userText: z.string().max(Limits.userText),
    attachments: z.array(AttachmentView).max(Limits.attachments).default([]),
    items: z.array(TurnItemView).max(Limits.itemsPerTurn),
    status: TurnStatus,
    footer: TurnFooterView.optional(),
    /**
     * Absent for a prompt. `review`: not a prompt but an entry the host adds when the editor (an inline
     * edit, a fix, "Apply to file") asks for a review here; `userText` says what proposes the change.
     */
    kind: z.literal('review').optional(),
  }),
);
export type TurnView = z.infer<typeof TurnView>;

/** One branch of a session's conversation (issue 18), as the session list draws the tree. */
export const BranchView = lazySchema(() =>
  z.object({
    id: Id,
    label: ShortText,
    /** Absent for the root branch; parents are listed before their children. */
    parentId: Id.optional(),
    /** Turns shared with the parent. */
    forkTurn: Count,
    turns: Count,
    kind: z.enum(['root', 'fork', 'rewind']),
    active: z.boolean(),
  }),
);
export type BranchView = z.infer<typeof BranchView>;

export const SessionSummaryView = lazySchema(() =>
  z.object({
    id: Id,
    title: ShortText,
    /** Epoch milliseconds of the last activity, for sorting and "2 h ago". */
    updatedAt: z.number().int().nonnegative().max(1e14),
    turns: Count,
    /** The branch tree, for the active session only when it has more than one branch. */
    branches: z.array(BranchView).max(Limits.branches).optional(),
  }),
);
export type SessionSummaryView = z.infer<typeof SessionSummaryView>;

/** The active session's transcript as the view renders it. */
export const SessionTranscriptView = lazySchema(() =>
  z.object({
    id: Id,
    title: ShortText,
    turns: z.array(TurnView).max(Limits.turnsPerSession),
    totals: SessionTotalsView,
  }),
);
export type SessionTranscriptView = z.infer<typeof SessionTranscriptView>;

export const MentionCandidate = lazySchema(() =>
  z.object({
    /** Workspace-relative path, inserted as `@path`. */
    path: PathText,
    /** Folder shown dimmed after the name. */
    description: z.string().max(Limits.path).optional(),
  }),
);
export type MentionCandidate = z.infer<typeof MentionCandidate>;

/** One frame's worth of text for one block; a block the view has not seen yet is opened at the end. */
export const DeltaEntry = lazySchema(() =>
  z.object({
    blockId: Id,
    text: z.string().max(Limits.deltaText),
    /** What kind of block to open when `blockId` is new; answer text unless said otherwise. */
    kind: z.enum(['markdown', 'reasoning']).optional(),
  }),
);
export type DeltaEntry = z.infer<typeof DeltaEntry>;

/** A pinned message, as the view marks it: `<turnId>` for a prompt, `<turnId>/<blockId>` for an answer block. */
export const PinId = lazySchema(() => z.string().min(1).max(Limits.id * 2 + 1));

const Usd = lazySchema(() => z.number().finite().nonnegative().max(1e9));

/** The model window as the chat header's meter shows it: figures only; the view words them. */
export const ContextMeterView = lazySchema(() =>
  z.object({
    model: ShortText,
    /** The window's size now: measured by the latest response, plus an estimate of what came since. */
    usedTokens: Count,
    /** Absent: unknown (the model is not in the table and `holdfast.contextWindow` is not set). */
    windowTokens: Count.optional(),
    windowSource: z.enum(['table', 'setting', 'unknown']),
    /** Where automatic compaction starts; absent when it is off or the window is unknown. */
    compactAtTokens: Count.optional(),
    /** On the socket (`context_management`), standalone between requests (`/responses/compact`), or off. */
    compactionMode: z.enum(['socket', 'standalone', 'off']),
    /** The latest request's input, how much of it came from the cache, and how much it wrote to it. */
    lastInputTokens: Count.optional(),
    lastCachedTokens: Count.optional(),
    lastCacheWriteTokens: Count.optional(),
    session: z.object({
      requests: Count,
      inputTokens: Count,
      cachedTokens: Count,
      cacheWriteTokens: Count,
      outputTokens: Count,
      /** Tokens the warm-ups wrote to the cache (a warm-up is a cache write). */
      warmupTokens: Count,
      /** Estimated USD; null when a price is unknown. */
      costUsd: Usd.nullable(),
    }),
    /** Estimated USD of the running or last turn; null unknown, absent before the first turn. */
    turnCostUsd: Usd.nullable().optional(),
    compactions: Count,
    pins: Count,
  }),
);
export type ContextMeterView = z.infer<typeof ContextMeterView>;

// ── webview → host ────────────────────────────────────────────────────────────────────────────────
export const WebviewToHost = lazySchema(() =>
  z.discriminatedUnion('type', [
    /** Sent once the webview's script has loaded (also after a reload); the host answers `snapshot`. */
    z.object({ type: z.literal('ready') }),
    /** Liveness round trip, sent on load; the host answers `pong` with the same id. */
    z.object({ type: z.literal('ping'), id: z.string().min(1).max(64) }),
    /** The user clicked an action the host offered in a `snapshot` or card (e.g. "setApiKey"). */
    z.object({
      type: z.literal('runAction'),
      action: z.enum(['setApiKey', 'testConnection', 'newSession', 'switchToHttp', 'compactNow']),
    }),
    /** The user pressed Enter in the composer while no turn ran: start a turn. */
    z.object({
      type: z.literal('sendPrompt'),
      text: z.string().min(1).max(Limits.userText),
      attachments: z.array(AttachmentView).max(Limits.attachments),
      /** The composer's "think harder" (high) / "faster" (low) for this message only. */
      effort: z.enum(['high', 'low']).optional(),
    }),
    /**
     * The user paused typing a draft while no turn ran (speculative prefill: the host may prepare it).
     * Nothing is started for the user: a draft the user never sends only costs the prefill.
     */
    z.object({
      type: z.literal('draftPaused'),
      text: z.string().max(Limits.userText),
      attachments: z.array(AttachmentView).max(Limits.attachments),
    }),
    /** The user pressed Enter while a turn ran: steer it. `id` is the webview's, echoed in `steerStatus`. */
    z.object({ type: z.literal('steer'), id: Id, text: z.string().min(1).max(Limits.userText) }),
    /** Stop button (or Escape in the composer) while a turn runs. */
    z.object({ type: z.literal('stop'), turnId: Id.optional() }),
    /** Stop on a background tool card: cancels that call only (the model gets its output, the turn goes on). */
    z.object({ type: z.literal('stopBackgroundCall'), callId: Id }),
    /** Retry on an error card: run the failed turn again. */
    z.object({ type: z.literal('retry'), turnId: Id }),
    /** An answer on an approval card (a review's Keep is `allowOnce`, Discard `deny`; a question's Continue / Stop likewise). */
    z.object({ type: z.literal('approvalDecision'), approvalId: Id, decision: ApprovalDecision }),
    /** "Open diff" on a review card: the host opens VS Code's diff editor for it (the card still takes the answer). */
    z.object({ type: z.literal('openReviewDiff'), approvalId: Id }),
    /** Keep or Undo on an edit card. */
    z.object({ type: z.literal('editDecision'), editId: Id, decision: z.enum(['keep', 'undo']) }),
    /** A code block's "Insert at cursor" or "Apply to file". Copy stays in the webview. */
    z.object({
      type: z.literal('codeAction'),
      action: z.enum(['insertAtCursor', 'applyToFile']),
      code: z.string().max(Limits.codeText),
      language: z.string().max(64).optional(),
      /** A path named in the fence's info string (```ts src/a.ts), when there is one. */
      pathHint: z.string().max(Limits.path).optional(),
    }),
    /** The user clicked a link in an answer; the host opens it externally (http(s) only). */
    z.object({ type: z.literal('openLink'), url: ExternalUrl }),
    /** The user clicked a file chip (`@path`) or a tool card target: open it in an editor. */
    z.object({ type: z.literal('openFile'), path: PathText }),
    /** Session list actions. */
    z.object({ type: z.literal('newSession') }),
    z.object({ type: z.literal('switchSession'), sessionId: Id }),
    z.object({ type: z.literal('renameSession'), sessionId: Id, title: z.string().min(1).max(Limits.shortText) }),
    z.object({ type: z.literal('deleteSession'), sessionId: Id }),
    /** Typed `@…` in the composer: the host answers `mentionResults` with the same `requestId`. */
    z.object({ type: z.literal('mentionQuery'), requestId: z.number().int().nonnegative().max(1e12), query: z.string().max(Limits.shortText) }),
    /** "Attach selection" button: the host answers `attachmentAdded` with the editor's selection. */
    z.object({ type: z.literal('attachSelection') }),
    /** The pin button on a prompt (`blockId` absent) or an answer block: pinned text is carried past compaction verbatim. The host answers `pins`. */
    z.object({ type: z.literal('pinMessage'), turnId: Id, blockId: Id.optional(), pinned: z.boolean() }),
    /**
     * A turn's actions (issue 18): continue the chat from before this turn (the later turns stay a
     * branch), start a new branch there, or restore the files to before it and then rewind.
     */
    z.object({ type: z.literal('branchAction'), action: z.enum(['rewind', 'fork', 'restoreCodeAndChat']), turnId: Id }),
    /** A branch of the active session picked in the list; `restoreCode`: also restore the files to its last turn. */
    z.object({ type: z.literal('switchBranch'), branchId: Id, restoreCode: z.boolean() }),
    /** "Restore code to here" on a finished turn: the host previews and restores the files to before it (`holdfast.restoreCodeToTurn`). */
    z.object({ type: z.literal('restoreCode'), turnId: Id }),
  ]),
);
export type WebviewToHost = z.infer<typeof WebviewToHost>;

// ── host → webview ────────────────────────────────────────────────────────────────────────────────
export const HostToWebview = lazySchema(() =>
  z.discriminatedUnion('type', [
    /**
     * Answer to `ready`, and sent again when the active session changes (switch, new, delete): everything
     * the view needs to render from scratch. `sessions`/`session` are absent only before the host has a
     * chat model to show (the view then shows an empty conversation).
     */
    z.object({
      type: z.literal('snapshot'),
      connection: ConnectionView,
      workspaceName: z.string().max(500),
      sessions: z.array(SessionSummaryView).max(Limits.sessions).optional(),
      session: SessionTranscriptView.optional(),
    }),
    /** Answer to `ping`. */
    z.object({ type: z.literal('pong'), id: z.string().min(1).max(64) }),
    /** Sent whenever the transport state changes. */
    z.object({ type: z.literal('connection'), connection: ConnectionView }),
    /** Sent when a session is added, renamed or deleted without changing the active one. */
    z.object({ type: z.literal('sessions'), sessions: z.array(SessionSummaryView).max(Limits.sessions), activeSessionId: Id.optional() }),
    /** A turn began (the user's prompt or a retry): the view appends it, running. */
    z.object({ type: z.literal('turnStarted'), turn: TurnView }),
    /** Coalesced text, at most one per animation frame; entries in arrival order. */
    z.object({ type: z.literal('deltas'), turnId: Id, items: z.array(DeltaEntry).min(1).max(Limits.deltaEntries) }),
    /** A tool card appeared or changed (same `card.id`: replace). */
    z.object({ type: z.literal('toolCard'), turnId: Id, card: ToolCardView }),
    /** The agent waits for the user's approval (or an approval card changed state). */
    z.object({ type: z.literal('approval'), turnId: Id, card: ApprovalView }),
    /** An edit card appeared or changed (applied → kept / undone). */
    z.object({ type: z.literal('editCard'), turnId: Id, card: EditCardView }),
    /** Steering text changed status (queued → delivered …). */
    z.object({ type: z.literal('steerStatus'), turnId: Id, steer: SteerView }),
    /** An error inside a turn (or outside any turn when `turnId` is absent), with its actions. */
    z.object({ type: z.literal('error'), turnId: Id.optional(), error: ErrorView }),
    /** The turn ended; the footer carries its metrics when there were requests. */
    z.object({ type: z.literal('turnFinished'), turnId: Id, status: TurnStatus.exclude(['running']), footer: TurnFooterView.optional() }),
    /** The active session's running totals changed. */
    z.object({ type: z.literal('sessionTotals'), totals: SessionTotalsView }),
    /** Answer to `mentionQuery`; stale answers (an older `requestId`) are ignored by the view. */
    z.object({ type: z.literal('mentionResults'), requestId: z.number().int().nonnegative().max(1e12), candidates: z.array(MentionCandidate).max(Limits.mentionCandidates) }),
    /** Context to attach to the next prompt (answer to `attachSelection`, or the "add to chat" command). */
    z.object({ type: z.literal('attachmentAdded'), attachment: AttachmentView }),
    /** The header's context meter: sent after each snapshot and whenever the shown session's model window changes (a response, a compaction, a pin, a warm-up). */
    z.object({ type: z.literal('contextMeter'), meter: ContextMeterView }),
    /** The shown session's pinned messages: sent after each snapshot and after each `pinMessage`. */
    z.object({ type: z.literal('pins'), pinned: z.array(PinId).max(50) }),
    /** Text to put in the composer (the prompt of the turn a rewind or fork cut off, to edit and send again). */
    z.object({ type: z.literal('draft'), text: z.string().max(Limits.userText) }),
    /** The quiet line under the composer about the draft's speculative prefill (what it cost, whether it was used); empty clears it. */
    z.object({ type: z.literal('prefillNote'), text: z.string().max(Limits.shortText) }),
  ]),
);
export type HostToWebview = z.infer<typeof HostToWebview>;
export type HostToWebviewOf<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;
export type WebviewToHostOf<T extends WebviewToHost['type']> = Extract<WebviewToHost, { type: T }>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

export function parseWebviewToHost(data: unknown): ParseResult<WebviewToHost> {
  const result = WebviewToHost.safeParse(data);
  return result.success ? { ok: true, message: result.data } : { ok: false, error: describe(result.error) };
}

export function parseHostToWebview(data: unknown): ParseResult<HostToWebview> {
  const result = HostToWebview.safeParse(data);
  return result.success ? { ok: true, message: result.data } : { ok: false, error: describe(result.error) };
}
