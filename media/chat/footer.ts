/**
 * The per-turn footer and the session totals: what the warm socket is for, made visible. Bytes sent
 * versus what a stateless client (full context every request) would have sent, time to first token,
 * and tokens split into new, cached and output.
 */
import type { SessionTotalsView, TurnFooterView } from '../../src/protocol/webview';
import { element, formatBytes, formatCount, formatMs, icon } from './dom';

function savedPercent(sent: number, stateless: number): string {
  if (stateless <= 0 || sent >= stateless) return '';
  return ` (−${Math.round((1 - sent / stateless) * 100)}%)`;
}

function part(name: string, text: string, title: string): HTMLSpanElement {
  const span = element('span', { class: 'metric', title });
  span.append(icon(name), document.createTextNode(text));
  return span;
}

export function renderTurnFooter(footer: TurnFooterView): HTMLElement {
  const root = element('footer', { class: 'turn-footer', 'data-testid': 'turn-footer', 'aria-label': 'Turn metrics' });
  if (footer.timeToFirstTokenMs !== undefined) {
    root.append(part('watch', `first token ${formatMs(footer.timeToFirstTokenMs)}`, 'Time to first token'));
  }
  root.append(part('clock', `total ${formatMs(footer.totalMs)}`, `Total time for ${footer.requests} model request(s)`));
  const fresh = Math.max(0, footer.inputTokens - footer.cachedTokens);
  root.append(
    part(
      'symbol-numeric',
      `${formatCount(fresh)} new · ${formatCount(footer.cachedTokens)} cached · ${formatCount(footer.outputTokens)} out`,
      `Input tokens: ${formatCount(footer.inputTokens)} (${formatCount(footer.cachedTokens)} from cache). Output tokens: ${formatCount(footer.outputTokens)}` +
        (footer.reasoningTokens ? ` (${formatCount(footer.reasoningTokens)} reasoning)` : ''),
    ),
  );
  root.append(
    part(
      footer.transport === 'websocket' ? 'plug' : 'globe',
      `sent ${formatBytes(footer.bytesSent)} vs ${formatBytes(footer.statelessBytes)} stateless${savedPercent(footer.bytesSent, footer.statelessBytes)}`,
      `Bytes sent over ${footer.transport === 'websocket' ? 'the warm WebSocket' : 'HTTP'} versus what a stateless client would have sent for this turn` +
        (footer.recoveries > 0 ? `. ${footer.recoveries} recovery(ies) needed.` : ''),
    ),
  );
  return root;
}

export class SessionTotals {
  readonly element = element('div', { class: 'session-totals', 'data-testid': 'session-totals', 'aria-label': 'Session totals' });

  show(totals: SessionTotalsView | undefined): void {
    this.element.replaceChildren();
    if (!totals || totals.turns === 0) {
      this.element.hidden = true;
      return;
    }
    this.element.hidden = false;
    const saved = Math.max(0, totals.statelessBytes - totals.bytesSent);
    // Bytes only: the transport measures no connect time or bandwidth to turn this into seconds honestly.
    this.element.append(
      part('graph', `${formatBytes(saved)} saved`, `This session sent ${formatBytes(totals.bytesSent)}; a stateless client would have sent ${formatBytes(totals.statelessBytes)}.`),
    );
  }
}
