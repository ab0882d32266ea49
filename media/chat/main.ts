import './chat.css';
import { type ConnectionView, type HostToWebview, parseHostToWebview, type WebviewToHost } from '../../src/protocol/webview';
import { vscodeApi } from './vscodeApi';

/**
 * The chat webview. It can be destroyed and rebuilt at any time, so it renders only from what the host
 * sends: `ready` → `snapshot`, then incremental messages. Every inbound message is validated.
 */
const root = document.getElementById('root') as HTMLElement;

function send(message: WebviewToHost): void {
  vscodeApi.postMessage(message);
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const header = element('header', { class: 'header' });
const title = element('span', { class: 'workspace', 'data-testid': 'workspace-name' }, '');
const chip = element('button', {
  class: 'chip',
  'data-testid': 'connection-chip',
  type: 'button',
  'aria-live': 'polite',
  title: 'Connection',
});
const roundTrip = element('span', { class: 'roundtrip', 'data-testid': 'host-roundtrip', 'aria-hidden': 'true' }, '');
header.append(title, chip, roundTrip);

const conversation = element('main', { class: 'conversation', 'aria-label': 'Conversation', role: 'log' });
const empty = element('p', { class: 'empty' }, 'Ask Holdfast about your code. Answers stream here.');
conversation.append(empty);
root.append(header, conversation);

let chipAction: WebviewToHost | undefined;
chip.addEventListener('click', () => {
  if (chipAction) send(chipAction);
});

function showConnection(connection: ConnectionView): void {
  chip.textContent = connection.label;
  chip.dataset.kind = connection.kind;
  chip.title = connection.detail ?? connection.label;
  chip.setAttribute('aria-label', `Connection: ${connection.label}`);
  chipAction =
    connection.kind === 'noKey' || connection.kind === 'authError'
      ? { type: 'runAction', action: 'setApiKey' }
      : { type: 'runAction', action: 'testConnection' };
}

const pingId = Math.floor(performance.now()).toString(36) + '-' + String(Date.now());

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot':
      title.textContent = message.workspaceName;
      showConnection(message.connection);
      root.dataset.ready = 'true';
      return;
    case 'connection':
      showConnection(message.connection);
      return;
    case 'pong':
      if (message.id === pingId) roundTrip.textContent = 'ok';
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostToWebview(event.data);
  if (!parsed.ok) {
    console.warn(`Holdfast: dropped an invalid message from the host: ${parsed.error}`);
    return;
  }
  handle(parsed.message);
});

send({ type: 'ready' });
send({ type: 'ping', id: pingId });
