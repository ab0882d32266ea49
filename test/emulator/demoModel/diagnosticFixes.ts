// Fixes and explanations for the compiler problems the demo model understands. A fix changes only the
// line the problem is on, and only in the way the message asks; anything else gets an honest "no".

export interface DiagnosticView {
  message: string;
  /** e.g. "ts 2552" (source and code), possibly empty. */
  origin: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  severity: string;
}

export interface DiagnosticFix {
  /** The new line, or null to delete the line. */
  after: string | null;
  /** One sentence: what was wrong and what changed. */
  why: string;
}

/** Replaces the occurrence of word `from` nearest to `column` (1-based) with `to`. */
function replaceWordNear(line: string, from: string, to: string, column: number): string | undefined {
  const pattern = new RegExp(`(?<![\\w$])${from.replace(/[$]/g, '\\$')}(?![\\w$])`, 'g');
  let best: number | undefined;
  for (const match of line.matchAll(pattern)) {
    if (best === undefined || Math.abs(match.index - (column - 1)) < Math.abs(best - (column - 1))) best = match.index;
  }
  return best === undefined ? undefined : line.slice(0, best) + to + line.slice(best + from.length);
}

function fixMisspelling(line: string, d: DiagnosticView): DiagnosticFix | undefined {
  const m = /(?:Cannot find name|Property) '([\w$]+)'.*Did you mean '([\w$]+)'\?/.exec(d.message);
  if (!m) return undefined;
  const [, wrong = '', right = ''] = m;
  const after = replaceWordNear(line, wrong, right, d.column);
  return after === undefined ? undefined : { after, why: `\`${wrong}\` is a misspelling of \`${right}\`` };
}

function fixNumberInQuotes(line: string, d: DiagnosticView): DiagnosticFix | undefined {
  if (!/Type '(?:string|"[^"]*")' is not assignable to type 'number'/.test(d.message)) return undefined;
  const m = /(['"`])(-?\d+(?:\.\d+)?)\1/.exec(line);
  if (!m) return undefined;
  return { after: line.replace(m[0], m[2] ?? ''), why: `\`${m[0]}\` is a string; the declared type is a number, so the quotes go` };
}

function fixUnusedDeclaration(line: string, d: DiagnosticView): DiagnosticFix | undefined {
  const m = /'([\w$]+)' is declared but (?:its value is )?never (?:read|used)/.exec(d.message);
  if (!m) return undefined;
  const name = m[1] ?? '';
  const braces = /\{([^}]*)\}/.exec(line);
  if (braces) {
    const names = (braces[1] ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    if (names.length > 1 && names.includes(name)) {
      return { after: line.replace(braces[0], `{ ${names.filter((n) => n !== name).join(', ')} }`), why: `\`${name}\` is imported but never used` };
    }
  }
  if (new RegExp(`^\\s*(?:import|const|let|var)\\b[^;]*\\b${name.replace(/[$]/g, '\\$')}\\b[^;]*;?\\s*$`).test(line)) {
    return { after: null, why: `\`${name}\` is declared but never used` };
  }
  return undefined;
}

const FIXERS = [fixMisspelling, fixNumberInQuotes, fixUnusedDeclaration];

/** The fix for `d` on `line`, or undefined when the demo model does not know one. */
export function fixDiagnostic(line: string, d: DiagnosticView): DiagnosticFix | undefined {
  for (const fixer of FIXERS) {
    const fix = fixer(line, d);
    if (fix) return fix;
  }
  return undefined;
}

/** A short markdown explanation of `d` for the line it is on. */
export function explainDiagnostic(d: DiagnosticView, line: string | undefined): string {
  const fix = line === undefined ? undefined : fixDiagnostic(line, d);
  const where = `line ${d.line}${d.origin ? ` (${d.origin})` : ''}`;
  const misspelt = /Cannot find name '([\w$]+)'/.exec(d.message);
  const meaning = misspelt
    ? `Nothing named \`${misspelt[1]}\` is in scope here, so this line would throw a \`ReferenceError\` when it runs.`
    : /is not assignable to type/.test(d.message)
      ? 'The value does not have the type the declaration asks for.'
      : /declared but/.test(d.message)
        ? 'The name is never used, so it can go.'
        : 'This is what the compiler reports; the demo model has no more to say about this kind of problem.';
  const parts = [`**${d.message}** — ${where}.`, '', meaning];
  if (fix && line !== undefined) {
    parts.push('', `**Fix:** ${fix.why}.`, '', '```diff', `- ${line.trim()}`, ...(fix.after === null ? [] : [`+ ${fix.after.trim()}`]), '```');
  }
  return parts.join('\n');
}
