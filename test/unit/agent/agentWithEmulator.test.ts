/**
 * The agent loop against the real transport (WorkspaceTransport) and the local Responses emulator:
 * the scripted `agent-edit` model checks every tool output the agent sends back, so a lost or garbled
 * output fails the response. A connection dropped mid-turn must cost a resend, never a second run of
 * a tool: the emulator's stats and the agent's tool journal must agree.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { defaultAgentSettings } from '../../../src/agent/agentSettings';
import type { AgentEvent } from '../../../src/agent/events';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { type Emulator, startEmulator } from '../../emulator';
import { createToolHarness } from '../../fakes/toolHarness';

const UTIL = 'export function add(a: number, b: number): string {\n  return a + b;\n}\n';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const emu: Emulator = await startEmulator({ scenario: 'agent-edit', tokensPerSecond: 0, pingIntervalMs: 0 });
  cleanups.push(() => emu.close());
  const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000 });
  cleanups.push(() => transport.dispose());
  const tools = createToolHarness();
  tools.workspace.write('/ws/src/util.ts', UTIL);
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: defaultAgentSettings, clock: tools.clock });
  const events: AgentEvent[] = [];
  agent.onEvent((e) => events.push(e));
  return { emu, transport, tools, sessions, agent, events };
}

describe('agent loop on the real transport and the emulator', () => {
  it('runs the scripted tool chain: parallel read + diagnostics, an edit, the answer', async () => {
    const { emu, tools, sessions, agent } = await setup();
    const session = sessions.create();
    const outcome = await agent.runTurn(session, { text: 'Please fix src/util.ts' });

    expect(outcome.kind).toBe('completed');
    expect(outcome.kind === 'completed' && outcome.text).toContain('Fixed. `add` now returns a number');
    expect(tools.workspace.text('src/util.ts')).toBe(UTIL.replace('): string', '): number'));
    const stats = emu.stats();
    expect(stats.toolCalls.map((c) => c.callId)).toEqual(['call_read', 'call_diag', 'call_edit']);
    expect(stats.totals.requests).toBe(3);
    // Reasoning came back encrypted (store:false) and is kept in the transcript for a full resend.
    expect(session.items.some((i) => i.type === 'reasoning' && typeof i.encrypted_content === 'string')).toBe(true);
  });

  it('a connection dropped mid-turn is recovered without running any tool twice', async () => {
    const { emu, tools, sessions, agent, events } = await setup();
    let armed = false;
    agent.onEvent((e) => {
      // Once the first round's tools start, cut the socket during the next response (the edit step).
      if (e.type === 'toolCallStarted' && !armed) {
        armed = true;
        emu.setFault({ kind: 'drop', afterEvents: 4 });
      }
    });
    const session = sessions.create();
    const outcome = await agent.runTurn(session, { text: 'Please fix src/util.ts' });

    expect(outcome.kind).toBe('completed');
    const started = events.filter((e): e is Extract<AgentEvent, { type: 'toolCallStarted' }> => e.type === 'toolCallStarted').map((e) => e.callId);
    expect(started).toEqual(['call_read', 'call_diag', 'call_edit']);
    expect(session.journal.entriesOf(session.turns[0]!.id)).toHaveLength(1);
    expect(tools.workspace.appliedBatches).toHaveLength(1);
    expect(tools.workspace.text('src/util.ts')).toBe(UTIL.replace('): string', '): number'));
    const stats = emu.stats();
    expect(stats.connections.length).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => e.type === 'modelRecovering')).toBe(true);
    // Every output the server received for a call is the same one: resent, never re-run.
    const byCall = new Map<string, Set<string>>();
    for (const record of stats.toolOutputs) byCall.set(record.callId, (byCall.get(record.callId) ?? new Set()).add(record.output));
    expect([...byCall.keys()].sort()).toEqual(['call_diag', 'call_edit', 'call_read']);
    for (const outputs of byCall.values()) expect(outputs.size).toBe(1);
    const finished = events.at(-1);
    expect(finished?.type === 'turnFinished' && finished.metrics.recoveries).toBeGreaterThanOrEqual(1);
  });

  it('a session saved after a turn resumes from storage on a new socket: one full resend, then deltas', async () => {
    const emu = await startEmulator({
      scenario: {
        name: 'resume',
        fallback: 'fail',
        steps: [
          { id: 'first', when: { userText: 'What does util.ts export?' }, say: 'It exports `add`.' },
          { id: 'second', when: { userText: 'And what does add return?' }, say: 'A string, which is the bug.' },
          { id: 'third', when: { userText: 'Thanks' }, say: 'You are welcome.' },
        ],
      },
      tokensPerSecond: 0,
      pingIntervalMs: 0,
    });
    cleanups.push(() => emu.close());
    const storage = new MemorySessionStorage();
    const tools = createToolHarness();
    const newAgent = (transport: WorkspaceTransport) =>
      new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions: new SessionStore(storage, tools.clock), settings: defaultAgentSettings, clock: tools.clock });
    const openTransport = () => {
      const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000 });
      cleanups.push(() => transport.dispose());
      return transport;
    };

    // Before the "reload": one turn on the first socket, saved to storage.
    const firstTransport = openTransport();
    const firstStore = new SessionStore(storage, tools.clock);
    const session = firstStore.create();
    expect(await newAgent(firstTransport).runTurn(session, { text: 'What does util.ts export?' })).toMatchObject({ kind: 'completed' });
    firstTransport.dispose();

    // After it: a new socket and a new agent that know nothing but what storage holds.
    const secondTransport = openTransport();
    const restored = await new SessionStore(storage, tools.clock).load(session.id);
    expect(restored?.items.length).toBe(session.items.length);
    const agent = newAgent(secondTransport);
    expect(await agent.runTurn(restored!, { text: 'And what does add return?' })).toMatchObject({ kind: 'completed', text: 'A string, which is the bug.' });
    expect(await agent.runTurn(restored!, { text: 'Thanks' })).toMatchObject({ kind: 'completed', text: 'You are welcome.' });

    const requests = emu.stats().requests.filter((r) => r.kind !== 'warmup');
    expect(requests.map((r) => r.kind)).toEqual(['full', 'full', 'continuation']);
    expect(new Set(requests.map((r) => r.connectionId)).size).toBe(2);
    // The resend carried the whole first turn (user message + answer) before the new question.
    expect(requests[1]!.inputItems).toBeGreaterThanOrEqual(3);
  });
});
