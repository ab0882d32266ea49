/**
 * Steering end to end: the agent, the real transport and the emulator's GPT-6-like and GPT-5.6-like
 * profiles, with the connection lost at each point of a steer's life (the emulator's `dropOnSteer`
 * fault): before the server answered, after `accepted`, while the text is held for tool outputs
 * (`pending`), and after the response ended `steered`. Whatever happens, the user's words are in the
 * transcript exactly once, or (outcome unknown) shown as such and in no request. The frames Holdfast
 * sent are compared with recordings in `recordings/` (frames/*.jsonl style; ids normalised);
 * HOLDFAST_UPDATE_RECORDINGS=1 rewrites them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { defaultAgentSettings, type AgentSettings } from '../../../src/agent/agentSettings';
import type { AgentEvent } from '../../../src/agent/events';
import { WHY } from '../../../src/agent/steerFate';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import { userText } from '../../../src/agent/transcript';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { type Emulator, type Fault, type Scenario, startEmulator } from '../../emulator';
import { createToolHarness } from '../../fakes/toolHarness';

const STEER = 'Keep it short, please.';

const SCENARIO: Scenario = {
  name: 'steering-e2e',
  fallback: 'auto',
  steps: [
    // A long answer, streamed slowly enough that a steer lands while it streams.
    { id: 'essay', when: { userText: 'long essay' }, say: 'word '.repeat(300), tokensPerSecond: 300, repeat: true },
    // A tool call, then text: a steer during the text is held for the tool output (pending).
    { id: 'call-then-talk', when: { userText: 'check b' }, output: [{ call: { name: 'read_file', callId: 'call_b', arguments: { path: 'b.ts' } } }, { text: 'word '.repeat(300) }], tokensPerSecond: 300 },
    { id: 'after-b', when: { toolOutputs: [{ callId: 'call_b' }] }, say: 'Read b.' },
  ],
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(model: string, faults: Fault[] = []) {
  const emu: Emulator = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0, faults });
  cleanups.push(() => emu.close());
  const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000, steerReplyTimeoutMs: 3000 });
  cleanups.push(() => transport.dispose());
  const tools = createToolHarness();
  tools.workspace.write('/ws/b.ts', 'export const b = 2;\n');
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const settings: AgentSettings = { ...defaultAgentSettings(), model };
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: () => settings, clock: tools.clock });
  const events: AgentEvent[] = [];
  agent.onEvent((e) => events.push(e));
  // The user types once the answer streams (after `afterDeltas` text deltas).
  const steerWhileStreaming = (afterDeltas = 3): void => {
    let deltas = 0;
    agent.onEvent((e) => {
      if (e.type === 'textDelta' && ++deltas === afterDeltas) agent.steer(STEER);
    });
  };
  return { emu, agent, sessions, events, steerWhileStreaming };
}

const receipts = (events: readonly AgentEvent[]): string[] =>
  events.filter((e) => e.type.startsWith('steer')).map((e) => (e.type === 'steerDelivered' ? `steerDelivered:${e.via}` : e.type));

/** How many times each request the client sent carries the steer's text. */
function steerCopiesPerRequest(emu: Emulator): number[] {
  return emu
    .frames()
    .filter((f) => f.dir === 'send' && (f.frame as { type?: string }).type === 'response.create')
    .map((f) => JSON.stringify(f.frame).split(STEER).length - 1);
}

const RECORDINGS = path.join(__dirname, 'recordings');

/** The client's frames and the server's steer replies and terminal events, ids normalised: stable across runs. */
function recording(emu: Emulator, note: string): string {
  const ids = new Map<string, string>();
  const stable = (text: string): string =>
    text.replace(/\b(resp|steer|msg|fc|rs|conn)_[A-Za-z0-9]+/g, (id, kind: string) => {
      if (!ids.has(id)) ids.set(id, `${kind}_${[...ids.keys()].filter((k) => k.startsWith(kind)).length + 1}`);
      return ids.get(id) as string;
    });
  const kept = emu.frames().filter((f) => {
    const type = String((f.frame as { type?: string }).type ?? '');
    return f.dir === 'send' || type.startsWith('response.steer') || ['response.created', 'response.completed', 'response.incomplete', 'error'].includes(type);
  });
  const lines = kept.map((f) => {
    const frame = { ...(f.frame as Record<string, unknown>) };
    // Where in the stream a steer lands depends on timing: sequence numbers are not part of the recording.
    delete frame['sequence_number'];
    // Long, variable payloads (instructions, tools, response bodies) are not what these recordings show.
    if (frame['tools']) frame['tools'] = `[${(frame['tools'] as unknown[]).length} tools]`;
    if (frame['response']) {
      const r = frame['response'] as Record<string, unknown>;
      frame['response'] = { id: r['id'], status: r['status'], ...(r['incomplete_details'] ? { incomplete_details: r['incomplete_details'] } : {}), ...(r['service_tier'] ? { service_tier: r['service_tier'] } : {}) };
    }
    if (Array.isArray(frame['input'])) frame['input'] = (frame['input'] as Array<Record<string, unknown>>).map(summariseItem);
    return stable(JSON.stringify({ dir: f.dir, frame }));
  });
  return [JSON.stringify({ note }), ...lines].join('\n') + '\n';
}

function summariseItem(item: Record<string, unknown>): unknown {
  const text = userText(item as never);
  if (text !== undefined) return { role: item['role'], text: text.length > 80 ? `${text.slice(0, 77)}...` : text };
  if (item['type'] === 'function_call_output') return { type: item['type'], call_id: item['call_id'] };
  if (item['type'] === 'message') return { type: 'message', role: item['role'] };
  return { type: item['type'], ...(item['call_id'] ? { call_id: item['call_id'] } : {}) };
}

function expectRecording(name: string, actual: string): void {
  const file = path.join(RECORDINGS, `${name}.jsonl`);
  if (process.env['HOLDFAST_UPDATE_RECORDINGS'] === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(RECORDINGS, { recursive: true });
    fs.writeFileSync(file, actual);
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('steering on the GPT-6-like profile (gpt-6.2)', () => {
  it('no fault: accepted, the response ends steered, the successor answers; delivered once, then answered', async () => {
    const { emu, agent, sessions, events, steerWhileStreaming } = await setup('gpt-6.2');
    steerWhileStreaming();
    const session = sessions.create();
    expect((await agent.runTurn(session, { text: 'write a long essay' })).kind).toBe('completed');
    expect(receipts(events)).toEqual(['steerQueued', 'steerDelivered:stream', 'steerAnswered']);
    expect(session.items.filter((i) => userText(i) === STEER)).toHaveLength(1);
    expect(steerCopiesPerRequest(emu)).toEqual([0]);
    expectRecording('steer-accepted-steered', recording(emu, 'gpt-6.2: a steer mid-stream is accepted; the response ends incomplete (steered) and its successor answers'));
  });

  it.each([
    ['received', 'before the server answered'],
    ['accepted', 'after accepted'],
  ] as const)('connection lost %s (%s): the request recovers, the steer is shown unknown and is in no request', async (at, _when) => {
    const { emu, agent, sessions, events, steerWhileStreaming } = await setup('gpt-6.2', [{ kind: 'dropOnSteer', at }]);
    steerWhileStreaming();
    const session = sessions.create();
    expect((await agent.runTurn(session, { text: 'write a long essay' })).kind).toBe('completed');
    expect(receipts(events)).toEqual(['steerQueued', 'steerUnknown']);
    expect(events.find((e) => e.type === 'steerUnknown')).toMatchObject({ text: STEER, why: WHY.unknown });
    expect(session.items.filter((i) => userText(i) === STEER)).toHaveLength(0);
    expect(steerCopiesPerRequest(emu).every((n) => n === 0)).toBe(true);
    expect(emu.stats().connections.length).toBe(2);
    expectRecording(`steer-lost-${at}`, recording(emu, `gpt-6.2: the connection drops ${at === 'received' ? 'before the server answers the steer' : 'right after response.steer.accepted'}; the request is resent in full on a new socket, without the steer (its outcome is unknown: the user may resend it)`));
  });

  it('connection lost after the response ended steered: the steer is delivered (it was in the steered context) and the full resend carries it once', async () => {
    const { emu, agent, sessions, events, steerWhileStreaming } = await setup('gpt-6.2', [{ kind: 'dropOnSteer', at: 'steered' }]);
    steerWhileStreaming();
    const session = sessions.create();
    expect((await agent.runTurn(session, { text: 'write a long essay' })).kind).toBe('completed');
    expect(receipts(events)).toEqual(['steerQueued', 'steerDelivered:stream', 'steerAnswered']);
    expect(session.items.filter((i) => userText(i) === STEER)).toHaveLength(1);
    expect(steerCopiesPerRequest(emu)).toEqual([0, 1]);
    expectRecording('steer-lost-steered', recording(emu, 'gpt-6.2: the response ends steered, then the connection drops before the successor; the resend carries the partial answer and the steer once'));
  });

  it('held for tool outputs (pending), then the connection lost: the full resend after the tools carries the steer once', async () => {
    const { emu, agent, sessions, events } = await setup('gpt-6.2');
    let deltas = 0;
    let dropped = false;
    agent.onEvent((e) => {
      if (e.type === 'textDelta' && ++deltas === 3) agent.steer(STEER);
      // The tools run: the server holds the steer for the next create on this socket, which now ends.
      if (e.type === 'toolCallStarted' && !dropped) {
        dropped = true;
        emu.setFault({ kind: 'connectionLimitNow' });
      }
    });
    const session = sessions.create();
    expect((await agent.runTurn(session, { text: 'check b' })).kind).toBe('completed');
    expect(receipts(events)).toEqual(['steerQueued', 'steerWaiting', 'steerDelivered:afterTools', 'steerAnswered']);
    expect(session.items.filter((i) => userText(i) === STEER)).toHaveLength(1);
    expect(steerCopiesPerRequest(emu)).toEqual([0, 1]);
    expectRecording('steer-pending-lost', recording(emu, 'gpt-6.2: a steer after a streamed tool call is held for the tool output (pending); the socket ends at its limit; the full resend after the tools carries the steer once'));
  });

  it('held for tool outputs on the same socket: the next create sends the tool output only (the server holds the steer)', async () => {
    const { emu, agent, sessions, events } = await setup('gpt-6.2');
    let deltas = 0;
    agent.onEvent((e) => {
      if (e.type === 'textDelta' && ++deltas === 3) agent.steer(STEER);
    });
    const session = sessions.create();
    expect((await agent.runTurn(session, { text: 'check b' })).kind).toBe('completed');
    expect(receipts(events)).toEqual(['steerQueued', 'steerWaiting', 'steerDelivered:afterTools', 'steerAnswered']);
    expect(session.items.filter((i) => userText(i) === STEER)).toHaveLength(1);
    expect(steerCopiesPerRequest(emu)).toEqual([0, 0]);
    expectRecording('steer-pending', recording(emu, 'gpt-6.2: a steer after a streamed tool call is held for the tool output; the next create carries only the tool output, and the server appends the steer'));
  });
});

describe('steering on the GPT-5.6-like profile (gpt-5.6)', () => {
  it('steering_not_supported: the text goes with the next request, saying so, and the next steer is not offered', async () => {
    const { emu, agent, sessions, events, steerWhileStreaming } = await setup('gpt-5.6');
    steerWhileStreaming();
    const session = sessions.create();
    expect((await agent.runTurn(session, { text: 'write a long essay' })).kind).toBe('completed');
    expect(receipts(events)).toEqual(['steerQueued', 'steerWaiting', 'steerDelivered:nextRequest', 'steerAnswered']);
    expect(events.find((e) => e.type === 'steerWaiting')).toMatchObject({ why: WHY.modelCannotSteer });
    expect(steerCopiesPerRequest(emu)).toEqual([0, 1]);
    expectRecording('steer-not-supported', recording(emu, 'gpt-5.6: the steer fails steering_not_supported; the text goes with the next response.create'));
  });
});
