import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { Holdfast } from '../../../src/app/holdfast';
import type { HoldfastTestApi } from '../../../src/extension';
import { waitFor } from './waiting';

/**
 * The extension under test inside the extension host: its identity, the owner object its test API
 * hands out, and the workspace setting that points it at a server.
 */

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

/** The owner object, through the test API `activate()` returns in extension mode Test. */
export async function holdfastUnderTest(): Promise<Holdfast> {
  const api = (await holdfastExtension().activate()) as HoldfastTestApi | undefined;
  assert.ok(api?.holdfast, 'activate() returned no test API: the extension is not running in ExtensionMode.Test');
  return api.holdfast;
}

/** Points `holdfast.baseUrl` (workspace setting) at `url` and waits until Holdfast has applied it. */
export async function pointBaseUrlAt(holdfast: Holdfast, url: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('holdfast').update('baseUrl', url, vscode.ConfigurationTarget.Workspace);
  const expected = (url ?? vscode.workspace.getConfiguration('holdfast').get<string>('baseUrl') ?? '').replace(/\/+$/, '');
  await waitFor(`holdfast.baseUrl = ${expected}`, () => holdfast.settings.baseUrl === expected, 5_000);
}

/** The workspace value of `holdfast.baseUrl` (the harness's silent server), to restore after a suite. */
export function workspaceBaseUrl(): string | undefined {
  return vscode.workspace.getConfiguration('holdfast').inspect<string>('baseUrl')?.workspaceValue;
}
