/**
 * Forms of a command that run code the analyzer cannot read (inline programs, code from stdin, from a
 * file sourced into the shell, from a subscript or a config option), print the environment, or reach
 * the network. Code execution ALWAYS asks and is never covered by an allow rule: an allowed program
 * name is not an allowed program (`node` does not allow `node -e …`). For interpreters and package
 * runners an allow rule must also name what runs: `node build.js`, `npx vitest`, `python3 -m pytest`.
 */
import { type CommandPart, commandName, type WordInfo } from './analyzeCommand';
import { operands } from './pathArguments';

export interface ExecutionModel {
  codeExecution: string[];
  /** Output that may carry secrets the redaction cannot recognise (the environment, a remote URL). */
  sensitive: string[];
  network: boolean;
  /** The fewest words an allow rule needs to cover this part. */
  ruleWords: number;
}

type Arg = { text: string; info: WordInfo };

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh']);
interface Interpreter {
  inline: RegExp;
  valueOptions: string[];
  module?: string;
}
const INTERPRETERS: Record<string, Interpreter> = {
  node: { inline: /^(-e|--eval|-p|--print|-i|--interactive|-pe|-ep)$|^--(eval|print)=/, valueOptions: ['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--input-type', '--title'] },
  python: { inline: /^-[a-zA-Z]*c/, valueOptions: ['-W', '-X', '-Q'], module: '-m' },
  perl: { inline: /^-[a-zA-Z]*[eEMm]/, valueOptions: ['-I', '-x'] },
  ruby: { inline: /^-[a-zA-Z]*e/, valueOptions: ['-I', '-r', '-C', '-E'] },
  php: { inline: /^-[a-zA-Z]*[raBRFE]/, valueOptions: ['-c', '-d', '-z'] },
  lua: { inline: /^-[a-zA-Z]*[el]/, valueOptions: [] },
  Rscript: { inline: /^-e$|^--default-packages/, valueOptions: [] },
  R: { inline: /^-e$/, valueOptions: [] },
  osascript: { inline: /^-e$/, valueOptions: [] },
  pwsh: { inline: /^-(c|command|encodedcommand|e|ec)$/i, valueOptions: [] },
  deno: { inline: /^(eval|repl)$/, valueOptions: [] },
  bun: { inline: /^(-e|--eval|-p|--print)$/, valueOptions: [] },
  tsx: { inline: /^(-e|--eval|-p|--print)$/, valueOptions: ['--tsconfig', '--import', '--require'] },
  'ts-node': { inline: /^(-e|--eval|-p|--print|-i)$/, valueOptions: ['-P', '--project', '-r', '--require'] },
  tclsh: { inline: /^$/, valueOptions: [] },
  irb: { inline: /^/, valueOptions: [] },
  jshell: { inline: /^/, valueOptions: [] },
};
const PACKAGE_RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'uvx']);
const VERSION_ONLY = /^(--version|-v|-V|-VV|--help|-h)$/;
/** Builtins that evaluate an array subscript in a variable name they are given (`a[$(cmd)]`). */
const SUBSCRIPT_BUILTINS = new Set(['read', 'mapfile', 'readarray', 'unset', 'getopts', 'wait', 'declare', 'typeset', 'local', 'readonly', 'export']);
const ALWAYS_CODE: Record<string, string> = {
  eval: 'runs its arguments as shell code',
  source: 'runs a file as shell code in this shell',
  '.': 'runs a file as shell code in this shell',
  xargs: 'runs commands built from its input',
  watch: 'runs its arguments as shell code, repeatedly',
  let: 'evaluates arithmetic, whose variables can run commands',
  trap: 'sets shell code to run later',
  alias: 'defines shell code to run later',
  enable: 'loads builtins from a library',
  fc: 'runs commands from the history in an editor',
  bind: 'binds shell code to keys',
  complete: 'sets completion commands',
  crontab: 'schedules commands',
  at: 'schedules commands',
  batch: 'schedules commands',
  script: 'runs a shell',
  expect: 'runs a script of its own',
  parallel: 'runs commands built from its input',
};
const NETWORK = new Set(['curl', 'wget', 'ssh', 'scp', 'sftp', 'rsync', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'http', 'https', 'xh', 'aria2c', 'ping', 'dig', 'nslookup']);
const NETWORK_SUBCOMMANDS = /^(npm|pnpm|yarn|bun) (install|i|ci|add|update|up|upgrade|publish|view|info|outdated|audit|dlx|exec|x|create|init)$|^(pip|pip3|uv|poetry|cargo|go|gem|bundle|composer|apt|apt-get|brew) |^git (clone|fetch|pull|push|ls-remote|submodule|remote update)$/;

export function executionModel(part: CommandPart): ExecutionModel {
  const model: ExecutionModel = { codeExecution: [], sensitive: [], network: false, ruleWords: 1 };
  const first = part.words[0];
  if (first === undefined) return model;
  const name = commandName(first);
  const args: Arg[] = part.words.slice(1).map((text, i) => ({ text, info: part.wordInfo[i + 1]! }));
  const line = part.words.join(' ');
  const code = (why: string): void => void model.codeExecution.push(`'${line}' ${why}`);

  if (ALWAYS_CODE[name]) code(ALWAYS_CODE[name]);
  if (NETWORK.has(name) || NETWORK_SUBCOMMANDS.test(part.words.slice(0, 2).join(' ')) || NETWORK_SUBCOMMANDS.test(part.words.slice(0, 3).join(' '))) model.network = true;
  const interpreter = INTERPRETERS[name] ?? (/^python[0-9.]*$/.test(name) ? INTERPRETERS.python : /^(perl|ruby|php|lua|node)[0-9.]*$/.test(name) ? INTERPRETERS[name.replace(/[0-9.]+$/, '')] : name === 'powershell' ? INTERPRETERS.pwsh : undefined);
  if (SHELLS.has(name)) shellCode(args, part, model, code);
  else if (interpreter) interpreterCode(interpreter, args, model, code);
  else if (PACKAGE_RUNNERS.has(name) || (name === 'pipx' && args[0]?.text === 'run')) packageRunner(args, 1, model, code);
  else if (['npm', 'pnpm', 'yarn', 'bun'].includes(name)) packageManager(name, args, model, code);
  else if (name === 'git') gitCode(args, model, code);
  else if (name === 'find' && args.some((a) => /^-(exec|execdir|ok|okdir)$/.test(a.text))) code('runs a command for each file it finds');
  else if (['awk', 'gawk', 'mawk', 'nawk'].includes(name)) awkCode(args, code);
  else if (name === 'sed') sedCode(args, code);
  else if (name === 'printf' && args[0]?.text === '-v' && args[1] && (args[1].info.dynamic || args[1].text.includes('['))) code('assigns through a subscript, which can run commands');
  else if ((name === 'test' || name === '[') && args.some((a) => a.text === '-v' || a.text === '-R')) code('evaluates an array subscript, which can run commands');
  else if (SUBSCRIPT_BUILTINS.has(name)) variableBuiltin(name, args, model, code);
  else if (name === 'env' || name === 'printenv') model.sensitive.push(`'${line}' prints the environment, which may hold secrets`);
  else if (name === 'set' && args.length === 0) model.sensitive.push(`'set' prints every variable, which may hold secrets`);
  else if (name === 'ps' && args.some((a) => /^[a-zA-Z]*e[a-zA-Z]*$/.test(a.text) || a.text === '-E')) model.sensitive.push(`'${line}' may print other processes' environments`);
  else if (name === 'tar' && args.some((a) => /^--(to-command|checkpoint-action|use-compress-program|rsh-command|info-script|new-volume-script)|^-[a-zA-Z]*[IF]$/.test(a.text))) code('runs a program of its own choosing');
  else if (name === 'zip' && args.some((a) => /^(-TT|--unzip-command)/.test(a.text))) code('runs a program of its own choosing');
  else if ((name === 'rsync' || name === 'scp' || name === 'ssh' || name === 'sftp') && args.some((a) => /^(-e|--rsh|--rsync-path|-S|-o|-F)/.test(a.text))) code('runs a program of its own choosing');
  else if (name === 'make' && args.some((a) => a.text.startsWith('--eval'))) code('runs make code given inline');
  else if (['vim', 'vi', 'nvim', 'ex', 'emacs'].includes(name)) code('is an editor that can run commands');
  else if (['docker', 'podman', 'kubectl'].includes(name) && args.some((a) => /^(run|exec|compose|build|cp|attach)$/.test(a.text))) code('runs commands in a container');
  else if (name === 'exec' && part.words.length === 1) code('changes where this shell reads and writes');
  return model;
}

function shellCode(args: Arg[], part: CommandPart, model: ExecutionModel, code: (why: string) => void): void {
  if (args.some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a.text) || a.text === '--command')) return code('runs inline shell code');
  const script = operands(args, ['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);
  if (args.some((a) => /^-[a-zA-Z]*s/.test(a.text)) || script.length === 0 || script[0]!.text === '-') {
    return code(part.pipedFrom.length ? 'runs shell code read from a pipe' : 'runs shell code read from its input');
  }
  if (script[0]!.info.dynamic) return code('runs a script only known at run time');
  model.ruleWords = part.words.indexOf(script[0]!.text) + 1;
}

function interpreterCode(spec: Interpreter, args: Arg[], model: ExecutionModel, code: (why: string) => void): void {
  if (args.length > 0 && args.every((a) => VERSION_ONLY.test(a.text))) return;
  if (args.some((a) => spec.inline.test(a.text))) return code('runs inline code');
  const moduleIndex = spec.module ? args.findIndex((a) => a.text === spec.module) : -1;
  const scriptIndex = moduleIndex !== -1 ? moduleIndex + 1 : args.findIndex((a, i) => !a.text.startsWith('-') && !spec.valueOptions.includes(args[i - 1]?.text ?? ''));
  const script = args[scriptIndex];
  if (!script || script.text === '-') return code('runs code read from its input');
  if (script.info.dynamic) return code('runs a script only known at run time');
  model.ruleWords = scriptIndex + 2;
}

function packageRunner(args: Arg[], offset: number, model: ExecutionModel, code: (why: string) => void): void {
  if (args.some((a) => /^(-c|--call)(=|$)/.test(a.text))) return code('runs inline shell code');
  const packageOption = args.findIndex((a) => a.text === '-p' || a.text === '--package');
  const commandIndex = args.findIndex((a, i) => !a.text.startsWith('-') && (packageOption === -1 || i !== packageOption + 1));
  if (commandIndex === -1) return code('runs code read from its input');
  if (args[commandIndex]!.info.dynamic) return code('runs a package only known at run time');
  model.ruleWords = Math.max(commandIndex, packageOption + 1) + 1 + offset;
  model.network = true;
}

function packageManager(name: string, args: Arg[], model: ExecutionModel, code: (why: string) => void): void {
  const risky = args.find((a) => /^(--prefix|-C|--userconfig|--globalconfig|--script-shell|--node-options|--call|-c|--cwd|--dir)(=|$)/.test(a.text));
  if (risky) return code(`runs scripts chosen by '${risky.text}'`);
  const sub = args.findIndex((a) => !a.text.startsWith('-'));
  const subcommand = args[sub]?.text;
  if (subcommand === 'exec' || subcommand === 'x' || subcommand === 'dlx') return packageRunner(args.slice(sub + 1), sub + 2, model, code);
  if (subcommand === 'pkg' || subcommand === 'set-script' || subcommand === 'config' || subcommand === 'set') return code('changes package or npm settings that choose what runs');
}

function gitCode(args: Arg[], model: ExecutionModel, code: (why: string) => void): void {
  let i = 0;
  while (i < args.length && args[i]!.text.startsWith('-')) {
    const option = args[i]!.text;
    if (/^(-c|--config-env|--exec-path|--git-dir|--work-tree|--namespace|--super-prefix)/.test(option)) return code(`sets '${option}', which chooses what git runs`);
    i += option === '-C' ? 2 : 1;
  }
  const sub = args[i]?.text;
  const rest = args.slice(i + 1).map((a) => a.text);
  const has = (pattern: RegExp): boolean => rest.some((r) => pattern.test(r));
  if (sub === 'config') {
    const reads = has(/^(--get|--get-all|--get-regexp|--list|-l)$/) || rest.filter((r) => !r.startsWith('-')).length <= 1;
    if (reads) model.sensitive.push('git config may print a remote URL with a password');
    else code('changes git configuration, which chooses what git runs');
  } else if (sub === 'remote' && has(/^(-v|--verbose|get-url)$/)) model.sensitive.push('git remote may print a remote URL with a password');
  else if (
    (sub === 'rebase' && has(/^(-x|--exec)/)) ||
    (sub === 'bisect' && rest[0] === 'run') ||
    (sub === 'submodule' && rest.includes('foreach')) ||
    (sub === 'grep' && has(/^(-O|--open-files-in-pager)/)) ||
    (sub === 'difftool' && has(/^(-x|--extcmd|-t|--tool)/)) ||
    has(/^(--upload-pack|--receive-pack|--exec|-u|--template|--config|--ext-diff|--textconv)(=|$)/) ||
    ['filter-branch', 'send-email', 'daemon', 'instaweb', 'mergetool', 'credential', 'credential-store'].includes(sub ?? '')
  ) {
    code('runs a command of its own choosing');
  }
}

function awkCode(args: Arg[], code: (why: string) => void): void {
  if (args.some((a) => a.text === '-f' || a.text.startsWith('--file') || a.text.startsWith('-i') || a.text.startsWith('-l') || a.text.startsWith('--include') || a.text.startsWith('--load'))) return code('runs an awk program from a file');
  const program = operands(args, ['-v', '-F', '--assign', '--field-separator'])[0];
  if (!program || program.info.dynamic || /system|getline|[|>]|ENVIRON|PROCINFO|@load|@include/.test(program.text)) code('runs an awk program that can run commands, write files or read the environment');
}

/** sed scripts made only of printing, deleting, quitting and substitutions without the `e` and `w` flags. */
const SIMPLE_SED = /^(\s*(\d+|\$|\/(?:[^/\\]|\\.)*\/)?(,(\d+|\$|\/(?:[^/\\]|\\.)*\/))?\s*!?\s*(p|d|q|Q|=|n|N|G|H|h|g|x|s([^\w\s\\])(?:(?!\6)[^\\]|\\.)*\6(?:(?!\6)[^\\]|\\.)*\6[gIip0-9]*)\s*[;\n]?)+$/;

function sedCode(args: Arg[], code: (why: string) => void): void {
  if (args.some((a) => a.text === '-f' || a.text.startsWith('--file'))) return code('runs a sed script from a file');
  const given = args.flatMap((a, i) => (/^(-e|--expression)$/.test(a.text) && args[i + 1] ? [args[i + 1]!] : a.text.startsWith('--expression=') ? [{ text: a.text.slice(13), info: a.info }] : []));
  const scripts = given.length ? given : operands(args, ['-l']).slice(0, 1);
  if (scripts.some((s) => s.info.dynamic || !SIMPLE_SED.test(s.text))) code('runs a sed script that can run commands or write files');
}

function variableBuiltin(name: string, args: Arg[], model: ExecutionModel, code: (why: string) => void): void {
  if (args.some((a) => !a.text.startsWith('-') && (a.info.dynamic || a.text.includes('[')))) return code('evaluates an array subscript, which can run commands');
  if (['declare', 'typeset', 'local', 'readonly', 'export'].includes(name)) {
    if (args.some((a) => /^-[a-zA-Z]*[in]/.test(a.text))) return code('declares an integer or a reference, whose assignments can run commands');
    if (args.length === 0 || args.every((a) => a.text.startsWith('-') && a.text !== '-f' && a.text !== '-F')) model.sensitive.push(`'${name}' prints variables, which may hold secrets`);
  }
}
