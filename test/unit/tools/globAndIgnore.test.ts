import { describe, expect, it } from 'vitest';
import { globCacheSize, matchesGlob } from '../../../src/tools/policy/glob';
import { IgnoreRules } from '../../../src/tools/policy/ignoreRules';

describe('glob (picomatch)', () => {
  it('never throws on text from the model, and a bad range matches nothing', () => {
    expect(() => matchesGlob('zz', '[z-a]*')).not.toThrow();
    expect(matchesGlob('zz', '[z-a]*')).toBe(false);
    expect(() => matchesGlob('a', '(((')).not.toThrow();
  });

  it("reads [!…] as bash does (a negated class), where picomatch alone reads it literally", () => {
    expect(matchesGlob('b.txt', '[!a].txt')).toBe(true);
    expect(matchesGlob('a.txt', '[!a].txt')).toBe(false);
    expect(matchesGlob('.env', '[!x]env')).toBe(true);
  });

  it('matches dotfiles and whole folders', () => {
    expect(matchesGlob('.env', '*')).toBe(true);
    expect(matchesGlob('src', 'src/**')).toBe(true);
    expect(matchesGlob('a/.git/hooks/x', '**/.git/**')).toBe(true);
  });

  it('keeps a bounded cache however many patterns the model sends', () => {
    for (let i = 0; i < 2000; i++) matchesGlob('x', `model-pattern-${i}-*`);
    expect(globCacheSize()).toBeLessThanOrEqual(500);
  });
});

describe('ignore rules (the ignore package)', () => {
  it('does not re-include a file inside an excluded folder, as git does not', () => {
    const rules = IgnoreRules.parse('dir/\n!dir/keep.txt\n');
    expect(rules.match('dir/keep.txt')).toBe('dir/');
    expect(rules.match('dir/other.txt')).toBe('dir/');
  });

  it('re-includes a file excluded by name', () => {
    const rules = IgnoreRules.parse('*.log\n!keep.log\n');
    expect(rules.match('a/x.log')).toBe('*.log');
    expect(rules.match('a/keep.log')).toBeUndefined();
  });

  it('refuses nothing on paths it calls invalid', () => {
    expect(IgnoreRules.parse('*').match('../x')).toBeUndefined();
    expect(IgnoreRules.empty.match('a')).toBeUndefined();
  });
});
