/**
 * Decides whether a shell command runs, is refused, or needs the user's approval — on the PARSED
 * command, never the raw string, and never on anything the model says about it. It fails closed: a
 * command runs without asking only when every part is proven harmless.
 * - unparseable, or any shell form the analyzer does not fully understand → ask (no "always allow"),
 * - any part matching a deny rule → refused,
 * - always ask, even when allow-listed, and never offer "always allow": destructive parts, code the
 *   analyzer cannot read (inline programs, code from stdin, `eval`, `source`, `xargs`, `find -exec`,
 *   `git -c` …), secrets (by pattern, through globs, braces, recursive reads, the environment), writes
 *   to protected files or outside the workspace, paths only known at run time, directories outside,
 * - writes inside the workspace ask when the user reviews edits (they would bypass the review),
 * - every part allowed (allow rules that also name what an interpreter runs, or harmless builtins) → runs,
 * - otherwise → ask, offering "always allow" for the exact words of the parts not yet allowed.
 */
import { analyzeCommand, type CommandPart, commandName } from '../shell/analyzeCommand';
import { executionModel } from '../shell/codeExecution';
import { destructiveReasons } from '../shell/destructiveCommands';
import { pathModel } from '../shell/pathArguments';
import { parseRuleWords, quoteWords } from '../shell/ruleWords';
import type { ToolSettings } from '../ports';
import { type CommandEffects, PathChecker } from './commandEffects';
import type { PathPolicy, ResolvedPath } from './pathPolicy';
import { secretVariable } from './secretFiles';

export type { CommandEffects } from './commandEffects';

export type CommandDecision =
  /** `readOnly`: no part writes, runs code it was not given by name, or reaches the network. The policy always
   *  sets `readOnly` and `effects`; they are optional only so that hand-made decisions in tests stay short
   *  (a missing `readOnly` means false). */
  | { kind: 'allow'; parts: string[]; readOnly?: boolean; effects?: CommandEffects }
  | { kind: 'ask'; parts: string[]; reasons: string[]; alwaysAllowRules: string[] | undefined; effects?: CommandEffects }
  | { kind: 'deny'; parts: string[]; reason: string; effects?: CommandEffects };

/** Always harmless: they change nothing and read nothing secret. */
const HARMLESS = new Set(['cd', 'pwd', 'true', 'false', ':', 'test', '[', 'pushd', 'popd']);
const HARMLESS_WITHOUT_REDIRECT = new Set(['echo', 'printf']);
/** Programs whose bare name is never offered as "always allow": the name alone says nothing of what runs. */
const NEVER_BARE = /^(sh|bash|zsh|dash|ksh|fish|node|deno|bun|python[0-9.]*|perl|ruby|php|npx|pnpx|bunx|uvx|env|xargs|eval|source|sudo|doas|timeout|nohup|nice|exec|command|builtin)$/;
/** Variables a command may set without asking: they change output, not what runs. */
const SAFE_ASSIGNMENT = /^(CI|NODE_ENV|FORCE_COLOR|NO_COLOR|TERM|COLUMNS|LINES|TZ|LANG|LANGUAGE|LC_[A-Z]+|DEBUG|VERBOSE|RUST_BACKTRACE|RUST_LOG|PYTHONUNBUFFERED|PYTHONDONTWRITEBYTECODE|NODE_NO_WARNINGS)$/;
const NO_EFFECTS: CommandEffects = { network: false, writesOutsideWorkspace: false };

export class CommandPolicy {
  constructor(
    private readonly paths: PathPolicy,
    private readonly settings: () => ToolSettings,
  ) {}

  async decide(command: string, cwd: ResolvedPath): Promise<CommandDecision> {
    const analysis = analyzeCommand(command);
    if (!analysis.ok) {
      return { kind: 'ask', parts: [command], reasons: [`Holdfast could not check this command: ${analysis.reason}`], alwaysAllowRules: undefined, effects: NO_EFFECTS };
    }
    const parts = analysis.parts;
    const shown = parts.map(describePart);
    if (parts.length === 0) return { kind: 'deny', parts: shown, reason: 'The command is empty.', effects: NO_EFFECTS };
    const settings = this.settings();

    const denyRules = settings.deniedCommands.map(parseRuleWords).filter((r): r is string[] => !!r?.length);
    for (const part of parts) {
      const rule = denyRules.find((r) => matchesRule(part, r, { byName: true }));
      if (rule) return { kind: 'deny', parts: shown, reason: `'${describePart(part)}' matches the user's deny rule '${rule.join(' ')}'.`, effects: NO_EFFECTS };
    }

    const checker = new PathChecker(this.paths, cwd.absolute);
    const alwaysAsk: string[] = [];
    const insideWrites: string[] = [];
    const effects: CommandEffects = { network: false, writesOutsideWorkspace: false };
    let readOnly = true;
    const ruleWords = new Map<CommandPart, number>();
    for (const part of parts) {
      const execution = executionModel(part);
      const files = pathModel(part);
      const found = await checker.check(part, files.paths);
      ruleWords.set(part, execution.ruleWords);
      alwaysAsk.push(...destructiveReasons(part), ...execution.codeExecution, ...execution.sensitive, ...found.alwaysAsk);
      alwaysAsk.push(...this.environmentReasons(part, analysis.assigned), ...(await this.directoryReasons(part, checker)));
      insideWrites.push(...found.insideWrites, ...files.unnamedWrites);
      effects.network ||= execution.network;
      effects.writesOutsideWorkspace ||= found.writesOutside;
      readOnly &&= files.readOnly && execution.codeExecution.length === 0 && !execution.network;
    }
    if (alwaysAsk.length) return { kind: 'ask', parts: shown, reasons: unique(alwaysAsk), alwaysAllowRules: undefined, effects };
    if (insideWrites.length && settings.editApproval === 'review') {
      const reason = `writes ${unique(insideWrites).join(', ')} directly, outside the edit review`;
      return { kind: 'ask', parts: shown, reasons: [reason], alwaysAllowRules: undefined, effects };
    }

    const allowRules = settings.allowedCommands.map(parseRuleWords).filter((r): r is string[] => !!r?.length);
    const allowedBy = (part: CommandPart): boolean => allowRules.some((r) => r.length >= (ruleWords.get(part) ?? 1) && matchesRule(part, r, { byName: false }));
    const notAllowed = parts.filter((part) => !isImplicitlyAllowed(part) && !allowedBy(part));
    if (notAllowed.length === 0) return { kind: 'allow', parts: shown, readOnly, effects };
    const offerable = notAllowed.every((p) => p.firstDynamic === undefined && p.words.length > 0 && !(p.words.length === 1 && NEVER_BARE.test(commandName(p.words[0]!))));
    return {
      kind: 'ask',
      parts: shown,
      reasons: unique(notAllowed.map((p) => `'${describePart(p)}' is not in the allowed commands`)),
      alwaysAllowRules: offerable ? unique(notAllowed.map((p) => quoteWords(p.words))) : undefined,
      effects,
    };
  }

  /** Variables that may hold secrets (printed in pieces, redaction would miss them) and assignments that change what runs. */
  private environmentReasons(part: CommandPart, assigned: Set<string>): string[] {
    const reasons: string[] = [];
    for (const name of part.params) {
      if (!assigned.has(name) && secretVariable(name)) reasons.push(`expands $${name}, which may hold a secret`);
    }
    const standalone = part.words.length === 0;
    for (const assignment of part.assignments) {
      const name = assignment.slice(0, assignment.search(/\+?=/));
      const harmless = SAFE_ASSIGNMENT.test(name) || (standalone && /^[a-z_][a-z0-9_]*$/.test(name) && !/proxy$/.test(name));
      if (!harmless) reasons.push(`'${name}=' changes what the command loads or runs`);
    }
    return reasons;
  }

  /** A part that runs outside the workspace (after a `cd`) acts there: anything but a builtin that touches nothing asks. */
  private async directoryReasons(part: CommandPart, checker: PathChecker): Promise<string[]> {
    const name = part.words[0];
    if (name === undefined || HARMLESS.has(name) || HARMLESS_WITHOUT_REDIRECT.has(name)) return [];
    const reasons: string[] = [];
    for (const base of checker.baseDirectories(part)) {
      if (base === 'unknown') reasons.push(`'${describePart(part)}' runs in a directory only known at run time`);
      else if ((await this.paths.place(base)).kind === 'outside') reasons.push(`'${describePart(part)}' runs outside the workspace (${base})`);
    }
    return reasons;
  }
}

function isImplicitlyAllowed(part: CommandPart): boolean {
  const first = part.words[0];
  if (first === undefined) return part.assignments.length > 0 && part.redirects.length === 0;
  if (part.assignments.length) return false;
  if (HARMLESS.has(first)) return part.redirects.length === 0;
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

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
