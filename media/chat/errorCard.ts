/** An error with the actions that fix it (Retry, Set API key, Switch to HTTP, Test connection). */
import type { ErrorAction, ErrorView } from '../../src/protocol/webview';
import { element, icon, textButton } from './dom';

const actionLabel: Record<ErrorAction, [string, string]> = {
  retry: ['Retry', 'refresh'],
  setApiKey: ['Set API key', 'key'],
  switchToHttp: ['Switch to HTTP', 'arrow-swap'],
  testConnection: ['Test connection', 'plug'],
};

export function renderErrorCard(error: ErrorView, turnId: string | undefined): HTMLElement {
  const root = element('div', { class: 'card error-card', role: 'alert', 'data-testid': 'error-card', 'data-card-id': error.id });
  const head = element('div', { class: 'card-head' });
  head.append(icon('error'), element('span', { class: 'error-message' }, error.message));
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
