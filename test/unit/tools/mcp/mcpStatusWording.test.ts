import { describe, expect, it } from 'vitest';
import { mcpStatusLines } from '../../../../src/tools/mcp/mcpStatusWording';

describe('MCP servers in the connection doctor', () => {
  it('says per server whether its tools are offered, and why not', () => {
    expect(
      mcpStatusLines([
        { name: 'a', source: 'user', type: 'stdio', state: 'ready', toolCount: 1 },
        { name: 'b', source: 'workspace', type: 'http', state: 'crashed', toolCount: 3, detail: 'It stopped: the server process exited; its last output: boom' },
        { name: 'c', source: 'workspace', type: 'stdio', state: 'starting', toolCount: 0 },
        { name: 'd', source: 'workspace', type: 'stdio', state: 'declined', toolCount: 0 },
      ]),
    ).toEqual([
      '✔ MCP server "a" (stdio, user settings): running, 1 tool',
      '✘ MCP server "b" (http, .vscode/mcp.json): crashed (restarted before the next request). It stopped: the server process exited; its last output: boom',
      '– MCP server "c" (stdio, .vscode/mcp.json): still starting (slow: its tools join a later request)',
      '– MCP server "d" (stdio, .vscode/mcp.json): not started (you declined)',
    ]);
    expect(mcpStatusLines([])).toEqual([]);
  });
});
