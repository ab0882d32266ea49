/**
 * Instructions ride the chain (issue 16, protocol §8): the reusable instructions go once, as the first
 * developer item of a chain's input, and `previous_response_id` carries them; deltas never repeat them;
 * every chain restart (a new socket after a drop, the HTTP fallback) sends them exactly once. Checked
 * on the frames the real transport writes to a fake server.
 */
import { describe, expect, it } from 'vitest';
import { developerTexts, agentOnTransport } from './contextHarness';

describe('instructions in a leading developer message', () => {
  it('the warm-up carries them, the first prompt and later turns go as deltas without them', async () => {
    const h = agentOnTransport();
    const warm = await h.transport.warmUp(h.agent.warmupRequest());
    expect(warm.kind).toBe('warm');
    await h.agent.runTurn(h.session, { text: 'first' });
    await h.agent.runTurn(h.session, { text: 'second' });

    const [warmFrame, first, second] = h.server.creates;
    expect(h.server.creates).toHaveLength(3);
    expect(warmFrame).toMatchObject({ generate: false });
    expect(developerTexts(warmFrame!)).toHaveLength(1);
    expect(developerTexts(warmFrame!)[0]).toMatch(/^You are Holdfast/);
    // The instructions are not a top-level field on any request: nothing is resent per request.
    for (const frame of h.server.creates) expect(frame).not.toHaveProperty('instructions');
    expect(first).toMatchObject({ previous_response_id: 'resp_1' });
    expect(second).toMatchObject({ previous_response_id: 'resp_2' });
    expect(developerTexts(first!)).toEqual([]);
    expect(developerTexts(second!)).toEqual([]);
    // The transcript holds them once, first.
    expect(h.session.items[0]).toMatchObject({ type: 'message', role: 'developer' });
    expect(h.session.items.filter((item) => item.type === 'message' && item.role === 'developer')).toHaveLength(1);
  });

  it('a chain restart on a new socket sends them once, at the start of the full input', async () => {
    const h = agentOnTransport();
    await h.agent.runTurn(h.session, { text: 'first' });
    h.server.lastSocket.drop();
    await new Promise((resolve) => setImmediate(resolve));
    await h.agent.runTurn(h.session, { text: 'second' });

    const creates = h.server.creates;
    expect(creates).toHaveLength(2);
    expect(h.server.sockets).toHaveLength(2);
    const restart = creates[1]!;
    expect(restart).not.toHaveProperty('previous_response_id');
    expect(developerTexts(restart)).toHaveLength(1);
    expect((restart['input'] as Array<{ role?: string }>)[0]?.role).toBe('developer');
  });

  it('over the HTTP fallback every (full) request carries them exactly once', async () => {
    const h = agentOnTransport({}, { transport: 'http' });
    await h.agent.runTurn(h.session, { text: 'first' });
    await h.agent.runTurn(h.session, { text: 'second' });
    expect(h.http.calls).toHaveLength(2);
    for (const call of h.http.calls) {
      expect(call.body).not.toHaveProperty('instructions');
      expect(developerTexts(call.body)).toHaveLength(1);
    }
  });

  it('changed instructions (the workspace became trusted) are appended once; the earlier prefix is not rewritten', async () => {
    const h = agentOnTransport();
    h.tools.settings.settings = { ...h.tools.settings.settings, workspaceTrusted: false };
    await h.agent.runTurn(h.session, { text: 'first' });
    h.tools.settings.settings = { ...h.tools.settings.settings, workspaceTrusted: true };
    await h.agent.runTurn(h.session, { text: 'second' });
    // The tools changed with trust, so this is a new chain; its input is the transcript as it was, plus the new instructions.
    const texts = developerTexts(h.server.creates[1]!);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('Restricted mode');
    expect(texts[1]).toMatch(/^The instructions changed; these replace the earlier ones\./);
    expect(texts[1]).not.toContain('Restricted mode');
  });

  it('with instructions placed top-level (the old way) they are resent on every request and no developer item is sent', async () => {
    const h = agentOnTransport({ instructionsPlacement: 'instructions' });
    await h.transport.warmUp(h.agent.warmupRequest());
    await h.agent.runTurn(h.session, { text: 'first' });
    for (const frame of h.server.creates) {
      expect(String(frame['instructions'])).toMatch(/^You are Holdfast/);
      expect(developerTexts(frame)).toEqual([]);
    }
    expect(h.server.creates[1]).toMatchObject({ previous_response_id: 'resp_1' });
  });
});
