import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { startEmulator, type Emulator, type Scenario } from '../../emulator';
import type { HoldfastTestApi } from '../../../src/extension';
import type { Holdfast } from '../../../src/app/holdfast';
import { holdfastExtension } from '../holdfastExtension';

/**
 * Points the running Holdfast at a fresh emulator (workspace setting `holdfast.baseUrl` + the test key
 * through `holdfast.setApiKey`) and puts everything back afterwards.
 */
export interface EmulatorSession {
  emulator: Emulator;
  holdfast: Holdfast;
  restore(): Promise<void>;
}

export async function useEmulator(scenario: Scenario, tokensPerSecond?: number): Promise<EmulatorSession> {
  const api = (await holdfastExtension().activate()) as HoldfastTestApi | undefined;
  assert.ok(api?.holdfast, 'activate() returns { holdfast } in extension mode Test');
  const emulator = await startEmulator({ scenario, pingIntervalMs: 0, ...(tokensPerSecond !== undefined ? { tokensPerSecond } : {}) });
  const config = vscode.workspace.getConfiguration('holdfast');
  const previous = config.inspect<string>('baseUrl')?.workspaceValue;
  await config.update('baseUrl', emulator.url, vscode.ConfigurationTarget.Workspace);
  await vscode.commands.executeCommand('holdfast.setApiKey', emulator.apiKey);
  assert.strictEqual(api.holdfast.settings.baseUrl, emulator.url);
  return {
    emulator,
    holdfast: api.holdfast,
    async restore() {
      await vscode.commands.executeCommand('holdfast.clearApiKey');
      await vscode.workspace.getConfiguration('holdfast').update('baseUrl', previous, vscode.ConfigurationTarget.Workspace);
      await emulator.close();
    },
  };
}

/** Writes a file into the test workspace (a fresh copy per run) and returns its URI. */
export async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration run opens a workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, relativePath);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

export async function readDisk(uri: vscode.Uri): Promise<string> {
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

/** Polls until `probe` returns a value other than undefined/false, or fails naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Non-warm-up requests the emulator has seen. */
export function modelRequests(emulator: Emulator) {
  return emulator.stats().requests.filter((request) => request.kind !== 'warmup');
}
