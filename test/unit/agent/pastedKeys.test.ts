/**
 * A user who pastes their API key (or another key-shaped secret) into a prompt or a steer: the agent
 * replaces it where the text comes in, so the model, the transcript, the stored session and the events
 * (what the chat view is built from) never carry it, and says so once with `userTextRedacted`.
 */
import { describe, expect, it } from 'vitest';
import { USER_KEY_MARKER } from '../../../src/common/redact';
import type { ResponseItem } from '../../../src/protocol/items';
import { userMessage } from '../../../src/protocol/items';
import type { ModelRequest, RunOptions } from '../../../src/transport/modelClient';
import { createAgentHarness } from '../../fakes/agentHarness';
import { callTool, respond, say, type ScriptedStep } from '../../fakes/fakeModelClient';
import { CONFIGURED_KEY } from '../../fakes/toolHarness';

/** Key-shaped, but not the configured key: caught by its shape. */
const PASTED_KEY = 'sk-proj-PASTEDabcdefghijklmnop0123456789';

function userTexts(items: readonly ResponseItem[]): string[] {
  return items.filter((i) => i.type === 'message' && i.role === 'user').map((i) => (i.type === 'message' ? i.content.map((c) => ('text' in c ? c.text : '')).join('') : ''));
}

/** Everything the agent produced or kept, as one string to search. */
function everything(h: ReturnType<typeof createAgentHarness>, items: readonly ResponseItem[]): string {
  return JSON.stringify({ requests: h.model.requests, steered: h.model.steered, items, events: h.events, stored: [...h.storage.data.entries()] });
}

function whileRunning(during: () => Promise<void> | void, finish: ScriptedStep): ScriptedStep {
  return async (request: ModelRequest, options: RunOptions) => {
    await during();
    return finish(request, options);
  };
}

describe('an API key pasted into what the user types', () => {
  it('a prompt: the configured key and a key-shaped string are replaced before the model, the transcript, storage and events', async () => {
    const h = createAgentHarness();
    h.model.script(respond([say('Noted.')]));
    const session = h.sessions.create();
    const outcome = await h.agent.runTurn(session, { text: `why does ${CONFIGURED_KEY} fail? the other one is ${PASTED_KEY}` });

    expect(outcome.kind).toBe('completed');
    const expected = `why does ${USER_KEY_MARKER} fail? the other one is ${USER_KEY_MARKER}`;
    expect(userTexts(h.model.requests[0]!.input)).toEqual([expected]);
    expect(userTexts(session.items)).toEqual([expected]);
    expect(session.turns[0]!.userText).toBe(expected);
    const started = h.events.find((e) => e.type === 'turnStarted');
    expect(started?.type === 'turnStarted' && started.userText).toBe(expected);
    // Told once, right after the turn started, for that turn.
    const types = h.eventTypes();
    expect(types.filter((t) => t === 'userTextRedacted')).toHaveLength(1);
    expect(types.indexOf('userTextRedacted')).toBe(types.indexOf('turnStarted') + 1);
    expect(h.events.find((e) => e.type === 'userTextRedacted')).toEqual({ type: 'userTextRedacted', turnId: started?.turnId });

    const all = everything(h, session.items);
    expect(all).not.toContain(CONFIGURED_KEY);
    expect(all).not.toContain(PASTED_KEY);
    expect(JSON.stringify([...h.storage.data.values()])).toContain(USER_KEY_MARKER);
  });

  it('a prompt without a key is sent as typed and says nothing', async () => {
    const h = createAgentHarness();
    h.model.script(respond([say('ok')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'rename sk-short and the task-runner' });
    expect(userTexts(h.model.requests[0]!.input)).toEqual(['rename sk-short and the task-runner']);
    expect(h.eventTypes()).not.toContain('userTextRedacted');
  });

  it('a steer delivered into the running response: the transport, the transcript and the events get the marker', async () => {
    const h = createAgentHarness();
    h.model.steerHandler = () => ({ status: 'delivered' });
    const steered = `use this key: ${PASTED_KEY}`;
    const clean = `use this key: ${USER_KEY_MARKER}`;
    h.model.script(
      whileRunning(
        () => void h.agent.steer(steered),
        // The transport echoes what it was given to steer: the redacted words.
        respond([say('Looking…', 'm1'), userMessage(clean), say('OK.', 'm2')]),
      ),
    );
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'configure the client' });

    expect(h.model.steered).toEqual([clean]);
    expect(userTexts(session.items)).toEqual(['configure the client', clean]);
    const queued = h.events.find((e) => e.type === 'steerQueued');
    expect(queued?.type === 'steerQueued' && queued.text).toBe(clean);
    const notices = h.events.filter((e) => e.type === 'userTextRedacted');
    expect(notices).toEqual([{ type: 'userTextRedacted', turnId: queued?.turnId, steerId: queued?.type === 'steerQueued' ? queued.steerId : undefined }]);
    expect(everything(h, session.items)).not.toContain(PASTED_KEY);
  });

  it('a steer typed while tools run (queued for the next request): the next request and the stored session carry the marker', async () => {
    const h = createAgentHarness({ tools: { allowedCommands: ['npm test'] } });
    h.terminal.handler = async () => {
      h.agent.steer(`then deploy with ${CONFIGURED_KEY}`);
      return { exitCode: 0, output: 'pass', timedOut: false, cancelled: false };
    };
    h.model.script(respond([callTool('c1', 'run_command', { command: 'npm test', cwd: null, timeout_seconds: null })]), respond([say('ok')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'test' });

    expect(userTexts(h.model.requests[1]!.input)).toEqual(['test', `then deploy with ${USER_KEY_MARKER}`]);
    expect(h.eventTypes().filter((t) => t === 'userTextRedacted')).toHaveLength(1);
    const stored = await h.sessions.load(session.id);
    expect(userTexts(stored!.items)).toEqual(['test', `then deploy with ${USER_KEY_MARKER}`]);
    expect(everything(h, session.items)).not.toContain(CONFIGURED_KEY);
  });
});
