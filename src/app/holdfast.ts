import * as vscode from 'vscode';
import type { AgentSettings } from '../agent/agentSettings';
import { DisposableStore } from '../common/disposable';
import { Emitter } from '../common/event';
import type { AgentHost } from '../host/agentHost';
import { ApiKeyStore } from '../host/apiKeyStore';
import { affectsConnection, type HoldfastConfig, readAgentSettings, readConfig } from '../host/config';
import { HostCheckpoints } from '../host/checkpoints/hostCheckpoints';
import { HostConnection } from '../host/connection';
import type { HostLog } from '../host/log';
import { formatBytes } from '../protocol/displayUnits';
import type { ConnectionView } from '../protocol/webview';
import type { ModelRequest } from '../transport/modelClient';
import type { VscodeApprovals } from '../ui/approvals/vscodeApprovals';
import { ChatController } from '../ui/chatController';
import { ChatViewProvider } from '../ui/chatViewProvider';
import { DiagnosticCodeActions } from '../ui/codeActions/diagnosticCodeActions';
import { ExplanationView } from '../ui/codeActions/explanationView';
import { withWaiting } from '../ui/approvals/attentionWording';
import { McpServers } from '../tools/mcp/mcpServers';
import { mcpStatusLines } from '../tools/mcp/mcpStatusWording';
import { runDoctorCommand } from '../ui/connectionDoctorCommand';
import { describeTransportState } from '../ui/connectionView';
import { InlineEditController } from '../ui/inlineEdit/inlineEditController';
import { OtherFileReview } from '../ui/inlineEdit/otherFileReview';
import { VirtualDocuments } from '../ui/inlineEdit/virtualDocuments';
import { ConnectionStatusItem } from '../ui/statusBar';
import { createChatAgent } from './chatAgent';

/**
 * The composition root: the one owner object of a window. It builds every part (host adapters, the
 * agent, the UI surfaces), wires them together, holds them, and is disposed with the extension. It is
 * the only module that may import every layer; nothing but `extension.ts` (and tests) imports it.
 *
 * Two lifetimes live under it: the extension's (views, commands, providers) in `store`, and the
 * connection's — the socket and its chain state inside `connection.transport` — which is dropped and
 * rebuilt on a key or settings change, on rotation and on recovery.
 * Construction does no I/O: the socket is opened and warmed in the background by `start()`.
 */
export class Holdfast implements vscode.Disposable {
  readonly apiKeys: ApiKeyStore;
  readonly chatView: ChatViewProvider;
  /** The chat view's host side: agent events → cards and streamed text; the view's requests → the agent. */
  readonly chat: ChatController;
  readonly connection: HostConnection;
  /** The chat agent: tools on VS Code, approvals, sessions; runs on `connection.transport`. */
  readonly agentHost: AgentHost<VscodeApprovals>;
  /** Per-turn checkpoints of the files the agent changes, and "Restore code to here" (issue 18). */
  readonly checkpoints: HostCheckpoints;
  /** Inline edit (issue 7): live-diff proposals on `inline-<n>` lanes of the workspace socket. */
  readonly inlineEdits: InlineEditController;
  /** Fix / Explain with Holdfast on diagnostics, and fix-all as a source action (issue 7). */
  readonly diagnosticActions: DiagnosticCodeActions;
  /** Where `askInChat` answers go when the chat view cannot take the prompt (closed, busy). */
  readonly explanations: ExplanationView;
  private readonly statusItem: ConnectionStatusItem;
  private readonly store = new DisposableStore();
  private readonly connectionChanged = new Emitter<ConnectionView>();
  readonly onDidChangeConnection = this.connectionChanged.event;
  private config: HoldfastConfig = readConfig();

  /** `log` belongs to the caller (`activate`), so it outlives a construction that throws. */
  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: HostLog,
  ) {
    // A part that throws must not leave the parts built before it registered (a status item, a view).
    try {
      this.apiKeys = this.store.add(new ApiKeyStore(context.secrets));
      this.store.add(this.connectionChanged);
      this.connection = this.store.add(
        new HostConnection({
          config: () => this.config,
          apiKeys: this.apiKeys,
          log: this.log,
          warmupRequest: () => this.warmupRequest(),
        }),
      );
      this.agentHost = createChatAgent(this.store, {
        workspaceState: context.workspaceState,
        model: this.connection.transport,
        openLaneClient: () => this.connection.openLaneClient(),
        agentSettings: () => this.agentSettings(),
        knownSecrets: () => (this.connection.knownKey ? [this.connection.knownKey] : []),
        log: this.log,
      });
      this.checkpoints = this.store.add(new HostCheckpoints(context.storageUri ?? context.globalStorageUri, this.agentHost, this.log));
      this.statusItem = this.store.add(new ConnectionStatusItem());
      this.chatView = this.store.add(new ChatViewProvider(context.extensionUri, this.log));
      this.store.add(
        vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, this.chatView, {
          webviewOptions: { retainContextWhenHidden: false },
        }),
      );
      this.chat = this.store.add(
        new ChatController({
          agentHost: this.agentHost,
          view: this.chatView,
          log: this.log,
          workspaceState: context.workspaceState,
          connectionView: () => this.connectionView(),
          onDidChangeConnection: this.onDidChangeConnection,
          onFirstUse: () => this.connection.warmOnFirstUse(),
        }),
      );
      this.followKeyAndSettings();
      this.store.add(this.agentHost.approvals.onDidChangePending(() => this.publishConnection()));

      // Inline edit and code actions on diagnostics: named lanes of the same workspace socket.
      const documents = this.store.add(new VirtualDocuments());
      const editHost = {
        client: () => this.connection.transport,
        settings: () => ({ model: this.config.model, store: this.config.store }),
        log: this.log,
        globalState: context.globalState,
        knownSecrets: () => this.agentHost.services.knownSecrets(),
        documents,
      };
      // Changes a proposal wants in other files go to the chat's review cards (the view is revealed for them).
      const otherFiles = new OtherFileReview(this.agentHost.approvals, () => this.chatView.showForCards(5_000), this.log);
      this.inlineEdits = this.store.add(new InlineEditController({ ...editHost, otherFiles }));
      this.explanations = this.store.add(new ExplanationView(editHost));
      this.diagnosticActions = this.store.add(
        new DiagnosticCodeActions({ log: this.log, inlineEdits: this.inlineEdits, askInChat: async (text, shown) => void (await this.askInChat(text, shown)) }),
      );
    } catch (error) {
      this.store.dispose();
      throw error;
    }
  }

  /** The connection follows the socket's state, the stored key, the settings and workspace trust. */
  private followKeyAndSettings(): void {
    const transport = this.connection.transport;
    this.store.add(transport.onDidChangeState(() => this.publishConnection()));
    this.store.add(transport.onDidMeasure(() => this.publishConnection()));
    // A warm-up of the chat's lane is a cache write: the chat's meter counts it and its cost.
    this.store.add(
      transport.onDidMeasure((metrics) => {
        if (metrics.mode === 'warmup' && metrics.lane === this.agentSettings().lane && metrics.usage) this.agentHost.recordWarmup(metrics.usage);
      }),
    );
    this.store.add(
      this.apiKeys.onDidChange(() => {
        // Known at once (not only at the next connect), so a key pasted into a prompt is recognised.
        void this.connection.apiKey().catch(() => undefined);
        this.connection.onKeyChanged();
      }),
    );
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsConnection(event)) return;
        this.config = readConfig();
        this.connection.onSettingsChanged();
        this.publishConnection();
      }),
    );
    this.store.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.connection.onSettingsChanged()));
  }

  get settings(): HoldfastConfig {
    return this.config;
  }

  /** The agent's settings as the chat agent will use them (model and store come from `holdfast.*`). */
  agentSettings(): AgentSettings {
    return readAgentSettings(this.config);
  }

  /** Exactly what the chat agent's first request will carry, minus the input: the warm-up. */
  private warmupRequest(): ModelRequest {
    return this.agentHost.agent.warmupRequest();
  }

  /** Starts background work after activation has returned: never awaited by `activate`. */
  start(): void {
    // Reads the key from SecretStorage (no network) so redaction knows it before the first connect:
    // a user who pastes it into the first prompt with `holdfast.warmup` off is covered too.
    void this.connection.apiKey().catch(() => undefined);
    // The root instruction files (AGENTS.md…), read while the socket connects, so the warm-up
    // usually carries them already (issue 19); the warm-up itself never waits for files.
    void this.agentHost.agent.projectInstructions.preload();
    this.publishConnection();
    this.connection.warmPerPolicy('activation');
  }

  private publishConnection(): void {
    const view = this.connectionView();
    const totals = this.connection.transport.totals;
    const saved = Math.max(0, totals.statelessBytes - totals.bytesSent);
    this.statusItem.update(
      view,
      totals.requests > 0
        ? `This session: ${totals.requests} requests, ${formatBytes(totals.bytesSent)} sent, ${formatBytes(saved)} saved against a stateless client.`
        : undefined,
    );
    this.connectionChanged.fire(view);
  }

  connectionView(): ConnectionView {
    // While a question waits the status reads "waiting for you", not the transport's "busy"/"warm".
    return withWaiting(describeTransportState(this.connection.transport.state), this.agentHost.approvals.pending.length);
  }

  async testConnection(): Promise<void> {
    const mcp = this.agentHost.services.external;
    await runDoctorCommand(this.config, await this.connection.apiKey(), this.log, {
      sandbox: this.agentHost.services.terminal.sandbox(),
      lines: mcp instanceof McpServers ? mcpStatusLines(mcp.statuses()) : [],
    });
  }

  /**
   * Hands a question (with its context, e.g. a diagnostic and the code around it) to the chat: it opens
   * the chat view and sends the text as a prompt there. When the view does not come up (no workbench,
   * hidden side bar) or a turn is already running, the answer streams on its own `explain-<n>` lane into
   * a markdown document beside the editor instead (ExplanationView). Resolves once the question is
   * on its way (`where` says which), not when it is answered.
   */
  async askInChat(text: string, shown?: string): Promise<{ where: 'chat' | 'document' }> {
    try {
      await vscode.commands.executeCommand('holdfast.openChat');
    } catch (error) {
      this.log.warn(`Opening the chat failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!this.agentHost.agent.runningTurn && (await this.chatView.whenReady(5_000)) && !this.agentHost.agent.runningTurn) {
      this.connection.warmOnFirstUse();
      void this.chat.sendPrompt(text, [], shown);
      return { where: 'chat' };
    }
    this.explanations.show(text, undefined, shown);
    return { where: 'document' };
  }

  dispose(): void {
    this.store.dispose();
  }
}
