/** Text the user typed while the agent worked, with how far it got: queued → delivered. */
import type { SteerView } from '../../src/protocol/webview';
import { element, icon } from './dom';

const statusText: Record<SteerView['status'], string> = {
  queued: 'queued',
  delivered: 'delivered',
  pending: 'held for the next step',
  nextTurn: 'will be sent next',
  failed: 'not sent',
};

export function renderSteerLine(steer: SteerView): HTMLElement {
  const root = element('div', { class: 'steer', 'data-status': steer.status, 'data-testid': 'steer', 'data-steer-id': steer.id });
  root.append(icon('debug-step-into'), element('span', { class: 'steer-text' }, steer.text));
  const status = element('span', { class: 'steer-status', 'data-testid': 'steer-status' }, statusText[steer.status]);
  if (steer.reason) status.title = steer.reason;
  root.append(status);
  return root;
}
