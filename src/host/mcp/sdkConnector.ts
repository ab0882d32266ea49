/**
 * The MCP connector on the official `@modelcontextprotocol/sdk`: stdio servers as child processes,
 * streamable-HTTP servers (and legacy SSE ones) by URL. Its own bundle (dist/mcp.js), loaded only when
 * a server is first started, so neither activation nor the main bundle carries the SDK.
 *
 * A stdio server gets the SDK's minimal environment (HOME, PATH, SHELL, TERM, USER…) plus its
 * definition's `env`, never the extension host's environment, and never a variable that holds the API
 * key: the key must not reach a process Holdfast starts.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerDefinition } from '../../tools/mcp/mcpConfig';
import type { McpCallResult, McpConnection, McpConnector } from '../../tools/mcp/mcpPorts';
import type { McpToolInfo } from '../../tools/mcp/mcpToolNames';

const STDERR_TAIL = 2000;
/** Variables never passed to a server, whatever its definition says. */
const NEVER_PASSED = new Set(['OPENAI_API_KEY']);

export interface SdkConnectorOptions {
  /** The configured API key (and other exact secrets): a variable holding one is not passed. */
  knownSecrets: () => readonly string[];
  /** Where a stdio server runs when its definition has no `cwd` (the first workspace folder). */
  defaultCwd: () => string | undefined;
  clientVersion: string;
  log?: (line: string) => void;
}

/** The environment a stdio server gets: minimal, plus its own `env`, without the API key. */
export function serverEnvironment(definitionEnv: Readonly<Record<string, string>>, knownSecrets: readonly string[]): { env: Record<string, string>; dropped: string[] } {
  const env: Record<string, string> = {};
  const dropped: string[] = [];
  const secrets = knownSecrets.filter((secret) => secret.length >= 8);
  for (const [key, value] of Object.entries({ ...getDefaultEnvironment(), ...definitionEnv })) {
    if (NEVER_PASSED.has(key.toUpperCase()) || secrets.some((secret) => value.includes(secret))) dropped.push(key);
    else env[key] = value;
  }
  return { env, dropped };
}

export class SdkConnector implements McpConnector {
  constructor(private readonly options: SdkConnectorOptions) {}

  async connect(server: McpServerDefinition, options: { timeoutMs: number; signal: AbortSignal }): Promise<McpConnection> {
    const stderr = { tail: '' };
    const transport = this.transportFor(server, stderr);
    const client = new Client({ name: 'holdfast', version: this.options.clientVersion }, { capabilities: {} });
    const connection = new SdkConnection(client, server, stderr);
    try {
      await client.connect(transport, { timeout: options.timeoutMs, signal: options.signal });
    } catch (error) {
      await client.close().catch(() => undefined);
      const tail = stderr.tail.trim();
      throw new Error(`${error instanceof Error ? error.message : String(error)}${tail ? ` (its last output: ${lastLines(tail)})` : ''}`);
    }
    return connection;
  }

  private transportFor(server: McpServerDefinition, stderr: { tail: string }): Transport {
    if (server.type === 'stdio') {
      const { env, dropped } = serverEnvironment(server.env, this.options.knownSecrets());
      if (dropped.length) this.options.log?.(`MCP: server "${server.name}" does not get ${dropped.join(', ')} (it holds the API key).`);
      const cwd = server.cwd ?? this.options.defaultCwd();
      const transport = new StdioClientTransport({ command: server.command, args: server.args, env, ...(cwd ? { cwd } : {}), stderr: 'pipe' });
      transport.stderr?.on('data', (chunk: Buffer) => {
        stderr.tail = (stderr.tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      return transport;
    }
    const secrets = this.options.knownSecrets().filter((secret) => secret.length >= 8);
    const headers = Object.fromEntries(Object.entries(server.headers).filter(([, value]) => !secrets.some((secret) => value.includes(secret))));
    const requestInit = { headers };
    return server.type === 'sse' ? new SSEClientTransport(new URL(server.url), { requestInit }) : new StreamableHTTPClientTransport(new URL(server.url), { requestInit });
  }
}

class SdkConnection implements McpConnection {
  private closing = false;
  private readonly closedListeners: Array<(reason: string) => void> = [];
  private readonly changedListeners: Array<() => void> = [];

  constructor(
    private readonly client: Client,
    private readonly server: McpServerDefinition,
    private readonly stderr: { tail: string },
  ) {
    client.onclose = () => {
      if (this.closing) return;
      this.closing = true;
      const tail = this.stderr.tail.trim();
      const how = server.type === 'stdio' ? 'the server process exited' : 'the connection to the server closed';
      for (const listener of this.closedListeners) listener(`${how}${tail ? `; its last output: ${lastLines(tail)}` : ''}`);
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      for (const listener of this.changedListeners) listener();
    });
  }

  async listTools(): Promise<McpToolInfo[]> {
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : {});
      tools.push(...page.tools.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema })));
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  async callTool(tool: string, args: Record<string, unknown>, options: { signal: AbortSignal; timeoutMs: number }): Promise<McpCallResult> {
    const result = await this.client.callTool({ name: tool, arguments: args }, undefined, { signal: options.signal, timeout: options.timeoutMs });
    return { text: resultText(result), isError: result.isError === true };
  }

  onToolsChanged(listener: () => void): void {
    this.changedListeners.push(listener);
  }

  onClosed(listener: (reason: string) => void): void {
    this.closedListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.close();
  }

}

/** A tool result as text for the model: text as is, other content as short notes. */
export function resultText(result: { content?: unknown; structuredContent?: unknown; toolResult?: unknown }): string {
  const parts: string[] = [];
  for (const item of Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : []) {
    switch (item['type']) {
      case 'text':
        parts.push(String(item['text'] ?? ''));
        break;
      case 'image':
      case 'audio':
        parts.push(`[${item['type']} ${String(item['mimeType'] ?? '')}, ${Math.round((String(item['data'] ?? '').length * 3) / 4)} bytes, not shown]`);
        break;
      case 'resource': {
        const resource = (item['resource'] ?? {}) as Record<string, unknown>;
        parts.push(typeof resource['text'] === 'string' ? resource['text'] : `[resource ${String(resource['uri'] ?? '')}, binary, not shown]`);
        break;
      }
      case 'resource_link':
        parts.push(`[resource link ${String(item['uri'] ?? '')}${item['name'] ? ` (${String(item['name'])})` : ''}]`);
        break;
      default:
        parts.push(`[${String(item['type'])} content, not shown]`);
    }
  }
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent, null, 2));
  if (parts.length === 0 && result.toolResult !== undefined) parts.push(JSON.stringify(result.toolResult, null, 2));
  return parts.join('\n');
}

function lastLines(text: string): string {
  return text.split('\n').slice(-5).join(' | ').slice(-600);
}
