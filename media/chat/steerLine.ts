/**
 * Text the user typed while the agent worked, with how far it got: queued → delivered → answered, or
 * why it waits, or (connection lost) that its outcome is unknown, with a one-click resend.
 */
import type { SteerView } from '../../src/protocol/webview';
import { element, icon } from './dom';

const statusText: Record<SteerView['status'], string> = {
  queued: 'queued',
  delivered: 'delivered',
  pending: 'held for the next step',
  nextTurn: 'will be sent next',
  failed: 'not sent',
  answered: 'answered',
  unknown: 'outcome unknown',
};

/** `resend` sends the text again (as a steer while a turn runs, else as a new message). */
export function renderSteerLine(steer: SteerView, resend?: (text: string) => void): HTMLElement {
  const root = element('div', { class: 'steer', 'data-status': steer.status, 'data-testid': 'steer', 'data-steer-id': steer.id });
  root.append(icon('debug-step-into'), element('span', { class: 'steer-text' }, steer.text));
  const status = element('span', { class: 'steer-status', 'data-testid': 'steer-status' }, statusText[steer.status]);
  if (steer.reason) status.title = steer.reason;
  root.append(status);
  // Said, not only hovered: why it waits, or why it is unknown.
  if (steer.reason && steer.status !== 'delivered' && steer.status !== 'answered') root.append(element('span', { class: 'steer-reason', 'data-testid': 'steer-reason' }, steer.reason));
  if (steer.status === 'unknown' && resend) {
    const button = element('button', { class: 'steer-resend', type: 'button', 'data-testid': 'steer-resend' }, 'Send again');
    button.addEventListener('click', () => {
      button.remove();
      resend(steer.text);
    }, { once: true });
    root.append(button);
  }
  return root;
}
