/**
 * The agent on the real transport and the emulator, offering a real MCP server's tools
 * (@modelcontextprotocol/server-everything): the scripted model refuses to call a tool the request did
 * not offer, so a completed turn proves the tools reached the wire and the output came back.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../../src/agent/agent';
import { defaultAgentSettings } from '../../../../src/agent/agentSettings';
import { MemorySessionStorage, SessionStore } from '../../../../src/agent/sessionStore';
import { SdkConnector } from '../../../../src/host/mcp/sdkConnector';
import { McpServers } from '../../../../src/tools/mcp/mcpServers';
import { WorkspaceTransport } from '../../../../src/transport/workspaceTransport';
import { type Scenario, startEmulator } from '../../../emulator';
import { createToolHarness } from '../../../fakes/toolHarness';

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

const scenario: Scenario = {
  name: 'unit-mcp',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    { id: 'sum', when: { userText: 'Add two and three' }, calls: [{ name: 'mcp__everything__get-sum', callId: 'mcp_sum', arguments: { a: 2, b: 3 } }] },
    {
      id: 'done',
      when: { toolOutputs: [{ callId: 'mcp_sum' }] },
      expect: { toolOutputs: [{ callId: 'mcp_sum', output: 'The sum of 2 and 3 is 5' }] },
      say: 'Five.',
    },
  ],
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('MCP tools on the wire', { timeout: 60_000 }, () => {
  it('a scripted model calls a real MCP server\'s tool over the socket, after an approval', async () => {
    const emu = await startEmulator({ scenario, tokensPerSecond: 0, pingIntervalMs: 0 });
    cleanups.push(() => emu.close());
    const transport = new WorkspaceTransport({ baseUrl: emu.url, apiKey: async () => emu.apiKey, transport: 'websocket', connectTimeoutMs: 2000, idleTimeoutMs: 3000 });
    cleanups.push(() => transport.dispose());
    const hub = new McpServers({
      connector: async () => new SdkConnector({ knownSecrets: () => [], defaultCwd: () => undefined, clientVersion: 'test' }),
      settings: {
        config: () => ({ servers: [{ name: 'everything', source: 'user', type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: {}, cwd: undefined }], problems: [] }),
        allowedTools: () => [],
        callTimeoutMs: () => 30_000,
        startTimeoutMs: () => 30_000,
      },
      trust: { isTrusted: () => true, trust: async () => undefined },
      workspaceTrusted: () => true,
    });
    cleanups.push(() => hub.dispose());
    const tools = createToolHarness({ external: hub });
    tools.approvals.answer = 'allowOnce';
    const sessions = new SessionStore(new MemorySessionStorage(), tools.clock);
    const agent = new Agent({ model: transport, tools: tools.runner, approvals: tools.approvals, sessions, settings: defaultAgentSettings, clock: tools.clock });
    const outcome = await agent.runTurn(sessions.create(), { text: 'Add two and three' });
    expect(outcome).toMatchObject({ kind: 'completed', text: 'Five.' });
    expect(tools.approvals.requests.map((r) => r.kind)).toEqual(['mcpTool']);
  });
});
