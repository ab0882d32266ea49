import * as assert from 'node:assert';
import * as vscode from 'vscode';

/** The fixture workspace the integration run opens (a fresh copy per run): its root and its files. */

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration run must open the fixture workspace');
  return folder.uri;
}

export function fileIn(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

/** The file's text, or undefined when it does not exist. */
export async function readText(relative: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(fileIn(relative)));
  } catch {
    return undefined;
  }
}

export async function writeText(relative: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(fileIn(relative), new TextEncoder().encode(text));
}

/** Writes a file into the test workspace and returns its URI. */
export async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
  const uri = fileIn(relativePath);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

export async function readDisk(uri: vscode.Uri): Promise<string> {
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}
