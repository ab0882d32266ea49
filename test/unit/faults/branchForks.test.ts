/**
 * Forks at random points (issue 18), on the real transport and the emulator, with dropped sockets
 * mixed in: seeded runs of turns, rewinds, forks and branch switches. After every step two oracles
 * must agree with the session: an independent model of each branch's prompts, and the server's own
 * context, rebuilt from the frames the emulator recorded (each response's context is its
 * predecessor's context and output, plus its input): a fork that continued the wrong chain, or a
 * delta on a response of another branch, shows up as the server seeing other prompts than the branch
 * holds. Half the runs use `store: true` (hydrated forks), half `store: false` (cache forks or resends).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { defaultAgentSettings } from '../../../src/agent/agentSettings';
import { branchAt, switchBranch } from '../../../src/agent/branches/branchOps';
import type { ChatSession } from '../../../src/agent/chatSession';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { type Emulator, startEmulator } from '../../emulator';
import { int, mulberry32, pick, runSeed, type Rng } from '../../fakes/prng';
import { createToolHarness } from '../../fakes/toolHarness';

const SEED = 18;
const RUNS = 8;
const STEPS = 18;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Frame {
  type?: string;
  previous_response_id?: string;
  input?: Array<{ type?: string; role?: string; content?: Array<{ text?: string }> }>;
  response?: { id: string; output?: Frame['input'] };
}

function userTexts(items: Frame['input'] = []): string[] {
  return items.filter((i) => i.type === 'message' && i.role === 'user').map((i) => (i.content ?? []).map((p) => p.text ?? '').join(''));
}

/** The user prompts in each response's server-side context, rebuilt from the recorded frames. */
function serverContexts(emu: Emulator): Map<string, string[]> {
  const contexts = new Map<string, string[]>();
  const outputs = new Map<string, string[]>();
  const pending = new Map<string, Frame[]>();
  for (const record of emu.frames()) {
    const frame = record.frame as Frame;
    const queue = pending.get(record.connectionId) ?? [];
    pending.set(record.connectionId, queue);
    if (record.dir === 'send' && frame.type === 'response.create') queue.push(frame);
    else if (record.dir === 'recv' && frame.type === 'error') queue.shift();
    else if (record.dir === 'recv' && frame.type === 'response.created' && frame.response) {
      const create = queue.shift();
      const prev = create?.previous_response_id;
      const before = prev === undefined ? [] : [...(contexts.get(prev) ?? ['<unknown previous response>']), ...(outputs.get(prev) ?? [])];
      contexts.set(frame.response.id, [...before, ...userTexts(create?.input)]);
    } else if (record.dir === 'recv' && frame.type === 'response.completed' && frame.response) {
      outputs.set(frame.response.id, userTexts(frame.response.output));
    }
  }
  return contexts;
}

interface RunResult {
  violations: string[];
  branchOps: number;
  hydrated: number;
  forkedOnCache: number;
  full: number;
  requests: number;
}

async function oneRun(seed: number, store: boolean): Promise<RunResult> {
  const rng: Rng = mulberry32(seed);
  const emu = await startEmulator({
    scenario: { name: 'forks', fallback: 'fail', tokensPerSecond: 0, steps: [{ id: 'any', when: { userText: 'fork-run' }, say: 'Noted.', repeat: true }] },
    tokensPerSecond: 0,
    pingIntervalMs: 0,
  });
  cleanups.push(() => emu.close());
  const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000 });
  cleanups.push(() => transport.dispose());
  const tools = createToolHarness();
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const settings = { ...defaultAgentSettings(), store };
  const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: () => settings, clock: tools.clock });
  const session: ChatSession = sessions.create();
  const expected = new Map<string, string[]>([[session.branches.activeId, []]]);
  const violations: string[] = [];
  let n = 0;
  const check = (step: string): void => {
    const mine = session.turns.map((t) => t.userText);
    const model = expected.get(session.branches.activeId)!;
    if (JSON.stringify(mine) !== JSON.stringify(model)) violations.push(`${step}: branch holds ${JSON.stringify(mine)}, expected ${JSON.stringify(model)}`);
  };

  for (let step = 0; step < STEPS; step++) {
    const roll = rng();
    const label = `seed ${seed} step ${step}`;
    if (session.turns.length > 0 && roll < 0.25) {
      const index = int(rng, 0, session.turns.length - 1);
      const kind = rng() < 0.5 ? 'fork' : 'rewind';
      branchAt(session, session.turns[index]!.id, kind, step, () => `b${++n}`);
      expected.set(session.branches.activeId, expected.get(session.branches.list().find((b) => b.id === session.branches.activeId)!.parentId!)!.slice(0, index));
      check(`${label} ${kind} at ${index}`);
      continue;
    }
    if (session.branches.size > 1 && roll < 0.4) {
      switchBranch(session, pick(rng, session.branches.list()).id);
      check(`${label} switch`);
      continue;
    }
    if (rng() < 0.3) emu.setFault({ kind: 'drop', afterEvents: int(rng, 0, 3) });
    const text = `fork-run ${step}`;
    const outcome = await agent.runTurn(session, { text });
    if (outcome.kind !== 'completed') violations.push(`${label}: turn ended ${outcome.kind}`);
    expected.get(session.branches.activeId)!.push(text);
    check(`${label} turn`);
    const last = session.turns.at(-1)?.response?.id;
    const server = last === undefined ? undefined : serverContexts(emu).get(last);
    if (JSON.stringify(server) !== JSON.stringify(expected.get(session.branches.activeId))) {
      violations.push(`${label}: the server's context held ${JSON.stringify(server)}, the branch ${JSON.stringify(expected.get(session.branches.activeId))}`);
    }
  }
  // Every branch is still whole at the end.
  for (const branch of session.branches.list()) {
    switchBranch(session, branch.id);
    check(`seed ${seed} final ${branch.id}`);
  }
  const requests = emu.stats().requests.filter((r) => r.kind !== 'warmup');
  return {
    violations,
    branchOps: n,
    hydrated: requests.filter((r) => r.cache === 'hydrated').length,
    forkedOnCache: requests.filter((r) => r.kind === 'continuation' && r.cache === 'hit').length,
    full: requests.filter((r) => r.kind === 'full').length,
    requests: requests.length,
  };
}

describe('forks at random points (bounded campaign)', () => {
  it(`${RUNS} seeded runs of turns, rewinds, forks and switches with dropped sockets: zero violations`, async () => {
    const results: RunResult[] = [];
    for (let run = 0; run < RUNS; run++) results.push(await oneRun(runSeed(SEED, run), run % 2 === 0));
    const sum = (key: Exclude<keyof RunResult, 'violations'>): number => results.reduce((total, r) => total + r[key], 0);
    const report = `branch ops ${sum('branchOps')}, requests ${sum('requests')}: full ${sum('full')}, hydrated ${sum('hydrated')}, deltas on the cache ${sum('forkedOnCache')}`;
    expect(results.flatMap((r) => r.violations), report).toEqual([]);
    // The campaign exercised what it claims: forks, hydrated forks (store: true) and resends.
    expect(sum('branchOps'), report).toBeGreaterThanOrEqual(RUNS);
    expect(sum('hydrated'), report).toBeGreaterThan(0);
    expect(sum('full'), report).toBeGreaterThan(0);
    if (process.env["HOLDFAST_TEST_REPORTS"]) console.log(report);
  }, 120_000);
});
