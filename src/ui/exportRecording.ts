import * as vscode from 'vscode';
import type { FrameRecorder } from '../transport/frameRecorder';
import { redactSecrets } from '../common/redact';

/**
 * "Holdfast: Export Session Recording": writes the recorded frames as redacted JSONL, in the shape of
 * the protocol's example frames, so a bug report can carry them and the emulator can replay them
 * (`npm run emulator -- --replay <file>`). A target URI argument skips the save dialog (tests).
 */
export async function exportRecording(
  recorder: FrameRecorder,
  knownSecrets: readonly string[],
  target?: unknown,
): Promise<vscode.Uri | undefined> {
  const jsonl = recorder.toJsonl();
  if (jsonl.trim() === '') {
    void vscode.window.showInformationMessage('Holdfast: nothing recorded yet. Send a prompt first.');
    return undefined;
  }
  let uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
  if (!uri) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `holdfast-recording-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    uri = await vscode.window.showSaveDialog({
      title: 'Export Holdfast Session Recording',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { 'JSON Lines': ['jsonl'] },
    });
    if (!uri) return undefined;
  }
  // The recorder redacts as it records; this second pass catches a key set after a frame was kept.
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(redactSecrets(jsonl, knownSecrets)));
  const stats = recorder.stats();
  void vscode.window.showInformationMessage(
    `Holdfast: saved ${stats.frames} frames (API keys redacted)${stats.dropped ? `; ${stats.dropped} older frames were not kept` : ''}.`,
  );
  return uri;
}
