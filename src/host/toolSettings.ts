import * as vscode from 'vscode';
import type { ToolSettings, ToolSettingsStore } from '../tools/ports';
import { readAgentToolConfig } from './config';

const ALWAYS_ALLOWED_COMMANDS = 'holdfast.alwaysAllowed.commands';
const ALWAYS_ALLOWED_TASKS = 'holdfast.alwaysAllowed.tasks';

/**
 * The tools' settings on VS Code, read fresh at every call: `holdfast.*` (permission-widening lists
 * from the user's own settings only, see `readAgentToolConfig`), Workspace Trust, and the user's
 * "Always allow" answers for this workspace. Those answers live in VS Code's workspace state, not in
 * `.vscode/settings.json`: a file in the repository must never be able to pre-approve a command.
 */
export class VscodeToolSettings implements ToolSettingsStore {
  constructor(private readonly workspaceState: vscode.Memento) {}

  read(): ToolSettings {
    const config = readAgentToolConfig();
    return {
      workspaceTrusted: vscode.workspace.isTrusted,
      editApproval: config.editApproval,
      allowedCommands: [...new Set([...config.allowedCommands, ...this.remembered(ALWAYS_ALLOWED_COMMANDS)])],
      deniedCommands: config.deniedCommands,
      allowedTasks: [...new Set([...config.allowedTasks, ...this.remembered(ALWAYS_ALLOWED_TASKS)])],
      allowedSecretFiles: config.allowedSecretFiles,
    };
  }

  /** The "Always allow" answers given in this workspace (for a settings UI and the tests). */
  rememberedAnswers(): { commands: string[]; tasks: string[] } {
    return { commands: this.remembered(ALWAYS_ALLOWED_COMMANDS), tasks: this.remembered(ALWAYS_ALLOWED_TASKS) };
  }

  /** Forgets every "Always allow" answer of this workspace. */
  async forgetAnswers(): Promise<void> {
    await this.workspaceState.update(ALWAYS_ALLOWED_COMMANDS, undefined);
    await this.workspaceState.update(ALWAYS_ALLOWED_TASKS, undefined);
  }

  allowCommands(prefixes: readonly string[]): Promise<void> {
    return this.remember(ALWAYS_ALLOWED_COMMANDS, prefixes);
  }

  allowTask(label: string): Promise<void> {
    return this.remember(ALWAYS_ALLOWED_TASKS, [label]);
  }

  private remembered(key: string): string[] {
    const value = this.workspaceState.get<unknown>(key);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  private async remember(key: string, values: readonly string[]): Promise<void> {
    const list = this.remembered(key);
    const added = values.filter((value) => !list.includes(value));
    if (added.length > 0) await this.workspaceState.update(key, [...list, ...added]);
  }
}
