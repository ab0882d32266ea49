/**
 * The request run on its own (real connector and fake server, no façade): the attempt loop's steps,
 * its retry decisions, the warm-up records it keeps in the socket's scope, and the `beforeSend` seam.
 */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../src/protocol/items';
import { ApiKeyReader } from '../../../src/transport/apiKey';
import { LaneScheduler } from '../../../src/transport/lanes';
import type { ModelStreamEvent, RequestMetrics } from '../../../src/transport/modelClient';
import { RequestRunner, sendAsPlanned, type BeforeSend, type PlannedAttempt } from '../../../src/transport/requestRun';
import { Steering } from '../../../src/transport/steering';
import type { WorkspaceTransportOptions } from '../../../src/transport/transportOptions';
import { assistantMessage, errorEvent, responseEvents, standardReply, type Json } from '../../fakes/fakeSocket';
import { API_KEY, hello, request } from './transportHarness';
import { makeParts, type Parts } from './transportParts';

interface Rig extends Parts {
  runner: RequestRunner;
  measured: RequestMetrics[];
  ended: number[];
}

function rig(options: Partial<WorkspaceTransportOptions> = {}, beforeSend: BeforeSend = sendAsPlanned, apiKey: () => Promise<string | undefined> = async () => API_KEY): Rig {
  const parts = makeParts(options);
  const measured: RequestMetrics[] = [];
  const ended: number[] = [];
  const runner = new RequestRunner({
    context: parts.context,
    status: parts.status,
    connector: parts.connector,
    steering: new Steering(() => 1000),
    lanes: new LaneScheduler(),
    keys: new ApiKeyReader({ source: apiKey, onRead: () => undefined, warn: () => undefined }),
    beforeSend,
    measured: (metrics, onMeasured) => {
      onMeasured?.(metrics);
      measured.push(metrics);
    },
    onRequestEnded: () => ended.push(parts.clock.now()),
  });
  return { ...parts, runner, measured, ended };
}

describe('RequestRunner.execute', () => {
  it('checks the lane name, the key and the token before anything touches the wire', async () => {
    const bad = rig();
    expect(await bad.runner.execute(request([hello], { lane: 'no spaces allowed' }), {}, false)).toMatchObject({ kind: 'serverError', code: 'invalid_stream_id' });
    const keyless = rig({}, sendAsPlanned, async () => undefined);
    expect(await keyless.runner.execute(request([hello]), {}, false)).toEqual({ kind: 'authFailed', message: 'No API key is set.' });
    expect([...bad.server.sockets, ...keyless.server.sockets]).toHaveLength(0);
    expect(bad.ended).toHaveLength(0);
  });

  it('a bug inside the run becomes a redacted networkError, and the lane is free again', async () => {
    let calls = 0;
    const { runner, ended } = rig({}, (attempt) => {
      calls += 1;
      if (calls === 1) throw new Error(`boom with ${API_KEY}`);
      return attempt;
    });
    expect(await runner.execute(request([hello]), {}, false)).toEqual({ kind: 'networkError', message: 'boom with [REDACTED]' });
    expect(ended).toHaveLength(1);
    expect((await runner.execute(request([hello]), {}, false)).kind).toBe('completed');
  });

  it('a listener that throws is logged, never thrown into the run', async () => {
    const { runner, logs } = rig();
    const outcome = await runner.execute(request([hello]), { onEvent: () => { throw new Error('listener bug'); } }, false);
    expect(outcome.kind).toBe('completed');
    expect(logs).toContain('warn An event listener threw: listener bug');
  });
});

describe('RequestRun: planning and the beforeSend seam', () => {
  it('every attempt passes through beforeSend, which may change what is sent (here: a new chain in full)', async () => {
    const seen: PlannedAttempt[] = [];
    const { runner, server } = rig({}, (attempt) => {
      seen.push(attempt);
      if (attempt.plan.mode !== 'delta') return attempt;
      const plan = { mode: 'full' as const, input: [userMessage('compacted')], reason: 'noChain' as const };
      const { previous_response_id: _continued, ...frame } = attempt.frame;
      return { ...attempt, plan, frame: { ...frame, input: plan.input } };
    });
    const first = await runner.execute(request([hello]), {}, false);
    if (first.kind !== 'completed') throw new Error(first.kind);
    await runner.execute(request([hello, ...first.output, userMessage('q2')]), {}, false);
    expect(seen.map((a) => a.plan.mode)).toEqual(['full', 'delta']);
    expect(seen[1]?.scope).toBe(seen[0]?.scope);
    expect(server.creates[1]).not.toHaveProperty('previous_response_id');
    expect(server.creates[1]?.['input']).toEqual([userMessage('compacted')]);
  });

  it('a warm-up is remembered in the socket’s scope; the request that continues it counts its time once', async () => {
    const { runner, server, clock, connector } = rig();
    server.handler = (frame, socket) => {
      if (frame['generate'] === false) clock.advance(40); // the warm-up takes 40 ms on the socket
      standardReply(frame, socket, server);
    };
    expect(await runner.execute(request([]), {}, true)).toMatchObject({ kind: 'completed', metrics: { mode: 'warmup' } });
    const scope = connector.current.value;
    expect(scope?.warmups.size).toBe(1);
    const next = await runner.execute(request([hello]), {}, false);
    expect(next).toMatchObject({ kind: 'completed', metrics: { mode: 'delta', warmupAvoidedMs: 40 } });
    expect(scope?.warmups.size).toBe(0);
  });

  it('store:false over HTTP goes full (nothing to continue); store:true chains on the HTTP path', async () => {
    const { runner, http } = rig({ transport: 'http' });
    const first = await runner.execute(request([hello]), {}, false);
    if (first.kind !== 'completed') throw new Error(first.kind);
    const second = await runner.execute(request([hello, ...first.output, userMessage('q2')]), {}, false);
    expect(second).toMatchObject({ metrics: { mode: 'full', transport: 'http' } });
    const stored = await runner.execute(request([hello], { store: true }), {}, false);
    if (stored.kind !== 'completed') throw new Error(stored.kind);
    await runner.execute(request([hello, ...stored.output, userMessage('q2')], { store: true }), {}, false);
    expect(http.calls[3]?.body).toMatchObject({ previous_response_id: stored.responseId });
  });

  it('a warm-up never goes over HTTP', async () => {
    const { runner, http } = rig({ transport: 'http' });
    expect(await runner.execute(request([]), {}, true)).toMatchObject({ kind: 'serverError', code: 'warmup_skipped' });
    expect(http.calls).toHaveLength(0);
  });
});

describe('RequestRun: retry decisions', () => {
  it('a lost connection is recovered once, in full, on a new socket; a second loss is a redacted networkError', async () => {
    const { runner, server } = rig();
    let drops = 1;
    server.handler = (frame, socket) => {
      if (drops-- > 0) return socket.drop();
      standardReply(frame, socket, server);
    };
    const events: ModelStreamEvent[] = [];
    const outcome = await runner.execute(request([hello]), { onEvent: (e) => events.push(e) }, false);
    expect(outcome).toMatchObject({ kind: 'completed', metrics: { recoveries: 1 } });
    expect(events.filter((e) => e.kind === 'recovering')).toHaveLength(1);
    expect(server.sockets).toHaveLength(2);

    server.handler = (_frame, socket) => socket.drop();
    expect(await runner.execute(request([hello]), {}, false)).toMatchObject({ kind: 'networkError', message: expect.stringContaining('could not be recovered') });
  });

  it('overload waits the jittered backoff from the settings’ source, bounded, then a retryable serverError', async () => {
    const { runner, server, logs } = rig({ overloadBackoffMs: 40, maxOverloadRetries: 2, jitter: () => 0 });
    server.handler = (_frame, socket) => socket.emit(errorEvent('server_is_overloaded', 'Overloaded.', 503));
    expect(await runner.execute(request([hello]), {}, false)).toEqual({ kind: 'serverError', code: 'server_is_overloaded', message: 'Overloaded.', retryable: true });
    // Equal jitter with a source returning 0: half of each step (40, 80).
    expect(logs.filter((l) => l.startsWith('warn Retrying'))).toEqual([
      'warn Retrying: server_is_overloaded: backing off 20 ms.',
      'warn Retrying: server_is_overloaded: backing off 40 ms.',
    ]);
    expect(server.creates).toHaveLength(3);
  });

  it('a spent socket (connection limit) is retired and the retry goes to a new one', async () => {
    const { runner, server } = rig();
    let spent = true;
    server.handler = (frame, socket) => {
      if (spent) {
        spent = false;
        socket.emit(errorEvent('websocket_connection_limit_reached', 'Limit reached.'));
        return;
      }
      socket.emit(...responseEvents(frame as Json, server.nextResponseId(), [assistantMessage('m', 'ok')]));
    };
    expect(await runner.execute(request([hello]), {}, false)).toMatchObject({ kind: 'completed', metrics: { recoveries: 1 } });
    expect(server.sockets).toHaveLength(2);
  });

  it('a refused key in an error event stops at once and shows the auth error', async () => {
    const { runner, server, status } = rig();
    server.handler = (_frame, socket) => socket.emit(errorEvent('invalid_api_key', 'Incorrect API key provided.', 401));
    expect(await runner.execute(request([hello]), {}, false)).toEqual({ kind: 'authFailed', message: 'Incorrect API key provided.' });
    expect(status.state).toEqual({ kind: 'authError', message: 'Incorrect API key provided.' });
    expect(server.creates).toHaveLength(1);
  });
});
