/**
 * Recognises commands that destroy data or run with more power than the user's. A part flagged here
 * ALWAYS asks the user, even when an allow rule matches it, and is never offered "always allow": the
 * list is about consequences that an allow list written for everyday commands must not cover by
 * accident. (Where a command's paths lead — outside, secret, protected — is the policy's PathChecker.)
 */
import { type CommandPart, commandName } from './analyzeCommand';

const DISK_TOOLS = new Set(['mkfs', 'dd', 'shred', 'truncate', 'wipefs', 'fdisk', 'sfdisk', 'parted', 'mkswap', 'blkdiscard', 'diskutil', 'format']);
const POWER = new Set(['shutdown', 'reboot', 'halt', 'poweroff', 'init', 'telinit']);
const KILLERS = new Set(['killall', 'pkill']);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh']);
const INTERPRETERS = new Set([
  'sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'deno', 'bun',
  'php', 'pwsh', 'powershell', 'sudo', 'doas', 'source', '.', 'eval',
]);
/** Environment variables that change what a command loads or runs. */
const RISKY_ENV = /^(PATH|LD_[A-Z_]+|DYLD_[A-Z_]+|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONSTARTUP|PERL5OPT|PERL5LIB|RUBYOPT|BASH_ENV|ENV|IFS|PROMPT_COMMAND|SHELLOPTS|BASHOPTS|PS4|CDPATH|HOME|XDG_CONFIG_HOME|GIT_[A-Z_]+|npm_config_[A-Za-z_]+|EDITOR|VISUAL|PAGER|LESSOPEN|MANPAGER)\+?=/;

/** Short flags combined in one word (`-rf`) or spelled out (`--recursive`). */
function hasFlag(args: readonly string[], short: string, long: readonly string[] = []): boolean {
  for (const arg of args) {
    if (arg === '--') break;
    if (long.some((l) => arg === l || arg.startsWith(`${l}=`))) return true;
    if (/^-[A-Za-z0-9]+$/.test(arg) && [...short].some((letter) => arg.includes(letter))) return true;
  }
  return false;
}

export function destructiveReasons(part: CommandPart): string[] {
  const reasons: string[] = [];
  const display = part.words.join(' ');
  if (part.elevated) reasons.push(`'${display}' runs with elevated privileges`);
  for (const assignment of part.assignments) {
    if (RISKY_ENV.test(assignment)) reasons.push(`'${assignment.split('=')[0]}=' changes what the command loads or runs`);
  }
  const first = part.words[0];
  if (first === undefined) return reasons;
  const name = commandName(first);
  const args = part.words.slice(1);

  if (name === 'rm' && hasFlag(args, 'rRf', ['--recursive', '--force', '--no-preserve-root'])) {
    reasons.push(`'${display}' deletes files recursively or forcibly`);
  }
  if ((DISK_TOOLS.has(name) || name.startsWith('mkfs.')) ) reasons.push(`'${name}' can destroy data on disks or files`);
  if (['chmod', 'chown', 'chgrp'].includes(name) && hasFlag(args, 'R', ['--recursive'])) {
    reasons.push(`'${display}' changes permissions recursively`);
  }
  if (POWER.has(name)) reasons.push(`'${name}' stops or restarts the machine`);
  if (KILLERS.has(name) || (name === 'kill' && args.includes('-1'))) reasons.push(`'${display}' kills processes by name or all processes`);
  if (name === 'find' && args.some((a) => a === '-delete')) reasons.push(`'${display}' deletes the files it finds`);
  if (name === 'git') reasons.push(...gitReasons(args));
  if (name === 'crontab' && hasFlag(args, 'r')) reasons.push(`'${display}' removes the crontab`);
  if (INTERPRETERS.has(name)) {
    const download = [...part.pipedFrom, ...part.substitutedFrom].find((n) => DOWNLOADERS.has(n));
    if (download) reasons.push(`runs code downloaded by '${download}' with '${name}'`);
  }
  return reasons;
}

function gitReasons(args: readonly string[]): string[] {
  // Skip git's own options to find the subcommand (`git -C dir push -f`).
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) i += ['-C', '-c', '--git-dir', '--work-tree', '--namespace'].includes(args[i]!) ? 2 : 1;
  const sub = args[i];
  const rest = args.slice(i + 1);
  const line = `git ${args.join(' ')}`;
  switch (sub) {
    case 'reset':
      return rest.includes('--hard') || rest.includes('--merge') || rest.includes('--keep') ? [`'${line}' discards changes`] : [];
    case 'push':
      return hasFlag(rest, 'fd', ['--force', '--force-with-lease', '--force-if-includes', '--mirror', '--delete', '--prune']) || rest.some((r) => r.startsWith('+') || r.startsWith(':'))
        ? [`'${line}' rewrites or deletes remote history`]
        : [];
    case 'clean':
      return hasFlag(rest, 'f', ['--force']) ? [`'${line}' deletes untracked files`] : [];
    case 'checkout':
      return hasFlag(rest, 'f', ['--force']) || rest.includes('--') || rest.includes('.') ? [`'${line}' discards local changes`] : [];
    case 'restore':
      return rest.includes('--staged') && !rest.includes('--worktree') && !rest.includes('-W') ? [] : [`'${line}' discards local changes`];
    case 'branch':
      return rest.includes('-D') || (hasFlag(rest, 'd', ['--delete']) && hasFlag(rest, 'f', ['--force'])) ? [`'${line}' deletes a branch`] : [];
    case 'stash':
      return rest[0] === 'drop' || rest[0] === 'clear' ? [`'${line}' deletes stashed changes`] : [];
    case 'filter-branch':
    case 'filter-repo':
      return [`'${line}' rewrites history`];
    case 'reflog':
      return rest[0] === 'expire' || rest[0] === 'delete' ? [`'${line}' deletes history`] : [];
    case 'update-ref':
      return hasFlag(rest, 'd') ? [`'${line}' deletes a ref`] : [];
    default:
      return [];
  }
}
