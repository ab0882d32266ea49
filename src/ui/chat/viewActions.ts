/** The actions the chat view's buttons ask for outside the conversation (error cards, the connection chip). */
import * as vscode from 'vscode';
import type { WebviewToHost } from '../../protocol/webview';

export type ViewAction = Extract<WebviewToHost, { type: 'runAction' }>['action'];

export async function runViewAction(action: ViewAction): Promise<void> {
  if (action === 'switchToHttp') {
    await vscode.workspace.getConfiguration('holdfast').update('transport', 'http', vscode.ConfigurationTarget.Workspace);
    return;
  }
  const command = { setApiKey: 'holdfast.setApiKey', testConnection: 'holdfast.testConnection', newSession: 'holdfast.newSession', compactNow: 'holdfast.compactNow' }[action];
  await vscode.commands.executeCommand(command);
}
