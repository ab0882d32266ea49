import { describe, expect, it } from 'vitest';
import { prefillNoteText } from '../../../src/ui/chat/prefillNote';

describe('the prefill note under the composer', () => {
  it('says what preparing the draft wrote to the cache and, with a known price, what it cost', () => {
    const usage = { inputTokens: 2_400, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 2_400 };
    expect(prefillNoteText({ kind: 'prefilled', usage, writeTokens: 2_400, costUsd: 0.0042, ms: 120 })).toBe('Draft prepared while you typed: 2,400 tokens written to the cache, ~$0.0042.');
    expect(prefillNoteText({ kind: 'prefilled', usage, writeTokens: 2_400, costUsd: undefined, ms: 120 })).toBe('Draft prepared while you typed: 2,400 tokens written to the cache.');
  });

  it('says whether the sent message used it, and stays quiet about failures', () => {
    expect(prefillNoteText({ kind: 'used', responseId: 'resp_1' })).toBe('Sent from the prepared draft.');
    expect(prefillNoteText({ kind: 'discarded', reason: 'changed' })).toContain('not used');
    expect(prefillNoteText({ kind: 'discarded', reason: 'failed' })).toBe('');
  });
});
