/**
 * Files that grant execution or trust: a change to one runs code later, when a command the user
 * allowed (`git status`, `npm test`, `make`) or the user's own tools read it. Writes to them ALWAYS ask,
 * through `apply_edit` (whatever `editApproval` says) and through a command. Some files matter only in
 * part: a `package.json` edit asks when it changes `scripts` (or another key that runs commands).
 */
import { matchesGlob } from './glob';

/** Workspace-relative globs (picomatch, dotfiles included) of files whose every change asks. */
export const PROTECTED_PATHS: readonly string[] = [
  // git runs hooks, fsmonitor, filters, pagers and aliases from its directory; a new `.git` file can
  // point git at another directory anywhere.
  '**/.git',
  '**/.git/**',
  '**/.gitattributes',
  '**/.gitmodules',
  '**/.gitconfig',
  '**/.vscode/**',
  '**/*.code-workspace',
  '**/tasks.json',
  '.holdfastignore',
  '**/.github/workflows/**',
  '**/.github/actions/**',
  '**/.gitlab-ci.yml',
  '**/.circleci/**',
  '**/.husky/**',
  '**/lefthook.yml',
  '**/.lefthook.yml',
  '**/.pre-commit-config.yaml',
  '**/.devcontainer/**',
  '**/.envrc',
  '**/node_modules/.bin/**',
  '**/.npmrc',
  '**/.yarnrc',
  '**/.yarnrc.yml',
  '**/.pnpmfile.cjs',
  '**/.cargo/config',
  '**/.cargo/config.toml',
  '**/build.rs',
  '**/{Makefile,makefile,GNUmakefile}',
  '**/*.mk',
  '**/setup.py',
  '**/setup.cfg',
  '**/gradlew',
  '**/mvnw',
  '**/.mvn/**',
];

/** Files where only some keys run commands: shell writes to them ask (their content cannot be checked). */
export const PROTECTED_IN_PART: readonly string[] = ['**/package.json', '**/Cargo.toml', '**/pyproject.toml'];

/** The protected-path rule `relative` falls under, for any write (a command cannot show what it changes). */
export function protectedPathRule(relative: string): string | undefined {
  return [...PROTECTED_PATHS, ...PROTECTED_IN_PART].find((glob) => matchesGlob(relative, glob));
}

/** Why this change of `relative` grants execution (so it must ask), or undefined. */
export function protectedChange(relative: string, before: string | undefined, after: string): string | undefined {
  const whole = PROTECTED_PATHS.find((glob) => matchesGlob(relative, glob));
  if (whole) return `${relative} can run code or grant trust (${whole})`;
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  if (name === 'package.json') return packageJsonChange(relative, before, after);
  if (name === 'Cargo.toml') return changedLines(before, after, /^\s*(build|links)\s*=|^\s*\[(build-dependencies|target\..*build-dependencies)\]/) ? `${relative}: the edit changes the build script settings` : undefined;
  if (name === 'pyproject.toml') return pyprojectChange(relative, before, after);
  return undefined;
}

/** Keys of package.json whose values run commands (npm scripts, git hooks set up by tools). */
const RUNNING_KEYS = ['scripts', 'bin', 'husky', 'simple-git-hooks', 'pre-commit', 'lint-staged', 'gitHooks', 'config'];

function packageJsonChange(relative: string, before: string | undefined, after: string): string | undefined {
  const parse = (text: string | undefined): Record<string, unknown> | undefined => {
    if (text === undefined) return {};
    try {
      const value: unknown = JSON.parse(text);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const old = parse(before);
  const next = parse(after);
  if (!old || !next) return `${relative}: Holdfast cannot read the file as JSON, so it cannot tell whether the edit changes its scripts`;
  const changed = RUNNING_KEYS.filter((key) => JSON.stringify(old[key]) !== JSON.stringify(next[key]));
  return changed.length ? `${relative}: the edit changes ${changed.map((k) => `"${k}"`).join(', ')}, which npm or git hooks run` : undefined;
}

/** Sections of pyproject.toml that name code to run: entry points, build backends, tool plugins. */
const PYPROJECT_SECTIONS = /^\s*\[+\s*(build-system|project\.(scripts|gui-scripts|entry-points)|tool\.(poetry\.(scripts|plugins)|hatch|setuptools|pytest|tox|pdm\.scripts|poe)\b)/;

function pyprojectChange(relative: string, before: string | undefined, after: string): string | undefined {
  const sections = (text: string | undefined): string => {
    const kept: string[] = [];
    let inside = false;
    for (const line of (text ?? '').split(/\r?\n/)) {
      if (/^\s*\[/.test(line)) inside = PYPROJECT_SECTIONS.test(line);
      if (inside) kept.push(line.trim());
    }
    return kept.join('\n');
  };
  return sections(before) !== sections(after) ? `${relative}: the edit changes entry points, the build backend or tool plugins` : undefined;
}

function changedLines(before: string | undefined, after: string, pattern: RegExp): boolean {
  const pick = (text: string | undefined): string => (text ?? '').split(/\r?\n/).filter((l) => pattern.test(l)).map((l) => l.trim()).join('\n');
  return pick(before) !== pick(after);
}
