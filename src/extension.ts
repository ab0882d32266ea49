import type * as vscode from 'vscode';
import { Holdfast } from './host/holdfast';
import { registerCommands } from './ui/commands';

let holdfast: Holdfast | undefined;

/**
 * Small on purpose: build the owner object, register contributions, return. Nothing here awaits the
 * network; the socket is opened and warmed in the background by `start()`.
 */
export function activate(context: vscode.ExtensionContext): void {
  holdfast = new Holdfast(context);
  context.subscriptions.push(holdfast, ...registerCommands(holdfast));
  holdfast.start();
}

export function deactivate(): void {
  holdfast?.dispose();
  holdfast = undefined;
}
