import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { HoldfastTestApi } from '../../src/extension';
import type { Holdfast } from '../../src/app/holdfast';
import type { Emulator } from '../emulator';
import { holdfastExtension } from './holdfastExtension';

/**
 * Helpers for suites that drive Holdfast's agent against the emulator inside the extension host.
 * The emulator runs in this process (bundled into the suite by esbuild); the extension reaches it
 * through `holdfast.baseUrl`, set as a workspace setting, and the key set with `holdfast.setApiKey`.
 */

/** The owner object, through the test API `activate()` returns in extension mode Test. */
export async function holdfastUnderTest(): Promise<Holdfast> {
  const extension = holdfastExtension();
  const api = (await extension.activate()) as HoldfastTestApi | undefined;
  assert.ok(api?.holdfast, 'activate() returned no test API: the extension is not running in ExtensionMode.Test');
  return api.holdfast;
}

/** Polls `condition` every 25 ms until it holds; rejects after `ms` naming what it waited for. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Connects Holdfast to the emulator with its key; returns a function that undoes it. */
export async function connectToEmulator(holdfast: Holdfast, emulator: Emulator): Promise<() => Promise<void>> {
  const previous = workspaceBaseUrl();
  await pointBaseUrlAt(holdfast, emulator.url);
  await vscode.commands.executeCommand('holdfast.setApiKey', emulator.apiKey);
  return async () => {
    await vscode.commands.executeCommand('holdfast.clearApiKey');
    await pointBaseUrlAt(holdfast, previous);
  };
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration run must open the fixture workspace');
  return folder.uri;
}

export function fileIn(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

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

/** What the emulator received as output of one call, as the model saw it. */
export function toolOutputOf(emulator: Emulator, callId: string): string {
  const record = emulator.stats().toolOutputs.find((o) => o.callId === callId);
  assert.ok(record, `the model never received an output for ${callId}`);
  return record.output;
}

/** The `response.create` frames the client sent, in order. */
export function createFrames(emulator: Emulator): Array<Record<string, unknown>> {
  return emulator
    .frames()
    .filter((f) => f.dir === 'send' && (f.frame as { type?: string } | null)?.type === 'response.create')
    .map((f) => f.frame as Record<string, unknown>);
}
