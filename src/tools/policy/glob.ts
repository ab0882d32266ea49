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
