import * as vscode from 'vscode';
import type { CheckpointFiles } from '../../tools/checkpoints/blobStore';

/**
 * Checkpoint storage under the extension's workspace storage (`context.storageUri`, per workspace,
 * outside the workspace and its git state; `globalStorageUri` when no folder is open), so
 * checkpoints survive reloads and restarts.
 */
export class StorageCheckpointFiles implements CheckpointFiles {
  constructor(private readonly root: vscode.Uri) {}

  async read(name: string): Promise<Uint8Array | undefined> {
    try {
      return await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.root, name));
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
      throw error;
    }
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    // writeFile creates the parent folders.
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(this.root, name), bytes);
  }
}
