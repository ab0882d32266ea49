import { describe, expect, it } from 'vitest';
import { BLOCK_BUDGET, countInlineMarkup, FENCE_BUDGET_CHARS, fitsMarkdownBudget, nestingDepth, TAIL_BUDGET } from '../../../media/chat/renderBudget';

describe('the render budget: markdown while it is cheap, plain text beyond', () => {
  it('counts inline markup, stopping past the limit', () => {
    expect(countInlineMarkup('plain words, a hyphen-ated (parenthesis) and > 3 - 1')).toBe(0);
    expect(countInlineMarkup('**bold** `code` [link](x) a_b ~s~ !& \\ |')).toBe(15);
    expect(countInlineMarkup('*a'.repeat(50_000), 10)).toBe(11);
  });

  it('measures nesting by quotes and two-column indentation at line starts', () => {
    expect(nestingDepth('no nesting\nat all')).toBe(0);
    expect(nestingDepth('> > quoted\n>>> deeper')).toBe(3);
    expect(nestingDepth('- a\n  - b\n    - c\n\t\t- tabbed')).toBe(4);
    expect(nestingDepth('>'.repeat(100_000), 12)).toBe(13);
  });

  it('renders ordinary markdown, and plain text when it is too long, too dense or too deep', () => {
    const ordinary = 'A paragraph with **bold**, `code` and a [link](https://example.com).\n\n- a list\n  - nested\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';
    expect(fitsMarkdownBudget(ordinary, TAIL_BUDGET)).toBe(true);
    expect(fitsMarkdownBudget('word '.repeat(TAIL_BUDGET.chars / 5 + 1), TAIL_BUDGET)).toBe(false);
    expect(fitsMarkdownBudget('word '.repeat(TAIL_BUDGET.chars / 5 + 1), BLOCK_BUDGET)).toBe(true);
    expect(fitsMarkdownBudget('*a'.repeat(2_000), BLOCK_BUDGET)).toBe(false);
    expect(fitsMarkdownBudget(`${'> '.repeat(13)}deep`, BLOCK_BUDGET)).toBe(false);
    expect(fitsMarkdownBudget(`${'> '.repeat(12)}deep enough`, BLOCK_BUDGET)).toBe(true);
  });

  it('lets a code fence be as dense as code is, bounded by its length only', () => {
    const fence = (body: string): string => `\`\`\`ts\n${body}\n\`\`\`\n`;
    expect(fitsMarkdownBudget(fence('a[i] = b[j] * c[k] | d & e;\n'.repeat(2_000)), BLOCK_BUDGET)).toBe(true);
    expect(fitsMarkdownBudget(fence('x'.repeat(FENCE_BUDGET_CHARS)), BLOCK_BUDGET)).toBe(false);
  });
});
