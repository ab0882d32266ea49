// The instructions-placement benchmark (issue 16) in miniature: on a GPT-6.2-like model, instructions
// sent top-level are uncached input on every step; as the chain's leading developer message they are
// read from the cache after the first request. Fails if the agent put them back on every request.
import { describe, expect, it } from 'vitest';
import { formatPlacement, measureInstructionsPlacement } from '../../bench/instructionsPlacement';

describe('instructions placement benchmark', () => {
  it('a developer message saves the instructions’ tokens of uncached input on every later step', async () => {
    const report = await measureInstructionsPlacement(5);
    console.log(formatPlacement(report));
    const [topLevel, developer] = report.runs;
    expect(topLevel?.placement).toBe('instructions');
    expect(developer?.placement).toBe('developerMessage');
    expect(topLevel!.steps).toHaveLength(6);
    expect(developer!.steps).toHaveLength(6);
    const instructionTokens = report.instructionsBytes / 4;
    for (let i = 1; i < 6; i++) {
      const saved = topLevel!.steps[i]!.uncachedTokens - developer!.steps[i]!.uncachedTokens;
      expect(saved).toBeGreaterThan(instructionTokens * 0.9);
    }
    expect(developer!.steps[1]!.bytesSent).toBeLessThan(topLevel!.steps[1]!.bytesSent - report.instructionsBytes * 0.9);
  }, 60_000);
});
