/**
 * The environment a command gets: the extension host's, minus every variable whose NAME or VALUE
 * looks like a credential, and minus VS Code's own plumbing (its IPC handles and askpass helpers would
 * let a command ask VS Code for git credentials). Pure. The user's allow list (user settings only)
 * puts back names they need (`NPM_TOKEN`, `SSH_AUTH_SOCK`, or a prefix such as `MYAPP_*`).
 */

/** Names that say "credential"; matched case-insensitively anywhere in the name. */
const SECRET_NAME_PARTS = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|SIGNATURE/i;
/** Short words that say it only as a whole word (`DB_PASS`, `GH_PAT`, `SENTRY_DSN`), not inside `PATH`. */
const SECRET_NAME_WORDS = /(^|_)(PASS|PAT|DSN|PIN|OTP|SALT)($|_)/i;
/** VS Code's IPC handles and credential helpers (askpass). */
const PLUMBING = /^(VSCODE_|ELECTRON_)|ASKPASS/i;

/** Values shaped like keys, tokens, private keys, or URLs carrying a password. */
const SECRET_VALUES: readonly RegExp[] = [
  /\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{16,}/,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{16,}/,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/,
  /\bAIza[0-9A-Za-z_-]{30,}/,
  /\b(?:xai|gsk|hf|npm|pypi|sk_live|rk_live|pk_live)[-_][A-Za-z0-9_-]{16,}/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./, // a JWT
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bBearer\s+[A-Za-z0-9._~+/-]{12,}/i,
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, // scheme://user:password@host
];

export interface ScrubbedEnvironment {
  kept: Record<string, string>;
  /** Names dropped (never their values), for the tool result and the tests. */
  dropped: string[];
}

export function looksLikeCredential(name: string, value: string): boolean {
  return SECRET_NAME_PARTS.test(name) || SECRET_NAME_WORDS.test(name) || SECRET_VALUES.some((shape) => shape.test(value));
}

export function scrubEnvironment(env: Readonly<Record<string, string | undefined>>, allowList: readonly string[]): ScrubbedEnvironment {
  const allowed = (name: string): boolean =>
    allowList.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) && entry.length > 1 : name === entry));
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (allowed(name) || (!PLUMBING.test(name) && !looksLikeCredential(name, value))) kept[name] = value;
    else dropped.push(name);
  }
  return { kept, dropped: dropped.sort() };
}
