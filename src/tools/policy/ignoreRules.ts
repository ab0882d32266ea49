/**
 * Gitignore-style rules (the syntax of `.holdfastignore`): one pattern per line, `#` comments, `!`
 * re-includes, a leading `/` anchors to the folder root, a trailing `/` matches directories (and so
 * everything under them), a pattern without a slash matches a name at any depth. The last matching
 * rule wins, as in git.
 */
import { globToRegExp } from './glob';

interface IgnoreRule {
  negated: boolean;
  regex: RegExp;
  /** Matches only directories, i.e. a proper prefix of the checked path. */
  directoryOnly: boolean;
  /** Compared with a single segment (any depth) instead of the whole relative path. */
  nameOnly: boolean;
  source: string;
}

export class IgnoreRules {
  private constructor(private readonly rules: readonly IgnoreRule[]) {}

  static parse(text: string): IgnoreRules {
    const rules: IgnoreRule[] = [];
    for (const rawLine of text.split(/\r?\n/)) {
      let line = rawLine.replace(/(?<!\\)\s+$/, '');
      if (line === '' || line.startsWith('#')) continue;
      const negated = line.startsWith('!');
      if (negated) line = line.slice(1);
      const directoryOnly = line.endsWith('/');
      if (directoryOnly) line = line.slice(0, -1);
      const anchored = line.startsWith('/');
      if (anchored) line = line.slice(1);
      if (line === '') continue;
      const nameOnly = !anchored && !line.includes('/');
      rules.push({ negated, regex: globToRegExp(line), directoryOnly, nameOnly, source: rawLine.trim() });
    }
    return new IgnoreRules(rules);
  }

  static readonly empty = new IgnoreRules([]);

  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** The rule that decides `relativePath` (folder-relative, forward slashes), if it is ignored. */
  match(relativePath: string): string | undefined {
    const segments = relativePath.split('/').filter((s) => s !== '');
    let verdict: IgnoreRule | undefined;
    for (const rule of this.rules) {
      if (this.ruleMatches(rule, segments)) verdict = rule.negated ? undefined : rule;
    }
    return verdict?.source;
  }

  private ruleMatches(rule: IgnoreRule, segments: string[]): boolean {
    // A rule that matches a directory also covers everything inside it, so test every prefix.
    for (let length = 1; length <= segments.length; length++) {
      const isWholePath = length === segments.length;
      if (rule.directoryOnly && isWholePath) continue;
      const candidate = rule.nameOnly ? segments[length - 1]! : segments.slice(0, length).join('/');
      if (rule.regex.test(candidate)) return true;
    }
    return false;
  }
}
