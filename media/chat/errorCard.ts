/** An error with the actions that fix it (Retry, Set API key, Switch to HTTP, Test connection). */
import type { ErrorAction, ErrorView } from '../../src/protocol/webview';
import { element, icon, textButton } from './dom';

const actionLabel: Record<ErrorAction, [string, string]> = {
  retry: ['Retry', 'refresh'],
  setApiKey: ['Set API key', 'key'],
  switchToHttp: ['Switch to HTTP', 'arrow-swap'],
  testConnection: ['Test connection', 'plug'],
};

/** A notice (`tone: 'notice'`) is an information card (role status), not an alert. */
export function renderErrorCard(error: ErrorView, turnId: string | undefined): HTMLElement {
  const notice = error.tone === 'notice';
  const root = notice
    ? element('div', { class: 'card notice-card', role: 'status', 'data-testid': 'notice-card', 'data-card-id': error.id })
    : element('div', { class: 'card error-card', role: 'alert', 'data-testid': 'error-card', 'data-card-id': error.id });
  const head = element('div', { class: 'card-head' });
  head.append(icon(notice ? 'info' : 'error'), element('span', { class: notice ? 'notice-message' : 'error-message' }, error.message));
  root.append(head);
  const actions = element('div', { class: 'card-actions' });
  for (const action of error.actions) {
    if (action === 'retry' && turnId === undefined) continue;
    const [label, glyph] = actionLabel[action];
    const attributes: Record<string, string> = { 'data-error-action': action };
    if (turnId !== undefined) attributes['data-turn-id'] = turnId;
    actions.append(textButton(label, attributes, glyph));
  }
  if (actions.childElementCount > 0) root.append(actions);
  return root;
}

/** What a screen reader hears for an error or notice card. */
export function errorAnnouncement(error: ErrorView): string {
  return `${error.tone === 'notice' ? 'Notice' : 'Error'}: ${error.message}`;
}
