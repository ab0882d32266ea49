/**
 * Glob matching for the policy (VS Code globs, ignore files, and globs the model writes in commands),
 * on `picomatch`. Model text reaches this module, so it never throws: a pattern picomatch cannot
 * compile matches only itself, literally. Compiled patterns live in a small bounded cache (model text
 * would otherwise grow it without limit). Paths are matched with forward slashes; dotfiles match
 * (`dot: true`), which for the policy errs on the side of matching more.
 */
import picomatch from 'picomatch';

const CACHE_LIMIT = 500;
const cache = new Map<string, RegExp>();

export interface GlobOptions {
  caseInsensitive?: boolean;
}

export function globToRegExp(glob: string, options: GlobOptions = {}): RegExp {
  const key = `${options.caseInsensitive ? 'i' : 's'}:${glob}`;
  const cached = cache.get(key);
  if (cached) {
    // Refresh its place: the cache drops the least recently used pattern first.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const regex = compile(glob, options);
  cache.set(key, regex);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return regex;
}

export function matchesGlob(path: string, glob: string, options: GlobOptions = {}): boolean {
  return globToRegExp(glob, options).test(path);
}

/** How many compiled patterns are cached (for the test that proves the bound). */
export function globCacheSize(): number {
  return cache.size;
}

function compile(glob: string, options: GlobOptions): RegExp {
  // Bash (and gitignore) negate a class with `[!…]`; picomatch reads that literally, so say `[^…]`.
  const normalized = glob.replace(/(^|[^\\])\[!/g, '$1[^');
  try {
    return picomatch.makeRe(normalized, { dot: true, nocase: options.caseInsensitive === true });
  } catch {
    return new RegExp(`^${glob.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, options.caseInsensitive ? 'i' : '');
  }
}

/**
 * A tool's glob as it applies to one folder of the workspace. In a multi-root workspace a glob whose
 * first segment names a folder (`web/src/**`) applies to that folder only, without the name (as paths
 * do, see PathPolicy.locate); any other glob applies to every folder as it is. Undefined: not this folder.
 */
export function globForFolder(glob: string, folder: { name: string }, folders: readonly { name: string }[]): string | undefined {
  if (folders.length < 2) return glob;
  const slash = glob.indexOf('/');
  const first = slash < 0 ? glob : glob.slice(0, slash);
  if (!folders.some((f) => f.name === first)) return glob;
  if (first !== folder.name) return undefined;
  return slash < 0 ? '**' : glob.slice(slash + 1) || '**';
}
