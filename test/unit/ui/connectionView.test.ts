import { describe, expect, it } from 'vitest';
import { describeSessionTraffic, describeTransportState, explainCause } from '../../../src/ui/connectionView';

describe('how the connection reads in the chip and the status bar', () => {
  it('uses plain words: connected, sending, offline — using HTTP', () => {
    expect(describeTransportState({ kind: 'warm', latencyMs: 38.4 })).toEqual({
      kind: 'warm',
      label: 'connected',
      detail: 'Connected and warmed up (round trip 38 ms): your next prompt goes out as a small update, not the whole conversation.',
    });
    expect(describeTransportState({ kind: 'busy' }).label).toBe('sending');
    expect(describeTransportState({ kind: 'idle' }).label).toBe('not connected');
    expect(describeTransportState({ kind: 'httpFallback', reason: 'The server answered HTTP 426: it does not speak WebSocket mode here.' })).toEqual({
      kind: 'httpFallback',
      label: 'offline — using HTTP',
      detail:
        'The WebSocket could not be used, so Holdfast uses HTTP for now: The server answered HTTP 426: it does not speak WebSocket mode here. Each request carries the whole conversation, so it is slower and sends more.',
    });
    expect(describeTransportState({ kind: 'httpFallback', reason: 'HTTP/SSE is selected in settings.' }).label).toBe('using HTTP');
  });

  it('never cuts the reason: a long one is whole in the detail and absent from the label', () => {
    const reason = 'The WebSocket handshake did not finish within 5 s (a proxy may be blocking upgrades).';
    const view = describeTransportState({ kind: 'httpFallback', reason });
    expect(view.label).toBe('offline — using HTTP');
    expect(view.detail).toContain(reason);
  });

  it('says what an unreachable server means, with the address when the error has one', () => {
    expect(explainCause('Could not connect: connect ECONNREFUSED 127.0.0.1:9')).toBe(
      'nothing is listening at 127.0.0.1:9 (connection refused). Check holdfast.baseUrl, or that the local server is running.',
    );
    // Node reports a refused dual-stack connect as an AggregateError with an empty message: no address to quote.
    expect(explainCause('Could not connect: ECONNREFUSED ')).toBe(
      'nothing is listening at the server address (connection refused). Check holdfast.baseUrl, or that the local server is running.',
    );
    expect(explainCause('getaddrinfo ENOTFOUND api.example.invalid')).toBe('the server name api.example.invalid could not be found (DNS). Check holdfast.baseUrl and the network.');
    expect(explainCause('the socket closed')).toBe('The socket closed.');
    expect(explainCause('')).toBe('no reason was given.');
  });

  it('counts requests with correct grammar', () => {
    expect(describeSessionTraffic({ requests: 1, bytesSent: 2_150, statelessBytes: 49_152 })).toBe('This session: 1 request, 2.1 KB sent, 45.9 KB saved against a stateless client.');
    expect(describeSessionTraffic({ requests: 2, bytesSent: 0, statelessBytes: 0 })).toBe('This session: 2 requests, 0 B sent, 0 B saved against a stateless client.');
  });
});
