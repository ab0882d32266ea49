/**
 * Subagents end to end in Node: the agent on the real transport (WorkspaceTransport) against the
 * emulator's demo model, which calls `delegate` for a prompt that asks for subagents. The frames the
 * emulator logs are the evidence: three creates on named lanes, each forked (previous_response_id) from
 * the main lane's response, the main lane's next request only after every fork is in progress, and the
 * fallbacks when a gateway refuses `stream_id` and over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../../src/agent/agent';
import { defaultAgentSettings, type AgentSettings } from '../../../../src/agent/agentSettings';
import type { AgentEvent } from '../../../../src/agent/events';
import { defaultSubagentSettings } from '../../../../src/agent/subagents/subagentSettings';
import { MemorySessionStorage, SessionStore } from '../../../../src/agent/sessionStore';
import { WorkspaceTransport } from '../../../../src/transport/workspaceTransport';
import { type Emulator, startEmulator } from '../../../emulator';
import type { EmulatorOptions, JsonObject } from '../../../emulator/types';
import { createToolHarness } from '../../../fakes/toolHarness';

const PROMPT = 'Use subagents to summarise src/a.ts, src/b.ts and src/c.ts';
const FILES: Record<string, string> = {
  'src/a.ts': 'export function alpha(): number {\n  return 1;\n}\n',
  'src/b.ts': 'export function beta(): number {\n  return 2;\n}\n',
  'src/c.ts': 'export function gamma(): number {\n  return 3;\n}\n',
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface SetupOptions {
  emulator?: EmulatorOptions;
  transport?: 'websocket' | 'http';
  socketPerLane?: boolean;
}

async function setup(options: SetupOptions = {}) {
  const emu: Emulator = await startEmulator({ scenario: 'default', tokensPerSecond: 0, pingIntervalMs: 0, ...options.emulator });
  cleanups.push(() => emu.close());
  const open = () => new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: options.transport ?? 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 5000 });
  const transport = open();
  cleanups.push(() => transport.dispose());
  const opened: WorkspaceTransport[] = [];
  const tools = createToolHarness();
  for (const [path, text] of Object.entries(FILES)) tools.workspace.write(`/ws/${path}`, text);
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const settings = (): AgentSettings => ({ ...defaultAgentSettings(), subagents: defaultSubagentSettings() });
  const agent = new Agent({
    model: transport,
    tools: tools.runner,
    approvals: tools.approvals,
    sessions,
    settings,
    clock: tools.clock,
    ...(options.socketPerLane
      ? {
          openLaneClient: () => {
            const client = open();
            opened.push(client);
            return client;
          },
        }
      : {}),
  });
  const events: AgentEvent[] = [];
  agent.onEvent((e) => events.push(e));
  return { emu, transport, tools, sessions, agent, events, opened };
}

const sent = (emu: Emulator): JsonObject[] => emu.frames().filter((f) => f.dir === 'send').map((f) => f.frame as JsonObject);
const received = (emu: Emulator): JsonObject[] => emu.frames().filter((f) => f.dir === 'recv').map((f) => f.frame as JsonObject);

describe('subagents on lanes (emulator)', () => {
  it('runs three subagents on named lanes, forked from the main response, and returns their reports', async () => {
    const { emu, sessions, agent, events } = await setup();
    const session = sessions.create();
    const outcome = await agent.runTurn(session, { text: PROMPT });

    expect(outcome.kind).toBe('completed');
    const text = outcome.kind === 'completed' ? outcome.text : '';
    expect(text).toContain('3 of 3 subagent(s) answered (in parallel on lanes of the shared connection)');
    for (const path of Object.keys(FILES)) expect(text).toContain(path);

    const creates = sent(emu).filter((f) => f['type'] === 'response.create');
    const laned = creates.filter((f) => typeof f['stream_id'] === 'string');
    expect(new Set(laned.map((f) => f['stream_id']))).toEqual(new Set(['subagent-1', 'subagent-2', 'subagent-3']));
    // Each lane's first request forks from the main lane's response that called delegate, as a delta.
    const mainDelegating = received(emu).find(
      (f) => f['type'] === 'response.completed' && !('stream_id' in f) && JSON.stringify(f['response']).includes('"name":"delegate"'),
    );
    const forkParent = (mainDelegating?.['response'] as JsonObject | undefined)?.['id'];
    expect(forkParent).toBeDefined();
    for (const lane of ['subagent-1', 'subagent-2', 'subagent-3']) {
      const first = laned.find((f) => f['stream_id'] === lane)!;
      expect(first['previous_response_id']).toBe(forkParent);
      // The delta carries only the delegate output and the task, not the conversation.
      expect((first['input'] as JsonObject[]).length).toBe(2);
    }
    // Subagents only read.
    const subagentCalls = emu.stats().toolCalls.map((c) => c.name);
    expect(subagentCalls.filter((n) => n === 'read_file')).toHaveLength(3);
    const finished = events.filter((e) => e.type === 'subagentFinished');
    expect(finished.map((e) => e.type === 'subagentFinished' && e.status)).toEqual(['answered', 'answered', 'answered']);
  });

  it('respects the fork race: the main lane sends its next request only after every fork is in progress', async () => {
    const { emu, sessions, agent } = await setup({ emulator: { tokensPerSecond: 400 } });
    await agent.runTurn(sessions.create(), { text: PROMPT });
    const frames = emu.frames();
    const inProgress = (lane: string) => frames.findIndex((f) => f.dir === 'recv' && (f.frame as JsonObject)['type'] === 'response.in_progress' && (f.frame as JsonObject)['stream_id'] === lane);
    const mainAfterDelegate = frames.findIndex(
      (f) => f.dir === 'send' && (f.frame as JsonObject)['type'] === 'response.create' && !('stream_id' in (f.frame as JsonObject)) && JSON.stringify(f.frame).includes('subagent(s) answered'),
    );
    expect(mainAfterDelegate).toBeGreaterThan(0);
    for (const lane of ['subagent-1', 'subagent-2', 'subagent-3']) {
      expect(inProgress(lane)).toBeGreaterThan(0);
      expect(inProgress(lane)).toBeLessThan(mainAfterDelegate);
    }
  });

  it('a gateway that refuses stream_id: one socket per subagent, full context, same reports', async () => {
    const { emu, sessions, agent, events, opened } = await setup({ emulator: { rejectStreamId: true }, socketPerLane: true });
    const outcome = await agent.runTurn(sessions.create(), { text: PROMPT });
    expect(outcome.kind).toBe('completed');
    expect(outcome.kind === 'completed' && outcome.text).toContain('3 of 3 subagent(s) answered');
    expect(opened).toHaveLength(3);
    for (const client of opened) expect(client.state.kind).not.toBe('busy');
    // The laned creates were refused on the main socket; each subagent then ran on a socket of its own.
    const mainConnection = emu.frames()[0]!.connectionId;
    const refused = sent(emu).filter((f) => typeof f['stream_id'] === 'string');
    expect(refused).toHaveLength(3);
    const subagentSends = emu.frames().filter((f) => f.dir === 'send' && f.connectionId !== mainConnection);
    expect(new Set(subagentSends.map((f) => f.connectionId)).size).toBe(3);
    // Another connection's cache does not hold the parent: full context, no previous_response_id, no lane.
    const firsts = subagentSends.filter((f) => (f.frame as JsonObject)['type'] === 'response.create' && (f.frame as JsonObject)['generate'] !== false);
    for (const f of firsts) expect(f.frame as JsonObject).not.toHaveProperty('stream_id');
    expect(events.some((e) => e.type === 'subagentActivity' && e.activity.includes('refused lanes'))).toBe(true);
  });

  it('a gateway that refuses stream_id and no way to open sockets: one after another on the main client', async () => {
    const { sessions, agent } = await setup({ emulator: { rejectStreamId: true } });
    const outcome = await agent.runTurn(sessions.create(), { text: PROMPT });
    expect(outcome.kind === 'completed' && outcome.text).toContain('3 of 3 subagent(s) answered');
    // Learnt: the next delegate call goes straight to the fallback.
    const again = await agent.runTurn(sessions.create(), { text: PROMPT });
    expect(again.kind === 'completed' && again.text).toContain('(one after another)');
  });

  it('over HTTP: one after another, never two subagent requests at once', async () => {
    const { emu, sessions, agent } = await setup({ transport: 'http' });
    const outcome = await agent.runTurn(sessions.create(), { text: PROMPT });
    expect(outcome.kind === 'completed' && outcome.text).toContain('3 of 3 subagent(s) answered (one after another)');
    const requests = emu.stats().requests.filter((r) => r.transport !== 'ws');
    const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.startedAt).toBeGreaterThanOrEqual(sorted[i - 1]!.endedAt ?? Infinity);
  });
});

describe('subagents when the gateway refuses stream_id without naming the lane', () => {
  it('the refusals still reach the subagents (oldest named lane first), which fall back', async () => {
    const { sessions, agent, opened } = await setup({ emulator: { rejectStreamId: 'withoutStreamId' }, socketPerLane: true });
    const outcome = await agent.runTurn(sessions.create(), { text: PROMPT });
    expect(outcome.kind === 'completed' && outcome.text).toContain('3 of 3 subagent(s) answered (in parallel, one connection each)');
    expect(opened).toHaveLength(3);
  });
});
