/**
 * A tool call as a compact card: status icon, what ran, on which file, how long; the output folded.
 * All text goes in through textContent: tool output is as untrusted as the model's.
 */
import type { ToolCardView } from '../../src/protocol/webview';
import { element, formatMs, icon } from './dom';

const statusIcon: Record<ToolCardView['status'], string> = {
  running: 'loading',
  done: 'check',
  failed: 'error',
  cancelled: 'circle-slash',
};

export function renderToolCard(card: ToolCardView): HTMLElement {
  const root = element('div', { class: 'card tool-card', 'data-status': card.status, 'data-testid': 'tool-card', 'data-card-id': card.id });
  const head = element('div', { class: 'card-head' });
  const status = icon(statusIcon[card.status]);
  if (card.status === 'running') status.classList.add('codicon-modifier-spin');
  head.append(status, element('span', { class: 'tool-title' }, card.title));
  if (card.target) {
    const target = element('button', { type: 'button', class: 'link file-link tool-target', 'data-file': card.target, title: `Open ${card.target}` }, card.target);
    head.append(target);
  }
  const timing = card.status === 'running' ? 'running…' : card.durationMs !== undefined ? formatMs(card.durationMs) : card.status;
  head.append(element('span', { class: 'tool-timing' }, timing));
  head.setAttribute('aria-label', `${card.title}${card.target ? ` on ${card.target}` : ''}: ${card.status}${card.durationMs !== undefined ? `, ${formatMs(card.durationMs)}` : ''}`);
  root.append(head);
  if (card.output !== undefined && card.output !== '') {
    const details = element('details', { class: 'tool-output' });
    details.append(element('summary', {}, 'Output'), element('pre', {}, card.output));
    root.append(details);
  }
  return root;
}
