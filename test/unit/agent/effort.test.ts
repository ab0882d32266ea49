/**
 * "Think harder / faster" for one message: a `configuration_update` item after the prompt on GPT-6
 * models (top-level effort untouched, so the cached prefix holds), restored to the base on the next
 * message without a choice; elsewhere (pro models, older models) this turn's top-level effort, with a
 * one-line note that it starts a new cached prefix.
 */
import { describe, expect, it } from 'vitest';
import { acceptsConfigurationUpdate, EFFORT_NOTE, effortInForce, planEffort } from '../../../src/agent/effort';
import { configurationUpdate, userMessage } from '../../../src/protocol/items';
import { createAgentHarness } from '../../fakes/agentHarness';
import { respond, say } from '../../fakes/fakeModelClient';

describe('effort per message', () => {
  it('knows which models take configuration_update', () => {
    expect(['gpt-6.2', 'gpt-6', 'gpt-6.2-2026-11-01'].map(acceptsConfigurationUpdate)).toEqual([true, true, true]);
    expect(['gpt-6.2-pro', 'gpt-6-pro-2026-11-01', 'gpt-5.6', 'gpt-5.2'].map(acceptsConfigurationUpdate)).toEqual([false, false, false, false]);
  });

  it('plans: an item on GPT-6 (and one to restore the base later), top-level elsewhere, nothing when nothing changes', () => {
    expect(planEffort('gpt-6.2', [], 'medium', 'high')).toEqual({ kind: 'item', item: configurationUpdate('high'), effort: 'high', announce: true });
    expect(planEffort('gpt-6.2', [configurationUpdate('high')], 'medium', undefined)).toEqual({ kind: 'item', item: configurationUpdate('medium'), effort: 'medium', announce: false });
    expect(planEffort('gpt-6.2', [configurationUpdate('high')], 'medium', 'high')).toEqual({ kind: 'none' });
    expect(planEffort('gpt-6.2', [], 'medium', undefined)).toEqual({ kind: 'none' });
    expect(planEffort('gpt-6.2-pro', [], 'medium', 'low')).toEqual({ kind: 'topLevel', effort: 'low' });
    expect(planEffort('gpt-5.2', [], 'high', 'high')).toEqual({ kind: 'none' });
    expect(effortInForce([configurationUpdate('low'), userMessage('x')], 'medium')).toBe('low');
  });

  it('gpt-6.2: the item follows the prompt, top-level effort stays at base, and the next plain message restores the base', async () => {
    const h = createAgentHarness({ settings: { model: 'gpt-6.2', reasoningEffort: 'medium' } });
    h.model.script(respond([say('deep')]), respond([say('plain')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'hard question', effort: 'high' });
    await h.agent.runTurn(session, { text: 'easy one' });
    const [first, second] = h.model.requests;
    expect(first?.reasoning).toEqual({ effort: 'medium' });
    expect(second?.reasoning).toEqual({ effort: 'medium' });
    expect(first?.input.slice(-2)).toEqual([userMessage('hard question'), configurationUpdate('high')]);
    expect(second?.input.slice(-2)).toEqual([userMessage('easy one'), configurationUpdate('medium')]);
    expect(h.events.filter((e) => e.type === 'effortChanged')).toEqual([
      { type: 'effortChanged', turnId: expect.any(String), effort: 'high', via: 'configurationUpdate', note: EFFORT_NOTE.kept('high') },
    ]);
  });

  it.each(['gpt-6.2-pro', 'gpt-5.2'])('%s: this turn’s top-level effort changes instead, with a note about the new cached prefix', async (model) => {
    const h = createAgentHarness({ settings: { model } });
    h.model.script(respond([say('fast')]), respond([say('plain')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'quick', effort: 'low' });
    await h.agent.runTurn(session, { text: 'normal' });
    expect(h.model.requests[0]?.reasoning).toEqual({ effort: 'low' });
    expect(h.model.requests[1]?.reasoning).toBeUndefined();
    expect(h.model.requests.flatMap((r) => r.input).some((i) => i.type === 'configuration_update')).toBe(false);
    expect(h.events.find((e) => e.type === 'effortChanged')).toMatchObject({ via: 'topLevel', note: EFFORT_NOTE.newPrefix('low') });
  });

  it('a session that switched to a model without configuration_update does not send the old items', async () => {
    const h = createAgentHarness({ settings: { model: 'gpt-6.2' } });
    h.model.script(respond([say('deep')]), respond([say('plain')]));
    const session = h.sessions.create();
    await h.agent.runTurn(session, { text: 'hard', effort: 'high' });
    h.settings.model = 'gpt-5.6';
    await h.agent.runTurn(session, { text: 'next' });
    expect(h.model.requests[1]?.input.some((i) => i.type === 'configuration_update')).toBe(false);
  });
});
