import type * as vscode from 'vscode';
import type { SessionStorage } from '../agent/sessionStore';

/**
 * Chat sessions live in the workspace's `Memento` (`ExtensionContext.workspaceState`): per workspace,
 * kept across reloads, never synced. `update(key, undefined)` deletes a key.
 */
export class WorkspaceSessionStorage implements SessionStorage {
  constructor(private readonly memento: vscode.Memento) {}

  get(key: string): unknown {
    return this.memento.get<unknown>(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.memento.update(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.memento.update(key, undefined);
  }
}
