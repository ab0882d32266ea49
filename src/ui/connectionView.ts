import { formatBytes } from '../protocol/displayUnits';
import type { ConnectionView } from '../protocol/webview';
import type { TransportState } from '../transport/modelClient';

/**
 * How each transport state reads in the chip, the status bar and their tooltips: plain words in the
 * label ("connected", "sending", "offline — using HTTP"), full sentences with the real cause in the
 * detail. Labels stay short because the chip is narrow; nothing is ever cut mid-word.
 */
export function describeTransportState(state: TransportState): ConnectionView {
  switch (state.kind) {
    case 'idle':
      return { kind: 'idle', label: 'not connected', detail: 'Not connected yet: Holdfast connects when you send your first prompt.' };
    case 'noKey':
      return { kind: 'noKey', label: 'no API key', detail: 'No API key is set. Run "Holdfast: Set API Key" to connect.' };
    case 'connecting':
      return { kind: 'connecting', label: 'connecting…', detail: 'Opening a WebSocket to the model server.' };
    case 'warm':
      return {
        kind: 'warm',
        label: 'connected',
        detail:
          'Connected and warmed up' +
          (state.latencyMs === undefined ? '' : ` (round trip ${Math.round(state.latencyMs)} ms)`) +
          ': your next prompt goes out as a small update, not the whole conversation.',
      };
    case 'busy':
      return { kind: 'busy', label: 'sending', detail: 'A request is on its way and its answer is streaming back.' };
    case 'reconnecting':
      return {
        kind: 'reconnecting',
        label: `reconnecting (attempt ${state.attempt})`,
        detail: `The connection dropped: ${explainCause(state.reason)} Reconnecting, attempt ${state.attempt}. Nothing is lost: the conversation is kept on this machine and resent in full if needed.`,
      };
    case 'httpFallback':
      if (/selected in settings/i.test(state.reason)) {
        return { kind: 'httpFallback', label: 'using HTTP', detail: 'Using HTTP, as holdfast.transport asks. Each request carries the whole conversation.' };
      }
      return {
        kind: 'httpFallback',
        label: 'offline — using HTTP',
        detail: `The WebSocket could not be used, so Holdfast uses HTTP for now: ${explainCause(state.reason)} Each request carries the whole conversation, so it is slower and sends more.`,
      };
    case 'authError':
      return { kind: 'authError', label: 'key rejected', detail: `${explainCause(state.message)} Run "Holdfast: Set API Key" with a valid key.` };
    case 'offline':
      return { kind: 'offline', label: 'offline', detail: `Holdfast cannot reach the model server: ${explainCause(state.message)}` };
  }
}

const NETWORK_CODES: ReadonlyArray<[RegExp, (address: string | undefined) => string]> = [
  [/ECONNREFUSED/, (address) => `nothing is listening${address ? ` at ${address}` : ' at the server address'} (connection refused). Check holdfast.baseUrl, or that the local server is running.`],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo/, (address) => `the server name${address ? ` ${address}` : ''} could not be found (DNS). Check holdfast.baseUrl and the network.`],
  [/ETIMEDOUT|timed out/i, (address) => `connecting${address ? ` to ${address}` : ''} timed out. The server may be down, or a firewall drops the traffic.`],
  [/ECONNRESET|socket hang up|EPIPE/, () => 'the connection was reset. A proxy or firewall may be cutting it.'],
  [/CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i, () => 'the TLS certificate was not accepted. A proxy that inspects TLS often causes this.'],
];

/**
 * A transport reason as a sentence: network error codes in plain words with the address when the
 * message has one ("connect ECONNREFUSED 127.0.0.1:9"); anything else whole, ending with a full stop.
 */
export function explainCause(reason: string): string {
  const text = reason.replace(/\s+/g, ' ').trim().replace(/^Could not connect:\s*/i, '');
  if (text === '') return 'no reason was given.';
  const address = /\b(\d{1,3}(?:\.\d{1,3}){3}:\d+|\[[0-9a-f:]+\]:\d+|[\w.-]+\.[a-z]{2,}(?::\d+)?)\b/i.exec(text)?.[1];
  for (const [code, explain] of NETWORK_CODES) if (code.test(text)) return explain(address);
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** What this session sent, as the status bar's tooltip says it. */
export interface SessionTraffic {
  requests: number;
  bytesSent: number;
  statelessBytes: number;
}

/** "This session: 1 request, 2.1 KB sent, 46.0 KB saved against a stateless client." */
export function describeSessionTraffic(traffic: SessionTraffic): string {
  const saved = Math.max(0, traffic.statelessBytes - traffic.bytesSent);
  const requests = `${traffic.requests} ${traffic.requests === 1 ? 'request' : 'requests'}`;
  return `This session: ${requests}, ${formatBytes(traffic.bytesSent)} sent, ${formatBytes(saved)} saved against a stateless client.`;
}
