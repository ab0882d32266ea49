/**
 * Which words of a command are paths, and what the command does with each: reads its content, lists
 * names, reads a whole tree, or writes. Programs this table does not know are judged the careful way:
 * every operand (and every `--option=value`) may be a path it reads, and may be one it writes.
 */
import { type CommandPart, commandName, type WordInfo } from './analyzeCommand';

export type PathUse = 'read' | 'list' | 'recursive' | 'write';

export interface PathArgument {
  text: string;
  info: WordInfo;
  use: PathUse;
  /** A recursive read that skips hidden and ignored files (ripgrep's default). */
  skipsIgnored?: boolean;
  /** Also written, for programs we do not know: a protected file among its operands asks. */
  mayWrite?: boolean;
}

export interface PathModel {
  paths: PathArgument[];
  /** Known to change nothing on disk (no writes, nothing it runs). */
  readOnly: boolean;
  /** Workspace files it changes without naming them (`git checkout`, `prettier --write .`): asks under edit review. */
  unnamedWrites: string[];
}

const NOT_A_PATH = new Set([
  'echo', 'printf', 'true', 'false', ':', 'pwd', 'cd', 'pushd', 'popd', 'sleep', 'date', 'whoami', 'id', 'uname', 'seq', 'basename',
  'dirname', 'which', 'type', 'expr', 'nproc', 'arch', 'tty', 'exit', 'tr', 'yes', 'hostname', 'command', 'dirs', 'wait', 'jobs',
]);
const READERS = new Set([
  'cat', 'tac', 'head', 'tail', 'less', 'more', 'nl', 'wc', 'cut', 'paste', 'diff', 'cmp', 'comm', 'md5sum', 'sha1sum', 'sha256sum',
  'sha512sum', 'cksum', 'base64', 'base32', 'xxd', 'od', 'hexdump', 'strings', 'column', 'fold', 'fmt', 'expand', 'unexpand', 'rev', 'iconv',
]);
const LISTERS = new Set(['ls', 'stat', 'du', 'tree', 'file', 'realpath', 'readlink', 'test', '[']);
/** Programs that write every operand (after the ones named in `leadingNonPaths`). */
const WRITERS: Record<string, number> = {
  touch: 0, mkdir: 0, rm: 0, rmdir: 0, unlink: 0, truncate: 0, shred: 0, tee: 0, chmod: 1, chown: 1, chgrp: 1, gzip: 0, gunzip: 0,
  bzip2: 0, bunzip2: 0, xz: 0, unxz: 0, zstd: 0, split: 0, csplit: 0, mkfifo: 0, mknod: 0, setfacl: 1, chattr: 1,
};
/** Options that take the next word as their value, per program (so the value is not taken for an operand). */
const VALUE_OPTIONS: Record<string, string[]> = {
  grep: ['-e', '-f', '-m', '-A', '-B', '-C', '-d', '-D', '--include', '--exclude', '--exclude-dir', '--regexp', '--file', '--max-count', '--color', '--colour'],
  rg: ['-e', '-f', '-g', '-t', '-T', '-m', '-A', '-B', '-C', '-M', '-j', '--glob', '--iglob', '--type', '--type-not', '--regexp', '--file', '--max-count', '--max-columns', '--threads', '--sort', '--sortr', '--context', '--max-depth', '--color', '--colors', '--replace', '-r', '--pre', '--ignore-file'],
  head: ['-n', '-c'], tail: ['-n', '-c'], cut: ['-d', '-f', '-c', '-b'], sort: ['-k', '-t', '-o', '-S', '-T', '--output'], wc: [], diff: ['-U', '-C', '-x', '-X'],
  ls: ['-I', '--ignore', '-w', '--sort', '--format', '--color', '--time-style', '-T'], du: ['-d', '--max-depth', '-B', '-t', '--exclude'], tree: ['-L', '-I', '-P', '-o'],
  jq: ['--arg', '--argjson', '--slurpfile', '--rawfile', '--indent', '-L', '--from-file', '-f'], xxd: ['-l', '-s', '-c', '-g'], od: ['-A', '-t', '-N', '-j'],
};

export function pathModel(part: CommandPart): PathModel {
  const name = part.words[0] === undefined ? '' : commandName(part.words[0]);
  const args = part.words.slice(1).map((text, i) => ({ text, info: part.wordInfo[i + 1]! }));
  const paths = redirectPaths(part);
  const redirectsWrite = paths.some((p) => p.use === 'write');
  const model = (own: PathArgument[], readOnly: boolean, unnamedWrites: string[] = []): PathModel => ({ paths: [...paths, ...own], readOnly: readOnly && !redirectsWrite, unnamedWrites });
  if (name === '' || NOT_A_PATH.has(name)) return model([], true);
  const ops = operands(args, VALUE_OPTIONS[name] ?? []);
  const as = (use: PathUse, list = ops): PathArgument[] => list.map((a) => ({ ...a, use }));

  if (READERS.has(name)) return model(as('read'), true);
  if (LISTERS.has(name)) return model(as('list'), true);
  if (name in WRITERS) return model(as('write', ops.slice(WRITERS[name])), false);
  switch (name) {
    case 'grep':
    case 'egrep':
    case 'fgrep':
      return model(grepPaths(args, ops), true);
    case 'rg':
      return model(ripgrepPaths(args, ops), !args.some((a) => a.text.startsWith('--pre')));
    case 'find':
      return model(findPaths(args), true);
    case 'sed': {
      // GNU sed's `e` and `w` commands are code execution and writes: codeExecution.ts asks for those.
      const inPlace = args.some((a) => /^-[a-zA-Z]*i|^--in-place/.test(a.text));
      const scriptGiven = args.some((a) => /^(-[a-zA-Z]*[ef]$|--expression|--file)/.test(a.text));
      const files = scriptGiven ? operands(args, ['-e', '-f', '--expression', '--file', '-l']) : operands(args, ['-e', '-f', '--expression', '--file', '-l']).slice(1);
      return model([...as(inPlace ? 'write' : 'read', files), ...(inPlace ? as('read', files) : []), ...optionValues(args, ['-f', '--file'], 'read')], !inPlace);
    }
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk': {
      const programGiven = args.some((a) => a.text === '-f' || a.text.startsWith('--file'));
      const files = operands(args, ['-f', '-v', '-F', '--file', '--assign', '--field-separator']).slice(programGiven ? 0 : 1);
      return model([...as('read', files.filter((f) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(f.text))), ...optionValues(args, ['-f', '--file'], 'read')], true);
    }
    case 'jq':
    case 'yq': {
      const filterGiven = args.some((a) => a.text === '-f' || a.text === '--from-file');
      return model(as('read', filterGiven ? ops : ops.slice(1)), true);
    }
    case 'sort':
      return model([...as('read'), ...optionValues(args, ['-o', '--output'], 'write')], !args.some((a) => /^(-o|--output)/.test(a.text)));
    case 'uniq':
      return model([...as('read', ops.slice(0, 1)), ...as('write', ops.slice(1, 2))], ops.length < 2);
    case 'cp':
    case 'mv':
    case 'ln':
    case 'install':
    case 'rsync':
    case 'scp':
      return model(copyPaths(name, args, ops), false);
    case 'dd':
      return model(
        args.flatMap((a) => (a.text.startsWith('of=') ? [{ text: a.text.slice(3), info: a.info, use: 'write' as PathUse }] : a.text.startsWith('if=') ? [{ text: a.text.slice(3), info: a.info, use: 'read' as PathUse }] : [])),
        false,
      );
    case 'tar':
    case 'zip':
    case 'unzip':
    case '7z':
      return model(archivePaths(name, args, ops), false);
    default: {
      // Unknown to this table: every operand and option value may be a path it reads or writes
      // (`git show HEAD:.env` and `scp host:path` name a path after the colon).
      const candidates = [...ops, ...args.flatMap(optionValue)];
      const afterColon = candidates.filter((a) => /^[^/]*:[^/]/.test(a.text)).map((a) => ({ text: a.text.slice(a.text.indexOf(':') + 1), info: a.info }));
      const writes = /^(--write|--fix|--in-place|--inplace|-w)$/;
      const rewrites = args.some((a) => writes.test(a.text)) || (name === 'git' && GIT_WRITES.test(ops[0]?.text ?? ''));
      // git's reading subcommands change no work-tree file (an index refresh aside) and run nothing that
      // the protected .git/config does not choose.
      const readOnly = name === 'git' && GIT_READS.test(ops[0]?.text ?? '') && args[0]?.text === ops[0]?.text;
      return model([...candidates, ...afterColon].map((a) => ({ ...a, use: 'read' as PathUse, mayWrite: true })), readOnly, rewrites ? [`the files '${part.words.join(' ')}' changes`] : []);
    }
  }
}

const plain: WordInfo = { dynamic: false, glob: false, brace: false, tilde: false };

/** Every redirect is a read or a write of its target, except fd duplications (`2>&1`) and here-strings. */
function redirectPaths(part: CommandPart): PathArgument[] {
  const paths: PathArgument[] = [];
  for (const redirect of part.redirects) {
    if (['>&', '<&'].includes(redirect.op) && /^(\d+|-)$/.test(redirect.target)) continue;
    if (redirect.op === '<<<') continue;
    const info: WordInfo = { dynamic: redirect.dynamic, glob: /[*?[]/.test(redirect.target), brace: false, tilde: redirect.target.startsWith('~') };
    paths.push({ text: redirect.target, info, use: redirect.op.startsWith('<') && redirect.op !== '<>' ? 'read' : 'write' });
  }
  return paths;
}
const GIT_READS = /^(status|diff|log|show|blame|shortlog|describe|rev-parse|ls-files|ls-tree|cat-file|grep)$/;
/** git subcommands that rewrite files in the work tree. */
const GIT_WRITES = /^(checkout|switch|restore|reset|stash|merge|pull|rebase|apply|am|cherry-pick|revert|mv|rm|clean|read-tree|checkout-index)$/;
type Arg = { text: string; info: WordInfo };

/** Operands: words that are not options nor option values (`--` ends the options). */
export function operands(args: Arg[], valueOptions: readonly string[]): Arg[] {
  const out: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--') return [...out, ...args.slice(i + 1)];
    if (text.startsWith('-') && text !== '-') {
      if (valueOptions.includes(text)) i++;
      continue;
    }
    out.push(args[i]!);
  }
  return out;
}

/** The value of `--opt=value`, and `@file` data arguments (curl and friends read the file). */
function optionValue(arg: Arg): Arg[] {
  const eq = /^--?[A-Za-z][\w-]*=(.+)$/.exec(arg.text);
  if (eq) return [{ text: eq[1]!.replace(/^@/, ''), info: arg.info }];
  if (/^@[^\s]/.test(arg.text)) return [{ text: arg.text.slice(1), info: arg.info }];
  return [];
}

function optionValues(args: Arg[], names: string[], use: PathUse): PathArgument[] {
  const out: PathArgument[] = [];
  args.forEach((a, i) => {
    if (names.includes(a.text) && args[i + 1]) out.push({ ...args[i + 1]!, use });
    for (const name of names) if (name.startsWith('--') && a.text.startsWith(`${name}=`)) out.push({ text: a.text.slice(name.length + 1), info: a.info, use });
  });
  return out;
}

function grepPaths(args: Arg[], ops: Arg[]): PathArgument[] {
  const patternGiven = args.some((a) => /^(-[a-zA-Z]*[ef]|--regexp|--file)/.test(a.text));
  const files = patternGiven ? ops : ops.slice(1);
  const recursive = args.some((a) => /^-[a-zA-Z]*[rR]/.test(a.text) || /^--(recursive|dereference-recursive|directories=recurse)$/.test(a.text));
  const targets = recursive && files.length === 0 ? [{ text: '.', info: plain }] : files;
  return [...targets.map((t) => ({ ...t, use: (recursive ? 'recursive' : 'read') as PathUse })), ...optionValues(args, ['-f', '--file'], 'read')];
}

/** ripgrep reads folders recursively, skipping hidden and ignored files unless told otherwise. */
function ripgrepPaths(args: Arg[], ops: Arg[]): PathArgument[] {
  const listOnly = args.some((a) => a.text === '--files');
  const patternGiven = listOnly || args.some((a) => /^(-[a-zA-Z]*[ef]|--regexp|--file)/.test(a.text));
  const files = patternGiven ? ops : ops.slice(1);
  const everything = args.some((a) => /^-[a-zA-Z]*u|^--(no-ignore|hidden|unrestricted|no-ignore-vcs|no-ignore-dot|follow)/.test(a.text) || a.text === '-.' || a.text === '-L');
  const targets = files.length ? files : [{ text: '.', info: plain }];
  const use: PathUse = listOnly ? 'list' : 'recursive';
  return [...targets.map((t) => ({ ...t, use, skipsIgnored: !everything })), ...optionValues(args, ['-f', '--file', '--ignore-file', '--pre'], 'read')];
}

function findPaths(args: Arg[]): PathArgument[] {
  const out: PathArgument[] = [];
  let i = 0;
  for (; i < args.length && !/^[-(!]/.test(args[i]!.text); i++) out.push({ ...args[i]!, use: 'list' });
  if (out.length === 0) out.push({ text: '.', info: plain, use: 'list' });
  for (; i < args.length; i++) {
    const text = args[i]!.text;
    if (['-fprint', '-fprint0', '-fls'].includes(text) && args[i + 1]) out.push({ ...args[i + 1]!, use: 'write' });
    if (text === '-fprintf' && args[i + 1]) out.push({ ...args[i + 1]!, use: 'write' });
    if (text === '-delete') out.push(...out.filter((p) => p.use === 'list').map((p) => ({ ...p, use: 'write' as PathUse })));
  }
  return out;
}

function copyPaths(name: string, args: Arg[], ops: Arg[]): PathArgument[] {
  const recursive = args.some((a) => /^-[a-zA-Z]*[rRa]/.test(a.text) || /^--(recursive|archive)$/.test(a.text));
  const targetOption = args.findIndex((a) => a.text === '-t' || a.text.startsWith('--target-directory'));
  const withValue = operands(args, ['-t', '-S', '-m', '-o', '-g', '-e', '--suffix', '--mode', '--owner', '--group', '--rsh']);
  const explicitTarget = targetOption === -1 ? undefined : args[targetOption]!.text.includes('=') ? { text: args[targetOption]!.text.split('=')[1]!, info: args[targetOption]!.info } : args[targetOption + 1];
  const list = withValue.length ? withValue : ops;
  const target = explicitTarget ?? list[list.length - 1];
  const sources = explicitTarget ? list : list.slice(0, -1);
  const sourceUse: PathUse = name === 'mv' ? 'write' : name === 'ln' ? 'list' : recursive ? 'recursive' : 'read';
  const out: PathArgument[] = sources.map((s) => ({ ...s, use: sourceUse }));
  if (name === 'mv') out.push(...sources.map((s) => ({ ...s, use: 'read' as PathUse })));
  if (target) out.push({ ...target, use: 'write' });
  if (name === 'ln' && sources.length === 0 && target) out.push({ text: '.', info: plain, use: 'write' });
  return out;
}

function archivePaths(name: string, args: Arg[], ops: Arg[]): PathArgument[] {
  const first = args[0]?.text ?? '';
  const extracting = name === 'unzip' || (name === 'tar' && (/^-?[a-zA-Z]*x/.test(first) || args.some((a) => a.text === '--extract' || a.text === '--get'))) || (name === '7z' && /^[xe]$/.test(first));
  // Extraction writes wherever the archive says: an unknown set of paths.
  if (extracting) return [...ops.map((a) => ({ ...a, use: 'read' as PathUse })), { text: '$(archive contents)', info: { ...plain, dynamic: true }, use: 'write' }];
  // tar's old style puts its letters first without a dash (`tar czf out.tgz src`).
  const oldStyle = name === 'tar' && /^[a-zA-Z]+$/.test(first);
  const fileOption = oldStyle ? (first.includes('f') ? 0 : -1) : args.findIndex((a) => /^-[a-zA-Z]*f$/.test(a.text) || a.text === '--file');
  const archive = name === 'zip' || name === '7z' ? ops[name === '7z' ? 1 : 0] : fileOption === -1 ? undefined : args[fileOption + 1];
  const members = ops.filter((a, i) => a !== archive && !(oldStyle && i === 0) && !(name === '7z' && i === 0));
  return [...(archive ? [{ ...archive, use: 'write' as PathUse }] : []), ...members.map((m) => ({ ...m, use: 'recursive' as PathUse }))];
}
