import * as vscode from 'vscode';
import { reportActivationFailure } from './app/activationFailure';
import { contributionsOf, DeferredContributions } from './app/deferredContributions';
import type * as Main from './app/main';
import type { Holdfast } from './app/holdfast';
import { HostLog } from './host/log';

const moduleStarted = performance.now();
let holdfast: Holdfast | undefined;

/** Handed to integration tests only (extension mode Test); other extensions get nothing. */
export interface HoldfastTestApi {
  holdfast: Holdfast;
}

/** Where "Fix / Explain with Holdfast" are offered: the selector `DiagnosticCodeActions` registers. */
const CODE_ACTION_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

/**
 * Tiny on purpose (this file is dist/extension.js, a few KB): VS Code's activation time is loading
 * this module plus this call. It registers every contribution as a stand-in (`DeferredContributions`)
 * and returns; the rest of the extension — dist/main.js, with zod, `ws`, the agent and the UI — is
 * loaded in the next turn of the event loop, builds the owner object, starts the warm-up and takes
 * the contributions over. Calls that came meanwhile then run. The returned promise settles when that
 * is done (with the test API in extension mode Test). A failure is shown with a way to the log and
 * rejects, so VS Code records the activation as failed: it never vanishes silently.
 */
export function activate(context: vscode.ExtensionContext): Promise<HoldfastTestApi | undefined> {
  const activateStarted = performance.now();
  const log = new HostLog();
  context.subscriptions.push(log);
  const deferred = new DeferredContributions(
    {
      registerCommand: (id, handler) => vscode.commands.registerCommand(id, handler),
      executeCommand: (id, ...args) => vscode.commands.executeCommand(id, ...args),
      registerWebviewViewProvider: (viewId, provider) => vscode.window.registerWebviewViewProvider(viewId, provider, { webviewOptions: { retainContextWhenHidden: false } }),
      registerCodeActionsProvider: (selector, provider) => vscode.languages.registerCodeActionsProvider(selector, provider),
    },
    contributionsOf(context.extension.packageJSON, CODE_ACTION_SELECTOR),
  );
  context.subscriptions.push(deferred);
  const activateReturned = performance.now();
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      if (deferred.isDisposed) return resolve(undefined);
      const loadStarted = performance.now();
      try {
        // A separate bundle, not bundled into this one (esbuild.js marks it external).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const main = require('./main.js') as typeof Main;
        holdfast = main.startHoldfast(context, log, deferred);
      } catch (error) {
        deferred.fail(error);
        void reportActivationFailure(error, log, vscode.window.showErrorMessage);
        return reject(error instanceof Error ? error : new Error(String(error)));
      }
      const started = holdfast;
      const ms = (value: number): string => `${value.toFixed(1)} ms`;
      log.info(
        `Activated: module ${ms(activateStarted - moduleStarted)} + activate() ${ms(activateReturned - activateStarted)}; ` +
          `the rest loaded and started in ${ms(performance.now() - loadStarted)}, ready ${ms(performance.now() - moduleStarted)} after the module began` +
          (deferred.queued > 0 ? `; ${deferred.queued} early call(s) served` : ''),
      );
      resolve(context.extensionMode === vscode.ExtensionMode.Test ? { holdfast: started } : undefined);
    });
  });
}

export function deactivate(): void {
  holdfast?.dispose();
  holdfast = undefined;
}
