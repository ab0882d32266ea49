import type * as vscode from 'vscode';

/**
 * Activation registers Holdfast's contributions at once, before the rest of the extension (dist/main.js:
 * zod, `ws`, the agent, the UI) has loaded, so VS Code's activation figure stays small. Until then each
 * contribution is a stand-in that waits for the real one: a command invoked early runs once the rest
 * has loaded (no lost first click), a chat view opened early is handed to the real view provider, and
 * an early code-action request is answered by the real provider. Pure apart from the registry it is
 * given, so it is unit-tested with a fake one.
 */

/** The part of the `vscode` API the stand-ins use (`activate` passes the real one). */
export interface ContributionRegistry {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable;
  executeCommand(id: string, ...args: unknown[]): Thenable<unknown>;
  registerWebviewViewProvider(viewId: string, provider: vscode.WebviewViewProvider): vscode.Disposable;
  registerCodeActionsProvider(selector: vscode.DocumentSelector, provider: vscode.CodeActionProvider): vscode.Disposable;
}

/** What to stand in for: read from package.json's `contributes`, so nothing is listed twice. */
export interface Contributions {
  commandIds: readonly string[];
  webviewViewIds: readonly string[];
  /** The documents the code-action provider serves (the real provider's selector). */
  codeActionSelector: vscode.DocumentSelector;
}

/** The loaded extension's parts that serve what arrived before it. */
export interface LoadedContributions {
  resolveWebviewView(view: vscode.WebviewView, context: vscode.WebviewViewResolveContext, token: vscode.CancellationToken): void | Thenable<void>;
  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): vscode.ProviderResult<Array<vscode.CodeAction | vscode.Command>>;
}

/** Reads the commands and webview views from a package.json (`context.extension.packageJSON`). */
export function contributionsOf(packageJson: unknown, codeActionSelector: vscode.DocumentSelector): Contributions {
  const contributes = (packageJson as { contributes?: { commands?: Array<{ command?: unknown }>; views?: Record<string, Array<{ id?: unknown; type?: unknown }>> } })
    .contributes;
  const commandIds = (contributes?.commands ?? []).map((entry) => entry.command).filter((id): id is string => typeof id === 'string');
  const views = Object.values(contributes?.views ?? {}).flat();
  const webviewViewIds = views.filter((view) => view.type === 'webview').map((view) => view.id).filter((id): id is string => typeof id === 'string');
  return { commandIds, webviewViewIds, codeActionSelector };
}

export class DeferredContributions implements vscode.Disposable {
  private stubs: vscode.Disposable[];
  private readonly loaded: Promise<LoadedContributions>;
  private settle: { resolve(parts: LoadedContributions): void; reject(error: unknown): void } | undefined;
  private disposed = false;
  /** Calls that arrived before the rest loaded (for the log and the tests). */
  queued = 0;

  constructor(registry: ContributionRegistry, contributions: Contributions) {
    this.loaded = new Promise<LoadedContributions>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A failed load is reported by activation; the waiting calls only need to settle, not to warn twice.
    this.loaded.catch(() => undefined);
    this.stubs = [
      ...contributions.commandIds.map((id) => registry.registerCommand(id, (...args) => this.whenLoaded().then(() => registry.executeCommand(id, ...args)))),
      ...contributions.webviewViewIds.map((viewId) =>
        registry.registerWebviewViewProvider(viewId, {
          resolveWebviewView: async (view, context, token) => (await this.whenLoaded()).resolveWebviewView(view, context, token),
        }),
      ),
      registry.registerCodeActionsProvider(contributions.codeActionSelector, {
        provideCodeActions: async (document, range, context, token) => {
          const parts = await this.whenLoaded();
          return token.isCancellationRequested ? undefined : parts.provideCodeActions(document, range, context, token);
        },
      }),
    ];
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Frees the command ids and views for the real registrations (VS Code refuses a second provider or
   * command with the same id). Calls already waiting still complete through `deliver`.
   */
  releaseStubs(): void {
    for (const stub of this.stubs.splice(0)) stub.dispose();
  }

  /** The real contributions are registered: calls that waited run now, in the order they came. */
  deliver(parts: LoadedContributions): void {
    this.settle?.resolve(parts);
    this.settle = undefined;
  }

  /** The rest failed to load: calls that waited fail with its error. */
  fail(error: unknown): void {
    this.settle?.reject(error);
    this.settle = undefined;
  }

  private whenLoaded(): Promise<LoadedContributions> {
    if (this.settle) this.queued++;
    return this.loaded;
  }

  dispose(): void {
    this.disposed = true;
    this.releaseStubs();
    this.fail(new Error('Holdfast was deactivated before it finished loading.'));
  }
}
