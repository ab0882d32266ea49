/**
 * Tasks and a terminal whose behaviour a test scripts: each run is recorded, and a handler decides
 * the result. A handler may wait for cancellation, to test Stop while a tool runs.
 */
import type { CancellationToken } from '../../src/common/cancellation';
import type { Confinement, ProcessResult, SandboxStatus, TaskInfo, Tasks, Terminal } from '../../src/tools/ports';

export type ProcessHandler = (run: { command: string; cwd: string; token: CancellationToken; timeoutMs: number; onOutput?: (chunk: string) => void }) => Promise<ProcessResult> | ProcessResult;

export const exited = (exitCode: number, output = ''): ProcessResult => ({ exitCode, output, timedOut: false, cancelled: false });

/** Resolves when the token is cancelled, as a process killed by Stop would. */
export function untilCancelled(token: CancellationToken, output = ''): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const done = (): void => resolve({ exitCode: undefined, output, timedOut: false, cancelled: true });
    if (token.isCancellationRequested) done();
    else token.onCancellationRequested(done);
  });
}

export class ScriptedTerminal implements Terminal {
  readonly runs: Array<{ command: string; cwd: string; timeoutMs: number }> = [];
  /** How each run was confined, in the order of `runs`. */
  readonly confinements: Confinement[] = [];
  /** What the host's sandbox probe reports; a sandbox by default, as on the Linux machines the tests run on. */
  sandboxStatus: SandboxStatus = { kind: 'available', network: false };

  constructor(public handler: ProcessHandler = () => exited(0)) {}

  async sandbox(): Promise<SandboxStatus> {
    return this.sandboxStatus;
  }

  async run(command: string, options: { cwd: string; timeoutMs: number; token: CancellationToken; confinement: Confinement; onOutput?: (chunk: string) => void }): Promise<ProcessResult> {
    this.runs.push({ command, cwd: options.cwd, timeoutMs: options.timeoutMs });
    this.confinements.push(options.confinement);
    return this.handler({ command, cwd: options.cwd, token: options.token, timeoutMs: options.timeoutMs, ...(options.onOutput ? { onOutput: options.onOutput } : {}) });
  }
}

export class ScriptedTasks implements Tasks {
  readonly runs: string[] = [];

  constructor(
    public tasks: TaskInfo[] = [],
    public handler: ProcessHandler = () => exited(0),
  ) {}

  async list(): Promise<TaskInfo[]> {
    return [...this.tasks];
  }

  async run(label: string, options: { timeoutMs: number; token: CancellationToken; onOutput?: (chunk: string) => void }): Promise<ProcessResult> {
    this.runs.push(label);
    return this.handler({ command: label, cwd: '', ...options });
  }
}
