/**
 * What one part of a command does to files, checked against the workspace: every path it may touch
 * (globs and brace expansions expanded against the real files, `cd` followed, symlinks resolved),
 * whether that path is secret, protected or outside, and what a recursive read would reach.
 */
import type { CommandPart } from '../shell/analyzeCommand';
import type { PathArgument } from '../shell/pathArguments';
import { matchesGlob } from './glob';
import { joinPath, relativeTo } from './paths';
import type { PathPlace, PathPolicy } from './pathPolicy';
import { protectedPathRule } from './protectedFiles';
import { isHarmlessWriteTarget, isReadableOutside, secretPatternOf } from './secretFiles';

/** What the sandbox and the approval card may want to know about a command as a whole. */
export interface CommandEffects {
  network: boolean;
  writesOutsideWorkspace: boolean;
}

export interface PathFindings {
  /** Reasons that always ask (secrets, protected files, outside, unknown paths). */
  alwaysAsk: string[];
  /** Files written inside the workspace, bypassing edit review. */
  insideWrites: string[];
  writesOutside: boolean;
}

const MAX_EXPANSIONS = 64;

export class PathChecker {
  constructor(
    private readonly paths: PathPolicy,
    private readonly start: string,
  ) {}

  /** The directories a part may run in: absolute, or 'unknown' (a `cd` to a run-time value, or home). */
  baseDirectories(part: CommandPart): Array<string | 'unknown'> {
    return part.cwds.map((chain) => {
      if (!chain) return 'unknown';
      let current = this.start;
      for (const step of chain) {
        if (step.startsWith('~')) return 'unknown';
        current = normalize(step.startsWith('/') ? step : `${current}/${step}`) ?? 'unknown';
        if (current === 'unknown') return current;
      }
      return current;
    });
  }

  async check(part: CommandPart, args: readonly PathArgument[]): Promise<PathFindings> {
    const findings: PathFindings = { alwaysAsk: [], insideWrites: [], writesOutside: false };
    const bases = this.baseDirectories(part);
    for (const arg of args) {
      // A process substitution is a pipe (/dev/fd/N); the commands inside it are parts of their own.
      if (/^[<>]\(…\)$/.test(arg.text)) continue;
      if (arg.info.dynamic && !arg.info.brace) {
        findings.alwaysAsk.push(`'${arg.text}' is a path only known at run time`);
        continue;
      }
      const texts = arg.info.brace ? expandBraces(arg.text) : [arg.text];
      if (!texts) {
        findings.alwaysAsk.push(`'${arg.text}' expands to too many paths to check`);
        continue;
      }
      for (const text of texts) {
        if (text.startsWith('~')) {
          const secret = secretPatternOf(text.replace(/^~[^/]*\/?/, ''));
          findings.alwaysAsk.push(secret ? `reads a secret-looking file in a home directory (${text}) [${secret}]` : `'${text}' is in a home directory`);
          continue;
        }
        for (const base of text.startsWith('/') ? [this.start] : bases) {
          if (base === 'unknown') {
            findings.alwaysAsk.push(`'${text}' is relative to a directory only known at run time`);
            continue;
          }
          await this.checkText(text, base, arg, findings);
        }
      }
    }
    return findings;
  }

  private async checkText(text: string, base: string, arg: PathArgument, findings: PathFindings): Promise<void> {
    const absolute = text.startsWith('/') ? text : `${base}/${text}`;
    const hasGlob = (arg.info.glob || arg.use === 'write') && /[*?[]/.test(text);
    const candidates = hasGlob ? await this.expandGlob(absolute) : [await this.physical(absolute)];
    if (candidates === undefined) {
      findings.alwaysAsk.push(`'${text}' is a pattern Holdfast cannot expand here`);
      return;
    }
    for (const candidate of candidates) await this.judge(candidate, text, arg, findings);
  }

  private async judge(absolute: string, text: string, arg: PathArgument, findings: PathFindings): Promise<void> {
    const place = await this.paths.place(absolute);
    if (place.kind === 'outside') {
      if (arg.use === 'write') {
        if (isHarmlessWriteTarget(place.real)) return;
        findings.writesOutside = true;
        findings.alwaysAsk.push(`writes outside the workspace (${place.real})`);
      } else if (arg.use === 'recursive' ? !matchesGlob(place.real, '/usr/**') : !isReadableOutside(place.real)) {
        findings.alwaysAsk.push(`reads outside the workspace (${place.real})`);
      }
      return;
    }
    await this.judgeInside(place, text, arg, findings);
  }

  private async judgeInside(place: Extract<PathPlace, { kind: 'inside' }>, text: string, arg: PathArgument, findings: PathFindings): Promise<void> {
    const { folder, relative, display } = place;
    if (arg.use === 'write' || arg.mayWrite) {
      // A program we do not know may write its operands: a protected file among them asks (a `HEAD`
      // operand of git is a revision, so the git-directory rule is only for certain writes).
      const rule = arg.use === 'write' ? await this.paths.protectedWriteRule(folder, relative) : protectedPathRule(relative);
      if (rule) findings.alwaysAsk.push(`${arg.use === 'write' ? 'changes' : 'may change'} ${display}, which can run code or grant trust (${rule})`);
    }
    if (arg.use === 'list') return;
    const secret = await this.paths.secretRuleOf(folder, relative);
    if (secret) {
      findings.alwaysAsk.push(`${arg.use === 'write' ? 'changes' : 'reads'} a secret-looking file (${display}) [${secret}]`);
      return;
    }
    if (arg.use === 'write') {
      findings.insideWrites.push(display);
      return;
    }
    if (arg.use === 'recursive') {
      const found = await this.paths.secretUnder(folder, relative, arg.skipsIgnored === true);
      if (found === 'unknown') findings.alwaysAsk.push(`reads everything under '${text}', which Holdfast cannot list to check for secrets`);
      else if (found) findings.alwaysAsk.push(`reads everything under '${text}', which holds a secret-looking file (${found})`);
    }
  }

  /** Resolves `..` after the real path of what precedes it, as the kernel does (a symlink then `..`). */
  private async physical(absolute: string): Promise<string> {
    let current = '/';
    for (const segment of absolute.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        const real = await this.paths.realPath(current);
        current = real.slice(0, Math.max(real.lastIndexOf('/'), 0)) || '/';
      } else current = joinPath(current, segment);
    }
    return current;
  }

  /** The files (and folders holding them) a glob matches; the glob itself when nothing matches; undefined if unlisted. */
  private async expandGlob(absolute: string): Promise<string[] | undefined> {
    const segments = absolute.split('/');
    const first = segments.findIndex((s) => /[*?[]/.test(s));
    const directory = await this.physical(segments.slice(0, first).join('/') || '/');
    const pattern = segments.slice(first).join('/');
    const place = await this.paths.place(directory);
    if (place.kind === 'outside') return [`${place.real}/${pattern}`];
    const files = await this.paths.filesUnder(place.folder, place.relative);
    if (!files) return undefined;
    const root = joinPath(place.folder.path, place.relative);
    const matched = new Set<string>();
    for (const file of files) {
      const parts = relativeTo(file, root).split('/');
      for (let length = 1; length <= parts.length; length++) {
        const candidate = parts.slice(0, length).join('/');
        if (matchesGlob(candidate, pattern)) matched.add(joinPath(root, candidate));
      }
    }
    return matched.size ? [...matched] : [absolute];
  }
}

/** Resolves `.` and `..` lexically; undefined if it climbs above the root. */
export function normalize(path: string): string | undefined {
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

/** Bash's brace expansion (`{a,b}`, `{1..3}`, nested), or undefined past MAX_EXPANSIONS results. */
export function expandBraces(text: string): string[] | undefined {
  let results = [text];
  for (let round = 0; round < 16; round++) {
    const next: string[] = [];
    let changed = false;
    for (const item of results) {
      const expanded = expandFirst(item);
      if (expanded) changed = true;
      next.push(...(expanded ?? [item]));
      if (next.length > MAX_EXPANSIONS) return undefined;
    }
    results = next;
    if (!changed) return results;
  }
  return undefined;
}

function expandFirst(text: string): string[] | undefined {
  for (let open = text.indexOf('{'); open !== -1; open = text.indexOf('{', open + 1)) {
    let depth = 0;
    const commas: number[] = [];
    for (let i = open; i < text.length; i++) {
      const c = text[i];
      if (c === '{') depth++;
      else if (c === ',' && depth === 1) commas.push(i);
      else if (c === '}' && --depth === 0) {
        const body = text.slice(open + 1, i);
        const [before, after] = [text.slice(0, open), text.slice(i + 1)];
        if (commas.length) {
          const cuts = [open, ...commas, i];
          return cuts.slice(1).map((cut, k) => before + text.slice(cuts[k]! + 1, cut) + after);
        }
        const range = /^(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])$/.exec(body);
        if (range) return expandRange(range[1]!, range[2]!)?.map((v) => before + v + after);
        break;
      }
    }
  }
  return undefined;
}

function expandRange(from: string, to: string): string[] | undefined {
  const numeric = /^-?\d+$/.test(from);
  const [a, b] = numeric ? [Number(from), Number(to)] : [from.charCodeAt(0), to.charCodeAt(0)];
  if (Math.abs(b - a) > MAX_EXPANSIONS) return undefined;
  const out: string[] = [];
  for (let v = a; a <= b ? v <= b : v >= b; v += a <= b ? 1 : -1) out.push(numeric ? String(v) : String.fromCharCode(v));
  return out;
}
