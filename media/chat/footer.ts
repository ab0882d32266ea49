/**
 * The per-turn footer and the session totals: what the warm socket is for, made visible. Bytes sent
 * versus what a stateless client (full context every request) would have sent, time to first token,
 * and tokens split into new, cached and output. Quiet by default: one line (time and what was saved),
 * the figures folded under it and in its tooltip.
 */
import type { SessionTotalsView, TurnFooterView } from '../../src/protocol/webview';
import { element, formatBytes, formatCount, formatMs, icon } from './dom';

function savedPercent(sent: number, stateless: number): string {
  if (stateless <= 0 || sent >= stateless) return '';
  return ` (−${Math.round((1 - sent / stateless) * 100)}%)`;
}

function part(name: string, text: string, title: string, label?: string): HTMLSpanElement {
  const span = element('span', label === undefined ? { class: 'metric', title } : { class: 'metric', title, 'aria-label': label });
  span.append(icon(name), document.createTextNode(text));
  return span;
}

/** "2.31 s · 46.0 KB and 160 ms saved": the one line a finished answer gets. */
function summaryLine(footer: TurnFooterView): string {
  const savedBytes = Math.max(0, footer.statelessBytes - footer.bytesSent);
  const savedMs = (footer.connectSavedMs ?? 0) + (footer.warmupSavedMs ?? 0);
  const saved = savedBytes > 0 ? `${formatBytes(savedBytes)}${savedMs > 0 ? ` and ${formatMs(savedMs)}` : ''} saved` : savedMs > 0 ? `${formatMs(savedMs)} saved` : '';
  return [formatMs(footer.totalMs), saved].filter(Boolean).join(' · ');
}

export function renderTurnFooter(footer: TurnFooterView): HTMLElement {
  const root = element('details', { class: 'turn-footer', 'data-testid': 'turn-footer' });
  const summary = element('summary', { class: 'turn-footer-summary' }, summaryLine(footer));
  const metrics = element('div', { class: 'turn-metrics' });
  root.append(summary, metrics);
  appendMetrics(metrics, footer);
  summary.title = Array.from(metrics.children, (metric) => metric.textContent ?? '').join('\n');
  return root;
}

function appendMetrics(root: HTMLElement, footer: TurnFooterView): void {
  if (footer.timeToFirstTokenMs !== undefined) {
    root.append(part('watch', `first token ${formatMs(footer.timeToFirstTokenMs)}`, 'Time to first token'));
  }
  root.append(part('clock', `total ${formatMs(footer.totalMs)}`, `Total time for ${footer.requests} model ${footer.requests === 1 ? 'request' : 'requests'}`));
  const fresh = Math.max(0, footer.inputTokens - footer.cachedTokens);
  root.append(
    part(
      'symbol-numeric',
      `${formatCount(fresh)} new · ${formatCount(footer.cachedTokens)} cached${footer.cacheWriteTokens ? ` · ${formatCount(footer.cacheWriteTokens)} written` : ''} · ${formatCount(footer.outputTokens)} out`,
      `Input tokens: ${formatCount(footer.inputTokens)} (${formatCount(footer.cachedTokens)} from cache). Output tokens: ${formatCount(footer.outputTokens)}` +
        (footer.reasoningTokens ? ` (${formatCount(footer.reasoningTokens)} reasoning)` : ''),
    ),
  );
  root.append(
    part(
      footer.transport === 'websocket' ? 'plug' : 'globe',
      `sent ${formatBytes(footer.bytesSent)} vs ${formatBytes(footer.statelessBytes)} stateless${savedPercent(footer.bytesSent, footer.statelessBytes)}`,
      `Bytes sent over ${footer.transport === 'websocket' ? 'the warm WebSocket' : 'HTTP'} versus what a stateless client would have sent for this turn` +
        (footer.recoveries > 0 ? `. The connection was recovered ${footer.recoveries === 1 ? 'once' : `${footer.recoveries} times`} during the turn.` : ''),
    ),
  );
  if (footer.serviceTier !== undefined) {
    root.append(part('server-process', `tier ${footer.serviceTier}`, `The server ran this answer on the ${footer.serviceTier} service tier (holdfast.serviceTier asks for one).`));
  }
  const connectMs = footer.connectSavedMs ?? 0;
  const warmupMs = footer.warmupSavedMs ?? 0;
  if (connectMs + warmupMs > 0) {
    const text = `saved ≈ ${formatMs(connectMs + warmupMs)}`;
    const title =
      `Measured time a stateless client (fresh connection, everything resent) would have spent and Holdfast did not: ` +
      `connect avoided ${formatMs(connectMs)} (the socket was already open), warm-up off the critical path ${formatMs(warmupMs)} (it ran before you asked). ` +
      NOT_COUNTED;
    root.append(part('history', text, title, `${text}. ${title}`));
  }
}

const NOT_COUNTED = 'Not counted: upload time of the bytes not sent (the client cannot measure the uplink), and anything over HTTP.';

/** Seconds for the session total: "0.42 s", "12.5 s", "3 min 5 s". */
function formatSeconds(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(2)} s` : formatMs(ms);
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
    const timeSavedMs = totals.timeSavedMs ?? 0;
    const text = timeSavedMs > 0 ? `${formatBytes(saved)} and ${formatSeconds(timeSavedMs)} saved` : `${formatBytes(saved)} saved`;
    // Time is only what the transport measured (connects avoided, warm-ups run early); bytes are never turned into seconds.
    const title =
      `This session sent ${formatBytes(totals.bytesSent)}; a stateless client would have sent ${formatBytes(totals.statelessBytes)}. ` +
      `Time saved (${formatMs(timeSavedMs)}) is measured: per turn, the connect its first request did not wait for because the socket was already open, ` +
      `and the warm-up that ran before you asked. ${NOT_COUNTED}`;
    this.element.append(part('graph', text, title, `${text}. ${title}`));
  }
}
