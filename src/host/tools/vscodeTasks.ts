import * as vscode from 'vscode';
import * as path from 'node:path';
import { type CancellationToken, CancellationTokenSource } from '../../common/cancellation';
import type { ProcessResult, TaskInfo, Tasks } from '../../tools/ports';
import { runShellProcess } from './processRunner';

const MAX_OUTPUT = 256 * 1024;

function quoteArg(arg: string | vscode.ShellQuotedString): string {
  const value = typeof arg === 'string' ? arg : arg.value;
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The shell command line a shell or process task would run, or undefined for other task kinds. */
function commandLineOf(task: vscode.Task): string | undefined {
  const execution = task.execution;
  if (execution instanceof vscode.ShellExecution) {
    if (execution.commandLine) return execution.commandLine;
    if (execution.command === undefined) return undefined;
    return [execution.command, ...(execution.args ?? [])].map(quoteArg).join(' ');
  }
  if (execution instanceof vscode.ProcessExecution) {
    return [execution.process, ...execution.args].map(quoteArg).join(' ');
  }
  return undefined;
}

function folderOf(task: vscode.Task): string | undefined {
  const scope = task.scope;
  if (scope && typeof scope === 'object' && 'uri' in scope) return scope.uri.fsPath;
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/**
 * The task's working directory: its `options.cwd` with the common folder variables substituted, or
 * its folder. Undefined when the cwd uses a variable only VS Code's task system can resolve.
 */
function cwdOf(task: vscode.Task, folder: string | undefined): string | undefined {
  const execution = task.execution;
  const cwd = execution instanceof vscode.ShellExecution || execution instanceof vscode.ProcessExecution ? execution.options?.cwd : undefined;
  if (cwd === undefined) return folder;
  if (folder === undefined && cwd.includes('${')) return undefined;
  const resolved = cwd.replace(/\$\{workspaceFolder\}|\$\{workspaceRoot\}/g, folder ?? '');
  if (resolved.includes('${')) return undefined;
  return path.isAbsolute(resolved) ? resolved : path.join(folder ?? '', resolved);
}

function envOf(task: vscode.Task): NodeJS.ProcessEnv | undefined {
  const execution = task.execution;
  const env = execution instanceof vscode.ShellExecution || execution instanceof vscode.ProcessExecution ? execution.options?.env : undefined;
  return env ? { ...process.env, ...env } : undefined;
}

/**
 * The `Tasks` port. The tasks API reports exit codes but never output, so a shell or process task is
 * re-run as a custom execution that spawns the same command line in a visible pseudoterminal and
 * captures what it prints. Other task kinds run as they are, reporting the exit code only.
 */
export class VscodeTasks implements Tasks {
  async list(): Promise<TaskInfo[]> {
    const tasks = await vscode.tasks.fetchTasks();
    return tasks.map((task) => ({ label: task.name, source: task.source, detail: task.detail }));
  }

  async run(label: string, options: { timeoutMs: number; token: CancellationToken; onOutput?: (chunk: string) => void }): Promise<ProcessResult> {
    const tasks = await vscode.tasks.fetchTasks();
    const task = tasks.find((t) => t.name === label) ?? tasks.find((t) => `${t.source}: ${t.name}` === label);
    if (!task) {
      const known = tasks.map((t) => t.name).slice(0, 30).join(', ');
      throw new Error(`No task is labelled "${label}". Tasks in this workspace: ${known || '(none)'}.`);
    }
    const commandLine = commandLineOf(task);
    const cwd = cwdOf(task, folderOf(task));
    if (commandLine === undefined || cwd === undefined || /\$\{/.test(commandLine)) return this.runOpaque(task, options);

    let finished!: (result: ProcessResult) => void;
    const stopped = new CancellationTokenSource(options.token);
    const done = new Promise<ProcessResult>((resolve) => (finished = resolve));
    const captured = new vscode.Task(
      task.definition,
      task.scope ?? vscode.TaskScope.Workspace,
      task.name,
      task.source,
      new vscode.CustomExecution(async () => {
        const write = new vscode.EventEmitter<string>();
        const close = new vscode.EventEmitter<number>();
        return {
          onDidWrite: write.event,
          onDidClose: close.event,
          open: () => {
            write.fire(`\x1b[2m$ ${commandLine}\x1b[0m\r\n`);
            void runShellProcess(commandLine, {
              cwd,
              timeoutMs: options.timeoutMs,
              token: stopped.token,
              maxOutputBytes: MAX_OUTPUT,
              env: envOf(task),
              onOutput: (chunk) => {
                write.fire(chunk.replace(/\r?\n/g, '\r\n'));
                options.onOutput?.(chunk);
              },
            }).then((result) => {
              close.fire(result.exitCode ?? 1);
              stopped.dispose();
              finished(result);
            });
          },
          // The user closed the task's terminal (or terminated the task): stop the process too.
          close: () => stopped.cancel(),
        };
      }),
      task.problemMatchers,
    );
    captured.presentationOptions = { ...task.presentationOptions, reveal: vscode.TaskRevealKind.Silent };
    await vscode.tasks.executeTask(captured);
    return done;
  }

  private async runOpaque(task: vscode.Task, options: { timeoutMs: number; token: CancellationToken }): Promise<ProcessResult> {
    const execution = await vscode.tasks.executeTask(task);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: ProcessResult): void => {
        if (settled) return;
        settled = true;
        subscription.dispose();
        cancellation.dispose();
        clearTimeout(timer);
        resolve(r);
      };
      const note = '(this kind of task does not expose its output to Holdfast; see the terminal)';
      const subscription = vscode.tasks.onDidEndTaskProcess((event) => {
        if (event.execution === execution) finish({ exitCode: event.exitCode, output: note, timedOut: false, cancelled: false });
      });
      const timer = setTimeout(() => {
        execution.terminate();
        finish({ exitCode: undefined, output: note, timedOut: true, cancelled: false });
      }, options.timeoutMs);
      const cancellation = options.token.onCancellationRequested(() => {
        execution.terminate();
        finish({ exitCode: undefined, output: note, timedOut: false, cancelled: true });
      });
    });
  }
}
