/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import type { Holdfast } from '../../../src/app/holdfast';
import type { Emulator } from '../../emulator';
import { type ConnectedEmulator, connectedEmulator, createFrames } from '../support/emulatorSession';

/**
 * Issue 17: three subagents on lanes inside a real VS Code. The emulator's demo model answers a prompt
 * asking for subagents with one `delegate` call; Holdfast runs the three subtasks as subagents on named
 * lanes of the workspace's one socket, each forked from the main lane's response, reading the fixture
 * files through the real workspace port, and the main lane continues with their reports. The wall time
 * of the subagents is printed next to the sum of their own durations (what one after another would
 * take); it is a measurement, never asserted (test/bench/subagentLanes.ts is the benchmark).
 */

const PROMPT = 'Use subagents to summarise src/a.ts, src/b.ts and src/greeting.ts';
const LANES = ['subagent-1', 'subagent-2', 'subagent-3'];

suite('agent: three subagents on lanes of one socket', function () {
  // A guard against a hang only: no test asserts how long anything takes.
  this.timeout(180_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let connected: ConnectedEmulator | undefined;

  suiteSetup(async () => {
    // The demo model at a model-like pace, so running in parallel has something to overlap.
    // (The scenario object, as the bundled suite has no scenario files: `default.yaml` is exactly this.)
    connected = await connectedEmulator({ scenario: { name: 'default', fallback: 'auto', steps: [] }, tokensPerSecond: 300 });
    ({ holdfast, emulator } = connected);
  });

  suiteTeardown(async () => {
    if (holdfast?.agentHost.agent.runningTurn) holdfast.agentHost.stop();
    await connected?.close();
  });

  test('the delegate call runs three subagents in parallel on named lanes, forked from the main response', async () => {
    assert.strictEqual(vscode.workspace.getConfiguration('holdfast').get('subagents.enabled'), true, 'subagents are on by default');
    holdfast.agentHost.newSession();
    const events: Array<{ at: number; event: AgentEvent }> = [];
    const subscription = holdfast.agentHost.onEvent((event) => events.push({ at: performance.now(), event }));
    let outcome;
    try {
      outcome = await holdfast.agentHost.runTurn({ text: PROMPT });
    } finally {
      subscription.dispose();
    }
    assert.strictEqual(outcome.kind, 'completed', JSON.stringify(outcome));
    assert.match(outcome.kind === 'completed' ? outcome.text : '', /3 of 3 subagent\(s\) answered \(in parallel on lanes of the shared connection\)/);

    const finished = events.map((e) => e.event).filter((e): e is Extract<AgentEvent, { type: 'subagentFinished' }> => e.type === 'subagentFinished');
    assert.deepStrictEqual(finished.map((e) => e.status), ['answered', 'answered', 'answered']);

    // On the wire: one socket, three named lanes, each lane's first request a fork of the main response.
    const creates = createFrames(emulator);
    const laned = creates.filter((f) => typeof f['stream_id'] === 'string');
    assert.deepStrictEqual([...new Set(laned.map((f) => f['stream_id']))].sort(), LANES);
    const connections = new Set(emulator.frames().filter((f) => f.dir === 'send').map((f) => f.connectionId));
    assert.strictEqual(connections.size, 1, 'all on the workspace socket');
    const parents = new Set(LANES.map((lane) => laned.find((f) => f['stream_id'] === lane)?.['previous_response_id']));
    assert.strictEqual(parents.size, 1, 'the three forks share one parent');
    const parent = [...parents][0];
    assert.ok(typeof parent === 'string' && parent.startsWith('resp'), `forked from a main-lane response (${String(parent)})`);
    // The subagents only read: three read_file calls through the real workspace.
    assert.deepStrictEqual(
      emulator.stats().toolCalls.map((c) => c.name).filter((n) => n !== 'delegate'),
      ['read_file', 'read_file', 'read_file'],
    );

    // In the chat: the delegate call's card carries the three subagents as nested cards, all answered.
    const turn = holdfast.chat.presenter.transcript().turns.at(-1);
    const card = turn?.items.find((item) => item.kind === 'tool' && item.card.name === 'delegate');
    assert.ok(card && card.kind === 'tool', 'the delegate card is in the chat');
    assert.deepStrictEqual(
      card.card.subagents?.map((s) => [s.index, s.status]),
      [
        [1, 'answered'],
        [2, 'answered'],
        [3, 'answered'],
      ],
    );

    // The measurement (printed, not asserted).
    const started = events.find((e) => e.event.type === 'toolCallStarted' && e.event.name === 'delegate')?.at ?? 0;
    const ended = events.find((e) => e.event.type === 'toolCallFinished' && e.event.name === 'delegate')?.at ?? 0;
    const own = finished.reduce((sum, e) => sum + e.durationMs, 0);
    console.log(`[subagents] wall ${Math.round(ended - started)} ms on lanes; their own durations sum to ${Math.round(own)} ms (one after another); ratio ${(own / Math.max(1, ended - started)).toFixed(2)}×`);
  });
});
