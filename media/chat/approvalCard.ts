/**
 * An approval request: the exact parsed command and where it would run, with Allow once / Always allow
 * this / Deny; a change to review (its diff, Keep / Discard, Open diff); or a paused turn's question
 * (Continue / Stop). Once answered (here or elsewhere) the buttons give way to the outcome.
 */
import type { ApprovalView, CommandApprovalView, QuestionApprovalView, ReviewApprovalView } from '../../src/protocol/webview';
import { element, icon, textButton } from './dom';
import { renderDiff } from './editCard';

const outcomeText: Record<Exclude<ApprovalView['state'], 'pending'>, string> = {
  allowedOnce: 'Allowed once',
  allowedAlways: 'Always allowed',
  denied: 'Denied',
  cancelled: 'No longer needed',
};

export function renderApprovalCard(card: ApprovalView): HTMLElement {
  if (card.kind === 'review') return renderReviewCard(card);
  if (card.kind === 'question') return renderQuestionCard(card);
  return renderCommandCard(card);
}

/** What a screen reader announces when the card appears. */
export function approvalAnnouncement(card: ApprovalView): string {
  if (card.kind === 'review') return `Review needed: ${card.change === 'created' ? 'new file' : 'change to'} ${card.path.slice(0, 200)}`;
  if (card.kind === 'question') return `Question: ${card.message.slice(0, 200)}`;
  return `Approval needed: ${card.command.slice(0, 200)}`;
}

const reviewOutcome: Record<Exclude<ApprovalView['state'], 'pending'>, string> = {
  allowedOnce: 'Kept',
  allowedAlways: 'Kept',
  denied: 'Discarded',
  cancelled: 'No longer needed (nothing was changed)',
};

function renderReviewCard(card: ReviewApprovalView): HTMLElement {
  const what = card.change === 'created' ? 'New file' : 'Edit';
  const root = element('div', {
    class: 'card approval-card review-card',
    'data-state': card.state,
    'data-testid': 'review-card',
    'data-card-id': card.id,
    'data-change': card.change,
    role: 'group',
    'aria-label': `Review: ${what.toLowerCase()} ${card.path}`,
  });
  const head = element('div', { class: 'card-head' });
  head.append(
    icon(card.change === 'created' ? 'new-file' : 'edit'),
    element('span', { class: 'review-change', 'data-testid': 'review-change' }, what),
    element('span', { class: 'review-path', 'data-testid': 'review-path', title: card.path }, card.path),
    element('span', { class: 'diff-added', 'aria-label': `${card.added} lines added` }, `+${card.added}`),
    element('span', { class: 'diff-removed', 'aria-label': `${card.removed} lines removed` }, `−${card.removed}`),
  );
  root.append(head, renderDiff(card.hunks, card.truncated));
  if (card.state === 'pending') {
    root.append(element('div', { class: 'card-message' }, 'Nothing is written until you keep it.'));
    const actions = element('div', { class: 'card-actions' });
    actions.append(
      textButton('Keep', { class: 'text-button primary', 'data-approval': 'allowOnce', 'aria-label': `Keep the change to ${card.path}` }, 'check'),
      textButton('Discard', { 'data-approval': 'deny', 'aria-label': `Discard the change to ${card.path}` }, 'discard'),
      textButton('Open diff', { 'data-review-diff': 'open', 'aria-label': `Open the diff of ${card.path} in an editor` }, 'diff'),
    );
    root.append(actions);
  } else {
    root.append(element('div', { class: 'card-outcome' }, reviewOutcome[card.state]));
  }
  return root;
}

function renderQuestionCard(card: QuestionApprovalView): HTMLElement {
  const went = card.topic === 'budget' ? 'Continued' : 'Kept trying';
  const stopped = card.topic === 'budget' ? 'Stopped here' : 'Stopped editing this file';
  const outcome: Record<Exclude<ApprovalView['state'], 'pending'>, string> = { allowedOnce: went, allowedAlways: went, denied: stopped, cancelled: 'No longer needed' };
  const root = element('div', {
    class: 'card approval-card question-card',
    'data-state': card.state,
    'data-testid': 'question-card',
    'data-card-id': card.id,
    'data-topic': card.topic,
    role: 'group',
    'aria-label': card.topic === 'budget' ? 'The turn is paused: budget reached' : 'The turn is paused: edits failed to match',
  });
  const head = element('div', { class: 'card-head' });
  head.append(icon(card.topic === 'budget' ? 'debug-pause' : 'warning'), element('span', { 'data-testid': 'question-message' }, card.message));
  root.append(head);
  if (card.detail) root.append(element('div', { class: 'approval-reason' }, card.detail));
  if (card.state === 'pending') {
    const actions = element('div', { class: 'card-actions' });
    actions.append(
      textButton(card.continueLabel, { class: 'text-button primary', 'data-approval': 'allowOnce' }, 'debug-continue'),
      textButton(card.stopLabel, { 'data-approval': 'deny' }, 'debug-stop'),
    );
    root.append(actions);
  } else {
    root.append(element('div', { class: 'card-outcome' }, outcome[card.state]));
  }
  return root;
}

function renderCommandCard(card: CommandApprovalView): HTMLElement {
  const root = element('div', {
    class: 'card approval-card',
    'data-state': card.state,
    'data-testid': 'approval-card',
    'data-card-id': card.id,
    role: 'group',
    'aria-label': `Approval needed to ${COMMAND_HEADS[card.kind].aria}`,
  });
  const head = element('div', { class: 'card-head' });
  head.append(icon(COMMAND_HEADS[card.kind].icon), element('span', {}, COMMAND_HEADS[card.kind].title));
  root.append(head);
  root.append(element('pre', { class: 'approval-command', 'data-testid': 'approval-command' }, card.command));
  if (card.parts.length > 1) {
    const list = element('ul', { class: 'approval-parts', 'aria-label': 'Parts of the command' });
    for (const part of card.parts) list.append(element('li', {}, part));
    root.append(list);
  }
  const where = element('div', { class: 'approval-cwd' });
  where.append(icon('folder'), document.createTextNode(card.cwd || '(workspace root)'));
  root.append(where);
  if (card.reason) root.append(element('div', { class: 'approval-reason' }, card.reason));
  if (card.sandbox) root.append(element('div', { class: 'approval-sandbox', 'data-testid': 'approval-sandbox' }, sandboxText(card.sandbox)));

  if (card.state === 'pending') {
    const actions = element('div', { class: 'card-actions' });
    const suggested = card.sandbox?.suggested;
    actions.append(textButton('Allow once', { class: suggested ? 'text-button' : 'text-button primary', 'data-approval': 'allowOnce' }, 'check'));
    if (card.canAllowAlways) actions.append(textButton('Always allow this', { 'data-approval': 'allowAlways' }, 'check-all'));
    for (const grant of card.sandbox?.grants ?? []) {
      actions.append(textButton(GRANT_LABELS[grant], { ...(grant === suggested ? { class: 'text-button primary' } : {}), 'data-approval': grant }, grant === 'allowOnceWithNetwork' ? 'globe' : 'unlock'));
    }
    actions.append(textButton('Deny', { 'data-approval': 'deny' }, 'close'));
    root.append(actions);
  } else {
    root.append(element('div', { class: 'card-outcome' }, outcomeText[card.state]));
  }
  return root;
}

const COMMAND_HEADS: Record<CommandApprovalView['kind'], { aria: string; icon: string; title: string }> = {
  command: { aria: 'run a command', icon: 'terminal', title: 'Run command' },
  task: { aria: 'run a task', icon: 'tasklist', title: 'Run task' },
  mcpTool: { aria: 'call an MCP tool', icon: 'plug', title: 'Call MCP tool' },
  mcpServer: { aria: 'start an MCP server', icon: 'server-process', title: 'Start MCP server' },
};

type SandboxLine = NonNullable<CommandApprovalView['sandbox']>;

const GRANT_LABELS: Record<SandboxLine['grants'][number], string> = {
  allowOnceWithNetwork: 'Allow with network',
  allowOnceUnsandboxed: 'Allow without sandbox',
};

/** Where an allowed command runs: what "Allow once" lets it touch. */
function sandboxText(sandbox: SandboxLine): string {
  if (sandbox.runsIn === 'none') return 'Runs without a sandbox, as your own process.';
  return `Runs sandboxed: writes only inside the workspace, protected files read-only, ${sandbox.network ? 'with network' : 'no network'}.`;
}
