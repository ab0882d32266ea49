import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { describe, expect, it } from 'vitest';
import { type ContributionRegistry, contributionsOf, DeferredContributions, type LoadedContributions } from '../../../src/app/deferredContributions';

const packageJson: unknown = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }];
const never = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as unknown as vscode.CancellationToken;
const cancelled = { ...never, isCancellationRequested: true } as vscode.CancellationToken;

/** VS Code's registries in miniature: a second registration of a live id throws, as VS Code's does. */
class FakeRegistry implements ContributionRegistry {
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  readonly views = new Map<string, vscode.WebviewViewProvider>();
  readonly codeActionProviders = new Set<vscode.CodeActionProvider>();

  registerCommand(id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable {
    if (this.commands.has(id)) throw new Error(`command '${id}' already exists`);
    this.commands.set(id, handler);
    return { dispose: () => this.commands.get(id) === handler && this.commands.delete(id) };
  }
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.commands.get(id);
    if (!handler) throw new Error(`command '${id}' not found`);
    return handler(...args);
  }
  registerWebviewViewProvider(viewId: string, provider: vscode.WebviewViewProvider): vscode.Disposable {
    if (this.views.has(viewId)) throw new Error(`View provider for '${viewId}' already registered`);
    this.views.set(viewId, provider);
    return { dispose: () => this.views.get(viewId) === provider && this.views.delete(viewId) };
  }
  registerCodeActionsProvider(_selector: vscode.DocumentSelector, provider: vscode.CodeActionProvider): vscode.Disposable {
    this.codeActionProviders.add(provider);
    return { dispose: () => this.codeActionProviders.delete(provider) };
  }
}

function setUp(): { registry: FakeRegistry; deferred: DeferredContributions } {
  const registry = new FakeRegistry();
  return { registry, deferred: new DeferredContributions(registry, contributionsOf(packageJson, SELECTOR)) };
}

/** What `startHoldfast` does once dist/main.js has loaded: release, register the real ones, deliver. */
function loadTheRest(registry: FakeRegistry, deferred: DeferredContributions, parts: Partial<LoadedContributions> = {}): string[] {
  const ran: string[] = [];
  deferred.releaseStubs();
  registry.registerCommand('holdfast.openChat', (...args) => {
    ran.push(`openChat ${JSON.stringify(args)}`);
    return 'opened';
  });
  registry.registerCommand('holdfast.newSession', () => ran.push('newSession'));
  registry.registerWebviewViewProvider('holdfast.chatView', { resolveWebviewView: () => undefined });
  deferred.deliver({ resolveWebviewView: () => undefined, provideCodeActions: () => [], ...parts });
  return ran;
}

const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('activation stands in for every contribution until the rest has loaded', () => {
  it('registers every command and webview view package.json contributes, and a code-action provider', () => {
    const { registry } = setUp();
    const contributes = (packageJson as { contributes: { commands: Array<{ command: string }> } }).contributes;
    expect([...registry.commands.keys()].sort()).toEqual(contributes.commands.map((entry) => entry.command).sort());
    expect([...registry.views.keys()]).toEqual(['holdfast.chatView']);
    expect(registry.codeActionProviders.size).toBe(1);
  });

  it('a command invoked before the rest loaded runs once it has, with its arguments and result (no lost first click)', async () => {
    const { registry, deferred } = setUp();
    const first = registry.executeCommand('holdfast.openChat', { from: 'click' });
    const second = registry.executeCommand('holdfast.newSession');
    await settled();
    expect(deferred.queued).toBe(2);
    const ran = loadTheRest(registry, deferred);
    expect(await first).toBe('opened');
    await second;
    expect(ran).toEqual(['openChat [{"from":"click"}]', 'newSession']);
  });

  it('releasing the stand-ins frees the ids for the real registrations', () => {
    const { registry, deferred } = setUp();
    expect(() => registry.registerCommand('holdfast.openChat', () => undefined)).toThrow(/already exists/);
    deferred.releaseStubs();
    expect(registry.commands.size).toBe(0);
    expect(registry.views.size).toBe(0);
    expect(registry.codeActionProviders.size).toBe(0);
    expect(() => registry.registerCommand('holdfast.openChat', () => undefined)).not.toThrow();
  });

  it('a chat view opened early is handed to the real view provider', async () => {
    const { registry, deferred } = setUp();
    const view = { id: 'early view' } as unknown as vscode.WebviewView;
    const resolved: unknown[] = [];
    const resolving = registry.views.get('holdfast.chatView')!.resolveWebviewView(view, { state: undefined }, never);
    await settled();
    expect(resolved).toEqual([]);
    loadTheRest(registry, deferred, { resolveWebviewView: (given) => void resolved.push(given) });
    await resolving;
    expect(resolved).toEqual([view]);
  });

  it('an early code-action request is answered by the real provider, unless it was cancelled meanwhile', async () => {
    const { registry, deferred } = setUp();
    const [stub] = [...registry.codeActionProviders];
    const document = {} as vscode.TextDocument;
    const range = {} as vscode.Range;
    const context = {} as vscode.CodeActionContext;
    const answered = stub!.provideCodeActions(document, range, context, never);
    const dropped = stub!.provideCodeActions(document, range, context, cancelled);
    const fix = { title: 'Fix with Holdfast' } as vscode.CodeAction;
    loadTheRest(registry, deferred, { provideCodeActions: () => [fix] });
    expect(await answered).toEqual([fix]);
    expect(await dropped).toBeUndefined();
  });

  it('when the rest fails to load, the waiting calls fail with its error', async () => {
    const { registry, deferred } = setUp();
    const waiting = registry.executeCommand('holdfast.openChat');
    deferred.fail(new Error('main.js threw'));
    await expect(waiting).rejects.toThrow('main.js threw');
  });

  it('deactivating first settles the waiting calls and removes the stand-ins', async () => {
    const { registry, deferred } = setUp();
    const waiting = registry.executeCommand('holdfast.newSession');
    deferred.dispose();
    expect(deferred.isDisposed).toBe(true);
    expect(registry.commands.size).toBe(0);
    await expect(waiting).rejects.toThrow(/deactivated/);
  });

  it('reads only webview views and command ids from package.json', () => {
    expect(contributionsOf({ contributes: { commands: [{ command: 'a' }, { title: 'no id' }], views: { c: [{ id: 'tree' }, { id: 'web', type: 'webview' }] } } }, SELECTOR)).toEqual({
      commandIds: ['a'],
      webviewViewIds: ['web'],
      codeActionSelector: SELECTOR,
    });
    expect(contributionsOf({}, SELECTOR)).toEqual({ commandIds: [], webviewViewIds: [], codeActionSelector: SELECTOR });
  });
});
