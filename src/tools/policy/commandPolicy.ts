/**
 * Decides whether a shell command runs, is refused, or needs the user's approval — on the PARSED
 * command, never the raw string, and never on anything the model says about it:
 * - unparseable → ask (no "always allow"),
 * - any part matching a deny rule → refused,
 * - any destructive part, or a part touching a secret-looking file → ask, even when allow-listed, and
 *   "always allow" is not offered,
 * - every part allowed (allow rules, or a handful of harmless builtins) → runs,
 * - otherwise → ask, offering "always allow" for the exact literal prefix of the parts not yet allowed.
 */
import { analyzeCommand, type CommandPart, commandName } from '../shell/analyzeCommand';
import { destructiveReasons } from '../shell/destructiveCommands';
import { parseRuleWords, quoteWords } from '../shell/parseShell';
import type { ToolSettings } from '../ports';
import { globToRegExp, matchesGlob } from './glob';
import { isInside } from './paths';
import { type PathPolicy, type ResolvedPath, SECRET_FILE_PATTERNS } from './pathPolicy';

export type CommandDecision =
  | { kind: 'allow'; parts: string[] }
  | { kind: 'ask'; parts: string[]; reasons: string[]; alwaysAllowRules: string[] | undefined }
  | { kind: 'deny'; parts: string[]; reason: string };

/** Always harmless: they change nothing and read nothing secret. */
const HARMLESS = new Set(['cd', 'pwd', 'true', 'false', ':', 'test', '[']);
const HARMLESS_WITHOUT_REDIRECT = new Set(['echo', 'printf']);
const SECRET_SAMPLES = ['.env', '.env.local', '.npmrc', '.netrc', 'id_rsa', 'id_ed25519', 'server.pem', 'server.key'];

export class CommandPolicy {
  constructor(
    private readonly paths: PathPolicy,
    private readonly settings: () => ToolSettings,
  ) {}

  async decide(command: string, cwd: ResolvedPath): Promise<CommandDecision> {
    const analysis = analyzeCommand(command);
    if (!analysis.ok) {
      return { kind: 'ask', parts: [command], reasons: [`Holdfast could not check this command: ${analysis.reason}`], alwaysAllowRules: undefined };
    }
    const parts = analysis.parts;
    const shown = parts.map(describePart);
    if (parts.length === 0) return { kind: 'deny', parts: shown, reason: 'The command is empty.' };
    const settings = this.settings();

    const denyRules = settings.deniedCommands.map(parseRuleWords).filter((r): r is string[] => !!r?.length);
    for (const part of parts) {
      const rule = denyRules.find((r) => matchesRule(part, r, { byName: true }));
      if (rule) return { kind: 'deny', parts: shown, reason: `'${describePart(part)}' matches the user's deny rule '${rule.join(' ')}'.` };
    }

    const isOutside = (path: string): boolean => this.isOutside(path, cwd.absolute);
    const alwaysAsk: string[] = [];
    for (const part of parts) {
      alwaysAsk.push(...destructiveReasons(part, isOutside));
      const secret = await this.secretArgument(part);
      if (secret) alwaysAsk.push(`'${describePart(part)}' touches a secret-looking file (${secret})`);
    }
    if (alwaysAsk.length) return { kind: 'ask', parts: shown, reasons: unique(alwaysAsk), alwaysAllowRules: undefined };

    const allowRules = settings.allowedCommands.map(parseRuleWords).filter((r): r is string[] => !!r?.length);
    const notAllowed = parts.filter((part) => !isImplicitlyAllowed(part) && !allowRules.some((r) => matchesRule(part, r, { byName: false })));
    if (notAllowed.length === 0) return { kind: 'allow', parts: shown };
    const offerable = notAllowed.every((p) => p.firstDynamic === undefined && p.words.length > 0);
    return {
      kind: 'ask',
      parts: shown,
      reasons: unique(notAllowed.map((p) => `'${describePart(p)}' is not in the allowed commands`)),
      alwaysAllowRules: offerable ? unique(notAllowed.map((p) => quoteWords(p.words))) : undefined,
    };
  }

  /** Lexically: could `path` (an argument or redirect target, relative to `cwd`) be outside the workspace? */
  private isOutside(path: string, cwd: string): boolean {
    if (path.startsWith('~') || path.includes('$')) return true;
    const absolute = normalize(path.startsWith('/') ? path : `${cwd}/${path}`);
    if (absolute === undefined) return true;
    return !this.paths.folders.some((folder) => isInside(absolute, folder.path));
  }

  private async secretArgument(part: CommandPart): Promise<string | undefined> {
    const candidates = [...part.words.slice(1), ...part.redirects.filter((r) => !r.dynamic).map((r) => r.target)];
    for (const word of candidates) {
      for (const value of new Set([word, word.slice(word.indexOf('=') + 1)])) {
        if (value === '' || value.startsWith('-')) continue;
        for (const segment of value.split('/')) {
          const builtIn = SECRET_FILE_PATTERNS.find((glob) => matchesGlob(segment, glob, { caseInsensitive: true }));
          if (builtIn) return value;
          if (/[*?[]/.test(segment) && !/^[*.]*$/.test(segment)) {
            const regex = globToRegExp(segment);
            if (SECRET_SAMPLES.some((sample) => regex.test(sample))) return value;
          }
        }
        const ignored = await this.paths.isSecretPath(value);
        if (ignored) return value;
      }
    }
    return undefined;
  }
}

function isImplicitlyAllowed(part: CommandPart): boolean {
  const first = part.words[0];
  if (first === undefined) return part.assignments.length === 0; // a bare redirect such as `> out.txt`
  if (part.assignments.length) return false;
  if (HARMLESS.has(first)) return true;
  return HARMLESS_WITHOUT_REDIRECT.has(first) && part.redirects.length === 0;
}

/**
 * A rule is a word prefix: `npm test` matches `npm test -- --watch` but not `npm testx` nor `npx test`.
 * Allow rules match the command word exactly (`./npm` is not `npm`); deny rules by name too, so
 * `/bin/rm` cannot dodge a deny rule for `rm`.
 */
function matchesRule(part: CommandPart, rule: readonly string[], options: { byName: boolean }): boolean {
  if (part.words.length < rule.length) return false;
  const limit = part.firstDynamic ?? part.words.length;
  if (!options.byName && rule.length > limit) return false;
  return rule.every((word, i) => {
    const actual = part.words[i]!;
    return i === 0 && options.byName ? commandName(actual) === commandName(word) : actual === word;
  });
}

function describePart(part: CommandPart): string {
  const words = part.words.length ? quoteWords(part.words) : '';
  const redirects = part.redirects.map((r) => `${r.op} ${r.target}`).join(' ');
  const assignments = part.assignments.join(' ');
  return [assignments, words, redirects].filter(Boolean).join(' ');
}

/** Resolves `.` and `..` lexically; undefined if it climbs above the root. */
function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return `/${out.join('/')}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
