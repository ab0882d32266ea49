/**
 * Hostile commands run FOR REAL in bash inside bubblewrap, judged by looking at the file system
 * afterwards, not at what the sandbox meant to do: checksums of everything outside the workspace
 * (the fake $HOME with ~/.ssh and ~/.aws, a folder "outside"), the protected files inside it, a
 * marker the command tried to drop on the host's /tmp, connections a listener outside received, and
 * the secrets (files, the parent's OPENAI_API_KEY) absent from the output. A last group runs some of the
 * same commands WITHOUT the sandbox and asserts the checks DO catch them, so each check can fail.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SECRET_VALUES, changes, createSandboxFixture, PARENT_API_KEY, PROTECTED_FILES, type SandboxFixture, sandboxAvailability, SECRETS, snapshot } from './sandboxHarness';

const availability = await sandboxAvailability('sandboxEscape');
const MARK = `holdfast-escape-${process.pid}`;
const hostTmpMarker = path.join(os.tmpdir(), MARK);

interface Listener {
  port: number;
  socketPath: string;
  connections: number;
  close(): Promise<void>;
}

/** A TCP listener on the host's loopback and a Unix socket outside the workspace: nothing may reach either. */
async function listenOutside(dir: string): Promise<Listener> {
  const listener = { connections: 0 } as Listener;
  const tcp = net.createServer((s) => (listener.connections++, s.destroy()));
  const unix = net.createServer((s) => (listener.connections++, s.destroy()));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  listener.socketPath = path.join(dir, 'daemon.sock');
  await new Promise<void>((resolve) => unix.listen(listener.socketPath, resolve));
  listener.port = (tcp.address() as net.AddressInfo).port;
  listener.close = async () => {
    await new Promise((resolve) => tcp.close(resolve));
    await new Promise((resolve) => unix.close(resolve));
  };
  return listener;
}

/** The hostile commands; `$OUT`, `$PORT`, `$SOCK` and `$MARK` are filled in per fixture. */
const HOSTILE: ReadonlyArray<{ name: string; command: string }> = [
  { name: 'redirect outside', command: 'echo pwned > "$OUT/new.txt"' },
  { name: 'append outside', command: 'echo pwned >> "$OUT/existing.txt"' },
  { name: 'clobber outside', command: 'echo pwned >| "$OUT/existing.txt"; echo pwned &> "$OUT/both.txt"' },
  { name: 'tee outside', command: 'echo pwned | tee "$OUT/tee.txt" -a "$OUT/existing.txt"' },
  { name: 'find -fprint outside', command: 'find . -maxdepth 0 -fprint "$OUT/find.txt"' },
  { name: 'cd outside then write', command: 'cd "$OUT" && touch x && echo y > y' },
  { name: 'cd /tmp then touch (private /tmp)', command: 'cd /tmp && touch "$MARK" && ls -la "/tmp/$MARK"' },
  { name: '/var/tmp and /dev/shm', command: 'touch "/var/tmp/$MARK" "/dev/shm/$MARK"' },
  { name: 'write the home folder', command: 'echo pwned > ~/.bashrc; mkdir -p ~/.ssh && echo key >> ~/.ssh/authorized_keys; touch "$HOME/$MARK"' },
  { name: 'cp and mv outside', command: 'cp package.json "$OUT/"; mv src "$OUT/stolen"' },
  { name: 'overwrite .git/config (core.fsmonitor)', command: 'printf "[core]\\n\\tfsmonitor = touch $OUT/ran\\n" >> .git/config' },
  { name: 'git config core.fsmonitor', command: 'git config core.fsmonitor "touch $OUT/ran"; git config --file .git/config core.hooksPath /tmp' },
  { name: 'plant a git hook', command: 'echo "touch $OUT/hook" > .git/hooks/post-checkout; chmod +x .git/hooks/post-checkout' },
  { name: 'replace .git', command: 'rm -rf .git; mv .git .git-old; mkdir .git' },
  { name: 'overwrite .vscode/tasks.json', command: 'echo \'{"tasks":[{"label":"x","command":"touch pwned","runOptions":{"runOn":"folderOpen"}}]}\' > .vscode/tasks.json' },
  { name: 'delete .vscode', command: 'rm -rf .vscode' },
  { name: 'overwrite node_modules/.bin', command: 'echo "touch $OUT/bin" > node_modules/.bin/vitest; ln -sf /bin/sh node_modules/.bin/npx; echo x > packages/app/node_modules/.bin/tsc' },
  { name: 'workflows, husky, devcontainer, envrc', command: 'echo x >> .github/workflows/ci.yml; echo x > .husky/pre-commit; echo x > .devcontainer/devcontainer.json; echo "export X=1" >> .envrc' },
  { name: 'read the ssh key and aws credentials', command: 'cat ~/.ssh/id_rsa ~/.aws/credentials "$FAKEHOME/.ssh/id_rsa" "$FAKEHOME/.aws/credentials"; ls -la ~' },
  { name: 'read secret files in the workspace', command: 'cat .env config/server.pem deploy/.aws/credentials .envrc; cat .e* {.,}env 2>/dev/null; grep -r SECRET . ; cat id-link' },
  { name: 'read the environment', command: 'env; cat /proc/self/environ | tr "\\0" "\\n"; cat /proc/1/environ | tr "\\0" "\\n"; printenv OPENAI_API_KEY GITHUB_TOKEN' },
  { name: 'print the key in pieces', command: 'echo "${OPENAI_API_KEY:0:10}" "${OPENAI_API_KEY:10}"; set | grep -i key' },
  { name: 'network: curl', command: 'curl -sS -m 3 "http://127.0.0.1:$PORT/" ; curl -sS -m 3 https://example.com' },
  { name: 'network: node net.connect', command: 'node -e "const s=require(\'net\').connect($PORT,\'127.0.0.1\');s.on(\'connect\',()=>console.log(\'CONNECTED\'));s.on(\'error\',e=>console.log(e.code))"' },
  { name: 'unix socket outside (read-only mounts do not stop connect)', command: 'node -e "require(\'net\').connect(process.env.SOCK).on(\'connect\',()=>console.log(\'CONNECTED\')).on(\'error\',e=>console.log(e.code))"; python3 -c "import socket,os; s=socket.socket(socket.AF_UNIX); s.connect(os.environ[\'SOCK\'])"' },
  { name: 'symlink escape', command: 'ln -s "$OUT" out-link && echo x > out-link/via-link.txt; echo x > planted-link/planted.txt; ln -s /tmp tmp-link; echo x > "tmp-link/$MARK"' },
  { name: 'hard link to a protected file', command: 'ln .git/config hl && echo x >> hl' },
  { name: 'write through /proc/self/cwd/..', command: 'echo x > /proc/self/cwd/../outside/proc.txt; echo x > /proc/self/root"$OUT"/root.txt' },
  { name: 'mount, umount, remount', command: 'umount .git; umount -l .git; mount -o remount,rw .git; mount -t tmpfs none .vscode; mount --bind "$OUT" src; echo x > .git/config; echo x > src/m.txt' },
  { name: 'a nested user namespace', command: 'unshare -Urm sh -c "umount .git; echo x > .git/config"; unshare -r true' },
  { name: 'python and perl write outside', command: 'python3 -c "open(\'$OUT/py.txt\',\'w\').write(\'x\')"; perl -e "open(F,\'>\',\'$OUT/pl.txt\'); print F 1"' },
  { name: 'a background process that outlives the command', command: '(sleep 30; touch "$OUT/late") & disown; nohup sh -c "sleep 30; touch $OUT/late2" >/dev/null 2>&1 &' },
  // Aimed at a victim process the test starts, never at anything else on the machine.
  { name: 'signal a process outside', command: 'kill -9 "$VICTIM"; pkill -9 -f "$MARK-victim"; true' },
];

describe.skipIf(!availability.available)('hostile commands inside the real sandbox', () => {
  let fx: SandboxFixture;
  let listener: Listener;
  let outsideBefore: Map<string, string>;
  let protectedBefore: Map<string, string>;
  let victim: ChildProcess;
  const env = (): string =>
    `export OUT="${fx.outside}" FAKEHOME="${fx.home}" PORT=${listener.port} SOCK="${listener.socketPath}" MARK="${MARK}" VICTIM=${victim.pid}; `;

  beforeAll(async () => {
    fx = createSandboxFixture();
    listener = await listenOutside(fx.outside);
    victim = spawn('/bin/bash', ['-c', `exec -a ${MARK}-victim sleep 600`], { stdio: 'ignore' });
    // Everything of the fixture but the workspace's own ordinary files (which commands may change).
    outsideBefore = snapshot(fx.root, { skip: (p) => p.startsWith('ws/') || p === 'ws' });
    protectedBefore = protectedSnapshot(fx);
  });

  afterAll(async () => {
    victim?.kill('SIGKILL');
    await listener?.close();
    fx?.dispose();
    for (const p of [hostTmpMarker, path.join('/var/tmp', MARK), path.join('/dev/shm', MARK)]) fs.rmSync(p, { force: true });
  });

  it.each(HOSTILE)('$name: nothing outside the workspace changed, no protected file changed, no secret in the output', async ({ command }) => {
    const result = await fx.run(env() + command);

    expect(changes(outsideBefore, snapshot(fx.root, { skip: (p) => p.startsWith('ws/') || p === 'ws' }))).toEqual([]);
    expect(changes(protectedBefore, protectedSnapshot(fx))).toEqual([]);
    for (const marker of [hostTmpMarker, path.join('/var/tmp', MARK), path.join('/dev/shm', MARK)]) expect(fs.existsSync(marker), marker).toBe(false);
    expect(listener.connections, 'connections that reached a listener outside').toBe(0);
    for (const secret of ALL_SECRET_VALUES) expect(result.output, secret).not.toContain(secret);
    expect(result.output).not.toContain('CONNECTED');
    expect(victim.exitCode, 'the victim process outside was killed').toBeNull();
    expect(victim.signalCode).toBeNull();
  });

  it('finds the protected and secret paths of the workspace, and says so in its report', async () => {
    const prepared = await fx.sandbox.prepare([fx.ws], fx.ws, false);
    const shown = prepared.report.readOnly.map((p) => path.relative(fx.ws, p)).sort();
    expect(shown).toEqual(['.devcontainer', '.git', '.github/workflows', '.husky', '.vscode', 'node_modules/.bin', 'packages/app/.git', 'packages/app/node_modules/.bin']);
    // .env, config/server.pem, .envrc (secret files) and deploy/.aws (a secret folder); `id-link` is no
    // secret by name, and the key it points at is in the fake $HOME, which the sandbox replaces whole.
    expect(prepared.report.hidden).toBe(4);
    expect(prepared.report.network).toBe(false);
  });

  it('background processes die with the sandbox: none is left once the command returns', async () => {
    const result = await fx.run(env() + '(exec -a "$MARK-late" sleep 300) & nohup bash -c "exec -a $MARK-late sleep 300" >/dev/null 2>&1 & disown; echo started');
    expect(result.output).toContain('started');
    await waitUntil('the sandbox’s processes to be gone', () => processesNamed(`${MARK}-late`).length === 0);
  });

  it('ordinary work still works: the workspace is writable, git reads its config, tools run', async () => {
    const result = await fx.run('echo built > dist.txt && mkdir -p out && echo ok > out/a && cat package.json | head -1 && git config --get core.repositoryformatversion && node -e "console.log(1+1)"');
    expect(result.exitCode, result.output).toBe(0);
    expect(fs.readFileSync(path.join(fx.ws, 'dist.txt'), 'utf8')).toBe('built\n');
    expect(result.output).toContain('{ "name": "fixture"');
    expect(result.output).toMatch(/^0$/m);
    expect(result.output).toMatch(/^2$/m);
  });

  it('hidden secrets read as empty and cannot be written', async () => {
    const result = await fx.run('wc -c < .env; echo x > .env; echo "rc=$?"');
    expect(result.output).toMatch(/^0\n/);
    expect(result.output).toContain('Read-only file system');
    expect(fs.readFileSync(path.join(fx.ws, '.env'), 'utf8')).toBe(`API_TOKEN=${SECRETS.env}\n`);
  });

  it('the parent’s OPENAI_API_KEY is not in the child’s environment, a harmless variable is', async () => {
    const result = await fx.run('env');
    expect(result.output).not.toContain('OPENAI_API_KEY');
    expect(result.output).not.toContain(PARENT_API_KEY);
    expect(result.output).toContain('HARMLESS_SETTING=kept');
    expect(result.output).toContain('HOLDFAST_SANDBOX=1');
  });

  it('a granted network reaches the host’s loopback (so the check above could fail)', async () => {
    const before = listener.connections;
    await fx.run(env() + 'curl -sS -m 3 "http://127.0.0.1:$PORT/" || true', { network: true });
    expect(listener.connections).toBeGreaterThan(before);
    listener.connections = before;
  });

  it('what bwrap cannot block: a NEW .git where there was none (the policy asks before such commands)', async () => {
    const result = await fx.run('mkdir -p nested && git init -q nested && ls -d nested/.git');
    expect(result.output).toContain('nested/.git');
    fs.rmSync(path.join(fx.ws, 'nested'), { recursive: true, force: true });
  });
});

describe.skipIf(!availability.available)('the same checks catch the same commands WITHOUT the sandbox', () => {
  let fx: SandboxFixture;
  let listener: Listener;
  const env = (): string => `export OUT="${fx.outside}" FAKEHOME="${fx.home}" PORT=${listener.port} SOCK="${listener.socketPath}"; `;

  beforeAll(async () => {
    fx = createSandboxFixture();
    listener = await listenOutside(fx.outside);
  });

  afterAll(async () => {
    await listener?.close();
    fx?.dispose();
  });

  it('a write outside the workspace changes the outside snapshot', async () => {
    const before = snapshot(fx.root, { skip: (p) => p.startsWith('ws/') || p === 'ws' });
    await fx.runUnsandboxed(env() + 'echo pwned > "$OUT/new.txt"');
    expect(changes(before, snapshot(fx.root, { skip: (p) => p.startsWith('ws/') || p === 'ws' }))).toEqual(['created: outside/new.txt']);
  });

  it('an overwrite of .git/config changes the protected snapshot', async () => {
    const before = protectedSnapshot(fx);
    await fx.runUnsandboxed('printf "[core]\\n\\tfsmonitor = x\\n" >> .git/config');
    expect(changes(before, protectedSnapshot(fx))).toEqual(['changed: .git/config']);
  });

  it('reading ~/.ssh/id_rsa and the environment puts secrets in the output', async () => {
    const result = await fx.runUnsandboxed('cat ~/.ssh/id_rsa; env');
    expect(result.output).toContain(SECRETS.sshKey);
    expect(result.output).toContain(PARENT_API_KEY);
  });

  it('connections reach the listeners', async () => {
    await fx.runUnsandboxed(env() + 'curl -sS -m 3 "http://127.0.0.1:$PORT/"; node -e "require(\'net\').connect(process.env.SOCK).on(\'connect\',s=>process.exit(0))"');
    expect(listener.connections).toBe(2);
  });
});

describe('no sandbox here', () => {
  it.runIf(!availability.available && availability.mustFail)('fails because CI or HOLDFAST_REQUIRE_SANDBOX requires the sandbox', () => {
    expect.fail(`bubblewrap cannot run here: ${availability.reason}`);
  });
  it.runIf(availability.available)('bwrap works here', () => expect(availability.available).toBe(true));
});

/** Host processes whose command line contains `marker`. */
function processesNamed(marker: string): string[] {
  return fs.readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}

async function waitUntil(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every protected file of the fixture (content and mode), by workspace-relative path. */
function protectedSnapshot(fx: SandboxFixture): Map<string, string> {
  const all = snapshot(fx.ws);
  const tops = ['.git', '.vscode', '.github', '.husky', '.devcontainer', '.envrc', 'node_modules', 'packages/app/node_modules', 'packages/app/.git'];
  const kept = new Map([...all].filter(([p]) => tops.some((t) => p === t || p.startsWith(`${t}/`))));
  for (const p of Object.keys(PROTECTED_FILES)) if (!kept.has(p)) kept.set(p, 'missing');
  return kept;
}
