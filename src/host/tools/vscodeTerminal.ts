import * as vscode from 'vscode';
import { type CancellationToken, CancellationTokenSource } from '../../common/cancellation';
import type { Event } from '../../common/event';
import type { Confinement, ProcessResult, SandboxStatus, Terminal } from '../../tools/ports';
import { readSandboxConfig } from '../config';
import { CommandSandbox } from './sandbox/commandSandbox';
import { runConfined } from './sandbox/confinedRun';

const MAX_OUTPUT = 256 * 1024;

/**
 * Runs each approved command in a fresh process shown in its own VS Code terminal. A pseudoterminal,
 * not the user's shell: the command the user approved is exactly what runs (nothing can be typed into
 * an already-approved shell), and output and exit code are captured reliably with or without shell
 * integration. On Linux the process runs inside the bubblewrap sandbox when `confinement` says so; any
 * command gets the scrubbed environment (no credential-looking variables, no VS Code IPC handles).
 */
export class VscodeTerminal implements Terminal, vscode.Disposable {
  /** Finished terminals stay open for the user to read; only the last few are kept. */
  private readonly finished: vscode.Terminal[] = [];
  private static readonly keepFinished = 4;
  readonly commandSandbox: CommandSandbox;

  constructor(sandbox?: CommandSandbox) {
    this.commandSandbox = sandbox ?? new CommandSandbox({ settings: readSandboxConfig });
  }

  /** Fires when commands start or stop being sandboxed (first command, settings change): the chat says "no sandbox here" once. */
  get onDidChangeSandboxStatus(): Event<SandboxStatus> {
    return this.commandSandbox.onDidChangeStatus;
  }

  sandbox(): Promise<SandboxStatus> {
    return this.commandSandbox.status();
  }

  async run(command: string, options: { cwd: string; timeoutMs: number; token: CancellationToken; confinement: Confinement; onOutput?: (chunk: string) => void }): Promise<ProcessResult> {
    const writeEmitter = new vscode.EventEmitter<string>();
    // Closing the terminal while the command runs stops the command (the whole process group).
    const stopped = new CancellationTokenSource(options.token);
    let started!: () => void;
    const opened = new Promise<void>((resolve) => (started = resolve));
    const pty: vscode.Pseudoterminal = {
      onDidWrite: writeEmitter.event,
      open: () => started(),
      close: () => stopped.cancel(),
    };
    const terminal = vscode.window.createTerminal({ name: `Holdfast: ${command.slice(0, 40)}`, pty, isTransient: true });
    // Headless windows may never open the terminal UI; don't wait on it for more than a moment.
    await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, 1000))]);
    const result = await runConfined(this.commandSandbox, command, {
      folders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      // Port paths are `Uri.path`-shaped (`/c:/repo` on Windows); the process needs a file-system path.
      cwd: vscode.Uri.file(options.cwd).fsPath,
      timeoutMs: options.timeoutMs,
      token: stopped.token,
      confinement: options.confinement,
      maxOutputBytes: MAX_OUTPUT,
      onStart: (where) => writeEmitter.fire(`\x1b[2m$ ${command}  (${where})\x1b[0m\r\n`),
      onOutput: (chunk) => {
        writeEmitter.fire(chunk.replace(/\r?\n/g, '\r\n'));
        options.onOutput?.(chunk);
      },
    }).catch((error: unknown) => {
      // The sandbox could not be set up: nothing ran. Say so where the user looks, and fail the call.
      writeEmitter.fire(`\x1b[31mNot run: ${error instanceof Error ? error.message : String(error)}\x1b[0m\r\n`);
      stopped.dispose();
      this.finished.push(terminal);
      throw error;
    });
    const ending = result.timedOut
      ? 'timed out'
      : result.cancelled
        ? 'stopped'
        : `exit code ${result.exitCode ?? 'unknown'}`;
    writeEmitter.fire(`\r\n\x1b[2m[${ending}]\x1b[0m\r\n`);
    stopped.dispose();
    this.finished.push(terminal);
    while (this.finished.length > VscodeTerminal.keepFinished) this.finished.shift()?.dispose();
    return result;
  }

  dispose(): void {
    for (const terminal of this.finished.splice(0)) terminal.dispose();
    this.commandSandbox.dispose();
  }
}
