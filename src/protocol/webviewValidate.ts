/**
 * The webview's check of what the host sends it: the `HostToWebview` union of webview.ts, field for
 * field with the same bounds, written with the small checks of webviewValidateCore.ts so the view's
 * bundle carries no zod (92 KB that only re-checked host messages). The zod schema stays the
 * contract: the type assertion below keeps the shapes equal, and
 * test/unit/protocol/webviewValidate.test.ts feeds every message kind and malformed variants to both
 * and requires the same verdicts and the same output.
 */
import type { HostToWebview, ParseResult } from './webview';
import { Limits } from './webviewLimits';
import { array, boolean, type Checked, INVALID, nullable, number, object, oneOf, optional, type Problem, string, union, withDefault } from './webviewValidateCore';

const id = string({ min: 1, max: Limits.id });
const shortText = string({ max: Limits.shortText });
const pathText = string({ min: 1, max: Limits.path });
const millis = number({ min: 0, max: 1e10 });
const count = number({ int: true, min: 0, max: 1e15 });
const approvalState = oneOf('pending', 'allowedOnce', 'allowedAlways', 'denied', 'cancelled');

const connectionView = object({
  kind: oneOf('idle', 'noKey', 'connecting', 'warm', 'busy', 'reconnecting', 'httpFallback', 'authError', 'offline'),
  label: string({ max: 200 }),
  detail: optional(string({ max: 2000 })),
});

const attachmentView = union('kind', {
  file: object({ kind: oneOf('file'), path: pathText }),
  selection: object({
    kind: oneOf('selection'),
    id,
    path: pathText,
    startLine: number({ int: true, min: 1, max: 10_000_000 }),
    endLine: number({ int: true, min: 1, max: 10_000_000 }),
  }),
});

const subagentView = object({
  id,
  index: number({ int: true, min: 1, max: 16 }),
  title: shortText,
  status: oneOf('running', 'answered', 'stopped', 'failed', 'cancelled'),
  activity: optional(string({ max: Limits.shortText })),
  toolCalls: count,
  durationMs: optional(millis),
});

const toolCardView = object({
  id,
  name: shortText,
  title: shortText,
  target: optional(string({ max: Limits.path })),
  status: oneOf('running', 'done', 'failed', 'cancelled'),
  durationMs: optional(millis),
  output: optional(string({ max: Limits.toolOutput })),
  subagents: optional(array(subagentView, { max: 8 })),
  background: optional(boolean()),
  liveOutput: optional(string({ max: Limits.toolOutput })),
});

const diffHunk = object({
  header: string({ max: Limits.shortText }),
  lines: array(object({ kind: oneOf('context', 'add', 'remove'), text: string({ max: Limits.diffLineText }) }), { max: Limits.diffLines }),
});
const hunks = array(diffHunk, { max: Limits.diffHunks });
const truncated = withDefault(boolean(), () => false);

const commandApproval = object({
  id,
  kind: oneOf('command', 'task', 'mcpTool', 'mcpServer'),
  command: string({ min: 1, max: Limits.command }),
  parts: withDefault(array(string({ max: Limits.command }), { max: 100 }), () => []),
  cwd: string({ max: Limits.path }),
  reason: optional(string({ max: Limits.errorText })),
  canAllowAlways: boolean(),
  sandbox: optional(
    object({
      runsIn: oneOf('sandbox', 'none'),
      network: boolean(),
      grants: array(oneOf('allowOnceWithNetwork', 'allowOnceUnsandboxed'), { max: 2 }),
      suggested: optional(oneOf('allowOnceWithNetwork', 'allowOnceUnsandboxed')),
    }),
  ),
  state: approvalState,
});
// A command card and a task card share one shape, told apart by `kind`.
const approvalCard = union('kind', {
  command: commandApproval,
  task: commandApproval,
  mcpTool: commandApproval,
  mcpServer: commandApproval,
  review: object({ id, kind: oneOf('review'), path: pathText, change: oneOf('modified', 'created'), added: count, removed: count, hunks, truncated, state: approvalState }),
  question: object({
    id,
    kind: oneOf('question'),
    topic: oneOf('budget', 'editMismatches'),
    message: string({ min: 1, max: Limits.errorText }),
    detail: optional(string({ max: Limits.errorText })),
    continueLabel: string({ min: 1, max: Limits.shortText }),
    stopLabel: string({ min: 1, max: Limits.shortText }),
    state: approvalState,
  }),
});

const editCardView = object({
  id,
  path: pathText,
  change: oneOf('modified', 'created', 'deleted'),
  added: count,
  removed: count,
  hunks,
  truncated,
  state: oneOf('applied', 'kept', 'undone', 'failed'),
  message: optional(string({ max: Limits.errorText })),
});

const steerView = object({
  id,
  text: string({ max: Limits.userText }),
  status: oneOf('queued', 'delivered', 'pending', 'nextTurn', 'failed', 'answered', 'unknown'),
  reason: optional(string({ max: Limits.errorText })),
});

const errorView = object({
  id,
  message: string({ max: Limits.errorText }),
  actions: array(oneOf('retry', 'setApiKey', 'switchToHttp', 'testConnection'), { max: 4 }),
  tone: optional(oneOf('notice')),
});

const turnFooterView = object({
  transport: oneOf('websocket', 'http'),
  timeToFirstTokenMs: optional(millis),
  totalMs: millis,
  requests: count,
  inputTokens: count,
  cachedTokens: count,
  cacheWriteTokens: optional(count),
  outputTokens: count,
  reasoningTokens: optional(count),
  bytesSent: count,
  statelessBytes: count,
  recoveries: withDefault(count, () => 0),
  connectSavedMs: optional(millis),
  warmupSavedMs: optional(millis),
  serviceTier: optional(string({ max: 64 })),
});

const sessionTotalsView = object({ turns: count, bytesSent: count, statelessBytes: count, timeSavedMs: optional(millis) });

const blockText = string({ max: Limits.blockText });
const turnItemView = union('kind', {
  markdown: object({ kind: oneOf('markdown'), id, text: blockText }),
  reasoning: object({ kind: oneOf('reasoning'), id, text: blockText }),
  tool: object({ kind: oneOf('tool'), card: toolCardView }),
  approval: object({ kind: oneOf('approval'), card: approvalCard }),
  edit: object({ kind: oneOf('edit'), card: editCardView }),
  steer: object({ kind: oneOf('steer'), steer: steerView }),
  error: object({ kind: oneOf('error'), error: errorView }),
});

const turnView = object({
  id,
  userText: string({ max: Limits.userText }),
  attachments: withDefault(array(attachmentView, { max: Limits.attachments }), () => []),
  items: array(turnItemView, { max: Limits.itemsPerTurn }),
  status: oneOf('running', 'done', 'cancelled', 'failed'),
  footer: optional(turnFooterView),
  kind: optional(oneOf('review')),
});

const usd = number({ min: 0, max: 1e9 });
const contextMeterView = object({
  model: shortText,
  usedTokens: count,
  windowTokens: optional(count),
  windowSource: oneOf('table', 'setting', 'unknown'),
  compactAtTokens: optional(count),
  compactionMode: oneOf('socket', 'standalone', 'off'),
  lastInputTokens: optional(count),
  lastCachedTokens: optional(count),
  lastCacheWriteTokens: optional(count),
  session: object({
    requests: count,
    inputTokens: count,
    cachedTokens: count,
    cacheWriteTokens: count,
    outputTokens: count,
    warmupTokens: count,
    costUsd: nullable(usd),
  }),
  turnCostUsd: optional(nullable(usd)),
  compactions: count,
  pins: count,
});

const branchView = object({
  id,
  label: shortText,
  parentId: optional(id),
  forkTurn: count,
  turns: count,
  kind: oneOf('root', 'fork', 'rewind'),
  active: boolean(),
});
const sessionSummaryView = object({
  id,
  title: shortText,
  updatedAt: number({ int: true, min: 0, max: 1e14 }),
  turns: count,
  branches: optional(array(branchView, { max: Limits.branches })),
});
const sessionSummaries = array(sessionSummaryView, { max: Limits.sessions });

const hostToWebview = union('type', {
  snapshot: object({
    type: oneOf('snapshot'),
    connection: connectionView,
    workspaceName: string({ max: 500 }),
    sessions: optional(sessionSummaries),
    session: optional(object({ id, title: shortText, turns: array(turnView, { max: Limits.turnsPerSession }), totals: sessionTotalsView })),
  }),
  pong: object({ type: oneOf('pong'), id: string({ min: 1, max: 64 }) }),
  connection: object({ type: oneOf('connection'), connection: connectionView }),
  sessions: object({ type: oneOf('sessions'), sessions: sessionSummaries, activeSessionId: optional(id) }),
  turnStarted: object({ type: oneOf('turnStarted'), turn: turnView }),
  deltas: object({
    type: oneOf('deltas'),
    turnId: id,
    items: array(object({ blockId: id, text: string({ max: Limits.deltaText }), kind: optional(oneOf('markdown', 'reasoning')) }), { min: 1, max: Limits.deltaEntries }),
  }),
  toolCard: object({ type: oneOf('toolCard'), turnId: id, card: toolCardView }),
  approval: object({ type: oneOf('approval'), turnId: id, card: approvalCard }),
  editCard: object({ type: oneOf('editCard'), turnId: id, card: editCardView }),
  steerStatus: object({ type: oneOf('steerStatus'), turnId: id, steer: steerView }),
  error: object({ type: oneOf('error'), turnId: optional(id), error: errorView }),
  turnFinished: object({ type: oneOf('turnFinished'), turnId: id, status: oneOf('done', 'cancelled', 'failed'), footer: optional(turnFooterView) }),
  sessionTotals: object({ type: oneOf('sessionTotals'), totals: sessionTotalsView }),
  mentionResults: object({
    type: oneOf('mentionResults'),
    requestId: number({ int: true, min: 0, max: 1e12 }),
    candidates: array(object({ path: pathText, description: optional(string({ max: Limits.path })) }), { max: Limits.mentionCandidates }),
  }),
  attachmentAdded: object({ type: oneOf('attachmentAdded'), attachment: attachmentView }),
  contextMeter: object({ type: oneOf('contextMeter'), meter: contextMeterView }),
  pins: object({ type: oneOf('pins'), pinned: array(string({ min: 1, max: Limits.id * 2 + 1 }), { max: 50 }) }),
  draft: object({ type: oneOf('draft'), text: string({ max: Limits.userText }) }),
  prefillNote: object({ type: oneOf('prefillNote'), text: shortText }),
});

// The shapes must stay those of the zod schema: each type must be assignable to the other.
type Validated = Checked<typeof hostToWebview>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const shapesMatch: Same<Validated, HostToWebview> = true;
void shapesMatch;

/** Checks a message from the host as `parseHostToWebview` (zod) does, with the same verdict and output. */
export function validateHostToWebview(data: unknown): ParseResult<HostToWebview> {
  const problem: Problem = { path: [], message: '' };
  const checked = hostToWebview(data, problem);
  if (checked === INVALID) return { ok: false, error: `${problem.path.join('.') || '(root)'}: ${problem.message}` };
  return { ok: true, message: checked };
}
