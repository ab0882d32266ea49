/**
 * What a rewind costs on the socket (issue 18), against the real transport and the emulator: the
 * branch's first request is a cross-lane fork (previous_response_id of the source) when the source is
 * still in a lane's cache, a `store: true` hydration when the user chose storage, else one full resend
 * of the kept window; and the conversation continues as deltas after it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { defaultAgentSettings, type AgentSettings } from '../../../src/agent/agentSettings';
import { branchAt, switchBranch } from '../../../src/agent/branches/branchOps';
import { ROOT_BRANCH_ID } from '../../../src/agent/branches/branchSet';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { startEmulator } from '../../emulator';
import { createToolHarness } from '../../fakes/toolHarness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(settings: Partial<AgentSettings> = {}) {
  const emu = await startEmulator({ scenario: 'default', tokensPerSecond: 0, pingIntervalMs: 0 });
  cleanups.push(() => emu.close());
  const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000 });
  cleanups.push(() => transport.dispose());
  const tools = createToolHarness();
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const agentSettings = { ...defaultAgentSettings(), ...settings };
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: () => agentSettings, clock: tools.clock });
  const session = sessions.create();
  for (let i = 1; i <= 4; i++) expect((await agent.runTurn(session, { text: `Say hello number ${i}` })).kind).toBe('completed');
  let n = 0;
  return { emu, agent, session, newId: () => `branch${++n}`, requests: () => emu.stats().requests.filter((r) => r.kind !== 'warmup') };
}

describe('a rewind on the wire', () => {
  it('a fork whose source the lane no longer caches is one full resend; back on the old branch: full once, then deltas', async () => {
    const { agent, session, newId, requests } = await setup();
    await agent.runTurn(session, { text: 'Say hello number 5' });
    branchAt(session, session.turns[4]!.id, 'fork', 0, newId);
    // The kept part ends with turn 4, whose response the lane no longer caches (turn 5 replaced it): full.
    await agent.runTurn(session, { text: 'Say hello another way' });
    const forked = requests().at(-1)!;
    expect(forked.kind).toBe('full');
    expect(forked.status).toBe('completed');
    // Back on the main branch: its tip is what the lane held before the fork ran, now replaced: full once, then deltas.
    switchBranch(session, ROOT_BRANCH_ID);
    await agent.runTurn(session, { text: 'Say hello number 6' });
    await agent.runTurn(session, { text: 'Say hello number 7' });
    const [back, after] = requests().slice(-2);
    expect(back!.kind).toBe('full');
    expect(after!.kind).toBe('continuation');
    expect(after!.previousResponseId).toBe(back!.responseId);
  });

  it('a branch whose source is still in the lane cache continues it on previous_response_id', async () => {
    const { agent, session, newId, requests } = await setup();
    await agent.runTurn(session, { text: 'Say hello number 5' });
    // Rewind before turn 5: the kept part ends with turn 4's response (its fork source).
    branchAt(session, session.turns[4]!.id, 'rewind', 0, newId);
    const source = session.branches.active.forkSource!;
    expect(source.responseId).toBe(session.turns[3]!.response!.id);
    // Switch to the old branch and back without running: the lane still holds turn 5's response, the old branch's tip.
    switchBranch(session, ROOT_BRANCH_ID);
    expect(session.branches.active.forkSource?.responseId).toBe(session.turns[4]!.response!.id);
    await agent.runTurn(session, { text: 'Say hello number 6' });
    const continued = requests().at(-1)!;
    expect(continued.kind).toBe('continuation');
    expect(continued.previousResponseId).toBe(session.turns[4]!.response!.id);
    expect(continued.status).toBe('completed');
  });

  it('with store: true an uncached fork source is hydrated by the server (previous_response_id, no full resend)', async () => {
    const { agent, session, newId, requests } = await setup({ store: true });
    const source = session.turns[1]!.response!.id;
    branchAt(session, session.turns[2]!.id, 'rewind', 0, newId);
    await agent.runTurn(session, { text: 'Say hello a different third time' });
    const forked = requests().at(-1)!;
    expect(forked.kind).toBe('continuation');
    expect(forked.previousResponseId).toBe(source);
    expect(forked.cache).toBe('hydrated');
    expect(forked.status).toBe('completed');
    expect(session.turns.map((t) => t.userText)).toEqual(['Say hello number 1', 'Say hello number 2', 'Say hello a different third time']);
  });

  it('with store: false an uncached fork source costs one full resend of the kept window', async () => {
    const { agent, session, newId, requests } = await setup();
    branchAt(session, session.turns[2]!.id, 'rewind', 0, newId);
    const kept = session.items.length;
    await agent.runTurn(session, { text: 'Say hello a different third time' });
    const forked = requests().at(-1)!;
    expect(forked.kind).toBe('full');
    expect(forked.previousResponseId).toBeNull();
    expect(forked.inputItems).toBe(kept + 1);
    expect(forked.status).toBe('completed');
  });
});
