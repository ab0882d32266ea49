/**
 * Early tool start on the real transport and the emulator: the read call item comes first and a long
 * answer streams after it, so the read must start while the response still streams; a response that
 * then fails leaves no output, no read and no running tool behind, and the server never sees an output.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { defaultAgentSettings } from '../../../src/agent/agentSettings';
import type { AgentEvent } from '../../../src/agent/events';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import type { CancellationToken } from '../../../src/common/cancellation';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { type Emulator, type Step, startEmulator } from '../../emulator';
import { createToolHarness } from '../../fakes/toolHarness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const LONG_ANSWER = Array.from({ length: 60 }, (_, i) => `Line ${i} of the explanation while the file is read.`).join('\n');

async function setup(first: Step) {
  const emu: Emulator = await startEmulator({
    scenario: {
      name: 'early-read',
      fallback: 'fail',
      steps: [first, { id: 'answer', expect: { toolOutputs: [{ callId: 'call_read', output: 'export const x' }] }, say: 'It exports x.' }],
    },
    tokensPerSecond: 4000,
    pingIntervalMs: 0,
  });
  cleanups.push(() => emu.close());
  const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000 });
  cleanups.push(() => transport.dispose());
  const tools = createToolHarness();
  tools.workspace.write('/ws/src/x.ts', 'export const x = 1;\n');
  const events: AgentEvent[] = [];
  const runs: Array<{ callId: string; token: CancellationToken; deltasBefore: number }> = [];
  const run = tools.runner.run.bind(tools.runner);
  tools.runner.run = (call, ctx) => {
    runs.push({ callId: call.call_id, token: ctx.token, deltasBefore: events.filter((e) => e.type === 'textDelta').length });
    return run(call, ctx);
  };
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: defaultAgentSettings, clock: tools.clock });
  agent.onEvent((e) => events.push(e));
  return { emu, tools, sessions, agent, events, runs };
}

const readThenExplain = (extra: Partial<Step> = {}): Step => ({
  id: 'read',
  when: { userText: { matches: '/what does x/i' } },
  output: [{ call: { name: 'read_file', callId: 'call_read', arguments: { path: 'src/x.ts' } } }, { text: LONG_ANSWER }],
  ...extra,
});

describe('early tool start against the emulator', () => {
  it('starts the read while the answer after it still streams, and sends its output once', async () => {
    const { emu, sessions, agent, events, runs } = await setup(readThenExplain());
    const session = sessions.create();

    const outcome = await agent.runTurn(session, { text: 'What does x export?' });

    expect(outcome).toEqual({ kind: 'completed', text: 'It exports x.' });
    expect(runs.map((r) => r.callId)).toEqual(['call_read']);
    const deltasOfFirstResponse = events.findIndex((e) => e.type === 'toolCallStarted');
    const totalDeltasBeforeRound = events.slice(0, deltasOfFirstResponse).filter((e) => e.type === 'textDelta').length;
    expect(runs[0]!.deltasBefore).toBeLessThan(totalDeltasBeforeRound);
    expect(emu.stats().toolOutputs.map((o) => o.callId)).toEqual(['call_read']);
  });

  it('a response that fails after the early start leaves no half state: no output, no read, nothing sent', async () => {
    const { emu, sessions, agent, events, runs } = await setup(readThenExplain({ fail: { code: 'server_error', message: 'The model crashed.' } }));
    const session = sessions.create();

    const outcome = await agent.runTurn(session, { text: 'What does x export?' });

    expect(outcome.kind).toBe('failed');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.token.isCancellationRequested).toBe(true);
    expect(session.items.filter((i) => i.type === 'function_call_output')).toEqual([]);
    expect(session.reads.check('/ws/src/x.ts', 'export const x = 1;\n')).toBe('unread');
    expect(events.map((e) => e.type)).not.toContain('toolCallStarted');
    expect(emu.stats().toolOutputs).toEqual([]);
  });
});
