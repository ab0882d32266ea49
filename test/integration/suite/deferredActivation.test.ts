/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { DeferredContributions } from '../../../src/app/deferredContributions';
import { holdfastExtension } from '../support/holdfastExtension';
import { within } from '../support/waiting';

/**
 * Activation registers stand-ins and loads the rest of the extension right after (src/extension.ts).
 * Here the stand-in mechanism runs against VS Code's real command and view registries, with ids of its
 * own: a command invoked before "the rest" is there waits and then runs with its arguments (no lost
 * first click), VS Code accepts the real registration once the stand-in is released, and a view
 * provider stand-in registers and releases cleanly. Holdfast itself must have logged its activation.
 */
suite('activation in two steps: stand-ins, then the rest', () => {
  test('a command invoked before the rest has loaded runs once it has, with its arguments and result', async () => {
    const id = 'holdfast.test.deferredCommand';
    const deferred = new DeferredContributions(
      {
        registerCommand: (commandId, handler) => vscode.commands.registerCommand(commandId, handler),
        executeCommand: (commandId, ...args) => vscode.commands.executeCommand(commandId, ...args),
        registerWebviewViewProvider: (viewId, provider) => vscode.window.registerWebviewViewProvider(viewId, provider),
        registerCodeActionsProvider: (selector, provider) => vscode.languages.registerCodeActionsProvider(selector, provider),
      },
      { commandIds: [id], webviewViewIds: ['holdfast.test.deferredView'], codeActionSelector: [{ scheme: 'holdfast-test-none' }] },
    );
    try {
      const early = vscode.commands.executeCommand<string>(id, 'first click', 2);
      let settled = false;
      void early.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.strictEqual(settled, false, 'the early call waits for the rest');
      assert.strictEqual(deferred.queued, 1);

      deferred.releaseStubs();
      const real = vscode.commands.registerCommand(id, (what: string, times: number) => `${what} × ${times}`);
      const view = vscode.window.registerWebviewViewProvider('holdfast.test.deferredView', { resolveWebviewView: () => undefined });
      try {
        deferred.deliver({ resolveWebviewView: () => undefined, provideCodeActions: () => [] });
        assert.strictEqual(await within(5_000, 'the early command', early), 'first click × 2');
        assert.strictEqual(await vscode.commands.executeCommand<string>(id, 'later', 1), 'later × 1', 'later calls reach the real command');
      } finally {
        real.dispose();
        view.dispose();
      }
    } finally {
      deferred.dispose();
    }
  });

  test('after activation every contributed command is registered for real and answers', async () => {
    const extension = holdfastExtension();
    await extension.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('holdfast.openChat') && registered.has('holdfast.fixDiagnostic') && registered.has('holdfast.inlineEdit.accept'));
    // The real handlers answer (a stand-in would go through the rest first, and here it is loaded).
    assert.strictEqual(typeof (await vscode.commands.executeCommand<boolean>('holdfast.debug.hasApiKey')), 'boolean');
  });
});
