/**
 * One command run the way `run_command` runs it on this host: inside the sandbox when `confinement`
 * says so (bwrap, the scrubbed environment, the report of what it could touch), otherwise as a plain
 * process with the scrubbed environment all the same. VS Code's terminal and the Node tests share it.
 */
import type { CancellationToken } from '../../../common/cancellation';
import type { Confinement, ProcessResult } from '../../../tools/ports';
import { runShellProcess } from '../processRunner';
import type { CommandSandbox } from './commandSandbox';

export interface ConfinedRunOptions {
  /** The workspace folders (file-system paths): what a sandboxed command may write. */
  folders: readonly string[];
  cwd: string;
  timeoutMs: number;
  token: CancellationToken;
  confinement: Confinement;
  maxOutputBytes: number;
  onOutput?: (chunk: string) => void;
  /** Called once the launch is known, before the process starts (the terminal prints where it runs). */
  onStart?: (where: string) => void;
}

export async function runConfined(sandbox: CommandSandbox, command: string, options: ConfinedRunOptions): Promise<ProcessResult> {
  const prepared = options.confinement.sandbox ? await sandbox.prepare(options.folders, options.cwd, options.confinement.network) : undefined;
  options.onStart?.(prepared ? `sandboxed, ${prepared.report.network ? 'network on' : 'no network'}` : 'not sandboxed');
  const result = await runShellProcess(command, {
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    token: options.token,
    maxOutputBytes: options.maxOutputBytes,
    env: prepared?.env ?? sandbox.scrubbedEnvironment(),
    ...(prepared ? { sandbox: prepared.launch } : {}),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
  if (!prepared) return { ...result, sandbox: { sandboxed: false, reason: await unsandboxedReason(sandbox) } };
  const created = await sandbox.createdProtectedPaths(prepared);
  return { ...result, sandbox: created.length ? { ...prepared.report, createdProtected: created } : prepared.report };
}

async function unsandboxedReason(sandbox: CommandSandbox): Promise<string> {
  const status = sandbox.currentStatus ?? (await sandbox.status());
  if (status.kind === 'off') return 'holdfast.sandbox is "off"';
  if (status.kind === 'unavailable') return status.reason;
  return 'the user allowed this run without the sandbox';
}
