import * as vscode from 'vscode';
import type { AgentHost } from '../host/agentHost';
import type { HostCheckpoints } from '../host/checkpoints/hostCheckpoints';
import { type ApiKeyStore, validateApiKeyInput } from '../host/apiKeyStore';
import type { HostConnection } from '../host/connection';
import type { ChatViewProvider } from './chatViewProvider';
import { exportRecording } from './exportRecording';
import type { InlineEditController } from './inlineEdit/inlineEditController';
import { restoreCodeToTurn, undoRestoreCode } from './restoreCodeCommand';

/** What the commands act on. The composition root (`app/holdfast.ts`) is one; the UI never imports it. */
export interface CommandTargets {
  readonly apiKeys: ApiKeyStore;
  readonly connection: HostConnection;
  readonly chatView: Pick<ChatViewProvider, 'reveal'>;
  readonly agentHost: Pick<AgentHost, 'newSession' | 'revertTurn' | 'compactNow' | 'activeSession'>;
  readonly inlineEdits: Pick<InlineEditController, 'runCommand'>;
  readonly checkpoints: HostCheckpoints;
  testConnection(): Promise<void>;
}

export function registerCommands(holdfast: CommandTargets): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('holdfast.openChat', async () => {
      holdfast.connection.warmOnFirstUse();
      await holdfast.chatView.reveal();
    }),

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
        void vscode.window.showErrorMessage(`Holdfast: ${problem}`);
        return;
      }
      await holdfast.apiKeys.set(key);
      void vscode.window.showInformationMessage('Holdfast: API key saved in secret storage.');
    }),

    vscode.commands.registerCommand('holdfast.exportRecording', (target?: unknown) =>
      exportRecording(holdfast.connection.recorder, holdfast.connection.knownKey ? [holdfast.connection.knownKey] : [], target),
    ),

    vscode.commands.registerCommand('holdfast.clearApiKey', async () => {
      await holdfast.apiKeys.clear();
      void vscode.window.showInformationMessage('Holdfast: API key removed.');
    }),

    vscode.commands.registerCommand('holdfast.debug.hasApiKey', async () => (await holdfast.apiKeys.get()) !== undefined),

    vscode.commands.registerCommand('holdfast.newSession', async () => {
      holdfast.agentHost.newSession();
      holdfast.connection.warmOnFirstUse();
      await holdfast.chatView.reveal();
    }),

    vscode.commands.registerCommand('holdfast.revertLastTurn', async () => {
      const result = await holdfast.agentHost.revertTurn();
      if (!result) {
        void vscode.window.showInformationMessage('Holdfast: the agent has not changed any file in this session.');
      } else if (result.error) {
        void vscode.window.showErrorMessage(`Holdfast: the turn could not be reverted: ${result.error}`);
      } else if (result.conflicts.length) {
        const force = await vscode.window.showWarningMessage(
          `Holdfast: ${result.conflicts.join(', ')} changed after the agent's edits and ${result.conflicts.length === 1 ? 'was' : 'were'} left alone.` +
            (result.reverted.length ? ` Reverted: ${result.reverted.join(', ')}.` : ''),
          'Revert Anyway',
        );
        if (force === 'Revert Anyway') await holdfast.agentHost.revertTurn(undefined, { force: true });
      } else {
        void vscode.window.showInformationMessage(`Holdfast: reverted ${result.reverted.join(', ') || 'nothing (already as before)'}.`);
      }
    }),
    // `{ sessionId?, turnId, handEdits?: 'keep' | 'overwrite', preview? }`; the chat's turn action and the branch UI call it.
    vscode.commands.registerCommand('holdfast.restoreCodeToTurn', (argument?: unknown) =>
      restoreCodeToTurn(holdfast.checkpoints, argument, async () => (await holdfast.agentHost.activeSession()).turns),
    ),
    vscode.commands.registerCommand('holdfast.undoRestoreCode', (argument?: unknown) => undoRestoreCode(holdfast.checkpoints, argument)),
    vscode.commands.registerCommand('holdfast.compactNow', async () => {
      const result = await holdfast.agentHost.compactNow();
      if (result.kind === 'busy') void vscode.window.showInformationMessage('Holdfast: a turn is running; compact after it ends (or stop it).');
      else if (result.kind === 'empty') void vscode.window.showInformationMessage('Holdfast: nothing to compact yet.');
      else if (result.kind === 'failed') void vscode.window.showErrorMessage(`Holdfast: ${'message' in result.error ? result.error.message : 'compaction failed.'}`);
      return result.kind;
    }),
    // Optional argument: the instruction (a string or `{ instruction }`), to skip the prompt (tests, keybindings).
    vscode.commands.registerCommand('holdfast.inlineEdit', (argument?: unknown) => holdfast.inlineEdits.runCommand(argument)),
    vscode.commands.registerCommand('holdfast.testConnection', () => holdfast.testConnection()),
  ];
}
