import { describe, expect, it } from 'vitest';
import { explainIntent } from '../../../src/ui/codeActions/explainIntent';

/** Explain shows the user what they asked, not the prompt the model gets (the code between <selection> tags). */
describe('explainIntent', () => {
  it('names the line (or lines), the file and the problem, in one line', () => {
    expect(explainIntent({ message: "Cannot find name 'x'.", startLine: 11, endLine: 11 }, 'src/a.ts')).toBe("Explain this problem on line 12 of src/a.ts: Cannot find name 'x'.");
    expect(explainIntent({ message: 'Type mismatch\n  details follow', startLine: 9, endLine: 23 }, 'src/a.ts')).toBe('Explain this problem on lines 10–24 of src/a.ts: Type mismatch');
  });

  it('clips a long message and never carries a selection block', () => {
    const shown = explainIntent({ message: 'y'.repeat(500), startLine: 0, endLine: 0 }, 'src/a.ts');
    expect(shown.length).toBeLessThan(220);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).not.toMatch(/<selection>/);
  });
});
