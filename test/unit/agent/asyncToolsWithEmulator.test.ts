/**
 * Async tools end to end: the agent on the real transport against the emulator's GPT-6-like model,
 * which calls `run_task` async, keeps reading files, waits, and consumes the task's output when a later
 * request brings it. The frames must show the model's next requests BEFORE the task's output, and the
 * output must reach the server exactly once in the conversation, whatever happens to the socket while
 * the job runs: a drop mid-response, the 60-minute limit while idle, a background rotation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { type AgentSettings, defaultAgentSettings } from '../../../src/agent/agentSettings';
import type { AgentEvent } from '../../../src/agent/events';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import type { ProcessResult } from '../../../src/tools/ports';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import type { WorkspaceTransportOptions } from '../../../src/transport/transportOptions';
import { type Emulator, type EmulatorOptions, type Scenario, startEmulator } from '../../emulator';
import type { JsonObject } from '../../emulator/types';
import { ManualClock } from '../../fakes/manualClock';
import { exited } from '../../fakes/scriptedProcesses';
import { createToolHarness } from '../../fakes/toolHarness';

export const ASYNC_AGENT_SCENARIO: Scenario = {
  name: 'async-agent',
  fallback: 'fail',
  steps: [
    {
      id: 'start',
      when: { userText: 'run the tests' },
      output: [
        { call: { name: 'run_task', callId: 'call_task', arguments: { label: 'npm: test' } } },
        { text: 'While the tests run, I will read the code.' },
        { call: { name: 'read_file', callId: 'call_read_a', arguments: { path: 'src/a.ts' } } },
      ],
    },
    { id: 'read-b', when: { toolOutputs: [{ callId: 'call_read_a' }] }, calls: [{ name: 'read_file', callId: 'call_read_b', arguments: { path: 'src/b.ts' } }] },
    { id: 'wait', when: { toolOutputs: [{ callId: 'call_read_b' }] }, say: 'Read both files; waiting for the tests.' },
    { id: 'result', when: { toolOutputs: [{ callId: 'call_task' }] }, expect: { toolOutputs: [{ callId: 'call_task', output: 'passed' }] }, say: 'All 12 tests passed.' },
  ],
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { emulator?: EmulatorOptions; transport?: Partial<WorkspaceTransportOptions>; settings?: Partial<AgentSettings> } = {}) {
  const emu: Emulator = await startEmulator({ scenario: ASYNC_AGENT_SCENARIO, tokensPerSecond: 0, pingIntervalMs: 0, ...options.emulator });
  cleanups.push(() => emu.close());
  const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000, ...options.transport });
  cleanups.push(() => transport.dispose());
  const tools = createToolHarness({ settings: { allowedTasks: ['npm: test'] } });
  tools.workspace.write('/ws/src/a.ts', 'export const a = 1;\n');
  tools.workspace.write('/ws/src/b.ts', 'export const b = 2;\n');
  let finishTask!: (result: ProcessResult) => void;
  tools.tasks.handler = () => new Promise((resolve) => (finishTask = resolve));
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const settings: AgentSettings = { ...defaultAgentSettings(), model: 'gpt-6.2', ...options.settings };
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: () => settings, clock: tools.clock });
  const events: AgentEvent[] = [];
  agent.onEvent((e) => events.push(e));
  /** Resolves when the model says it is waiting for the task (the turn then waits for the job). */
  const modelWaits = new Promise<void>((resolve) => agent.onEvent((e) => e.type === 'assistantMessage' && e.text.includes('waiting for the tests') && resolve()));
  return { emu, transport, tools, sessions, agent, events, modelWaits, finishTask: (r: ProcessResult) => finishTask(r) };
}

const sent = (emu: Emulator): JsonObject[] => emu.frames().filter((f) => f.dir === 'send').map((f) => f.frame as JsonObject);
const creates = (emu: Emulator): JsonObject[] => sent(emu).filter((f) => f['type'] === 'response.create' && f['generate'] !== false);
const outputsIn = (frame: JsonObject): string[] =>
  ((frame['input'] as JsonObject[]) ?? []).filter((i) => i['type'] === 'function_call_output').map((i) => String(i['call_id']));
/** The call ids each request's conversation answered, as the server saw it: the outputs it was sent. */
const outputRecords = (emu: Emulator, callId: string) => emu.stats().toolOutputs.filter((o) => o.callId === callId);

async function runUntilWaiting(h: Awaited<ReturnType<typeof setup>>) {
  const session = h.sessions.create();
  const turn = h.agent.runTurn(session, { text: 'Please run the tests and look at the code meanwhile' });
  await h.modelWaits;
  return { session, turn };
}

describe('async tools: agent, transport and emulator', () => {
  it('the model keeps reading while the task runs; the frames show its next requests before the task output', async () => {
    const h = await setup();
    const { session, turn } = await runUntilWaiting(h);
    h.finishTask(exited(0, 'Tests: 12 passed'));
    expect(await turn).toEqual({ kind: 'completed', text: 'All 12 tests passed.' });

    const frames = creates(h.emu);
    expect(frames.map(outputsIn)).toEqual([[], ['call_read_a'], ['call_read_b'], ['call_task']]);
    // Every request after the first is a delta on the same socket: the async call did not break the chain.
    expect(frames.slice(1).every((f) => typeof f['previous_response_id'] === 'string')).toBe(true);
    const declared = (frames[0]!['tools'] as JsonObject[]).filter((t) => t['async'] === true).map((t) => t['name']);
    expect(declared).toEqual(['get_diagnostics', 'run_task', 'run_command']);
    const call = h.emu.frames().find((f) => f.dir === 'recv' && (f.frame as JsonObject)['type'] === 'response.output_item.done' && JSON.stringify(f.frame).includes('call_task'));
    expect((call?.frame as JsonObject)['item']).toMatchObject({ call_id: 'call_task', async: true });
    expect(outputRecords(h.emu, 'call_task')).toHaveLength(1);
    expect(session.items.filter((i) => i.type === 'function_call_output' && i.call_id === 'call_task')).toHaveLength(1);
    expect(h.tools.tasks.runs).toEqual(['npm: test']);
    keepFrames('04-async-tool.jsonl', h.emu);
  });

  it('over HTTP (no socket, stateless): the same conversation, each request a full resend with the output once', async () => {
    const h = await setup({ transport: { transport: 'http' } });
    const { session, turn } = await runUntilWaiting(h);
    h.finishTask(exited(0, 'Tests: 12 passed'));
    expect(await turn).toEqual({ kind: 'completed', text: 'All 12 tests passed.' });
    const requests = h.emu.stats().requests;
    expect(requests.map((r) => r.transport)).toEqual(['http-sse', 'http-sse', 'http-sse', 'http-sse']);
    expect(requests.every((r) => r.kind === 'full')).toBe(true);
    expect(session.items.filter((i) => i.type === 'function_call_output' && i.call_id === 'call_task')).toHaveLength(1);
  });

  it('a connection lost mid-response while the job runs: one resend, the task runs once, its output arrives once', async () => {
    const h = await setup();
    let armed = false;
    h.agent.onEvent((e) => {
      if (e.type === 'toolCallFinished' && e.callId === 'call_read_a' && !armed) {
        armed = true;
        h.emu.setFault({ kind: 'drop', afterEvents: 3 }); // during the read-b response
      }
    });
    const { session, turn } = await runUntilWaiting(h);
    h.finishTask(exited(0, 'Tests: 12 passed'));
    expect(await turn).toEqual({ kind: 'completed', text: 'All 12 tests passed.' });
    expect(h.emu.stats().connections.length).toBeGreaterThanOrEqual(2);
    expect(h.events.some((e) => e.type === 'modelRecovering')).toBe(true);
    expect(h.tools.tasks.runs).toEqual(['npm: test']);
    expect(outputRecords(h.emu, 'call_task')).toHaveLength(1);
    expect(session.items.filter((i) => i.type === 'function_call_output' && i.call_id === 'call_task')).toHaveLength(1);
  });

  it('a job that outlives its socket (the 60-minute limit while the model waits) is delivered once on the new socket', async () => {
    const h = await setup();
    const { session, turn } = await runUntilWaiting(h);
    h.emu.setFault({ kind: 'connectionLimitNow' });
    await waitFor(() => h.emu.stats().connections[0]?.closedAt != null);
    h.finishTask(exited(0, 'Tests: 12 passed'));
    expect(await turn).toEqual({ kind: 'completed', text: 'All 12 tests passed.' });
    const requests = h.emu.stats().requests.filter((r) => r.kind !== 'warmup');
    const last = requests.at(-1)!;
    expect(last.connectionId).not.toBe(requests[0]!.connectionId);
    expect(last.kind).toBe('full'); // the new socket knows nothing: the transcript is resent, output included
    expect(outputRecords(h.emu, 'call_task')).toHaveLength(1);
    expect(session.items.filter((i) => i.type === 'function_call_output' && i.call_id === 'call_task')).toHaveLength(1);
  });

  it('a job that outlives a background rotation is delivered once, as a delta on the re-warmed socket', async () => {
    const clock = new ManualClock(Date.now());
    const h = await setup({ emulator: { clock: () => clock.now() }, transport: { clock } });
    const { turn } = await runUntilWaiting(h);
    clock.advance(56 * 60_000);
    h.emu.advanceClock(0);
    await h.transport.rotationSettled();
    h.finishTask(exited(0, 'Tests: 12 passed'));
    expect(await turn).toEqual({ kind: 'completed', text: 'All 12 tests passed.' });
    const stats = h.emu.stats();
    expect(stats.totals.wsConnections).toBe(2);
    const onNew = stats.requests.filter((r) => r.connectionId === stats.connections[1]?.id);
    expect(onNew.map((r) => r.kind)).toEqual(['warmup', 'continuation']);
    expect(outputRecords(h.emu, 'call_task')).toHaveLength(1);
    expect(outputsIn(creates(h.emu).at(-1)!)).toEqual(['call_task']);
  });
});

/** Polls across real I/O (the emulator sees a close a little later). A liveness bound, not a timing claim. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

/**
 * The conversation's frames in the shape of /work/shared/protocol/frames (`{"dir","frame"}` per line),
 * written to a temporary folder (HOLDFAST_KEEP_FRAMES=1 keeps it and prints where).
 */
function keepFrames(name: string, emu: Emulator): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-async-frames-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, emu.framesJsonl());
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { dir: string; frame: JsonObject });
  expect(lines.every((l) => (l.dir === 'send' || l.dir === 'recv') && typeof l.frame['type'] === 'string')).toBe(true);
  if (process.env['HOLDFAST_KEEP_FRAMES'] === '1') process.stderr.write(`frames kept in ${file}\n`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
