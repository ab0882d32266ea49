import * as vscode from 'vscode';
import { Holdfast } from './app/holdfast';
import { reportActivationFailure } from './app/activationFailure';
import { HostLog } from './host/log';
import { registerCommands } from './ui/commands';

let holdfast: Holdfast | undefined;

/** Handed to integration tests only (extension mode Test); other extensions get nothing. */
export interface HoldfastTestApi {
  holdfast: Holdfast;
}

/**
 * Small on purpose: build the owner object (the composition root, `app/holdfast.ts`), register
 * contributions, return. Nothing here awaits the network; the socket is opened and warmed in the
 * background by `start()`. A failure is shown with a way to the log, then rethrown so VS Code records
 * the activation as failed: it never vanishes silently.
 */
export function activate(context: vscode.ExtensionContext): HoldfastTestApi | undefined {
  const log = new HostLog();
  context.subscriptions.push(log);
  try {
    holdfast = new Holdfast(context, log);
    context.subscriptions.push(holdfast, ...registerCommands(holdfast));
    holdfast.start();
  } catch (error) {
    holdfast?.dispose();
    holdfast = undefined;
    void reportActivationFailure(error, log, vscode.window.showErrorMessage);
    throw error;
  }
  return context.extensionMode === vscode.ExtensionMode.Test ? { holdfast } : undefined;
}

export function deactivate(): void {
  holdfast?.dispose();
  holdfast = undefined;
}
