/**
 * What the MCP tools need from the outside, as small ports: a connector that starts a server and
 * speaks MCP to it (the host's is built on `@modelcontextprotocol/sdk`; tests may use the same), the
 * user's MCP settings (read fresh), and where "this workspace server may start" is remembered.
 */
import type { McpConfig, McpServerDefinition } from './mcpConfig';
import type { McpToolInfo } from './mcpToolNames';

export interface McpCallResult {
  /** The result's content as text for the model (images and resources as short notes). */
  text: string;
  /** The server said the tool failed (`isError`). */
  isError: boolean;
}

export interface McpCallOptions {
  signal: AbortSignal;
  timeoutMs: number;
}

/** One running server. Listeners are called at most once per event; `close` ends the process or session. */
export interface McpConnection {
  listTools(): Promise<McpToolInfo[]>;
  callTool(tool: string, args: Record<string, unknown>, options: McpCallOptions): Promise<McpCallResult>;
  /** The server sent `notifications/tools/list_changed`. */
  onToolsChanged(listener: () => void): void;
  /** The connection ended without `close` (the process exited, the HTTP session failed); `reason` says how. */
  onClosed(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

export interface McpConnector {
  /** Starts (stdio) or reaches (http) the server and completes MCP's initialization, within `timeoutMs`. */
  connect(server: McpServerDefinition, options: { timeoutMs: number; signal: AbortSignal }): Promise<McpConnection>;
}

export interface McpSettings {
  /** The merged definitions: the user's setting and the workspace's `.vscode/mcp.json`. */
  config(): McpConfig;
  /**
   * "server" or "server/tool" entries that run without asking. Read from USER settings only: a
   * workspace (its settings or its mcp.json) can never pre-approve a tool.
   */
  allowedTools(): readonly string[];
  callTimeoutMs(): number;
  startTimeoutMs(): number;
}

/** The workspace stdio servers the user agreed to start (by the fingerprint of their definition). */
export interface McpTrustStore {
  isTrusted(fingerprint: string): boolean;
  trust(fingerprint: string): Promise<void>;
}

/** A server as the connection doctor and the chat show it. */
export interface McpServerStatus {
  name: string;
  source: 'user' | 'workspace';
  type: 'stdio' | 'http' | 'sse';
  state: 'notStarted' | 'starting' | 'ready' | 'failed' | 'crashed' | 'declined';
  toolCount: number;
  /** Why it failed or stopped, in words (stderr's last lines for a crashed stdio server). */
  detail?: string;
}
