/**
 * The sandbox's rules, without running it: the bwrap command line (what is writable, what is hidden,
 * in which order), the scrubbed environment, the seccomp program, what of $HOME is mapped, redacted
 * git configs, and where a command runs and whether it asks (policy verdict × sandbox status).
 */
import { describe, expect, it } from 'vitest';
import { bwrapArgs, type SandboxPlan } from '../../../src/host/tools/sandbox/bwrapArgs';
import { looksLikeCredential, scrubEnvironment } from '../../../src/host/tools/sandbox/environment';
import { redactGitConfig } from '../../../src/host/tools/sandbox/gitDirs';
import { homeMountCandidates } from '../../../src/host/tools/sandbox/homeMounts';
import { seccompFilter } from '../../../src/host/tools/sandbox/seccomp';
import { confinementFor, planRun } from '../../../src/tools/impl/commandConfinement';
import { describeSandbox } from '../../../src/tools/impl/processOutput';

const plan = (over: Partial<SandboxPlan> = {}): SandboxPlan => ({
  writable: ['/home/u/ws'],
  cwd: '/home/u/ws',
  home: '/home/u',
  scratch: ['/tmp', '/var/tmp'],
  homeMounts: ['/home/u/.nvm/versions/node/v20'],
  readOnly: ['/home/u/ws/.git', '/home/u/ws/node_modules/.bin'],
  hiddenFiles: ['/home/u/ws/.env'],
  hiddenDirs: ['/home/u/ws/deploy/.aws'],
  emptyFile: '/tmp/holdfast-sandbox-x/empty',
  replaced: [{ source: '/tmp/holdfast-sandbox-x/redacted-1', target: '/home/u/ws/.git/config' }],
  network: false,
  env: { PATH: '/usr/bin', HOME: '/home/u' },
  seccompOnFd3: true,
  disableUserns: true,
  ...over,
});

/** Index of the mount whose flag and destination are given (`--bind`, `/home/u/ws` …). */
function mountIndex(args: string[], flag: string, destination: string): number {
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== flag) continue;
    const dest = flag === '--tmpfs' || flag === '--remount-ro' ? args[i + 1] : args[i + 2];
    if (dest === destination) return i;
  }
  return -1;
}

describe('bwrap command line', () => {
  it('isolates: no network, own namespaces, no capabilities, no nested user namespaces, killed with its parent', () => {
    const args = bwrapArgs(plan());
    for (const flag of ['--unshare-user', '--disable-userns', '--unshare-pid', '--unshare-ipc', '--unshare-net', '--die-with-parent', '--new-session', '--clearenv']) {
      expect(args, flag).toContain(flag);
    }
    expect(args.join(' ')).toContain('--cap-drop ALL');
    expect(args.join(' ')).toContain('--seccomp 3');
    expect(args.join(' ')).toContain('--chdir /home/u/ws');
  });

  it('shares the network only when granted', () => {
    expect(bwrapArgs(plan({ network: true }))).not.toContain('--unshare-net');
  });

  it('mounts / read-only first, then $HOME and /tmp empty, then the workspace writable, then protected read-only and secrets hidden on top', () => {
    const args = bwrapArgs(plan());
    const root = mountIndex(args, '--ro-bind', '/');
    const home = mountIndex(args, '--tmpfs', '/home/u');
    const tmp = mountIndex(args, '--tmpfs', '/tmp');
    const toolchain = mountIndex(args, '--ro-bind', '/home/u/.nvm/versions/node/v20');
    const ws = mountIndex(args, '--bind', '/home/u/ws');
    const git = mountIndex(args, '--ro-bind', '/home/u/ws/.git');
    const gitConfig = mountIndex(args, '--ro-bind', '/home/u/ws/.git/config');
    const env = mountIndex(args, '--ro-bind', '/home/u/ws/.env');
    const aws = mountIndex(args, '--tmpfs', '/home/u/ws/deploy/.aws');
    for (const [name, index] of Object.entries({ root, home, tmp, toolchain, ws, git, gitConfig, env, aws })) expect(index, name).toBeGreaterThanOrEqual(0);
    expect(root).toBeLessThan(home);
    expect(home).toBeLessThan(ws); // the workspace inside $HOME stays visible
    expect(home).toBeLessThan(toolchain);
    expect(ws).toBeLessThan(git); // .git read-only on top of the writable workspace
    expect(git).toBeLessThan(gitConfig); // the redacted config on top of .git
    expect(ws).toBeLessThan(env);
    expect(args[env + 1]).toBe('/tmp/holdfast-sandbox-x/empty');
    expect(args[aws + 2]).toBe('--remount-ro');
  });

  it('hides $HOME again when a workspace folder contains it (deeper mounts come later)', () => {
    const args = bwrapArgs(plan({ writable: ['/home'], cwd: '/home' }));
    expect(mountIndex(args, '--bind', '/home')).toBeLessThan(mountIndex(args, '--tmpfs', '/home/u'));
  });

  it('passes exactly the given environment', () => {
    const args = bwrapArgs(plan({ env: { PATH: '/usr/bin', LANG: 'C' } }));
    const set = args.flatMap((a, i) => (a === '--setenv' ? [`${args[i + 1]}=${args[i + 2]}`] : []));
    expect(set).toEqual(['PATH=/usr/bin', 'LANG=C']);
    expect(args.indexOf('--clearenv')).toBeLessThan(args.indexOf('--setenv'));
  });
});

describe('scrubbed environment', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    LANG: 'C.UTF-8',
    OPENAI_API_KEY: 'sk-test-0123456789abcdefghij',
    GITHUB_TOKEN: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    DB_PASSWORD: 'x',
    MYSQL_PWD_PASSWD: 'x',
    GOOGLE_APPLICATION_CREDENTIALS: '/x.json',
    NPM_CONFIG__AUTH: 'x',
    DB_PASS: 'x',
    SENTRY_DSN: 'https://abc@sentry.io/1',
    SSH_AUTH_SOCK: '/run/user/1000/ssh-agent',
    INNOCENT_NAME: 'ghp_abcdefghijklmnopqrstuvwxyz0123',
    ANOTHER: 'AKIAABCDEFGHIJKLMNOP',
    SLACK: 'xoxb-12345-abcdef',
    DATABASE_URL: 'postgres://app:hunter2@db:5432/app',
    JWT_LIKE: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig',
    VSCODE_GIT_IPC_HANDLE: '/tmp/vscode-git.sock',
    GIT_ASKPASS: '/x/askpass.sh',
    ELECTRON_RUN_AS_NODE: '1',
    PUBLIC_URL: 'https://example.com/app',
    PATHEXT: '.EXE',
  };

  it('drops every variable whose name or value looks like a credential, and VS Code plumbing; keeps the rest', () => {
    const { kept, dropped } = scrubEnvironment(parent, []);
    expect(Object.keys(kept).sort()).toEqual(['HOME', 'LANG', 'PATH', 'PATHEXT', 'PUBLIC_URL']);
    expect(dropped).toContain('OPENAI_API_KEY');
    expect(dropped).toContain('INNOCENT_NAME');
    expect(JSON.stringify(kept)).not.toMatch(/sk-test|ghp_|AKIA|xoxb|hunter2/);
  });

  it('keeps what the allow list names, exactly or by prefix', () => {
    const { kept } = scrubEnvironment(parent, ['SSH_AUTH_SOCK', 'DB_*', '*']);
    expect(kept['SSH_AUTH_SOCK']).toBe('/run/user/1000/ssh-agent');
    expect(kept['DB_PASSWORD']).toBe('x');
    expect(kept['DB_PASS']).toBe('x');
    expect(kept['OPENAI_API_KEY']).toBeUndefined(); // a bare `*` allows nothing
  });

  it('judges names and values', () => {
    expect(looksLikeCredential('PATH', '/usr/bin')).toBe(false);
    expect(looksLikeCredential('X', '-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    expect(looksLikeCredential('X', 'Bearer abcdefghijklmnop')).toBe(true);
  });
});

describe('seccomp program', () => {
  it('is a whole number of 8-byte instructions and ends with the return actions', () => {
    for (const arch of ['x64', 'arm64']) {
      const filter = seccompFilter(arch)!;
      expect(filter.length % 8, arch).toBe(0);
      const view = new DataView(filter.buffer);
      const last = filter.length / 8 - 1;
      expect(view.getUint16(last * 8, true)).toBe(0x06); // BPF_RET
      expect(view.getUint32(last * 8 + 4, true)).toBe(0x80000000); // kill a foreign ABI
      // The first instruction loads the architecture (offset 4 of seccomp_data).
      expect([view.getUint16(0, true), view.getUint32(4, true)]).toEqual([0x20, 4]);
    }
  });

  it('is not invented for an unknown architecture', () => {
    expect(seccompFilter('mips')).toBeUndefined();
  });
});

describe('$HOME in the sandbox', () => {
  it('maps toolchains on PATH under $HOME (with their root), never $HOME itself, and the user’s mounts under $HOME only', () => {
    const path = ['/home/u/.nvm/versions/node/v20/bin', '/home/u/.cargo/bin', '/home/u/.local/bin', '/home/u/bin', '/usr/bin', 'relative/bin'].join(':');
    const candidates = homeMountCandidates('/home/u', path, ['~/.gitconfig', '.m2', '/etc/passwd', '~/../other']);
    expect(candidates).toEqual([
      '/home/u/.nvm/versions/node/v20/bin',
      '/home/u/.nvm/versions/node/v20',
      '/home/u/.cargo/bin',
      '/home/u/.cargo',
      '/home/u/.rustup',
      '/home/u/.local/bin',
      '/home/u/.local/lib',
      '/home/u/bin',
      '/home/u/.gitconfig',
      '/home/u/.m2',
    ]);
  });
});

describe('git configs with a credential', () => {
  it('loses the password of a remote URL and any extraheader, and nothing else', () => {
    const config = '[remote "origin"]\n\turl = https://bot:ghp_secret123@github.com/o/r.git\n[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n[core]\n\tbare = false\n';
    const redacted = redactGitConfig(config);
    expect(redacted).toContain('url = https://bot@github.com/o/r.git');
    expect(redacted).not.toMatch(/ghp_secret123|c2VjcmV0/);
    expect(redacted).toContain('\tbare = false');
    expect(redactGitConfig('[core]\n\tbare = false\n')).toBe('[core]\n\tbare = false\n');
  });
});

describe('where a command runs, and whether it asks', () => {
  const allow = { kind: 'allow' as const, parts: ['git status'] };
  const readOnly = { ...allow, readOnly: true };
  const ask = { kind: 'ask' as const, parts: ['rm -rf build'], reasons: ['destructive'], alwaysAllowRules: undefined };
  const available = { kind: 'available' as const, network: false };
  const unavailable = { kind: 'unavailable' as const, reason: 'bwrap is not installed', required: false };

  it('a sandbox: allowed commands run inside it without asking; others ask, with network and no-sandbox grants', () => {
    expect(planRun(allow, available)).toEqual({ kind: 'run', confinement: { sandbox: true, network: false } });
    const asked = planRun(ask, available);
    expect(asked).toMatchObject({ kind: 'ask', reasons: ['destructive'], offer: { runsIn: 'sandbox', network: false, grants: ['allowOnceWithNetwork', 'allowOnceUnsandboxed'] } });
    if (asked.kind !== 'ask') throw new Error('unreachable');
    expect(confinementFor('allowOnce', asked.offer)).toEqual({ sandbox: true, network: false });
    expect(confinementFor('alwaysAllow', asked.offer)).toEqual({ sandbox: true, network: false });
    expect(confinementFor('allowOnceWithNetwork', asked.offer)).toEqual({ sandbox: true, network: true });
    expect(confinementFor('allowOnceUnsandboxed', asked.offer)).toEqual({ sandbox: false });
  });

  it('no sandbox: only what the policy proves read-only runs without asking, and "always allow" is not offered', () => {
    expect(planRun(readOnly, unavailable)).toEqual({ kind: 'run', confinement: { sandbox: false } });
    const asked = planRun(allow, unavailable);
    expect(asked).toMatchObject({ kind: 'ask', alwaysAllowRules: undefined, offer: { runsIn: 'none', grants: [] } });
    if (asked.kind !== 'ask') throw new Error('unreachable');
    expect(asked.reasons.join(' ')).toContain('bwrap is not installed');
    // A grant the card was not offered gives nothing more.
    expect(confinementFor('allowOnceWithNetwork', asked.offer)).toEqual({ sandbox: false });
  });

  it('"required" refuses without a sandbox; "off" asks for every command, read-only ones too', () => {
    expect(planRun(readOnly, { ...unavailable, required: true })).toMatchObject({ kind: 'refuse' });
    expect(planRun(readOnly, { kind: 'off' })).toMatchObject({ kind: 'ask', offer: { runsIn: 'none' } });
  });

  it('suggests the grant the policy saw the command needs', () => {
    const effects = (network: boolean, writesOutsideWorkspace: boolean) => ({ ...ask, effects: { network, writesOutsideWorkspace } });
    expect(planRun(effects(true, false), available)).toMatchObject({ offer: { suggested: 'allowOnceWithNetwork' } });
    expect(planRun(effects(true, true), available)).toMatchObject({ offer: { suggested: 'allowOnceUnsandboxed' } });
    expect(planRun(effects(false, false), available)).not.toHaveProperty('offer.suggested');
    expect(planRun(effects(true, false), { kind: 'available', network: true })).not.toHaveProperty('offer.suggested');
  });

  it('a grant never widens a sandbox that already has the network', () => {
    const asked = planRun(ask, { kind: 'available', network: true });
    expect(asked).toMatchObject({ offer: { grants: ['allowOnceUnsandboxed'] } });
  });
});

describe('what the tool result says about the sandbox', () => {
  it('names what it could write, what was read-only, how many secrets were hidden, and the network', () => {
    const line = describeSandbox({ sandboxed: true, writable: ['/ws'], network: false, readOnly: ['/ws/.git', '/ws/node_modules/.bin'], hidden: 2, notes: [] });
    expect(line).toBe('Sandbox: ran confined; it could write only /ws; read-only inside it: .git, node_modules/.bin; 2 secret files hidden; no network; $HOME and /tmp were empty scratch space.');
    expect(describeSandbox({ sandboxed: false, reason: 'no sandbox on macOS' })).toBe('Sandbox: none (no sandbox on macOS).');
  });
});
