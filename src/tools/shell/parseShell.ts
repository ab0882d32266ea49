/**
 * A strict parser for the subset of bash that agent commands are written in, so that command policy
 * decides on what bash would actually run rather than on the raw string. It understands quoting and
 * escapes (also `$'…'` and `$"…"`), the list and pipeline operators (`&&`, `||`, `;`, `&`, `|`, `|&`,
 * newlines), `( subshells )`, redirects, and the commands inside `$(…)`, backticks and `<(…)`.
 * Anything outside that subset is a ShellParseError and policy asks: heredocs, `if`/`for`/`case`,
 * `{ groups; }`, control characters (bash reads a carriage return as part of a word), `${…}` beyond
 * plain defaults, and arithmetic that names a variable (bash evaluates a variable's value, subscripts
 * and their `$(…)` included). Why a hand-written parser and not a library: see ./README.md.
 * (Slightly over 400 lines: one grammar, kept in one place so that its subset is visible at once.)
 */

export class ShellParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellParseError';
  }
}

export interface Word {
  /** The word after quote removal; expansions stay in their source form (`$HOME`, `$(…)`). */
  text: string;
  /** Contains an expansion whose value is only known at run time ($VAR, $(…), `…`, {a,b}, $'…'). */
  dynamic: boolean;
  /** Unquoted `*`, `?` or `[` (a glob the shell expands). */
  glob: boolean;
  /** Commands that run while the word is expanded ($(…), `…`, <(…), >(…)). */
  substitutions: Script[];
  /** Names of the variables the word expands (`$HOME` → HOME). */
  params: string[];
  /** Unquoted brace expansion (`{a,b}`, `{1..3}`): the word stands for several words. */
  brace: boolean;
  /** Starts with an unquoted `~` (a home directory). */
  tilde: boolean;
}

export interface Redirect {
  /** `>`, `>>`, `>|`, `<`, `<>`, `&>`, `&>>`, `<<<`, `>&`, `<&`. */
  op: string;
  target: Word;
}

export interface SimpleCommand {
  kind: 'simple';
  /** Leading `NAME=value` words. */
  assignments: Word[];
  words: Word[];
  redirects: Redirect[];
}

export interface SubshellCommand {
  kind: 'subshell';
  body: Script;
  redirects: Redirect[];
}

export type Command = SimpleCommand | SubshellCommand;

export interface Pipeline {
  commands: Command[];
  /** The operator after the pipeline: `&&`, `||`, `;`, `&`, a newline, or '' at the end. */
  next: string;
}

/** A list of pipelines; how they are joined (`&&`, `;`, …) does not matter to policy: each may run. */
export interface Script {
  pipelines: Pipeline[];
}

const MAX_DEPTH = 16;
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', '[[', ']]', '{', '}', '!', 'coproc']);
/** Bash reads these as word characters (a carriage return too), where a reader may see a blank. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029]/;

export function parseShell(source: string, depth = 0): Script {
  if (depth > MAX_DEPTH) throw new ShellParseError('commands are nested too deeply');
  const control = CONTROL.exec(source);
  if (control) throw new ShellParseError(`the command contains a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')})`);
  const parser = new Parser(source, depth);
  const script = parser.parseScript(undefined);
  return script;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly depth: number,
  ) {}

  parseScript(closing: ')' | undefined): Script {
    const pipelines: Pipeline[] = [];
    let expectCommand = false;
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === undefined) {
        if (closing) throw new ShellParseError(`missing '${closing}'`);
        if (expectCommand) throw new ShellParseError('an operator is missing its command');
        break;
      }
      if (c === closing) {
        if (expectCommand) throw new ShellParseError('an operator is missing its command');
        break;
      }
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (c === '\n' || c === ';') {
        if (this.src.startsWith(';;', this.pos)) throw new ShellParseError("unexpected ';;'");
        this.setNext(pipelines, c);
        this.pos++;
        continue;
      }
      if (c === '&' && !this.src.startsWith('&&', this.pos) && !this.src.startsWith('&>', this.pos)) {
        if (pipelines.length === 0) throw new ShellParseError("unexpected '&'");
        this.setNext(pipelines, '&');
        this.pos++;
        continue;
      }
      if (c === ')') throw new ShellParseError("unexpected ')'");
      if (this.src.startsWith('&&', this.pos) || this.src.startsWith('||', this.pos) || c === '|') {
        throw new ShellParseError(`unexpected '${this.src.slice(this.pos, this.pos + 2)}'`);
      }
      pipelines.push(this.parsePipeline());
      expectCommand = false;
      this.skipBlanks();
      if (this.src.startsWith('&&', this.pos) || this.src.startsWith('||', this.pos)) {
        pipelines[pipelines.length - 1]!.next = this.src.slice(this.pos, this.pos + 2);
        this.pos += 2;
        expectCommand = true;
        // A newline may follow `&&` / `||` before the next command.
        while (this.peek() === '\n' || this.peek() === ' ' || this.peek() === '\t') this.pos++;
      }
    }
    return { pipelines };
  }

  /** Records the operator after the last pipeline (the first one wins: `a &\n` is background). */
  private setNext(pipelines: Pipeline[], op: string): void {
    const last = pipelines[pipelines.length - 1];
    if (last && last.next === '') last.next = op;
  }

  private parsePipeline(): Pipeline {
    const commands: Command[] = [this.parseCommand()];
    for (;;) {
      this.skipBlanks();
      if (this.src.startsWith('||', this.pos)) break;
      if (this.src.startsWith('|&', this.pos)) this.pos += 2;
      else if (this.peek() === '|') this.pos += 1;
      else break;
      this.skipBlanks();
      while (this.peek() === '\n') {
        this.pos++;
        this.skipBlanks();
      }
      commands.push(this.parseCommand());
    }
    return { commands, next: '' };
  }

  private parseCommand(): Command {
    this.skipBlanks();
    if (this.peek() === '(') {
      if (this.src.startsWith('((', this.pos)) throw new ShellParseError('arithmetic commands (( … )) are not supported');
      this.pos++;
      const body = this.parseScript(')');
      this.expect(')');
      const redirects: Redirect[] = [];
      for (;;) {
        this.skipBlanks();
        const redirect = this.tryRedirect();
        if (!redirect) break;
        redirects.push(redirect);
      }
      return { kind: 'subshell', body, redirects };
    }
    const assignments: Word[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === undefined || c === '\n' || c === ';' || c === '|' || c === ')') break;
      if (c === '&' && !this.src.startsWith('&>', this.pos)) break;
      if (c === '(') throw new ShellParseError("unexpected '(' (functions and arrays are not supported)");
      const redirect = this.tryRedirect();
      if (redirect) {
        redirects.push(redirect);
        continue;
      }
      if (c === '#') {
        // A word starting with '#' starts a comment: the rest of the line never runs.
        this.skipComment();
        break;
      }
      const start = this.pos;
      const word = this.parseWord();
      const raw = this.src.slice(start, this.pos);
      if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(raw)) {
        assignments.push(word);
        continue;
      }
      if (words.length === 0 && RESERVED.has(raw)) {
        throw new ShellParseError(`shell syntax '${raw}' is not supported`);
      }
      words.push(word);
    }
    if (words.length === 0 && assignments.length === 0 && redirects.length === 0) {
      throw new ShellParseError('an operator is missing its command');
    }
    return { kind: 'simple', assignments, words, redirects };
  }

  /** A redirect at the cursor (with an optional fd number before it), or undefined. */
  private tryRedirect(): Redirect | undefined {
    const match = /^(\d*)(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/.exec(this.src.slice(this.pos, this.pos + 8));
    if (!match) return undefined;
    const [whole, fd, op] = match as unknown as [string, string, string];
    if (fd === '' && (this.src[this.pos] === '<' || this.src[this.pos] === '>') && this.src[this.pos + 1] === '(') {
      return undefined; // process substitution: a word, not a redirect
    }
    if (op === '<<' || op === '<<-') throw new ShellParseError('heredocs (<<) are not supported');
    this.pos += whole.length;
    this.skipBlanks();
    const c = this.peek();
    if (c === undefined || '\n;|&)'.includes(c)) throw new ShellParseError(`redirect '${op}' is missing its target`);
    if (c === '#') throw new ShellParseError(`bash reads '#' after '${op}' as a comment`);
    const target = this.parseWord();
    return { op, target };
  }

  private parseWord(): Word {
    const word: Word = { text: '', dynamic: false, glob: false, substitutions: [], params: [], brace: false, tilde: this.peek() === '~' };
    const startPos = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === ')') break;
      if (c === '<' || c === '>') {
        if (this.src[this.pos + 1] === '(' && this.pos === startPos) {
          // Process substitution <(…) / >(…): the inner command runs.
          this.pos += 2;
          word.substitutions.push(this.parseNested(')'));
          word.text += `${c}(…)`;
          word.dynamic = true;
          continue;
        }
        break;
      }
      if (c === '(') throw new ShellParseError("unexpected '(' inside a word");
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        this.pos += 2;
        if (next === undefined) throw new ShellParseError('the command ends with a lone backslash');
        if (next !== '\n') word.text += next;
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end === -1) throw new ShellParseError('unclosed single quote');
        word.text += this.src.slice(this.pos + 1, end);
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        this.parseDoubleQuoted(word);
        continue;
      }
      if (c === '`') {
        this.parseBackticks(word);
        continue;
      }
      if (c === '$') {
        this.parseDollar(word, false);
        continue;
      }
      if (c === '*' || c === '?' || c === '[') word.glob = true;
      if (c === '{' && /^\{[^{}\s]*(,|\.\.)[^{}\s]*\}/.test(this.src.slice(this.pos))) word.dynamic = word.brace = true;
      word.text += c;
      this.pos++;
    }
    return word;
  }

  private parseDoubleQuoted(word: Word): void {
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new ShellParseError('unclosed double quote');
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        if (next === undefined) throw new ShellParseError('unclosed double quote');
        if ('$`"\\'.includes(next)) word.text += next;
        else if (next !== '\n') word.text += `\\${next}`;
        this.pos += 2;
        continue;
      }
      if (c === '`') {
        this.parseBackticks(word);
        continue;
      }
      if (c === '$') {
        this.parseDollar(word, true);
        continue;
      }
      word.text += c;
      this.pos++;
    }
  }

  private parseDollar(word: Word, quoted: boolean): void {
    const next = this.src[this.pos + 1];
    if (next === '(' && this.src[this.pos + 2] === '(') {
      this.parseArithmetic(word);
      return;
    }
    if (next === '(') {
      const start = this.pos;
      this.pos += 2;
      word.substitutions.push(this.parseNested(')'));
      word.text += this.src.slice(start, this.pos);
      word.dynamic = true;
      return;
    }
    if (next === '[') throw new ShellParseError('the old arithmetic form $[ … ] is not supported');
    if (next === '{') {
      this.parseBraced(word);
      return;
    }
    if (!quoted && next === "'") {
      // ANSI-C string: backslash escapes, `\'` among them, so the closing quote is the first unescaped one.
      let i = this.pos + 2;
      while (this.src[i] !== "'") {
        if (this.src[i] === undefined) throw new ShellParseError("unclosed $'");
        i += this.src[i] === '\\' ? 2 : 1;
      }
      word.text += this.src.slice(this.pos, i + 1);
      word.dynamic = true;
      this.pos = i + 1;
      return;
    }
    if (!quoted && next === '"') {
      // Locale string: a double-quoted string, expansions included, that a translation may replace.
      this.pos += 2;
      this.parseDoubleQuoted(word);
      word.dynamic = true;
      return;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(this.src.slice(this.pos + 1));
    if (name) {
      word.text += `$${name[0]}`;
      word.dynamic = true;
      word.params.push(name[0]);
      this.pos += 1 + name[0].length;
      return;
    }
    word.text += '$';
    this.pos++;
  }

  /** `$(( … ))` over numbers and operators only: bash evaluates a named variable's value, and `$(…)` in its subscripts. */
  private parseArithmetic(word: Word): void {
    let depth = 0;
    let i = this.pos + 3;
    for (; i < this.src.length; i++) {
      const c = this.src[i]!;
      if (c === '(') depth++;
      else if (c === ')' && depth === 0) break;
      else if (c === ')') depth--;
      else if (!/[0-9 \t+\-*/%<>=!&|^~?:,]/.test(c)) throw new ShellParseError('arithmetic $(( … )) on anything but numbers is not supported');
    }
    if (this.src[i] !== ')' || this.src[i + 1] !== ')') throw new ShellParseError('unclosed $((');
    word.text += this.src.slice(this.pos, i + 2);
    word.dynamic = true;
    this.pos = i + 2;
  }

  /** `${NAME}`, `${#NAME}` and `${NAME<op>word}` with a plain word; subscripts, offsets, quotes and nesting ask. */
  private parseBraced(word: Word): void {
    const match = /^\$\{(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])((?::?[-=?+]|##?|%%?|\/\/?|\^\^?|,,?)[^'"\\`$(){}[\]]*)?\}/.exec(this.src.slice(this.pos));
    if (!match) {
      const inner = this.src.slice(this.pos, this.src.indexOf('}', this.pos) + 1 || undefined);
      if (/\$\(|`/.test(inner)) throw new ShellParseError('commands inside ${ … } are not supported');
      throw new ShellParseError('this ${…} expansion is not supported (only ${NAME}, ${#NAME} and ${NAME:-word} with a plain word)');
    }
    word.text += match[0];
    word.dynamic = true;
    word.params.push(match[2]!);
    this.pos += match[0].length;
  }

  private parseBackticks(word: Word): void {
    let inner = '';
    let i = this.pos + 1;
    for (;;) {
      const c = this.src[i];
      if (c === undefined) throw new ShellParseError('unclosed backtick');
      if (c === '\\' && (this.src[i + 1] === '`' || this.src[i + 1] === '\\' || this.src[i + 1] === '$')) {
        inner += this.src[i + 1];
        i += 2;
        continue;
      }
      if (c === '`') break;
      inner += c;
      i++;
    }
    word.substitutions.push(parseShell(inner, this.depth + 1));
    word.text += this.src.slice(this.pos, i + 1);
    word.dynamic = true;
    this.pos = i + 1;
  }

  /** Parses a nested script at the cursor up to the matching `)`, consuming it. */
  private parseNested(closing: ')'): Script {
    if (this.depth + 1 > MAX_DEPTH) throw new ShellParseError('commands are nested too deeply');
    const nested = new Parser(this.src, this.depth + 1);
    nested.pos = this.pos;
    const script = nested.parseScript(closing);
    nested.expect(closing);
    this.pos = nested.pos;
    return script;
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw new ShellParseError(`expected '${c}'`);
    this.pos++;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else break;
    }
  }

  private skipComment(): void {
    while (this.peek() !== undefined && this.peek() !== '\n') this.pos++;
  }
}
