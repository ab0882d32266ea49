/**
 * An approval request: the exact parsed command and where it would run, with Allow once / Always allow
 * this / Deny. Once answered (here or elsewhere) the buttons give way to the outcome.
 */
import type { ApprovalView } from '../../src/protocol/webview';
import { element, icon, textButton } from './dom';

const outcomeText: Record<Exclude<ApprovalView['state'], 'pending'>, string> = {
  allowedOnce: 'Allowed once',
  allowedAlways: 'Always allowed',
  denied: 'Denied',
  cancelled: 'No longer needed',
};

export function renderApprovalCard(card: ApprovalView): HTMLElement {
  const root = element('div', {
    class: 'card approval-card',
    'data-state': card.state,
    'data-testid': 'approval-card',
    'data-card-id': card.id,
    role: 'group',
    'aria-label': `Approval needed to run ${card.kind === 'task' ? 'a task' : 'a command'}`,
  });
  const head = element('div', { class: 'card-head' });
  head.append(icon(card.kind === 'task' ? 'tasklist' : 'terminal'), element('span', {}, card.kind === 'task' ? 'Run task' : 'Run command'));
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

  if (card.state === 'pending') {
    const actions = element('div', { class: 'card-actions' });
    actions.append(textButton('Allow once', { class: 'text-button primary', 'data-approval': 'allowOnce' }, 'check'));
    if (card.canAllowAlways) actions.append(textButton('Always allow this', { 'data-approval': 'allowAlways' }, 'check-all'));
    actions.append(textButton('Deny', { 'data-approval': 'deny' }, 'close'));
    root.append(actions);
  } else {
    root.append(element('div', { class: 'card-outcome' }, outcomeText[card.state]));
  }
  return root;
}
