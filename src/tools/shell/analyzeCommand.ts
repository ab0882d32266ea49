/**
 * Turns a parsed shell command into the flat list of commands that would actually run: each part of
 * every chain and pipeline, the commands inside substitutions and subshells, and the commands hidden
 * behind wrappers (`sudo`, `env X=1`, `nohup`, `timeout`, `xargs`, `find -exec`, `bash -c '…'`,
 * `eval …`). It follows `cd`, `pushd` and `popd`, so each part knows the directories it may run in.
 * Policy then judges every part on its own.
 */
import { applyCd, type CwdState, startCwd } from './cwdTracking';
import { parseShell, type Command, type Redirect, type Script, ShellParseError, type Word } from './parseShell';

/** What policy needs to know about one word besides its text. */
export interface WordInfo {
  dynamic: boolean;
  glob: boolean;
  brace: boolean;
  tilde: boolean;
}

export interface CommandPart {
  /** The command's words after unwrapping; `words[0]` is what runs. */
  words: string[];
  /** Index of the first word whose value is only known at run time, if any. */
  firstDynamic: number | undefined;
  /** Per word (same index as `words`): expansions that change what the word stands for. */
  wordInfo: WordInfo[];
  /** Variables this part's words, assignments and redirect targets expand. */
  params: string[];
  /** The directories the part may run in, each a chain of `cd` targets from the start; null if unknown. */
  cwds: Array<string[] | null>;
  assignments: string[];
  /** `dynamic` also when the target is a brace expansion; a glob or `~` in it is seen in its text. */
  redirects: Array<{ op: string; target: string; dynamic: boolean }>;
  /** Wrappers this part was found behind, outermost first (e.g. `sudo`, `bash -c`, `$(…)`). */
  via: string[];
  /** Names of the commands that produce this part's stdin in its pipeline (for `curl … | sh`). */
  pipedFrom: string[];
  /** Names of the commands whose output becomes this part's arguments ($(…), <(…)). */
  substitutedFrom: string[];
  /** The part runs with elevated privileges (sudo, doas, su). */
  elevated: boolean;
}

export type CommandAnalysis = { ok: true; parts: CommandPart[]; assigned: Set<string> } | { ok: false; reason: string };

const MAX_PARTS = 200;

export function analyzeCommand(source: string): CommandAnalysis {
  try {
    const parts: CommandPart[] = [];
    collectScript(parseShell(source), { via: [], elevated: false, depth: 0, cwd: startCwd() }, parts);
    if (parts.length > MAX_PARTS) return { ok: false, reason: 'the command has too many parts to check' };
    const assigned = new Set(parts.flatMap((p) => p.assignments.map((a) => a.slice(0, a.search(/\+?=/)))));
    return { ok: true, parts, assigned };
  } catch (error) {
    if (error instanceof ShellParseError || error instanceof UnwrapError) return { ok: false, reason: error.message };
    throw error;
  }
}

class UnwrapError extends Error {}

interface Scope {
  via: string[];
  elevated: boolean;
  depth: number;
  /** Where the commands of this scope run; `collectScript` advances it past each `cd`. */
  cwd: CwdState;
}

export function commandName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

function collectScript(script: Script, outer: Scope, out: CommandPart[]): void {
  if (outer.depth > 12) throw new UnwrapError('commands are nested too deeply');
  // A copy: a `cd` inside a subshell, a substitution or `bash -c` does not move the caller.
  let scope: Scope = { ...outer };
  let onFailure: CwdState | undefined;
  for (const pipeline of script.pipelines) {
    const upstream: string[] = [];
    const before = out.length;
    for (const command of pipeline.commands) {
      const stage = out.length;
      collectCommand(command, scope, upstream, out);
      // Everything this stage runs feeds the next stage's stdin.
      for (const part of out.slice(stage)) if (part.words[0]) upstream.push(commandName(part.words[0]));
    }
    // Only a lone `cd` in the current shell moves it: pipeline stages and `&` run in subshells.
    const moved = pipeline.commands.length === 1 && pipeline.next !== '&' ? out.slice(before).find((p) => movesShell(p, scope.via.length)) : undefined;
    if (moved) {
      onFailure = unionCwd(onFailure, scope.cwd);
      scope = { ...scope, cwd: applyCd(scope.cwd, moved) };
    }
    // After `&&` the next command runs only if the `cd` worked; after anything else it may have failed.
    if (pipeline.next !== '&&' && onFailure) {
      scope = { ...scope, cwd: unionCwd(scope.cwd, onFailure) };
      onFailure = undefined;
    }
  }
}

/** A `cd` of the current shell: not behind a wrapper, other than the builtins `builtin` and `command`. */
function movesShell(part: CommandPart, depth: number): boolean {
  const name = part.words[0];
  if (name !== 'cd' && name !== 'pushd' && name !== 'popd') return false;
  return part.via.length >= depth && part.via.slice(depth).every((label) => label === 'builtin' || label === 'command');
}

function unionCwd(a: CwdState | undefined, b: CwdState): CwdState {
  if (!a) return b;
  const seen = new Map([...a.cwds, ...b.cwds].map((c) => [JSON.stringify(c), c]));
  return { cwds: [...seen.values()], stack: a.stack.length === b.stack.length ? a.stack : [] };
}

function collectCommand(command: Command, scope: Scope, pipedFrom: string[], out: CommandPart[]): void {
  if (command.kind === 'subshell') {
    collectRedirectSubstitutions(command.redirects, scope, out);
    const before = out.length;
    collectScript(command.body, { ...scope, via: [...scope.via, '( … )'] }, out);
    for (const part of out.slice(before)) {
      part.redirects.push(...command.redirects.map(toRedirect));
      part.pipedFrom.push(...pipedFrom);
    }
    if (out.length === before && command.redirects.length) {
      out.push(emptyPart(scope, command.redirects, pipedFrom));
    }
    return;
  }
  const substituted: string[] = [];
  const nestedScope = (label: string): Scope => ({ ...scope, via: [...scope.via, label], depth: scope.depth + 1 });
  for (const word of [...command.assignments, ...command.words]) {
    for (const sub of word.substitutions) {
      const before = out.length;
      collectScript(sub, nestedScope('$(…)'), out);
      for (const part of out.slice(before)) if (part.words[0]) substituted.push(commandName(part.words[0]));
    }
  }
  collectRedirectSubstitutions(command.redirects, scope, out);
  const params = [...command.assignments, ...command.redirects.map((r) => r.target)].flatMap((w) => w.params);
  if (command.words.length === 0) {
    out.push({ ...emptyPart(scope, command.redirects, pipedFrom), assignments: command.assignments.map((w) => w.text), params });
    return;
  }
  unwrap(
    {
      words: command.words,
      assignments: command.assignments.map((w) => w.text),
      redirects: command.redirects.map(toRedirect),
      via: scope.via,
      elevated: scope.elevated,
      pipedFrom: [...pipedFrom],
      substitutedFrom: substituted,
      params,
      cwds: scope.cwd.cwds,
    },
    scope,
    out,
  );
}

interface Pending {
  words: Word[];
  assignments: string[];
  redirects: CommandPart['redirects'];
  via: string[];
  elevated: boolean;
  pipedFrom: string[];
  substitutedFrom: string[];
  params: string[];
  cwds: Array<string[] | null>;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish']);
const PRIVILEGE = new Set(['sudo', 'doas', 'su', 'pkexec', 'runas']);
/** Wrappers that run their arguments as a command, with the options (and how many values) they take. */
const SIMPLE_WRAPPERS: Record<string, { optionsWithValue: string[]; positionalBefore?: number }> = {
  nohup: { optionsWithValue: [] },
  time: { optionsWithValue: ['-f', '-o'] },
  nice: { optionsWithValue: ['-n'] },
  ionice: { optionsWithValue: ['-c', '-n', '-p'] },
  timeout: { optionsWithValue: ['-s', '-k', '--signal', '--kill-after'], positionalBefore: 1 },
  stdbuf: { optionsWithValue: ['-i', '-o', '-e'] },
  command: { optionsWithValue: [] },
  builtin: { optionsWithValue: [] },
  exec: { optionsWithValue: ['-a'] },
  chroot: { optionsWithValue: [], positionalBefore: 1 },
  setsid: { optionsWithValue: [] },
  unbuffer: { optionsWithValue: [] },
  caffeinate: { optionsWithValue: [] },
};

/** One command being unwrapped: what a wrapper rule needs to read it and to go one level deeper. */
interface Unwrapping {
  pending: Pending;
  scope: Scope;
  out: CommandPart[];
  first: Word;
  name: string;
  rest: Word[];
  deeper(label: string, next: Partial<Pending>): void;
}

/**
 * Reports each command a part really runs: wrappers (`sudo`, `env`, `nice`, `xargs`, `find -exec`,
 * `bash -c`, `eval`, `watch`…) are looked through, each by its own rule below. The first rule that
 * recognises the command name handles it; anything else is reported as it stands.
 */
function unwrap(pending: Pending, scope: Scope, out: CommandPart[]): void {
  if (scope.depth > 12) throw new UnwrapError('commands are nested too deeply');
  const first = pending.words[0];
  if (!first) {
    out.push(finish(pending));
    return;
  }
  if (first.dynamic) throw new UnwrapError(`the command name '${first.text}' is only known at run time`);
  const command: Unwrapping = {
    pending,
    scope,
    out,
    first,
    name: commandName(first.text),
    rest: pending.words.slice(1),
    deeper: (label, next) => unwrap({ ...pending, via: [...pending.via, label], ...next }, { ...scope, depth: scope.depth + 1 }, out),
  };
  const rules = [unwrapPrivilege, unwrapEnv, unwrapSimpleWrapper, unwrapXargs, unwrapShellCommand, unwrapEval, unwrapFind, unwrapWatch];
  if (!rules.some((rule) => rule(command))) out.push(finish(pending));
}

/** `sudo …`, `doas …`, `su -c …`: an elevated command, or an elevated shell reported as itself. */
function unwrapPrivilege({ pending, out, name, rest, deeper }: Unwrapping): boolean {
  if (!PRIVILEGE.has(name)) return false;
  const index = skipOptions(rest, ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '-c']);
  if (name === 'su' || index >= rest.length) {
    // `su -c …`, `sudo -s`: an elevated shell; report the wrapper itself as the part.
    out.push({ ...finish(pending), elevated: true });
    return true;
  }
  deeper(name, { words: rest.slice(index), elevated: true });
  return true;
}

/** `env [-u X] [A=b …] cmd`: the assignments join the command's own. */
function unwrapEnv({ pending, out, name, rest, deeper }: Unwrapping): boolean {
  if (name !== 'env') return false;
  let i = 0;
  const assignments = [...pending.assignments];
  for (; i < rest.length; i++) {
    const word = rest[i]!;
    if (word.text === '--') continue;
    if (word.text === '-u' || word.text === '--unset' || word.text === '-C' || word.text === '--chdir') {
      i++;
      continue;
    }
    if (word.text === '-S' || word.text === '--split-string') throw new UnwrapError("'env -S' is not supported");
    if (word.text.startsWith('-')) continue;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text)) {
      assignments.push(word.text);
      continue;
    }
    break;
  }
  if (i >= rest.length) out.push(finish(pending));
  else deeper('env', { words: rest.slice(i), assignments });
  return true;
}

/** `nice`, `timeout`, `nohup`, `command`… (SIMPLE_WRAPPERS): skip their options, run what follows. */
function unwrapSimpleWrapper({ pending, out, name, rest, deeper }: Unwrapping): boolean {
  const wrapper = SIMPLE_WRAPPERS[name];
  if (!wrapper || (name === 'command' && rest.some((w) => w.text === '-v' || w.text === '-V'))) return false;
  const index = skipOptions(rest, wrapper.optionsWithValue) + (wrapper.positionalBefore ?? 0);
  if (index >= rest.length) out.push(finish(pending));
  else deeper(name, { words: rest.slice(index) });
  return true;
}

/** `xargs cmd`: xargs itself, and the command it runs with the piped words. */
function unwrapXargs({ pending, out, name, rest, deeper }: Unwrapping): boolean {
  if (name !== 'xargs') return false;
  const index = skipOptions(rest, ['-I', '-i', '-n', '-P', '-L', '-l', '-d', '-E', '-e', '-s', '-a', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--replace']);
  out.push(finish(pending));
  if (index < rest.length) deeper('xargs', { words: rest.slice(index) });
  return true;
}

/** `bash -c '…'`: the shell, and every command of its script. */
function unwrapShellCommand({ pending, scope, out, name, rest }: Unwrapping): boolean {
  if (!SHELLS.has(name)) return false;
  const commandIndex = rest.findIndex((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w.text) || w.text === '--command');
  if (commandIndex === -1) return false;
  const script = rest[commandIndex + 1];
  if (!script) throw new UnwrapError(`'${name} -c' is missing its command`);
  if (script.dynamic) throw new UnwrapError(`the command given to '${name} -c' is only known at run time`);
  out.push(finish({ ...pending, words: pending.words.slice(0, commandIndex + 3) }));
  collectScript(parseShell(script.text, scope.depth + 1), { ...scope, via: [...pending.via, `${name} -c`], elevated: pending.elevated, depth: scope.depth + 1 }, out);
  return true;
}

/** `eval …`: the words joined and read as a script. */
function unwrapEval({ pending, scope, out, first, name, rest }: Unwrapping): boolean {
  if (name !== 'eval') return false;
  if (rest.some((w) => w.dynamic)) throw new UnwrapError("the command given to 'eval' is only known at run time");
  out.push(finish({ ...pending, words: [first] }));
  collectScript(parseShell(rest.map((w) => w.text).join(' '), scope.depth + 1), { ...scope, via: [...pending.via, 'eval'], elevated: pending.elevated, depth: scope.depth + 1 }, out);
  return true;
}

/** `find … -exec cmd {} ;` runs cmd; report find itself (for -delete) and each executed command. */
function unwrapFind({ pending, out, name, deeper }: Unwrapping): boolean {
  if (name !== 'find') return false;
  const words = pending.words;
  const own: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (['-exec', '-execdir', '-ok', '-okdir'].includes(word.text)) {
      const end = words.findIndex((w, j) => j > i && (w.text === ';' || w.text === '+'));
      deeper(`find ${word.text}`, { words: words.slice(i + 1, end === -1 ? undefined : end), redirects: [] });
      own.push(word);
      i = end === -1 ? words.length : end;
      continue;
    }
    own.push(word);
  }
  out.push(finish({ ...pending, words: own }));
  return true;
}

/** `watch [-n s] cmd …`: the command is a script watch runs again and again. */
function unwrapWatch({ pending, scope, out, first, name, rest }: Unwrapping): boolean {
  if (name !== 'watch') return false;
  const index = skipOptions(rest, ['-n', '--interval', '-d']);
  if (index >= rest.length) return false;
  if (rest.slice(index).some((w) => w.dynamic)) throw new UnwrapError("the command given to 'watch' is only known at run time");
  out.push(finish({ ...pending, words: [first] }));
  collectScript(parseShell(rest.slice(index).map((w) => w.text).join(' '), scope.depth + 1), { ...scope, via: [...pending.via, 'watch'], depth: scope.depth + 1 }, out);
  return true;
}

/** Index of the first word after the options (handles `--`, and options that take a value). */
function skipOptions(words: Word[], optionsWithValue: string[]): number {
  let i = 0;
  while (i < words.length) {
    const text = words[i]!.text;
    if (text === '--') return i + 1;
    if (!text.startsWith('-') || text === '-') return i;
    i += optionsWithValue.includes(text) ? 2 : 1;
  }
  return i;
}

function finish(pending: Pending): CommandPart {
  const index = pending.words.findIndex((w) => w.dynamic);
  return {
    words: pending.words.map((w) => w.text),
    firstDynamic: index === -1 ? undefined : index,
    wordInfo: pending.words.map((w) => ({ dynamic: w.dynamic, glob: w.glob, brace: w.brace, tilde: w.tilde })),
    params: [...new Set([...pending.params, ...pending.words.flatMap((w) => w.params)])],
    cwds: pending.cwds,
    assignments: pending.assignments,
    redirects: pending.redirects,
    via: pending.via,
    pipedFrom: pending.pipedFrom,
    substitutedFrom: pending.substitutedFrom,
    elevated: pending.elevated,
  };
}

function emptyPart(scope: Scope, redirects: Redirect[], pipedFrom: string[]): CommandPart {
  return {
    words: [],
    firstDynamic: undefined,
    wordInfo: [],
    params: redirects.flatMap((r) => r.target.params),
    cwds: scope.cwd.cwds,
    assignments: [],
    redirects: redirects.map(toRedirect),
    via: scope.via,
    pipedFrom: [...pipedFrom],
    substitutedFrom: [],
    elevated: scope.elevated,
  };
}

function toRedirect(redirect: Redirect): CommandPart['redirects'][number] {
  const target = redirect.target;
  return { op: redirect.op, target: target.text, dynamic: target.dynamic || target.brace };
}

function collectRedirectSubstitutions(redirects: Redirect[], scope: Scope, out: CommandPart[]): void {
  for (const redirect of redirects) {
    for (const sub of redirect.target.substitutions) {
      collectScript(sub, { ...scope, via: [...scope.via, '$(…)'], depth: scope.depth + 1 }, out);
    }
  }
}
