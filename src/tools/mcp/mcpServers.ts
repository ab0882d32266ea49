/**
 * The window's MCP servers as external tools. Servers start lazily, before the first request that
 * could offer their tools (never at activation). A workspace-defined stdio server is a command the
 * workspace asks us to run, so it starts only after the user agreed, once per definition (remembered
 * by its fingerprint; a changed definition asks again). A crashed server keeps its tools offered and is
 * restarted before the next request, a few times at most, so one crash does not change the tool set
 * (and with it the cached prefix); a server that keeps crashing, or is removed, loses its tools.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { raceCancellation, withTimeout } from '../../common/async';
import type { CancellationToken } from '../../common/cancellation';
import { Emitter, type Event } from '../../common/event';
import { errorMessage } from '../../common/result';
import type { FunctionToolDefinition } from '../../protocol/items';
import type { ExternalTools } from '../externalTools';
import type { Approvals } from '../ports';
import type { ToolCallContext, ToolOutput } from '../toolContext';
import { ToolError } from '../toolError';
import type { McpServerDefinition } from './mcpConfig';
import type { McpConnection, McpConnector, McpServerStatus, McpSettings, McpTrustStore } from './mcpPorts';
import { runMcpCall } from './mcpToolCall';
import { type McpOfferedTool, offeredTools } from './mcpToolNames';

/** How many times a crashed server is started again in one window before its tools are withdrawn. */
export const MAX_RESTARTS = 3;

interface ServerState {
  definition: McpServerDefinition;
  fingerprint: string;
  state: McpServerStatus['state'];
  connection: McpConnection | undefined;
  tools: McpOfferedTool[];
  detail: string | undefined;
  restarts: number;
  starting: Promise<void> | undefined;
}

export interface McpServersOptions {
  connector: () => Promise<McpConnector>;
  settings: McpSettings;
  trust: McpTrustStore;
  /** Workspace Trust: in an untrusted workspace no server starts and no MCP tool is offered. */
  workspaceTrusted: () => boolean;
  log?: (line: string) => void;
}

export class McpServers implements ExternalTools {
  private readonly servers = new Map<string, ServerState>();
  private readonly changed = new Emitter<void>();
  /** Fires when a server's state or tool list changes (for the connection doctor and the chat). */
  readonly onDidChange: Event<void> = this.changed.event;
  private disposed = false;

  constructor(private readonly options: McpServersOptions) {}

  definitions(trusted: boolean): FunctionToolDefinition[] {
    if (!trusted) return [];
    const all = [...this.servers.values()].flatMap((server) => server.tools);
    return all.sort((a, b) => (a.functionName < b.functionName ? -1 : 1)).map((tool) => structuredClone(tool.definition));
  }

  has(functionName: string): boolean {
    return this.offered(functionName) !== undefined;
  }

  statuses(): McpServerStatus[] {
    return [...this.servers.values()].map((server) => ({
      name: server.definition.name,
      source: server.definition.source,
      type: server.definition.type,
      state: server.state,
      toolCount: server.tools.length,
      ...(server.detail ? { detail: server.detail } : {}),
    }));
  }

  async prepare(approvals: Approvals, token: CancellationToken): Promise<void> {
    if (this.disposed || !this.options.workspaceTrusted()) return;
    try {
      this.reconcile();
      const starts: Promise<void>[] = [];
      for (const server of this.servers.values()) {
        if (token.isCancellationRequested) return;
        if (server.starting) starts.push(server.starting);
        else if (server.state === 'notStarted' || (server.state === 'crashed' && server.restarts < MAX_RESTARTS)) {
          if (!(await this.consented(server, approvals, token))) continue;
          starts.push(this.start(server));
        }
      }
      await raceCancellation(withTimeout(Promise.all(starts), this.options.settings.startTimeoutMs()), token);
    } catch (error) {
      this.options.log?.(`MCP: preparing servers failed: ${errorMessage(error)}`);
    }
  }

  async run(functionName: string, argumentsJson: string, ctx: ToolCallContext): Promise<ToolOutput> {
    const offered = this.offered(functionName);
    if (!offered) throw new ToolError(`There is no tool named "${functionName}".`);
    const server = this.servers.get(offered.server)!;
    return runMcpCall({
      offered,
      source: server.definition.source,
      argumentsJson,
      ctx,
      allowedTools: this.options.settings.allowedTools(),
      timeoutMs: this.options.settings.callTimeoutMs(),
      connection: () => (server.state === 'ready' ? server.connection : undefined),
      unavailable: () => this.unavailableReason(server),
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const server of this.servers.values()) void this.stop(server);
    this.servers.clear();
    this.changed.dispose();
  }

  private offered(functionName: string): McpOfferedTool | undefined {
    for (const server of this.servers.values()) {
      const tool = server.tools.find((t) => t.functionName === functionName);
      if (tool) return tool;
    }
    return undefined;
  }

  /** Applies the current settings: new servers are added, removed or changed ones stopped. */
  private reconcile(): void {
    const config = this.options.settings.config();
    for (const problem of config.problems) this.options.log?.(`MCP: ${problem}`);
    const wanted = new Map(config.servers.map((definition) => [definition.name, definition]));
    for (const [name, server] of this.servers) {
      const next = wanted.get(name);
      if (next && fingerprintOf(next) === server.fingerprint) continue;
      void this.stop(server);
      this.servers.delete(name);
      this.fire();
    }
    for (const [name, definition] of wanted) {
      if (this.servers.has(name)) continue;
      this.servers.set(name, {
        definition,
        fingerprint: fingerprintOf(definition),
        state: 'notStarted',
        connection: undefined,
        tools: [],
        detail: undefined,
        restarts: 0,
        starting: undefined,
      });
    }
  }

  /**
   * A workspace's server starts (stdio) or is connected to (http: its headers may carry tokens from
   * the environment) only once the user agreed (asked in the chat, remembered).
   */
  private async consented(server: ServerState, approvals: Approvals, token: CancellationToken): Promise<boolean> {
    const { definition } = server;
    if (definition.source !== 'workspace') return true;
    if (this.options.trust.isTrusted(server.fingerprint)) return true;
    const command = definition.type === 'stdio' ? [definition.command, ...definition.args].join(' ') : `${definition.type} ${definition.url}`;
    const answer = await approvals.request({ kind: 'startMcpServer', server: definition.name, command, cwd: definition.type === 'stdio' ? definition.cwd : undefined }, token);
    if (answer === 'deny') {
      this.setState(server, 'declined', 'You declined to start this workspace server. Change .vscode/mcp.json or reload the window to be asked again.');
      return false;
    }
    await this.options.trust.trust(server.fingerprint);
    return true;
  }

  private start(server: ServerState): Promise<void> {
    const restarting = server.state === 'crashed';
    if (restarting) server.restarts++;
    this.setState(server, 'starting', undefined);
    const abort = new AbortController();
    const timeoutMs = this.options.settings.startTimeoutMs();
    server.starting = (async () => {
      try {
        const connector = await this.options.connector();
        const connection = await connector.connect(server.definition, { timeoutMs, signal: abort.signal });
        if (this.servers.get(server.definition.name) !== server || this.disposed) {
          await connection.close();
          return;
        }
        server.connection = connection;
        connection.onClosed((reason) => this.crashed(server, connection, reason));
        connection.onToolsChanged(() => void this.refreshTools(server, connection));
        server.tools = offeredTools(server.definition.name, await connection.listTools());
        this.setState(server, 'ready', undefined);
        this.options.log?.(`MCP: server "${server.definition.name}" is ready with ${server.tools.length} tool(s).`);
      } catch (error) {
        abort.abort();
        const detail = `It did not start: ${errorMessage(error)}`;
        this.options.log?.(`MCP: server "${server.definition.name}": ${detail}`);
        await this.stop(server);
        // A restart that fails keeps the tools offered only while restarts remain.
        if (restarting && server.restarts < MAX_RESTARTS) this.setState(server, 'crashed', detail);
        else {
          server.tools = [];
          this.setState(server, 'failed', detail);
        }
      } finally {
        server.starting = undefined;
      }
    })();
    return server.starting;
  }

  private async refreshTools(server: ServerState, connection: McpConnection): Promise<void> {
    try {
      const tools = offeredTools(server.definition.name, await connection.listTools());
      if (server.connection !== connection) return;
      server.tools = tools;
      this.options.log?.(`MCP: server "${server.definition.name}" changed its tools: now ${tools.length}.`);
      this.fire();
    } catch (error) {
      this.options.log?.(`MCP: listing the tools of "${server.definition.name}" again failed: ${errorMessage(error)}`);
    }
  }

  private crashed(server: ServerState, connection: McpConnection, reason: string): void {
    if (server.connection !== connection) return;
    server.connection = undefined;
    const exhausted = server.restarts >= MAX_RESTARTS;
    if (exhausted) server.tools = [];
    this.options.log?.(`MCP: server "${server.definition.name}" stopped: ${reason}`);
    this.setState(server, exhausted ? 'failed' : 'crashed', `It stopped: ${reason}${exhausted ? ' (too many times; its tools are withdrawn)' : ''}`);
  }

  private unavailableReason(server: ServerState): string {
    const name = server.definition.name;
    switch (server.state) {
      case 'crashed':
        return `The MCP server "${name}" is not running (${server.detail ?? 'it stopped'}). Holdfast starts it again before the next request; try the call once more later, or do without it.`;
      case 'starting':
        return `The MCP server "${name}" is still starting. Try again shortly.`;
      default:
        return `The MCP server "${name}" is not available (${server.detail ?? server.state}).`;
    }
  }

  private async stop(server: ServerState): Promise<void> {
    const connection = server.connection;
    server.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  private setState(server: ServerState, state: McpServerStatus['state'], detail: string | undefined): void {
    server.state = state;
    server.detail = detail;
    this.fire();
  }

  private fire(): void {
    if (!this.disposed) this.changed.fire();
  }
}

/** What a definition asks to run or reach; a change means a new consent and a restart. */
export function fingerprintOf(definition: McpServerDefinition): string {
  // Hashed: the definition's env and headers may hold the user's tokens, and fingerprints are stored.
  const text = JSON.stringify(
    definition.type === 'stdio'
      ? [definition.name, definition.source, definition.type, definition.command, definition.args, Object.entries(definition.env).sort(), definition.cwd ?? null]
      : [definition.name, definition.source, definition.type, definition.url, Object.entries(definition.headers).sort()],
  );
  return bytesToHex(sha256(utf8ToBytes(text)));
}
