import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { startEmulator, type Emulator, type EmulatorOptions, type Scenario } from '../../emulator';
import type { Holdfast } from '../../../src/app/holdfast';
import { holdfastUnderTest, pointBaseUrlAt, workspaceBaseUrl } from './holdfastExtension';

/**
 * Holdfast in the extension host talking to the emulator: connecting it (workspace setting
 * `holdfast.baseUrl` + the test key through `holdfast.setApiKey`), putting everything back afterwards,
 * and reading what the emulator saw. The emulator runs in this process (bundled into the suite).
 */
export interface EmulatorSession {
  emulator: Emulator;
  holdfast: Holdfast;
  restore(): Promise<void>;
}

/** Starts a fresh emulator with `scenario` and points the running Holdfast at it. */
export async function useEmulator(scenario: Scenario, tokensPerSecond?: number): Promise<EmulatorSession> {
  const holdfast = await holdfastUnderTest();
  const emulator = await startEmulator({ scenario, pingIntervalMs: 0, ...(tokensPerSecond !== undefined ? { tokensPerSecond } : {}) });
  const config = vscode.workspace.getConfiguration('holdfast');
  const previous = config.inspect<string>('baseUrl')?.workspaceValue;
  await config.update('baseUrl', emulator.url, vscode.ConfigurationTarget.Workspace);
  await vscode.commands.executeCommand('holdfast.setApiKey', emulator.apiKey);
  assert.strictEqual(holdfast.settings.baseUrl, emulator.url);
  return {
    emulator,
    holdfast,
    async restore() {
      await vscode.commands.executeCommand('holdfast.clearApiKey');
      await vscode.workspace.getConfiguration('holdfast').update('baseUrl', previous, vscode.ConfigurationTarget.Workspace);
      await emulator.close();
    },
  };
}

/** Connects Holdfast to a running emulator with its key; returns a function that undoes it. */
export async function connectToEmulator(holdfast: Holdfast, emulator: Emulator): Promise<() => Promise<void>> {
  const previous = workspaceBaseUrl();
  await pointBaseUrlAt(holdfast, emulator.url);
  await vscode.commands.executeCommand('holdfast.setApiKey', emulator.apiKey);
  return async () => {
    await vscode.commands.executeCommand('holdfast.clearApiKey');
    await pointBaseUrlAt(holdfast, previous);
  };
}

/** Holdfast connected to a fresh emulator for one suite; `close()` (in suiteTeardown) undoes both. */
export interface ConnectedEmulator {
  holdfast: Holdfast;
  emulator: Emulator;
  close(): Promise<void>;
}

/** Starts an emulator with `options` (no pings) and connects the running Holdfast to it. */
export async function connectedEmulator(options: EmulatorOptions): Promise<ConnectedEmulator> {
  const holdfast = await holdfastUnderTest();
  const emulator = await startEmulator({ pingIntervalMs: 0, ...options });
  const disconnect = await connectToEmulator(holdfast, emulator);
  return {
    holdfast,
    emulator,
    async close() {
      await disconnect();
      await emulator.close();
    },
  };
}

/** Non-warm-up requests the emulator has seen. */
export function modelRequests(emulator: Emulator) {
  return emulator.stats().requests.filter((request) => request.kind !== 'warmup');
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
