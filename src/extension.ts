import * as vscode from 'vscode';
import { Holdfast } from './host/holdfast';
import { registerCommands } from './ui/commands';

let holdfast: Holdfast | undefined;

/** Handed to integration tests only (extension mode Test); other extensions get nothing. */
export interface HoldfastTestApi {
  holdfast: Holdfast;
}

/**
 * Small on purpose: build the owner object, register contributions, return. Nothing here awaits the
 * network; the socket is opened and warmed in the background by `start()`.
 */
export function activate(context: vscode.ExtensionContext): HoldfastTestApi | undefined {
  holdfast = new Holdfast(context);
  context.subscriptions.push(holdfast, ...registerCommands(holdfast));
  holdfast.start();
  return context.extensionMode === vscode.ExtensionMode.Test ? { holdfast } : undefined;
}

export function deactivate(): void {
  holdfast?.dispose();
  holdfast = undefined;
}
