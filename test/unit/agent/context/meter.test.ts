/**
 * The meter's figures (issue 16): the window in use from `usage` (plus an estimate of what came since),
 * the window from the table or the setting, where compaction starts and how, cached and written tokens,
 * and the cost per turn and per session from the price table (or "unknown", never a wrong number). The
 * warm-up counts as the cache write it is.
 */
import { describe, expect, it } from 'vitest';
import { compactionMode, modelWindow } from '../../../../src/agent/context/contextStatus';
import { knownModel } from '../../../../src/agent/context/knownModels';
import { costUsd, warmupCostUsd } from '../../../../src/agent/context/pricing';
import { respond, say, usage } from '../../../fakes/fakeModelClient';
import { FakeModelClient } from '../../../fakes/fakeModelClient';
import { agentOn } from './contextHarness';

describe('the context meter', () => {
  it('moves with each response: tokens used of the window, cached and written, turn and session cost', async () => {
    const model = new FakeModelClient();
    const h = agentOn(model, { model: 'gpt-5.2' });
    model.script(respond([say('one')], { inputTokens: 10_000, cachedTokens: 0, outputTokens: 500, reasoningTokens: 0 }));
    model.script(respond([say('two')], { inputTokens: 12_000, cachedTokens: 9_000, outputTokens: 400, reasoningTokens: 0, cacheWriteTokens: 2_000 }));
    await h.agent.runTurn(h.session, { text: 'a' });
    const first = h.changes.at(-1)!.status;
    await h.agent.runTurn(h.session, { text: 'b' });
    const second = h.changes.at(-1)!.status;

    expect(first).toMatchObject({ model: 'gpt-5.2', windowTokens: 400_000, windowSource: 'table', compactAtTokens: 320_000, compactionMode: 'socket' });
    expect(first.usedTokens).toBe(10_500);
    expect(second.usedTokens).toBe(12_400);
    expect(second.lastRequest).toEqual({ inputTokens: 12_000, cachedTokens: 9_000, cacheWriteTokens: 2_000 });
    expect(second.totals).toMatchObject({ requests: 2, inputTokens: 22_000, cachedTokens: 9_000, cacheWriteTokens: 2_000, outputTokens: 900 });
    // gpt-5.2: $1.75 in, $0.175 cached, $14 out per million; writes are plain input on this model.
    const turn2 = (3_000 * 1.75 + 9_000 * 0.175 + 400 * 14) / 1e6;
    expect(second.turnCostUsd).toBeCloseTo(turn2, 10);
    expect(second.totals.costUsd).toBeCloseTo((10_000 * 1.75 + 500 * 14) / 1e6 + turn2, 10);
  });

  it('an unknown model: the window comes from holdfast.contextWindow, the cost is unknown', async () => {
    const model = new FakeModelClient([respond([say('one')], usage(1_000, 100))]);
    const h = agentOn(model, { model: 'house-model', contextWindow: 32_768 });
    await h.agent.runTurn(h.session, { text: 'a' });
    const status = h.changes.at(-1)!.status;
    expect(status).toMatchObject({ windowTokens: 32_768, windowSource: 'setting', compactAtTokens: 26_214, compactionMode: 'standalone', turnCostUsd: null });
    expect(status.totals.costUsd).toBeNull();
    expect(modelWindow({ model: 'house-model', contextWindow: undefined })).toEqual({ tokens: undefined, source: 'unknown' });
  });

  it('a warm-up is a cache write: its tokens and cost count for the session', () => {
    const h = agentOn(new FakeModelClient(), { model: 'gpt-5.2' });
    h.agent.context.recordWarmup(h.session, { inputTokens: 1_500, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 });
    const status = h.changes.at(-1)!.status;
    expect(status.totals.warmupTokens).toBe(1_500);
    expect(status.totals.costUsd).toBeCloseTo((1_500 * 1.75) / 1e6, 12);
    // Where writes are billed apart (GPT-5.6+, a price with cacheWrite), at that price.
    const price = { input: 2, cachedInput: 0.2, output: 10, cacheWrite: 2.5 };
    expect(warmupCostUsd({ inputTokens: 1_500, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 1_400 }, price)).toBeCloseTo((1_400 * 2.5) / 1e6, 12);
    expect(costUsd({ inputTokens: 10_000, cachedTokens: 6_000, outputTokens: 100, reasoningTokens: 0, cacheWriteTokens: 3_000 }, price)).toBeCloseTo((1_000 * 2 + 6_000 * 0.2 + 3_000 * 2.5 + 100 * 10) / 1e6, 12);
    expect(costUsd({ inputTokens: 1, cachedTokens: 0, outputTokens: 1, reasoningTokens: 0 }, undefined)).toBeUndefined();
  });

  it('compaction never meets steering: a model that steers, or a session that steered, compacts standalone', () => {
    const base = { compactionThreshold: 0.8, compactionMode: undefined };
    expect(compactionMode({ ...base, model: 'gpt-5.2' }, false)).toBe('socket');
    expect(compactionMode({ ...base, model: 'gpt-5.2' }, true)).toBe('standalone');
    expect(compactionMode({ ...base, model: 'gpt-6.2' }, false)).toBe('standalone');
    expect(compactionMode({ ...base, model: 'gpt-6.5-preview' }, false)).toBe('standalone');
    expect(compactionMode({ ...base, model: 'someone-elses-model' }, false)).toBe('standalone');
    expect(compactionMode({ ...base, compactionThreshold: 0, model: 'gpt-5.2' }, false)).toBe('off');
    expect(knownModel('gpt-5.2-2025-12-11')?.contextWindow).toBe(400_000);
  });
});
