/**
 * The transport chip in the header: warm · busy · reconnecting (n) · HTTP fallback (why) · key
 * missing. The label comes from the host; clicking it tests the connection, and when the key is
 * missing or refused a "Set API key" button appears next to it.
 */
import type { ConnectionView, WebviewToHost } from '../../src/protocol/webview';
import { element, icon, textButton } from './dom';

const iconFor: Record<ConnectionView['kind'], string> = {
  idle: 'circle-outline',
  noKey: 'key',
  connecting: 'loading',
  warm: 'zap',
  busy: 'pulse',
  reconnecting: 'debug-disconnect',
  httpFallback: 'arrow-swap',
  authError: 'error',
  offline: 'cloud-offline',
};

export class ConnectionChip {
  readonly element = element('div', { class: 'connection' });
  private readonly chip = element('button', {
    class: 'chip',
    'data-testid': 'connection-chip',
    type: 'button',
    'aria-live': 'polite',
    title: 'Connection',
  });
  private readonly label = element('span', { class: 'chip-label' });
  private readonly setKey = textButton('Set API key', { class: 'text-button primary', 'data-testid': 'set-api-key', hidden: '' }, 'key');

  constructor(private readonly send: (message: WebviewToHost) => void) {
    this.chip.append(icon('circle-outline'), this.label);
    this.element.append(this.chip, this.setKey);
    this.chip.addEventListener('click', () => {
      const kind = this.chip.dataset['kind'];
      this.send({ type: 'runAction', action: kind === 'noKey' || kind === 'authError' ? 'setApiKey' : 'testConnection' });
    });
    this.setKey.addEventListener('click', () => this.send({ type: 'runAction', action: 'setApiKey' }));
  }

  show(connection: ConnectionView): void {
    const glyph = this.chip.firstElementChild;
    if (glyph) glyph.className = `codicon codicon-${iconFor[connection.kind]}${connection.kind === 'connecting' ? ' codicon-modifier-spin' : ''}`;
    this.label.textContent = connection.label;
    this.chip.dataset['kind'] = connection.kind;
    this.chip.title = connection.detail ?? connection.label;
    this.chip.setAttribute('aria-label', `Connection: ${connection.label}${connection.detail ? `. ${connection.detail}` : ''}`);
    this.setKey.hidden = !(connection.kind === 'noKey' || connection.kind === 'authError');
  }
}
