/**
 * Background rotation: an idle socket reaching 55 minutes is replaced by a new one re-warmed
 * (`generate: false`) with the default lane's whole context, so the user's next prompt is a delta and
 * never pays the full resend. Driven by a clock that runs the transport's timers as it moves (no real
 * waiting, no timing bounds); against the fake socket and against the emulator, which enforces the
 * 60-minute limit on the same clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CancellationToken, CancellationTokenSource } from '../../../src/common/cancellation';
import { userMessage, type ResponseItem } from '../../../src/protocol/items';
import { BackgroundRotation } from '../../../src/transport/backgroundRotation';
import { paramsKey } from '../../../src/transport/chain';
import { LaneScheduler } from '../../../src/transport/lanes';
import type { ModelOutcome } from '../../../src/transport/modelClient';
import { paramsOf } from '../../../src/transport/requestFrames';
import type { RequestSpec } from '../../../src/transport/requestRun';
import type { WorkspaceTransportOptions } from '../../../src/transport/transportOptions';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { startEmulator, type Emulator } from '../../emulator';
import { ManualClock } from '../../fakes/manualClock';
import { assistantMessage, responseEvents, standardReply, type FakeServer, type FakeSocket, type Json } from '../../fakes/fakeSocket';
import { API_KEY, hello, makeTransport, request, type Harness } from './transportHarness';
import { makeParts } from './transportParts';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const MINUTE = 60_000;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await tick();
  if (!condition()) throw new Error(`never happened: ${what}`);
}

/** Polls across real I/O (the emulator sees a close a little later). A liveness bound, not a timing claim. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 5000) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function completed(outcome: ModelOutcome): Extract<ModelOutcome, { kind: 'completed' }> {
  if (outcome.kind !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** `response.create` frames per socket index. */
function createsBySocket(server: FakeServer): Json[][] {
  return server.sockets.map((s) => s.frames.filter((f) => f['type'] === 'response.create'));
}

/** Warm-up, then two chat turns: a default-lane chain of 4 items on socket 0. */
async function conversation(h: Harness): Promise<ResponseItem[]> {
  expect((await h.transport.warmUp(request([]))).kind).toBe('warm');
  const transcript: ResponseItem[] = [hello];
  transcript.push(...completed(await h.transport.run(request(transcript))).output, userMessage('q2'));
  transcript.push(...completed(await h.transport.run(request(transcript))).output);
  return transcript;
}

/** Lets the socket age past the rotation and holds the re-warm's answer on the new socket; call the result to release it. */
async function heldRewarm(h: Harness): Promise<() => void> {
  const { server, clock } = h;
  let release: () => void = () => undefined;
  server.handler = (frame, socket) => {
    if (frame['generate'] === false) {
      const id = server.nextResponseId();
      release = () => socket.emit(...responseEvents(frame, id, []));
      return;
    }
    standardReply(frame, socket, server);
  };
  clock.advance(56 * MINUTE);
  await until(() => createsBySocket(server)[1]?.length === 1, 're-warm sent');
  return () => release();
}

describe('WorkspaceTransport: background rotation (fake socket)', () => {
  it('an idle socket at 55 minutes is re-warmed on a new one; the next prompt is a delta from the re-warm', async () => {
    const h = makeTransport();
    const { server, transport, clock, logs } = h;
    const transcript = await conversation(h);
    const lastChatFrame = server.creates.at(-1) as Json;
    expect(server.sockets).toHaveLength(1);

    clock.advance(56 * MINUTE); // the user is away; nothing is asked
    await transport.rotationSettled();
    await until(() => server.sockets[0]?.isClosed === true, 'the old socket closed');

    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[0]?.closedByClient).toBe(true);
    const rewarm = createsBySocket(server)[1]?.[0] as Json;
    // The whole context, with the chain's own parameters, as a warm-up.
    expect(rewarm).toMatchObject({ generate: false, model: lastChatFrame['model'], instructions: lastChatFrame['instructions'], tools: lastChatFrame['tools'], store: false });
    expect(rewarm).not.toHaveProperty('previous_response_id');
    expect(rewarm['input']).toEqual(JSON.parse(JSON.stringify(transcript)));
    expect(logs.some((l) => /^info Rotating connection \d+ at 56 min: re-warming with \d+ KB/.test(l))).toBe(true);
    expect(transport.state.kind).toBe('warm');

    const metrics = completed(await transport.run(request([...transcript, userMessage('q3')]))).metrics;
    expect(metrics).toMatchObject({ mode: 'delta', recoveries: 0 });
    const next = createsBySocket(server)[1]?.[1] as Json;
    expect(next['previous_response_id']).toBe('resp_4'); // warm-up resp_1, chat resp_2 and resp_3, re-warm resp_4
    expect(next['input']).toEqual([userMessage('q3')]);
    // Exactly one full request per socket, and it is the socket's first.
    for (const creates of createsBySocket(server)) {
      expect(creates.filter((f) => f['previous_response_id'] === undefined)).toEqual([creates[0]]);
    }
    expect(server.sockets).toHaveLength(2);
  });

  it('the re-warm carries every parameter of the chain, so the chain continues (a lost one would force a full resend)', async () => {
    const { server, transport, clock } = makeTransport();
    const extra = {
      reasoning: { effort: 'high' as const, summary: 'auto' as const },
      include: ['reasoning.encrypted_content'],
      toolChoice: 'auto' as const,
      parallelToolCalls: false,
      maxOutputTokens: 4000,
      store: true,
    };
    const transcript: ResponseItem[] = [hello];
    transcript.push(...completed(await transport.run(request(transcript, extra))).output);
    clock.advance(56 * MINUTE);
    await transport.rotationSettled();
    expect(createsBySocket(server)[1]?.[0]).toMatchObject({
      generate: false,
      reasoning: extra.reasoning,
      include: extra.include,
      tool_choice: 'auto',
      parallel_tool_calls: false,
      max_output_tokens: 4000,
      store: true,
    });
    const next = completed(await transport.run(request([...transcript, userMessage('q2')], extra)));
    expect(next.metrics.mode).toBe('delta');
  });

  it('a prompt sent during the re-warm waits for it, continues it as a delta, and is sent exactly once', async () => {
    const h = makeTransport();
    const { server, transport } = h;
    const transcript = await conversation(h);
    const releaseRewarm = await heldRewarm(h);

    const prompt = [...transcript, userMessage('q3')];
    const running = transport.run(request(prompt));
    for (let i = 0; i < 20; i++) await tick();
    expect(server.creates.filter((f) => f['generate'] !== false)).toHaveLength(2); // the prompt is held, not sent
    releaseRewarm();
    const outcome = completed(await running);
    await transport.rotationSettled();

    expect(outcome.metrics).toMatchObject({ mode: 'delta', recoveries: 0 });
    const promptFrames = server.creates.filter((f) => JSON.stringify(f['input']).includes('q3'));
    expect(promptFrames).toHaveLength(1);
    expect(promptFrames[0]).toMatchObject({ previous_response_id: 'resp_4', input: [userMessage('q3')] });
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[0]?.closedByClient).toBe(true);
  });

  it('prompts sent while the new socket connects (default and named lane) use it, each sent once', async () => {
    const h = makeTransport();
    const { server, transport, clock } = h;
    const transcript = await conversation(h);
    server.upgrades = [{ kind: 'hang' }]; // the new socket's handshake waits for the test
    clock.advance(56 * MINUTE);
    await until(() => server.sockets.length === 2, 'the new socket requested');

    const chat = transport.run(request([...transcript, userMessage('q3')]));
    const inline = transport.run(request([userMessage('rename x')], { lane: 'inline-1' }));
    for (let i = 0; i < 10; i++) await tick();
    expect(server.creates).toHaveLength(3); // nothing new sent yet
    server.sockets[1]?.acceptUpgrade();
    const [chatOutcome, inlineOutcome] = await Promise.all([chat, inline]);
    await transport.rotationSettled();

    expect(completed(chatOutcome).metrics).toMatchObject({ mode: 'delta' });
    expect(completed(inlineOutcome).metrics).toMatchObject({ mode: 'full' }); // a new lane chain, short
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[0]?.closedByClient).toBe(true);
    expect(server.creates.filter((f) => JSON.stringify(f['input']).includes('q3'))).toHaveLength(1);
    expect(server.creates.filter((f) => JSON.stringify(f['input']).includes('rename x'))).toHaveLength(1);
    const onNew = createsBySocket(server)[1] as Json[];
    expect(onNew.filter((f) => f['stream_id'] === undefined && f['previous_response_id'] === undefined)).toEqual([onNew[0]]);
    expect(onNew[0]).toMatchObject({ generate: false });
  });

  it('a prompt stopped while it waits behind the re-warm is cancelled; the re-warm still serves the next one', async () => {
    const h = makeTransport();
    const { server, transport } = h;
    const transcript = await conversation(h);
    const releaseRewarm = await heldRewarm(h);
    const source = new CancellationTokenSource();
    const stopped = transport.run(request([...transcript, userMessage('q3')]), { token: source.token });
    await tick();
    source.cancel();
    expect(await stopped).toEqual({ kind: 'cancelled' });
    releaseRewarm();
    await transport.rotationSettled();
    const next = completed(await transport.run(request([...transcript, userMessage('q3 again')])));
    expect(next.metrics).toMatchObject({ mode: 'delta' });
    expect(server.creates.filter((f) => JSON.stringify(f['input']).includes('"q3"'))).toHaveLength(0);
    expect(server.sockets).toHaveLength(2);
  });

  it('a socket that aged during a request rotates in the background once every lane has been quiet', async () => {
    const { server, transport, clock } = makeTransport({ rotationIdleMs: 10_000 });
    const first = completed(await transport.run(request([hello])));
    server.handler = (frame, socket) => {
      const id = server.nextResponseId();
      socket.emit({ type: 'response.created', sequence_number: 0, response: { id, status: 'in_progress', output: [] } });
      setTimeout(() => {
        clock.advance(56 * MINUTE);
        socket.emit(...responseEvents(frame, id, [assistantMessage('m', 'long one')]).slice(1));
      }, 5);
    };
    const transcript = [hello, ...first.output, userMessage('q2')];
    const second = completed(await transport.run(request(transcript)));
    expect(server.sockets).toHaveLength(1); // never mid-request
    server.handler = (frame, socket) => standardReply(frame, socket, server);
    clock.advance(5_000);
    await transport.rotationSettled();
    expect(server.sockets).toHaveLength(1); // not quiet long enough yet
    clock.advance(5_000);
    await transport.rotationSettled();
    expect(server.sockets).toHaveLength(2);
    const third = completed(await transport.run(request([...transcript, ...second.output, userMessage('q3')])));
    expect(third.metrics).toMatchObject({ mode: 'delta' });
  });

  it('warm-up off: no background traffic; the next request rotates and goes full, as before', async () => {
    const h = makeTransport({ rotateInBackground: false });
    const { server, transport, clock } = h;
    const transcript = await conversation(h);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(56 * MINUTE);
    await transport.rotationSettled();
    for (let i = 0; i < 10; i++) await tick();
    expect(server.sockets).toHaveLength(1);
    expect(server.sockets[0]?.isClosed).toBe(false);
    const next = completed(await transport.run(request([...transcript, userMessage('q3')])));
    expect(next.metrics).toMatchObject({ mode: 'full' });
    expect(server.sockets).toHaveLength(2);
  });

  it('HTTP: nothing to rotate, no timer', async () => {
    const { server, http, transport, clock } = makeTransport({ transport: 'http' });
    completed(await transport.run(request([hello])));
    expect(clock.pendingTimers).toBe(0);
    clock.advance(56 * MINUTE);
    await transport.rotationSettled();
    expect(server.sockets).toHaveLength(0);
    expect(http.calls).toHaveLength(1);
  });

  it('a refused key on the rotation connect stops there: auth error shown, no retry loop', async () => {
    const h = makeTransport();
    const { server, transport, clock } = h;
    await conversation(h);
    server.upgrades = [{ kind: 'status', status: 401 }];
    clock.advance(56 * MINUTE);
    await transport.rotationSettled();
    expect(server.sockets).toHaveLength(2);
    expect(transport.state).toMatchObject({ kind: 'authError' });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(120 * MINUTE);
    await transport.rotationSettled();
    expect(server.sockets).toHaveLength(2);
  });

  it('dispose during the re-warm: the rotation stops, its timer is gone, no socket stays open', async () => {
    const h = makeTransport();
    const { server, transport, clock } = h;
    await conversation(h);
    server.handler = () => undefined; // the re-warm never answers
    clock.advance(56 * MINUTE);
    await until(() => createsBySocket(server)[1]?.length === 1, 're-warm sent');
    transport.dispose();
    expect(server.sockets.every((s: FakeSocket) => s.isClosed)).toBe(true);
    await transport.rotationSettled();
    expect(clock.pendingTimers).toBe(0);
    expect(server.sockets).toHaveLength(2);
  });

  it('dispose while idle clears the rotation timer', () => {
    const { transport, clock } = makeTransport();
    return (async () => {
      completed(await transport.run(request([hello])));
      expect(clock.pendingTimers).toBe(1);
      transport.dispose();
      expect(clock.pendingTimers).toBe(0);
    })();
  });
});

describe('WorkspaceTransport: background rotation (emulator, 60-minute limit on the same clock)', () => {
  let emu: Emulator | undefined;
  let transport: WorkspaceTransport | undefined;
  afterEach(async () => {
    transport?.dispose();
    await emu?.close();
    emu = undefined;
    transport = undefined;
  });

  it('after idle rotation the next prompt is a delta on the new socket, and each socket carries one full request', async () => {
    const clock = new ManualClock(Date.now());
    emu = await startEmulator({ tokensPerSecond: 0, pingIntervalMs: 0, clock: () => clock.now() });
    const logs: string[] = [];
    transport = new WorkspaceTransport({
      baseUrl: emu.url,
      apiKey: async () => emu?.apiKey,
      clock,
      connectTimeoutMs: 2000,
      idleTimeoutMs: 3000,
      logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    });
    const modes: string[] = [];
    transport.onDidMeasure((m) => modes.push(m.mode));
    expect((await transport.warmUp(request([]))).kind).toBe('warm');
    const transcript: ResponseItem[] = [userMessage('How do I write a greeting function?')];
    transcript.push(...completed(await transport.run(request(transcript))).output);

    clock.advance(56 * MINUTE);
    emu.advanceClock(0); // the emulator checks its sockets' ages on the shared clock: under 60 minutes
    await transport.rotationSettled();
    transcript.push(userMessage('And in Python?'));
    const next = completed(await transport.run(request(transcript)));
    expect(next.metrics).toMatchObject({ mode: 'delta', recoveries: 0 });
    expect(modes).toEqual(['warmup', 'delta', 'warmup', 'delta']);

    await waitFor(() => emu?.stats().connections[0]?.closedAt !== null, 'the emulator saw the old socket close');
    const stats = emu.stats();
    expect(stats.totals.wsConnections).toBe(2);
    expect(stats.errorsSent['websocket_connection_limit_reached'] ?? 0).toBe(0);
    const [oldConn, newConn] = stats.connections;
    expect(oldConn?.closedAt).not.toBeNull();
    expect(oldConn?.closeReason).toMatch(/1000/);
    const onNew = stats.requests.filter((r) => r.connectionId === newConn?.id);
    expect(onNew.map((r) => r.kind)).toEqual(['warmup', 'continuation']);
    expect(onNew[0]?.inputItems).toBe(2); // the whole conversation so far
    expect(onNew[1]).toMatchObject({ previousResponseId: onNew[0]?.responseId, cache: 'hit', inputItems: 1 });
    // One request without previous_response_id per socket, and it is the socket's first.
    for (const conn of stats.connections) {
      const requests = stats.requests.filter((r) => r.connectionId === conn.id);
      expect(requests.filter((r) => r.previousResponseId === null)).toEqual([requests[0]]);
    }
    expect(logs.some((l) => /Rotating connection \d+ at 56 min: re-warming with \d+ KB/.test(l))).toBe(true);

    // Left idle past the limit again: rotates again, never meets the server's limit.
    clock.advance(56 * MINUTE);
    emu.advanceClock(0);
    await transport.rotationSettled();
    expect(emu.stats().totals.wsConnections).toBe(3);
    expect(emu.stats().errorsSent['websocket_connection_limit_reached'] ?? 0).toBe(0);
  });
});

describe('BackgroundRotation on its own (real connector, stand-in re-warm)', () => {
  function rotationRig(options: Partial<WorkspaceTransportOptions> = {}) {
    const parts = makeParts(options);
    const lanes = new LaneScheduler();
    const rewarms: RequestSpec[] = [];
    const rotation = new BackgroundRotation({
      context: parts.context,
      lanes,
      connector: parts.connector,
      status: parts.status,
      readKey: async () => API_KEY,
      rewarm: async (spec) => {
        rewarms.push(spec);
        return { kind: 'cancelled' };
      },
    });
    parts.connector.onDidAdopt(() => rotation.arm());
    return { ...parts, lanes, rotation, rewarms };
  }

  async function connected(rig: ReturnType<typeof rotationRig>) {
    const route = await rig.connector.route(API_KEY, CancellationToken.None);
    if (route.kind !== 'ws') throw new Error(route.kind);
    return route.scope;
  }

  it('keeps its timer in the current socket’s scope; the scope’s end takes the timer with it', async () => {
    const rig = rotationRig();
    const scope = await connected(rig);
    expect(scope.hasRotationTimer).toBe(true);
    expect(rig.clock.pendingTimers).toBe(1);
    rig.rotation.noteActivity(); // re-armed, not doubled
    expect(rig.clock.pendingTimers).toBe(1);
    scope.dispose();
    expect(rig.clock.pendingTimers).toBe(0);
  });

  it('when due and idle: the next socket, re-warmed with the default lane’s chain and parameters; the old scope retired', async () => {
    const rig = rotationRig();
    const old = await connected(rig);
    const params = paramsOf(request([], { reasoning: { effort: 'high' } }), false);
    old.chain.recordCompleted(undefined, { responseId: 'resp_1', paramsKey: paramsKey(params), input: [hello], output: [userMessage('answer')] });
    rig.clock.advance(56 * MINUTE);
    await rig.rotation.settled();
    expect(rig.rewarms).toHaveLength(1);
    expect(rig.rewarms[0]).toMatchObject({ warmup: true, key: API_KEY, request: { input: [hello, userMessage('answer')], reasoning: { effort: 'high' } } });
    expect(rig.connector.current.value).not.toBe(old);
    expect(old.isDisposed).toBe(true);
    expect(rig.server.sockets).toHaveLength(2);
    expect(rig.logs.some((l) => /^info Rotating connection \d+ at 56 min: re-warming with 0 KB \(2 items/.test(l))).toBe(true);
  });

  it('steer input the server holds for the default lane postpones the rotation by a minute', async () => {
    const rig = rotationRig();
    const scope = await connected(rig);
    scope.chain.holdPendingSteer(undefined, [userMessage('held')]);
    rig.clock.advance(56 * MINUTE);
    await rig.rotation.settled();
    expect(rig.server.sockets).toHaveLength(1);
    expect(scope.rotationHeldUntil).toBe(rig.clock.now() + MINUTE);
    expect(scope.hasRotationTimer).toBe(true);
  });

  it('a busy lane defers it: the request’s end re-arms it, counting quiet time from there', async () => {
    const rig = rotationRig({ rotationIdleMs: 10_000 });
    const scope = await connected(rig);
    const slot = await rig.lanes.acquire('inline-1');
    rig.clock.advance(56 * MINUTE);
    await rig.rotation.settled();
    expect(rig.server.sockets).toHaveLength(1);
    expect(scope.hasRotationTimer).toBe(false);
    slot?.release();
    rig.rotation.noteActivity();
    rig.clock.advance(9_999);
    await rig.rotation.settled();
    expect(rig.server.sockets).toHaveLength(1);
    rig.clock.advance(1);
    await rig.rotation.settled();
    expect(rig.server.sockets).toHaveLength(2);
  });

  it('rotateInBackground false: no timer at all', async () => {
    const rig = rotationRig({ rotateInBackground: false });
    const scope = await connected(rig);
    expect(scope.hasRotationTimer).toBe(false);
    expect(rig.clock.pendingTimers).toBe(0);
  });
});
