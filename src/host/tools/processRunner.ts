import { spawn } from 'node:child_process';
import type { CancellationToken } from '../../common/cancellation';
import type { ProcessResult } from '../../tools/ports';

export interface RunProcessOptions {
  cwd: string;
  timeoutMs: number;
  token: CancellationToken;
  /** Upper bound of captured output; the rest is counted, not kept, so a chatty process cannot eat memory. */
  maxOutputBytes: number;
  /** Live output for a terminal the user watches. */
  onOutput?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `bash -c <command>` (or `cmd /c` on Windows) in a fresh process group and kills the whole
 * group on timeout or cancellation, so no grandchild survives a Stop.
 */
export function runShellProcess(command: string, options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const isWindows = process.platform === 'win32';
    const child = isWindows
      ? spawn('cmd.exe', ['/d', '/s', '/c', command], { cwd: options.cwd, env: options.env ?? process.env, windowsHide: true })
      : spawn('/bin/bash', ['-c', command], { cwd: options.cwd, env: options.env ?? process.env, detached: true });
    let output = '';
    let dropped = 0;
    let timedOut = false;
    let cancelled = false;
    let settled = false;

    const collect = (data: Buffer): void => {
      const text = data.toString('utf8');
      options.onOutput?.(text);
      const room = options.maxOutputBytes - output.length;
      if (room > 0) output += text.slice(0, room);
      dropped += Math.max(0, text.length - Math.max(0, room));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);

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
      let text = output;
      if (error) text += `${text ? '\n' : ''}Could not start the process: ${error.message}`;
      if (dropped > 0) text += `\n[… ${dropped} more characters of output not kept]`;
      resolve({ exitCode: timedOut || cancelled ? undefined : exitCode, output: text, timedOut, cancelled });
    };
    child.on('error', (error) => finish(undefined, error));
    child.on('close', (code) => finish(code ?? undefined));
  });
}
