import type * as vscode from 'vscode';
import type { HostLog } from '../host/log';
import { registerCommands } from '../ui/commands';
import type { DeferredContributions } from './deferredContributions';
import { Holdfast } from './holdfast';

/**
 * The rest of the extension, bundled as dist/main.js and loaded by `extension.ts` right after
 * activation returned: the owner object (`holdfast.ts`) and everything it pulls in. It takes over the
 * ids the activation stand-ins held, registers the real contributions, starts the warm-up, and then
 * serves the calls that arrived meanwhile.
 */
export function startHoldfast(context: vscode.ExtensionContext, log: HostLog, deferred: DeferredContributions): Holdfast {
  deferred.releaseStubs();
  const holdfast = new Holdfast(context, log);
  try {
    context.subscriptions.push(holdfast, ...registerCommands(holdfast));
    holdfast.start();
  } catch (error) {
    holdfast.dispose();
    throw error;
  }
  deferred.deliver({
    resolveWebviewView: (view) => holdfast.chatView.resolveWebviewView(view),
    provideCodeActions: (document, range, actionContext) => holdfast.diagnosticActions.provideCodeActions(document, range, actionContext),
  });
  return holdfast;
}
