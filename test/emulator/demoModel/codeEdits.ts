// The demo model's hands: small, honest code transformations on real file text. Each one does
// exactly what its name says, or returns undefined when it does not apply, so the model can say
// "I cannot do that here" instead of changing something else.

/** A function-like declaration found on one line. */
export interface FunctionLine {
  /** 0-based line index. */
  index: number;
  name: string;
  params: string[];
  indent: string;
  isAsync: boolean;
}

const JS_DECLARATIONS: RegExp[] = [
  // function name(a, b) / export default async function* name(a)
  /^(\s*)(?:export\s+)?(?:default\s+)?(async\s+)?function\s*\*?\s*([\w$]+)\s*(?:<[^>]*>)?\s*\(([^)]*)\)/,
  // const name = async (a, b) => / const name = a =>
  /^(\s*)(?:export\s+)?(?:const|let|var)\s+([\w$]+)\s*(?::[^=]+)?=\s*(async\s+)?(?:\(([^)]*)\)|([\w$]+))\s*(?::[^=]+)?=>/,
  // const name = async function (a)
  /^(\s*)(?:export\s+)?(?:const|let|var)\s+([\w$]+)\s*=\s*(async\s+)?function\b[^(]*\(([^)]*)\)/,
  // class members: async name(a) {   (not if/for/while/switch/catch/return)
  /^(\s*)(?:(?:public|private|protected|static|override|readonly)\s+)*(async\s+)?(?!if\b|for\b|while\b|switch\b|catch\b|return\b|function\b)([\w$]+)\s*\(([^)]*)\)\s*(?::\s*[^{]+)?\{\s*$/,
];
const PY_DECLARATION = /^(\s*)(async\s+)?def\s+(\w+)\s*\(([^)]*)\)/;

function splitParams(raw: string): string[] {
  return raw
    .split(',')
    .map((p) => p.trim().replace(/^\.\.\./, '').replace(/[:=?].*$/s, '').trim())
    .filter((p) => /^[\w$]+$/.test(p) && p !== 'self' && p !== 'this');
}

/** The function-like declaration on `line`, if there is one. */
export function functionOnLine(line: string, index: number, language: string): FunctionLine | undefined {
  if (language === 'python') {
    const m = PY_DECLARATION.exec(line);
    return m ? { index, indent: m[1] ?? '', isAsync: Boolean(m[2]), name: m[3] ?? '', params: splitParams(m[4] ?? '') } : undefined;
  }
  const [fn, arrow, fnExpr, member] = JS_DECLARATIONS.map((re) => re.exec(line));
  if (fn) return { index, indent: fn[1] ?? '', isAsync: Boolean(fn[2]), name: fn[3] ?? '', params: splitParams(fn[4] ?? '') };
  if (arrow) return { index, indent: arrow[1] ?? '', isAsync: Boolean(arrow[3]), name: arrow[2] ?? '', params: splitParams(arrow[4] ?? arrow[5] ?? '') };
  if (fnExpr) return { index, indent: fnExpr[1] ?? '', isAsync: Boolean(fnExpr[3]), name: fnExpr[2] ?? '', params: splitParams(fnExpr[4] ?? '') };
  if (member) return { index, indent: member[1] ?? '', isAsync: Boolean(member[2]), name: member[3] ?? '', params: splitParams(member[4] ?? '') };
  return undefined;
}

export function findFunctions(lines: readonly string[], language: string): FunctionLine[] {
  return lines.flatMap((line, index) => functionOnLine(line, index, language) ?? []);
}

/** The language of a path, as far as the demo model cares. */
export function languageOf(path: string): string {
  if (/\.py$/i.test(path)) return 'python';
  if (/\.(ts|tsx|mts|cts)$/i.test(path)) return 'typescript';
  return 'javascript';
}

const VERBS = new Set([
  'add', 'apply', 'build', 'calculate', 'check', 'compute', 'convert', 'create', 'delete', 'find', 'format', 'get', 'handle', 'load', 'make',
  'parse', 'print', 'read', 'remove', 'render', 'reset', 'run', 'save', 'send', 'set', 'show', 'sort', 'start', 'stop', 'update', 'validate', 'write',
]);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_$]+/g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

function thirdPerson(verb: string): string {
  if (/(s|sh|ch|x|z)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** "applyDiscount" → "Applies the discount."; "subtotal" → "Returns the subtotal."; "isEmpty" → "Tells whether empty." */
export function describeName(name: string): string {
  const [first = name, ...rest] = words(name);
  const object = rest.join(' ');
  if (first === 'is' || first === 'has' || first === 'can' || first === 'should') return `Tells whether ${first === 'is' ? '' : `it ${first} `}${object || 'so'}.`;
  if (first === 'to' && object) return `Converts to ${object}.`;
  if (VERBS.has(first)) {
    const sentence = `${thirdPerson(first)}${object ? ` the ${object}` : ''}.`;
    return sentence.charAt(0).toUpperCase() + sentence.slice(1);
  }
  return `Returns the ${[first, ...rest].join(' ')}.`;
}

function bodyReturnsValue(lines: readonly string[], fn: FunctionLine): boolean {
  if (/=>\s*[^{\s]/.test(lines[fn.index] ?? '')) return true;
  for (let i = fn.index + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() !== '' && line.length - line.trimStart().length <= fn.indent.length && /^\s*[}\])]/.test(line)) break;
    if (/\breturn\s+[^;\s]/.test(line)) return true;
  }
  return false;
}

function hasDocAbove(lines: readonly string[], index: number, language: string): boolean {
  const above = (lines[index - 1] ?? '').trim();
  if (language === 'python') return /^("""|''')/.test((lines[index + 1] ?? '').trim());
  return above.endsWith('*/') || above.startsWith('//') || above.startsWith('@');
}

export function docCommentFor(fn: FunctionLine, lines: readonly string[], language: string): string[] {
  const summary = describeName(fn.name);
  if (language === 'python') return [`${fn.indent}    """${summary}"""`];
  const tags = fn.params.map((p) => `${fn.indent} * @param ${p}`);
  if (bodyReturnsValue(lines, fn)) tags.push(`${fn.indent} * @returns ${/^Returns /.test(summary) ? summary.replace(/^Returns /, '').replace(/\.$/, '') : 'the result'}`);
  if (tags.length === 0) return [`${fn.indent}/** ${summary} */`];
  return [`${fn.indent}/**`, `${fn.indent} * ${summary}`, ...tags, `${fn.indent} */`];
}

/** Adds a doc comment above every function in `lines` that has none. Undefined when there is nothing to add. */
export function addDocComments(lines: readonly string[], language: string): { lines: string[]; documented: string[] } | undefined {
  const functions = findFunctions(lines, language).filter((fn) => !hasDocAbove(lines, fn.index, language));
  if (functions.length === 0) return undefined;
  const out: string[] = [];
  lines.forEach((line, index) => {
    const fn = functions.find((f) => f.index === index);
    if (fn && language !== 'python') out.push(...docCommentFor(fn, lines, language));
    out.push(line);
    if (fn && language === 'python') out.push(...docCommentFor(fn, lines, language));
  });
  return { lines: out, documented: functions.map((f) => f.name) };
}

/** Renames the identifier `from` to `to` (whole words only). Undefined when `from` does not occur. */
export function renameIdentifier(lines: readonly string[], from: string, to: string): { lines: string[]; count: number } | undefined {
  const pattern = new RegExp(`(?<![\\w$])${from.replace(/[$]/g, '\\$')}(?![\\w$])`, 'g');
  let count = 0;
  const out = lines.map((line) =>
    line.replace(pattern, () => {
      count++;
      return to;
    }),
  );
  return count > 0 ? { lines: out, count } : undefined;
}

/** Makes every function in `lines` async (Python: `async def`). Undefined when there is none to change. */
export function makeAsync(lines: readonly string[], language: string): { lines: string[]; changed: string[] } | undefined {
  const functions = findFunctions(lines, language).filter((fn) => !fn.isAsync);
  if (functions.length === 0) return undefined;
  const out = [...lines];
  for (const fn of functions) {
    const line = out[fn.index] ?? '';
    out[fn.index] =
      language === 'python'
        ? line.replace(/\bdef\b/, 'async def')
        : /\bfunction\b/.test(line)
          ? line.replace(/\bfunction\b/, 'async function')
          : /=\s*(\(|[\w$]+\s*=>)/.test(line)
            ? line.replace(/=\s*(?=\(|[\w$]+\s*=>)/, '= async ')
            : line.replace(new RegExp(`(^\\s*(?:(?:public|private|protected|static|override)\\s+)*)${fn.name}\\s*\\(`), `$1async ${fn.name}(`);
  }
  return { lines: out, changed: functions.map((f) => f.name) };
}

/** A bug the demo model knows how to spot in a loop, with the fix and why. */
export interface LineFix {
  index: number;
  before: string;
  after: string;
  why: string;
}

const LOOP_BUGS: Array<{ pattern: RegExp; fix: (line: string) => string; why: (line: string) => string }> = [
  {
    // for (let i = 1; i < items.length; i++) skips the first element.
    pattern: /for\s*\(\s*(?:let|var)\s+(\w+)\s*=\s*1\s*;\s*\1\s*<\s*[\w$.]+\.length/,
    fix: (line) => line.replace(/(for\s*\(\s*(?:let|var)\s+\w+\s*=\s*)1/, '$10'),
    why: () => 'the loop starts at index 1, so the first item is never counted; arrays start at 0',
  },
  {
    // for (let i = 0; i <= items.length; i++) reads one past the end.
    pattern: /for\s*\(\s*(?:let|var)\s+(\w+)\s*=\s*0\s*;\s*\1\s*<=\s*[\w$.]+\.length/,
    fix: (line) => line.replace(/<=(\s*[\w$.]+\.length)/, '<$1'),
    why: () => 'the loop runs while `i <= length`, one step past the last item',
  },
];

/** Looks for a known loop bug in lines [from, to). */
export function findLoopBug(lines: readonly string[], from = 0, to = lines.length): LineFix | undefined {
  for (let index = from; index < Math.min(to, lines.length); index++) {
    const line = lines[index] ?? '';
    const bug = LOOP_BUGS.find((b) => b.pattern.test(line));
    if (bug) return { index, before: line, after: bug.fix(line), why: bug.why(line) };
  }
  return undefined;
}

/** Lines [start, end) of the function declared at `start`: up to the first line back at its indentation that closes it. */
export function functionExtent(lines: readonly string[], fn: FunctionLine): { start: number; end: number } {
  for (let i = fn.index + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    if (indent <= fn.indent.length && /^\s*[}\])]/.test(line)) return { start: fn.index, end: i + 1 };
    if (indent <= fn.indent.length && !/^\s*[}\])]/.test(line)) return { start: fn.index, end: i };
  }
  return { start: fn.index, end: lines.length };
}
