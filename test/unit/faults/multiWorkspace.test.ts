/**
 * Several workspaces at once, each with its own warm socket, against one emulator; and, on one of them,
 * a named-lane request (an inline edit) that runs and finishes while the default lane (the chat) is
 * still streaming a long answer on the same socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assistantText, userMessage, type ResponseItem } from '../../../src/protocol/items';
import type { ModelRequest } from '../../../src/transport/modelClient';
import { WorkspaceTransport } from '../../../src/transport/workspaceTransport';
import { startEmulator, type Emulator } from '../../emulator';
import type { Scenario } from '../../emulator/scenarios';

const LONG = Array.from({ length: 400 }, (_, i) => `Paragraph ${i}: the chat keeps streaming while the inline edit runs.`).join('\n');
const SCENARIO: Scenario = {
  name: 'lanes-and-workspaces',
  fallback: 'fail',
  steps: [
    { id: 'long', when: { userText: 'explain at length' }, say: LONG, tokensPerSecond: 1500, repeat: true },
    { id: 'inline', when: { userText: 'make it async' }, say: 'async function load() { return await read(); }', tokensPerSecond: 0, repeat: true },
    { id: 'chat', when: { userText: { matches: '/^workspace \\d+ turn \\d+$/' } }, say: 'ok', tokensPerSecond: 0, repeat: true },
  ],
};

let emu: Emulator | undefined;
const sessions: WorkspaceTransport[] = [];
afterEach(async () => {
  sessions.splice(0).forEach((s) => s.dispose());
  await emu?.close();
});

function request(input: ResponseItem[], lane?: string): ModelRequest {
  return { model: 'gpt-5.2', instructions: lane ? 'Rewrite the selection.' : 'You are a coding agent.', tools: [], input, ...(lane ? { lane } : {}) };
}

function text(items: ResponseItem[]): string {
  return items.map((i) => (i.type === 'message' && i.role === 'assistant' ? assistantText(i) : '')).join('');
}

describe('several workspaces and lanes', () => {
  it('four workspaces each keep one warm socket of their own, and their conversations stay apart', async () => {
    emu = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0 });
    const WORKSPACES = 4;
    const TURNS = 5;
    for (let w = 0; w < WORKSPACES; w++) {
      sessions.push(new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu!.apiKey, transport: 'websocket', idleTimeoutMs: 5000 }));
    }
    const transcripts = await Promise.all(
      sessions.map(async (session, w) => {
        const items: ResponseItem[] = [];
        for (let t = 0; t < TURNS; t++) {
          items.push(userMessage(`workspace ${w} turn ${t}`));
          const outcome = await session.run(request(items));
          if (outcome.kind !== 'completed') throw new Error(`workspace ${w} turn ${t}: ${JSON.stringify(outcome)}`);
          items.push(...outcome.output);
        }
        return items;
      }),
    );
    const stats = emu.stats();
    expect(stats.totals.wsConnections).toBe(WORKSPACES);
    expect(stats.connections.every((c) => c.requests === TURNS)).toBe(true);
    // One full request per socket, then deltas: each session continued its own chain on its own socket.
    expect(stats.totals.fullRequests).toBe(WORKSPACES);
    expect(stats.totals.continuations).toBe(WORKSPACES * (TURNS - 1));
    expect(stats.cache.misses).toBe(0);
    transcripts.forEach((items, w) => {
      const users = items.filter((i) => i.type === 'message' && i.role === 'user').map((i) => JSON.stringify(i));
      expect(users.every((u) => u.includes(`workspace ${w} `))).toBe(true);
    });
  });

  it('a named-lane request completes while the default lane streams on the same socket', async () => {
    emu = await startEmulator({ scenario: SCENARIO, pingIntervalMs: 0 });
    const session = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu!.apiKey, transport: 'websocket', idleTimeoutMs: 5000 });
    sessions.push(session);
    let chatDeltas = 0;
    let chatDeltasWhenInlineDone = -1;
    let inlineStarted = false;
    let inlineDone: Promise<void> = Promise.resolve();
    const chat = session.run(request([userMessage('explain at length')]), {
      onEvent: (event) => {
        if (event.kind !== 'textDelta') return;
        chatDeltas += 1;
        if (chatDeltas === 20 && !inlineStarted) {
          inlineStarted = true;
          inlineDone = session.run(request([userMessage('make it async')], 'inline-1')).then((outcome) => {
            expect(outcome.kind).toBe('completed');
            if (outcome.kind === 'completed') expect(text(outcome.output)).toContain('async function load()');
            chatDeltasWhenInlineDone = chatDeltas;
          });
        }
      },
    });
    const chatOutcome = await chat;
    await inlineDone;
    expect(chatOutcome.kind).toBe('completed');
    if (chatOutcome.kind === 'completed') expect(text(chatOutcome.output)).toBe(LONG);
    // The inline edit finished before the chat's stream did, on the same socket.
    expect(chatDeltasWhenInlineDone).toBeGreaterThan(0);
    expect(chatDeltasWhenInlineDone).toBeLessThan(chatDeltas);
    const stats = emu.stats();
    expect(stats.totals.wsConnections).toBe(1);
    expect(stats.requests.map((r) => r.lane).sort()).toEqual([null, 'inline-1'].sort());
  });
});
