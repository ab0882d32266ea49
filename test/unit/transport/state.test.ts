/** The transport state: facts ranked into one state, and a status that announces only real changes. */
import { describe, expect, it } from 'vitest';
import type { TransportState } from '../../../src/transport/modelClient';
import { computeState, TransportStatus, type ConnectionFacts, type TransportFacts } from '../../../src/transport/state';

const calm: TransportFacts = {
  mode: 'auto',
  connecting: false,
  reconnectAttempt: 0,
  fallbackReason: undefined,
  usable: false,
  noKey: false,
  authErrorMessage: undefined,
  offlineMessage: undefined,
  lastLossReason: '',
  busy: false,
  warmLatencyMs: undefined,
};

describe('computeState', () => {
  it('ranks the facts, most urgent first', () => {
    const all: TransportFacts = { ...calm, noKey: true, authErrorMessage: 'refused', connecting: true, mode: 'http', busy: true, usable: true, offlineMessage: 'down' };
    expect(computeState(all)).toEqual({ kind: 'noKey' });
    expect(computeState({ ...all, noKey: false })).toEqual({ kind: 'authError', message: 'refused' });
    expect(computeState({ ...all, noKey: false, authErrorMessage: undefined })).toEqual({ kind: 'connecting' });
    expect(computeState({ ...all, noKey: false, authErrorMessage: undefined, connecting: false })).toEqual({ kind: 'httpFallback', reason: 'HTTP/SSE is selected in settings.' });
    expect(computeState({ ...calm, fallbackReason: 'proxy', busy: true })).toEqual({ kind: 'httpFallback', reason: 'proxy' });
    expect(computeState({ ...calm, busy: true, usable: true })).toEqual({ kind: 'busy' });
    expect(computeState({ ...calm, usable: true, warmLatencyMs: 42, offlineMessage: 'old' })).toEqual({ kind: 'warm', latencyMs: 42 });
    expect(computeState({ ...calm, offlineMessage: 'down' })).toEqual({ kind: 'offline', message: 'down' });
    expect(computeState(calm)).toEqual({ kind: 'idle' });
  });

  it('a reconnect says which attempt and why (a default reason when none is known)', () => {
    expect(computeState({ ...calm, connecting: true, reconnectAttempt: 2, lastLossReason: 'dropped' })).toEqual({ kind: 'reconnecting', attempt: 2, reason: 'dropped' });
    expect(computeState({ ...calm, connecting: true, reconnectAttempt: 1 })).toEqual({ kind: 'reconnecting', attempt: 1, reason: 'connection lost' });
  });
});

describe('TransportStatus', () => {
  it('joins its facts with the connection’s, fires only on real changes, and nothing after dispose', () => {
    let connection: ConnectionFacts = { mode: 'auto', connecting: false, reconnectAttempt: 0, fallbackReason: undefined, usable: false };
    const status = new TransportStatus(() => connection);
    const seen: TransportState[] = [];
    status.onDidChange((s) => seen.push(s));
    status.refresh();
    status.requestStarted();
    status.requestStarted();
    status.requestEnded();
    connection = { ...connection, usable: true };
    status.warmLatencyMs = 7;
    status.requestEnded();
    status.refresh();
    expect(seen).toEqual([{ kind: 'busy' }, { kind: 'warm', latencyMs: 7 }]);
    status.authFailed('refused');
    expect(status.state).toEqual({ kind: 'authError', message: 'refused' });
    status.dispose();
    status.authErrorMessage = undefined;
    status.refresh();
    expect(seen).toHaveLength(3);
  });
});
