import * as vscode from 'vscode';
import type { ToolSettings, ToolSettingsStore } from '../tools/ports';
import { readAgentToolConfig } from './config';

/**
 * The tools' settings on VS Code: `holdfast.*` (lists merged over user, workspace and folder scope, see
 * `readAgentToolConfig`) plus Workspace Trust, read fresh at every call. "Always allow" answers are
 * written to the workspace settings (`.vscode/settings.json`), where the user can see and remove them.
 */
export class VscodeToolSettings implements ToolSettingsStore {
  read(): ToolSettings {
    const config = readAgentToolConfig();
    return {
      workspaceTrusted: vscode.workspace.isTrusted,
      editApproval: config.editApproval,
      allowedCommands: config.allowedCommands,
      deniedCommands: config.deniedCommands,
      allowedTasks: config.allowedTasks,
      allowedSecretFiles: config.allowedSecretFiles,
    };
  }

  allowCommands(prefixes: readonly string[]): Promise<void> {
    return this.appendToWorkspaceList('allowedCommands', prefixes);
  }

  allowTask(label: string): Promise<void> {
    return this.appendToWorkspaceList('allowedTasks', [label]);
  }

  /** Appends to the workspace value only (never copies the user's own list into the workspace). */
  private async appendToWorkspaceList(key: string, values: readonly string[]): Promise<void> {
    const config = vscode.workspace.getConfiguration('holdfast');
    // No folder open: nothing to write to at workspace scope, so remember it for the user instead.
    const inWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
    const inspected = config.inspect<unknown>(key);
    const current = inWorkspace ? inspected?.workspaceValue : inspected?.globalValue;
    const list = Array.isArray(current) ? current.filter((v): v is string => typeof v === 'string') : [];
    const added = values.filter((value) => !list.includes(value));
    if (added.length === 0) return;
    await config.update(key, [...list, ...added], inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  }
}
