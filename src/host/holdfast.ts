import * as vscode from 'vscode';
import { DisposableStore } from '../common/disposable';
import { Emitter } from '../common/event';
import type { ConnectionView } from '../protocol/webview';
import { ChatViewProvider, type ChatViewHost } from '../ui/chatViewProvider';
import { ApiKeyStore } from './apiKeyStore';
import { affectsConnection, type HoldfastConfig, readConfig } from './config';
import { HostLog } from './log';

/**
 * The one owner object of a window. It holds everything Holdfast creates and is disposed with the
 * extension. Two lifetimes live under it: the extension's (views, commands, providers) in `store`, and
 * the connection's (socket, chain state) in `connection`, which is replaced on reconnect.
 * Construction does no I/O: the socket is opened and warmed in the background afterwards.
 */
export class Holdfast implements vscode.Disposable, ChatViewHost {
  readonly log: HostLog;
  readonly apiKeys: ApiKeyStore;
  readonly chatView: ChatViewProvider;
  private readonly store = new DisposableStore();
  private readonly connection = new DisposableStore();
  private readonly connectionChanged = new Emitter<ConnectionView>();
  readonly onDidChangeConnection = this.connectionChanged.event;
  private config: HoldfastConfig = readConfig();
  private hasKey: boolean | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.store.add(new HostLog());
    this.apiKeys = this.store.add(new ApiKeyStore(context.secrets));
    this.store.add(this.connectionChanged);
    this.store.add(this.connection);
    this.chatView = this.store.add(new ChatViewProvider(context.extensionUri, this, this.log));
    this.store.add(
      vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, this.chatView, {
        webviewOptions: { retainContextWhenHidden: false },
      }),
    );
    this.store.add(this.apiKeys.onDidChange(() => void this.reconnect('API key changed')));
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsConnection(event)) return;
        this.config = readConfig();
        void this.reconnect('settings changed');
      }),
    );
  }

  get settings(): HoldfastConfig {
    return this.config;
  }

  /** Starts background work after activation has returned: never awaited by `activate`. */
  start(): void {
    void this.reconnect('activation');
  }

  /** Drops the connection lifetime and builds a new one from the current key and settings. */
  private async reconnect(reason: string): Promise<void> {
    this.connection.clear();
    const key = await this.apiKeys.get();
    this.log.setKnownSecrets([key]);
    this.hasKey = key !== undefined;
    this.log.info(`Connection reset (${reason}); API key ${this.hasKey ? 'present' : 'missing'}.`);
    this.connectionChanged.fire(this.connectionView());
  }

  connectionView(): ConnectionView {
    if (this.hasKey === false) {
      return { kind: 'noKey', label: 'key missing', detail: 'Set an API key to connect (Holdfast: Set API Key).' };
    }
    return { kind: 'idle', label: 'not connected', detail: `Model server: ${this.config.baseUrl}` };
  }

  async runAction(action: 'setApiKey' | 'testConnection' | 'newSession'): Promise<void> {
    const command = { setApiKey: 'holdfast.setApiKey', testConnection: 'holdfast.testConnection', newSession: 'holdfast.newSession' }[action];
    await vscode.commands.executeCommand(command);
  }

  dispose(): void {
    this.store.dispose();
  }
}
