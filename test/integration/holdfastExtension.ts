import * as assert from 'node:assert';
import * as vscode from 'vscode';

/** The extension under test as VS Code sees it (`publisher.name` from package.json). */
export const holdfastExtensionId = 'holdfast.holdfast';

export function holdfastExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(holdfastExtensionId);
  assert.ok(extension, `${holdfastExtensionId} is not loaded (check engines.vscode and remoteagent.log)`);
  return extension;
}

/** The commands package.json contributes, as the running extension host read them. */
export function contributedCommandIds(extension: vscode.Extension<unknown>): string[] {
  const contributes = (extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes;
  return (contributes?.commands ?? []).map((entry) => entry.command);
}

/** Rejects when `promise` has not settled within `ms`, naming what was being waited for. */
export async function within<T>(ms: number, what: string, promise: Thenable<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
