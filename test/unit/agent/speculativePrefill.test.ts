/**
 * Speculative prefill (speculativePrefill.ts): a paused draft is prepared on the prefill lane with
 * generate:false, forked from the chain head; a matching send continues it, anything else discards it.
 * Against the emulator (the real transport), and with a fake client for the fork race and the modes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent';
import { defaultAgentSettings, type AgentSettings } from '../../../src/agent/agentSettings';
import { MemorySessionStorage, SessionStore } from '../../../src/agent/sessionStore';
import { worthPrefilling, type PrefillReport } from '../../../src/agent/speculativePrefill';
import type { ModelOutcome } from '../../../src/transport/modelClient';
import { PREFILL_LANE, WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { type Emulator, startEmulator } from '../../emulator';
import { createAgentHarness } from '../../fakes/agentHarness';
import { metrics, respond, say } from '../../fakes/fakeModelClient';
import { createToolHarness } from '../../fakes/toolHarness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const LONG_DRAFT = `Please review this plan. ${'The parser must keep every token it reads and report its position. '.repeat(70)}`;

async function setup(transport: 'websocket' | 'http' = 'websocket', settings: Partial<AgentSettings> = {}) {
  const emu: Emulator = await startEmulator({ scenario: 'default', tokensPerSecond: 0, pingIntervalMs: 0 });
  cleanups.push(() => emu.close());
  const model = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport, connectTimeoutMs: 2000, idleTimeoutMs: 3000 });
  cleanups.push(() => model.dispose());
  const tools = createToolHarness();
  const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
  const agent = new Agent({ model, tools: tools.runner, approvals: tools.approvals, sessions, settings: () => ({ ...defaultAgentSettings(), ...settings }), clock: tools.clock });
  cleanups.push(() => agent.dispose());
  const reports: PrefillReport[] = [];
  agent.prefill.onReport((r) => reports.push(r));
  return { emu, agent, sessions, reports };
}

describe('speculative prefill against the emulator', () => {
  it('prepares a paused draft on the prefill lane, forked from the chain head, and a matching send continues it', async () => {
    const { emu, agent, sessions, reports } = await setup();
    const session = sessions.create();
    expect((await agent.runTurn(session, { text: 'Hello there, first question.' })).kind).toBe('completed');

    await agent.prefill.draftPaused(session, { text: LONG_DRAFT });
    const outcome = await agent.runTurn(session, { text: LONG_DRAFT });

    expect(outcome.kind).toBe('completed');
    const [first, prefill, send] = emu.stats().requests;
    expect(prefill).toMatchObject({ kind: 'warmup', lane: PREFILL_LANE, previousResponseId: first!.responseId, inputItems: 1 });
    expect(send).toMatchObject({ kind: 'continuation', lane: null, previousResponseId: prefill!.responseId, inputItems: 0 });
    expect(reports.map((r) => r.kind)).toEqual(['prefilled', 'used']);
    const prefilled = reports[0] as Extract<PrefillReport, { kind: 'prefilled' }>;
    expect(prefilled.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('a send that differs from the prefilled draft continues the chain head as usual, and the prefill is discarded', async () => {
    const { emu, agent, sessions, reports } = await setup();
    const session = sessions.create();
    await agent.runTurn(session, { text: 'Hello there, first question.' });

    await agent.prefill.draftPaused(session, { text: LONG_DRAFT });
    await agent.runTurn(session, { text: `${LONG_DRAFT} And one more thing.` });

    const [first, , send] = emu.stats().requests;
    expect(send).toMatchObject({ kind: 'continuation', lane: null, previousResponseId: first!.responseId });
    expect(reports.map((r) => r.kind)).toEqual(['prefilled', 'discarded']);
  });

  it('over HTTP nothing is prefilled', async () => {
    const { emu, agent, sessions, reports } = await setup('http');
    const session = sessions.create();

    await agent.prefill.draftPaused(session, { text: LONG_DRAFT });
    await agent.runTurn(session, { text: LONG_DRAFT });

    expect(emu.stats().requests.map((r) => r.kind)).toEqual(['full']);
    expect(reports).toEqual([]);
  });

  it('is off with holdfast.speculativePrefill "off"', async () => {
    const { emu, agent, sessions } = await setup('websocket', { speculativePrefill: 'off' });
    await agent.prefill.draftPaused(sessions.create(), { text: LONG_DRAFT });
    expect(emu.stats().requests).toEqual([]);
  });
});

describe('speculative prefill with a scripted client', () => {
  it('a matching send waits for the prefill in flight to end before its request goes (the fork race, §8)', async () => {
    const h = createAgentHarness();
    let finishPrefill: (outcome: ModelOutcome) => void = () => undefined;
    let prefills = 0;
    h.model.prefill = () => (prefills++, new Promise<ModelOutcome>((resolve) => (finishPrefill = resolve)));
    h.model.script(respond([say('Done.')]));
    const session = h.sessions.create();

    void h.agent.prefill.draftPaused(session, { text: LONG_DRAFT });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(prefills).toBe(1);
    const turn = h.agent.runTurn(session, { text: LONG_DRAFT });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.model.requests).toHaveLength(0);

    finishPrefill({ kind: 'completed', responseId: 'resp_prefill', output: [], usage: undefined, metrics: metrics({ mode: 'warmup' }) });
    await turn;
    expect(h.model.requests).toHaveLength(1);
    expect(h.model.requests[0]!.forkFromResponseId).toBe('resp_prefill');
  });

  it('a send that differs still waits for the prefill in flight to end, then does not use it', async () => {
    const h = createAgentHarness();
    let finishPrefill: (outcome: ModelOutcome) => void = () => undefined;
    h.model.prefill = () => new Promise<ModelOutcome>((resolve) => (finishPrefill = resolve));
    h.model.script(respond([say('Done.')]));
    const session = h.sessions.create();

    void h.agent.prefill.draftPaused(session, { text: LONG_DRAFT });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const turn = h.agent.runTurn(session, { text: `${LONG_DRAFT} Also this.` });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.model.requests).toHaveLength(0);

    finishPrefill({ kind: 'completed', responseId: 'resp_prefill', output: [], usage: undefined, metrics: metrics({ mode: 'warmup' }) });
    await turn;
    expect(h.model.requests).toHaveLength(1);
    expect(h.model.requests[0]!.forkFromResponseId).toBeUndefined();
  });

  it('a failed prefill is not continued, and a prefill is used at most once', async () => {
    const h = createAgentHarness();
    h.model.prefill = async () => ({ kind: 'serverError', code: 'previous_response_not_found', message: 'lost', retryable: false });
    h.model.script(respond([say('One.')]), respond([say('Two.')]));
    const session = h.sessions.create();

    await h.agent.prefill.draftPaused(session, { text: LONG_DRAFT });
    await h.agent.runTurn(session, { text: LONG_DRAFT });

    expect(h.model.requests[0]!.forkFromResponseId).toBeUndefined();
  });

  it('prefills nothing while a turn runs, and nothing without a client that can', async () => {
    const h = createAgentHarness();
    const session = h.sessions.create();
    await h.agent.prefill.draftPaused(session, { text: LONG_DRAFT }); // FakeModelClient has no prefill
    let prefills = 0;
    h.model.prefill = async () => (prefills++, { kind: 'cancelled' });
    let release: () => void = () => undefined;
    h.model.script(async (request, options) => {
      await new Promise<void>((resolve) => (release = resolve));
      return respond([say('Done.')])(request, options);
    });
    const turn = h.agent.runTurn(session, { text: 'go' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await h.agent.prefill.draftPaused(session, { text: LONG_DRAFT });
    release();
    await turn;
    expect(prefills).toBe(0);
  });

  it('decides which drafts are worth a billed prefill', () => {
    expect(worthPrefilling({ text: 'fix it' }, 'always')).toBe(false);
    expect(worthPrefilling({ text: 'Explain how the lane scheduler orders requests.' }, 'always')).toBe(true);
    expect(worthPrefilling({ text: 'Explain how the lane scheduler orders requests.' }, 'largeDrafts')).toBe(false);
    expect(worthPrefilling({ text: LONG_DRAFT }, 'largeDrafts')).toBe(true);
    expect(worthPrefilling({ text: 'look', mentions: ['src/a.ts'] }, 'largeDrafts')).toBe(true);
    expect(worthPrefilling({ text: LONG_DRAFT, mentions: ['src/a.ts'] }, 'off')).toBe(false);
  });
});
