import * as vscode from 'vscode';
import { whenEvent } from '../common/async';
import { DisposableStore } from '../common/disposable';
import { Emitter } from '../common/event';
import { type HostToWebview, parseWebviewToHost, type WebviewToHost } from '../protocol/webview';
import type { Logger } from '../host/log';
import { renderChatHtml } from './webviewHtml';

/** Everything the view sends besides the handshake (`ready`, `ping`). */
export type ChatRequest = Exclude<WebviewToHost, { type: 'ready' | 'ping' }>;

/** Where the view's messages go: the chat controller connects itself. */
export interface ChatViewListener {
  /** The view's script loaded (first load or a reload): the listener answers with a full snapshot. */
  onViewReady(): Promise<void>;
  /** Requests from the view (prompt, steer, stop, cards, sessions, mentions, links, header actions). */
  handle(request: ChatRequest): Promise<void>;
}

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

  private listener: ChatViewListener | undefined;
  /** Kept here so a view resolved later (or again) shows it too. */
  private currentBadge: vscode.ViewBadge | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    this.store.add(this.readyChanged);
  }

  /** Hands the view's messages to `listener` (the chat controller) until disposed. */
  connect(listener: ChatViewListener): vscode.Disposable {
    this.listener = listener;
    return new vscode.Disposable(() => {
      if (this.listener === listener) this.listener = undefined;
    });
  }

  /** The view is shown and its script is running: cards shown there can be answered. */
  get canShowCards(): boolean {
    return this.ready && this.view?.visible === true;
  }

  /** A view was resolved and is not disposed (it may be hidden): a card put there is seen when it is shown. */
  get hasView(): boolean {
    return this.view !== undefined;
  }

  /** The badge on the view (open questions); kept for a view resolved later. */
  setBadge(badge: vscode.ViewBadge | undefined): void {
    this.currentBadge = badge;
    if (this.view) this.view.badge = shownBadge(badge);
  }

  /** The badge the view carries now, read off the view object (a cleared badge reads as undefined). */
  get badge(): vscode.ViewBadge | undefined {
    const badge = this.view?.badge;
    return badge && badge.value > 0 ? badge : undefined;
  }

  /** Resolves true once a view has said `ready` (now or within `timeoutMs`), false otherwise. */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (this.canShowCards) return true;
    return (await whenEvent(this.readyChanged.event, (ready) => (ready ? true : undefined), timeoutMs)) ?? false;
  }

  private get bundleRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.viewStore.clear();
    this.view = view;
    this.ready = false;
    view.badge = shownBadge(this.currentBadge);
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
    if (message.type === 'ping') {
      this.post({ type: 'pong', id: message.id });
      return;
    }
    if (!this.listener) {
      this.log.warn(`Dropped a "${message.type}" message from the chat view: nothing handles it yet.`);
      return;
    }
    if (message.type !== 'ready') {
      await this.listener.handle(message);
      return;
    }
    // The listener answers with the snapshot (connection, sessions, the conversation) before cards are shown.
    await this.listener.onViewReady();
    this.ready = true;
    this.readyChanged.fire(true);
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

/**
 * VS Code 1.100 does not clear a webview view's badge set back to `undefined` (the activity stays on
 * the activity bar: microsoft/vscode#331019); a number badge of 0 is not drawn, so that is how to clear.
 */
function shownBadge(badge: vscode.ViewBadge | undefined): vscode.ViewBadge {
  return badge ?? { value: 0, tooltip: '' };
}
