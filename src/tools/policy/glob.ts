/**
 * A small glob matcher (the subset VS Code globs and ignore files use): `*` and `?` within one path
 * segment, `**` across segments, `[abc]` / `[!abc]` classes and `{a,b}` alternatives. Written here
 * rather than pulled in as a dependency because the policy must behave identically in the extension
 * bundle and in tests, and the subset is small. Paths are matched with forward slashes.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string, options: { caseInsensitive?: boolean } = {}): RegExp {
  const key = `${options.caseInsensitive ? 'i' : 's'}:${glob}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const regex = new RegExp(`^${translate(glob)}$`, options.caseInsensitive ? 'i' : '');
  cache.set(key, regex);
  return regex;
}

export function matchesGlob(path: string, glob: string, options: { caseInsensitive?: boolean } = {}): boolean {
  return globToRegExp(glob, options).test(path);
}

function translate(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**` as a whole segment matches zero or more segments; elsewhere it behaves like `*`.
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (glob[i + 2] === '/') {
            out += '(?:.*/)?';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
        i += 1;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
      out += negated ? `[^/${body}]` : `[${body}]`;
      i = close;
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else if (c === '\\' && i + 1 < glob.length) {
      i++;
      out += escapeRegExp(glob[i]!);
    } else {
      out += escapeRegExp(c);
    }
  }
  while (braceDepth-- > 0) out += ')';
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
