/**
 * Gitignore rules (the syntax of `.holdfastignore`), on the `ignore` package, which follows git:
 * the last matching rule wins, and a file inside an excluded directory cannot be re-included
 * (`dir/` then `!dir/keep.txt` keeps `dir/keep.txt` ignored, as git does).
 */
import ignore, { type Ignore } from 'ignore';

export class IgnoreRules {
  private constructor(
    private readonly matcher: Ignore,
    readonly isEmpty: boolean,
  ) {}

  static parse(text: string): IgnoreRules {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
    return new IgnoreRules(ignore().add(lines), lines.length === 0);
  }

  static readonly empty = IgnoreRules.parse('');

  /** The rule that decides `relativePath` (folder-relative, forward slashes), if it is ignored. */
  match(relativePath: string): string | undefined {
    const path = relativePath.split('/').filter((s) => s !== '' && s !== '.').join('/');
    if (path === '' || this.isEmpty) return undefined;
    try {
      const result = this.matcher.test(path);
      return result.ignored ? (result.rule?.pattern ?? 'ignored') : undefined;
    } catch {
      // `ignore` refuses paths it calls invalid (`..`); the path policy refuses those on its own.
      return undefined;
    }
  }
}
