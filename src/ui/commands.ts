import * as vscode from 'vscode';
import { validateApiKeyInput } from '../host/apiKeyStore';
import type { Holdfast } from '../host/holdfast';

/** Says plainly that a command exists but its feature has not shipped, instead of failing silently. */
function notBuiltYet(feature: string): () => Promise<void> {
  return async () => {
    await vscode.window.showInformationMessage(`Holdfast: ${feature} is not available in this version yet.`);
  };
}

export function registerCommands(holdfast: Holdfast): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('holdfast.openChat', () => holdfast.chatView.reveal()),

    // An explicit key argument lets tests and scripts set the key without UI; it still goes only to
    // SecretStorage.
    vscode.commands.registerCommand('holdfast.setApiKey', async (keyArgument?: unknown) => {
      let key = typeof keyArgument === 'string' ? keyArgument : undefined;
      if (key === undefined) {
        key = await vscode.window.showInputBox({
          title: 'Holdfast: Set API Key',
          prompt: 'Your key is kept in VS Code’s secret storage and sent only to the configured model server.',
          password: true,
          ignoreFocusOut: true,
          validateInput: validateApiKeyInput,
        });
        if (key === undefined) return;
      }
      const problem = validateApiKeyInput(key);
      if (problem) {
        await vscode.window.showErrorMessage(`Holdfast: ${problem}`);
        return;
      }
      await holdfast.apiKeys.set(key);
      void vscode.window.showInformationMessage('Holdfast: API key saved in secret storage.');
    }),

    vscode.commands.registerCommand('holdfast.clearApiKey', async () => {
      await holdfast.apiKeys.clear();
      void vscode.window.showInformationMessage('Holdfast: API key removed.');
    }),

    vscode.commands.registerCommand('holdfast.debug.hasApiKey', async () => (await holdfast.apiKeys.get()) !== undefined),

    vscode.commands.registerCommand('holdfast.newSession', notBuiltYet('New Session')),
    vscode.commands.registerCommand('holdfast.inlineEdit', notBuiltYet('Inline Edit')),
    vscode.commands.registerCommand('holdfast.testConnection', notBuiltYet('Test Connection')),
  ];
}
