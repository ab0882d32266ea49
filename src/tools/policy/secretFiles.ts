/**
 * What counts as a secret, by pattern rather than by a list of names: files (any depth, any case),
 * places outside the workspace that hold credentials, and environment variables. Used by the path
 * policy for every tool and by the command policy for every path a command may touch.
 */
import { matchesGlob } from './glob';

/** Secret-looking names, matched against each segment of a path (so a folder's name counts too). */
export const SECRET_FILE_PATTERNS: readonly string[] = [
  '.env',
  '.env.*',
  '.env-*',
  '.env_*',
  '*.env',
  '.envrc',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  '*.tfvars',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  // Other private keys named id_<something>, without the dot a source file has (id_map.ts stays readable).
  'id_!(*.*)',
  'credentials.json',
  'client_secret*.json',
  'service-account*.json',
  '.npmrc',
  '.yarnrc.yml',
  '.netrc',
  '_netrc',
  '.pypirc',
  '.pgpass',
  '.my.cnf',
  '.htpasswd',
  '.git-credentials',
  '.aws',
  '.ssh',
  '.gnupg',
];

/** Secret-looking paths (folder-relative, or relative to a home directory): a remote URL may carry a password. */
export const SECRET_PATH_PATTERNS: readonly string[] = ['**/.git/config', '**/.docker/config.json', '**/.kube/config', '**/.config/gh/hosts.yml', '**/.azure/**', '**/.config/gcloud/**'];

/** The rule that makes `relative` (forward slashes) secret-looking, if any. */
export function secretPatternOf(relative: string): string | undefined {
  for (const segment of relative.split('/')) {
    if (segment === '') continue;
    const pattern = SECRET_FILE_PATTERNS.find((glob) => matchesGlob(segment, glob, { caseInsensitive: true }));
    if (pattern) return pattern;
  }
  return SECRET_PATH_PATTERNS.find((glob) => matchesGlob(relative, glob, { caseInsensitive: true }));
}

/**
 * Places outside the workspace a command may read without asking: the system's programs and libraries
 * and its public configuration. Everything else outside (home directories, /proc, /var, /tmp, other
 * users' files) may hold credentials or another project's secrets, so reading it asks.
 */
const READABLE_OUTSIDE = ['/usr/**', '/bin/**', '/sbin/**', '/lib/**', '/lib32/**', '/lib64/**', '/etc/**', '/proc/{cpuinfo,meminfo,version,uptime,loadavg}', '/dev/{null,zero,random,urandom,stdin}'];
const SECRET_OUTSIDE = ['/etc/{shadow,gshadow,sudoers,environment,krb5.keytab}*', '/etc/{ssh,ssl/private,security,sudoers.d,pki}/**'];

export function isReadableOutside(absolute: string): boolean {
  if (secretPatternOf(absolute.slice(1))) return false;
  if (SECRET_OUTSIDE.some((glob) => matchesGlob(absolute, glob))) return false;
  return READABLE_OUTSIDE.some((glob) => matchesGlob(absolute, glob));
}

/** Places outside the workspace a command may write without asking: only the null and terminal devices. */
export function isHarmlessWriteTarget(absolute: string): boolean {
  return ['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty'].includes(absolute);
}

/** Variables that hold nothing secret, whatever the environment. */
const SAFE_VARIABLES = new Set([
  'HOME', 'PWD', 'OLDPWD', 'PATH', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LANGUAGE', 'TMPDIR', 'HOSTNAME', 'HOSTTYPE', 'OSTYPE',
  'MACHTYPE', 'UID', 'EUID', 'PPID', 'BASHPID', 'RANDOM', 'SECONDS', 'LINENO', 'BASH_VERSION', 'SHLVL', 'COLUMNS', 'LINES', 'CI',
  'NODE_ENV', 'IFS', '?', '#', '$', '!', '-', '@', '*', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
]);

/** Why reading this variable may reveal a secret, or undefined when it cannot. */
export function secretVariable(name: string): boolean {
  return !SAFE_VARIABLES.has(name) && !/^LC_[A-Z]+$/.test(name);
}
