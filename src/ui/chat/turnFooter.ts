/** A turn's footer (transport, tokens, bytes, time saved), summed from the transport's request metrics. */
import type { TurnFooterView } from '../../protocol/webview';
import type { RequestMetrics } from '../../transport/modelClient';

/** A footer's measured time saved (0 for footers saved before it was measured). */
export function footerTimeSavedMs(footer: Pick<TurnFooterView, 'connectSavedMs' | 'warmupSavedMs'>): number {
  return (footer.connectSavedMs ?? 0) + (footer.warmupSavedMs ?? 0);
}

function measuredMs(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Sums a turn's requests into its footer: the first token is the first request's, bytes add up. Time
 * saved is the first request's only (a stateless client's keep-alive would reuse its connection within
 * the turn too), and none over HTTP.
 */
export function footerFromRequests(requests: readonly RequestMetrics[], totalMs: number): TurnFooterView {
  const first = requests[0];
  const footer: TurnFooterView = {
    transport: requests.some((r) => r.transport === 'http') ? 'http' : 'websocket',
    totalMs,
    requests: requests.length,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    bytesSent: 0,
    statelessBytes: 0,
    recoveries: 0,
  };
  let reasoning = 0;
  let writes: number | undefined;
  for (const request of requests) {
    footer.bytesSent += request.bytesSent;
    footer.statelessBytes += request.statelessBytes;
    footer.recoveries += request.recoveries;
    if (request.usage) {
      footer.inputTokens += request.usage.inputTokens;
      footer.cachedTokens += request.usage.cachedTokens;
      footer.outputTokens += request.usage.outputTokens;
      reasoning += request.usage.reasoningTokens;
      if (request.usage.cacheWriteTokens !== undefined) writes = (writes ?? 0) + request.usage.cacheWriteTokens;
    }
  }
  if (reasoning > 0) footer.reasoningTokens = reasoning;
  if (writes !== undefined) footer.cacheWriteTokens = writes;
  if (first?.timeToFirstTokenMs !== undefined) footer.timeToFirstTokenMs = first.timeToFirstTokenMs;
  const overSocket = footer.transport === 'websocket' && first !== undefined;
  footer.connectSavedMs = overSocket ? measuredMs(first.connectAvoidedMs) : 0;
  footer.warmupSavedMs = overSocket ? measuredMs(first.warmupAvoidedMs) : 0;
  const tier = [...requests].reverse().find((r) => r.serviceTier !== undefined)?.serviceTier;
  if (tier !== undefined) footer.serviceTier = tier.slice(0, 64);
  return footer;
}
