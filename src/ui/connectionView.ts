import type { ConnectionView } from '../protocol/webview';
import type { TransportState } from '../transport/modelClient';

/** How each transport state reads in the chip, the status bar and their tooltips. */
export function describeTransportState(state: TransportState): ConnectionView {
  switch (state.kind) {
    case 'idle':
      return { kind: 'idle', label: 'idle', detail: 'Not connected yet; the socket opens on first use.' };
    case 'noKey':
      return { kind: 'noKey', label: 'key missing', detail: 'Set an API key to connect (Holdfast: Set API Key).' };
    case 'connecting':
      return { kind: 'connecting', label: 'connecting…', detail: 'Opening the WebSocket to the model server.' };
    case 'warm':
      return {
        kind: 'warm',
        label: 'warm',
        detail:
          state.latencyMs === undefined
            ? 'The socket is open and warmed: your next prompt is sent as a small delta.'
            : `The socket is open and warmed (round trip ${Math.round(state.latencyMs)} ms): your next prompt is sent as a small delta.`,
      };
    case 'busy':
      return { kind: 'busy', label: 'busy', detail: 'A response is streaming.' };
    case 'reconnecting':
      return {
        kind: 'reconnecting',
        label: `reconnecting (${state.attempt})`,
        detail: `Reconnecting: ${state.reason}. Nothing is lost: the conversation is kept locally and resent in full.`,
      };
    case 'httpFallback':
      return {
        kind: 'httpFallback',
        label: `HTTP fallback (${state.reason.slice(0, 40)})`,
        detail: `Using HTTP/SSE because the WebSocket could not be used: ${state.reason}. Each request carries the full conversation.`,
      };
    case 'authError':
      return { kind: 'authError', label: 'key rejected', detail: `The server refused the API key: ${state.message}` };
    case 'offline':
      return { kind: 'offline', label: 'offline', detail: state.message };
  }
}
