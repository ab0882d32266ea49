import { spawn } from 'node:child_process';
import type { CancellationToken } from '../../common/cancellation';
import { HeadTailCapture } from '../../tools/boundOutput';
import type { ProcessResult } from '../../tools/ports';

/** How to start `bash -c` inside an OS sandbox: the launcher (bwrap), its arguments, data for fd 3. */
export interface SandboxLaunch {
  file: string;
  args: readonly string[];
  /** Written to the child's fd 3 and closed (bwrap `--seccomp 3`). */
  fd3?: Uint8Array;
}

/**
 * Run first inside the sandbox: closes every descriptor above stderr the extension host inherited
 * without close-on-exec (a write end to something outside would be a way out), then runs the command
 * (`$1`) as `bash -c` would.
 */
const CLOSE_INHERITED_FDS = 'for fd in /proc/self/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then exec {fd}>&-; fi; done; exec /bin/bash -c "$1"';

export interface RunProcessOptions {
  cwd: string;
  timeoutMs: number;
  token: CancellationToken;
  /** Upper bound of captured characters: the head and the tail are kept, the middle is counted, so a chatty process cannot eat memory. */
  maxOutputBytes: number;
  /** Live output for a terminal the user watches. */
  onOutput?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Run inside this sandbox instead of directly. */
  sandbox?: SandboxLaunch;
}

/**
 * Runs `bash -c <command>` (or `cmd /c` on Windows) in a fresh process group and kills the whole
 * group on timeout or cancellation, so no grandchild survives a Stop. In a sandbox, the group is
 * bwrap's: killing bwrap kills the sandbox's PID namespace (`--die-with-parent`, `--unshare-pid`).
 * Stdin is /dev/null: nobody types into an agent's command, and a command waiting for input should
 * end, not hang until the timeout.
 */
export function runShellProcess(command: string, options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const isWindows = process.platform === 'win32';
    const env = options.env ?? process.env;
    const sandbox = options.sandbox;
    const child = isWindows
      ? spawn('cmd.exe', ['/d', '/s', '/c', command], { cwd: options.cwd, env, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : sandbox
        ? spawn(sandbox.file, [...sandbox.args, '--', '/bin/bash', '-c', CLOSE_INHERITED_FDS, 'holdfast-sandbox', command], { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] })
        : spawn('/bin/bash', ['-c', command], { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const capture = new HeadTailCapture(options.maxOutputBytes);
    let timedOut = false;
    let cancelled = false;
    let settled = false;

    if (sandbox) {
      const fd3 = child.stdio[3] as NodeJS.WritableStream | null | undefined;
      fd3?.on('error', () => undefined); // bwrap failing early closes its end; the exit code reports it
      fd3?.end(sandbox.fd3 ?? new Uint8Array());
    }
    const collect = (text: string): void => {
      options.onOutput?.(text);
      capture.push(text);
    };
    // A decoder per stream, so a multi-byte character split across chunks stays one character.
    child.stdout?.setEncoding('utf8').on('data', collect);
    child.stderr?.setEncoding('utf8').on('data', collect);

    const killTree = (): void => {
      if (child.pid === undefined) return;
      try {
        if (isWindows) spawn('taskkill', ['/pid', String(child.pid), '/T', '/F']);
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, options.timeoutMs);
    const cancellation = options.token.onCancellationRequested(() => {
      cancelled = true;
      killTree();
    });

    const finish = (exitCode: number | undefined, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cancellation.dispose();
      let text = capture.text();
      if (error) text += `${text ? '\n' : ''}Could not start the process: ${error.message}`;
      resolve({ exitCode: timedOut || cancelled ? undefined : exitCode, output: text, timedOut, cancelled });
    };
    child.on('error', (error) => finish(undefined, error));
    child.on('close', (code) => finish(code ?? undefined));
  });
}
