import * as vscode from 'vscode';
import { DisposableStore } from '../common/disposable';
import { Emitter } from '../common/event';
import { type HostToWebview, parseWebviewToHost, type WebviewToHost } from '../protocol/webview';
import type { Logger } from '../host/log';
import { renderChatHtml } from './webviewHtml';

/** What the chat view needs from the rest of the extension; the owner object provides it. */
export interface ChatViewHost {
  /** The view's script loaded (first load or a reload): the host answers with a full snapshot. */
  onWebviewReady(): Promise<void>;
  runAction(action: Extract<WebviewToHost, { type: 'runAction' }>['action']): Promise<void>;
  /** Chat requests from the view (prompt, steer, stop, cards, sessions, mentions, links). */
  handleChatRequest(request: ChatRequest): Promise<void>;
}

/** Everything the view sends besides the handshake and the header actions. */
export type ChatRequest = Exclude<WebviewToHost, { type: 'ready' | 'ping' | 'runAction' }>;

/**
 * The side-bar chat webview. The webview can be torn down and rebuilt at any time (hidden, reloaded):
 * it sends `ready` when its script loads and gets a full `snapshot` back, so it never depends on
 * messages it may have missed. Every inbound message is validated; invalid ones are logged and dropped.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'holdfast.chatView';
  private view: vscode.WebviewView | undefined;
  private readonly viewStore = new DisposableStore();
  private readonly store = new DisposableStore();
  /** The current view's script has sent `ready` (reset when the view is disposed). */
  private ready = false;
  private readonly readyChanged = new Emitter<boolean>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: ChatViewHost,
    private readonly log: Logger,
  ) {
    this.store.add(this.readyChanged);
  }

  /** The view is shown and its script is running: cards shown there can be answered. */
  get canShowCards(): boolean {
    return this.ready && this.view?.visible === true;
  }

  /** Resolves true once a view has said `ready` (now or within `timeoutMs`), false otherwise. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.canShowCards) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        resolve(false);
      }, timeoutMs);
      const subscription = this.readyChanged.event((ready) => {
        if (!ready) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(true);
      });
    });
  }

  private get bundleRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.viewStore.clear();
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, localResourceRoots: [this.bundleRoot] };
    view.webview.html = renderChatHtml(view.webview, this.bundleRoot, vscode.Uri.joinPath);
    this.viewStore.add(view.webview.onDidReceiveMessage((data: unknown) => void this.receive(data)));
    this.viewStore.add(
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
        }
        this.viewStore.clear();
      }),
    );
  }

  /** Reveals the view (the `holdfast.openChat` command). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
  }

  /**
   * Shows the view for a card (a review the editor asks for) without taking the keyboard focus from
   * the editor, and resolves true once the view can show cards (now or within `timeoutMs`).
   */
  async showForCards(timeoutMs: number): Promise<boolean> {
    if (this.view) {
      this.view.show(true);
    } else {
      const hadEditorFocus = vscode.window.activeTextEditor !== undefined;
      await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
      if (hadEditorFocus) await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    }
    return this.whenReady(timeoutMs);
  }

  private async receive(data: unknown): Promise<void> {
    const parsed = parseWebviewToHost(data);
    if (!parsed.ok) {
      this.log.warn(`Dropped an invalid message from the chat view: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'ready':
        // The chat controller answers with the snapshot (connection, sessions, the conversation).
        await this.host.onWebviewReady();
        this.ready = true;
        this.readyChanged.fire(true);
        return;
      case 'ping':
        this.post({ type: 'pong', id: message.id });
        return;
      case 'runAction':
        await this.host.runAction(message.action);
        return;
      default:
        await this.host.handleChatRequest(message);
        return;
    }
  }

  /** Posts to the view when one is open (the chat presenter's `post`); dropped otherwise. */
  post(message: HostToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  dispose(): void {
    this.viewStore.dispose();
    this.store.dispose();
  }
}
