/**
 * The MCP servers in the connection doctor's words: one line per server, saying whether its tools are
 * offered and, for a server that failed, crashed, is slow to start or was declined, why.
 */
import type { McpServerStatus } from './mcpPorts';

const STATE_WORDS: Record<McpServerStatus['state'], string> = {
  notStarted: 'not started yet (it starts before the next request)',
  starting: 'still starting (slow: its tools join a later request)',
  ready: 'running',
  failed: 'failed',
  crashed: 'crashed (restarted before the next request)',
  declined: 'not started (you declined)',
};

export function mcpStatusLines(statuses: readonly McpServerStatus[]): string[] {
  if (statuses.length === 0) return [];
  return statuses.map((status) => {
    const icon = status.state === 'ready' ? '✔' : status.state === 'failed' || status.state === 'crashed' ? '✘' : '–';
    const from = status.source === 'user' ? 'user settings' : '.vscode/mcp.json';
    const tools = status.state === 'ready' ? `, ${status.toolCount} tool${status.toolCount === 1 ? '' : 's'}` : '';
    return `${icon} MCP server "${status.name}" (${status.type}, ${from}): ${STATE_WORDS[status.state]}${tools}${status.detail ? `. ${status.detail}` : ''}`;
  });
}
