/**
 * Tools are part of the cached prefix: a server's `tools/list_changed` must start a new chain when the
 * tool set really changed, and only then. Also: a workspace (its mcp.json) can never pre-approve a
 * tool, and the agent offers MCP tools in its requests and asks before running them.
 */
import { describe, expect, it } from 'vitest';
import { CancellationToken } from '../../../../src/common/cancellation';
import type { FunctionToolDefinition } from '../../../../src/protocol/items';
import type { McpServerDefinition } from '../../../../src/tools/mcp/mcpConfig';
import type { McpCallResult, McpConnection, McpConnector, McpSettings } from '../../../../src/tools/mcp/mcpPorts';
import { McpServers } from '../../../../src/tools/mcp/mcpServers';
import { isMcpToolAllowed } from '../../../../src/tools/mcp/mcpToolCall';
import type { McpToolInfo } from '../../../../src/tools/mcp/mcpToolNames';
import { ChainMemory, completedLink, paramsKey } from '../../../../src/transport/chain';
import { paramsOf } from '../../../../src/transport/requestFrames';
import { createAgentHarness } from '../../../fakes/agentHarness';
import { callTool, respond, say } from '../../../fakes/fakeModelClient';

/** A server whose tool list the test changes, announcing each change as a real server would. */
class ChangingServer implements McpConnection, McpConnector {
  tools: McpToolInfo[] = [{ name: 'b', inputSchema: { type: 'object' } }, { name: 'a' }];
  private changed: () => void = () => undefined;
  readonly listed: number[] = [];
  async connect(): Promise<McpConnection> {
    return this;
  }
  async listTools(): Promise<McpToolInfo[]> {
    this.listed.push(Date.now());
    return this.tools.map((tool) => ({ ...tool }));
  }
  async callTool(tool: string, args: Record<string, unknown>): Promise<McpCallResult> {
    return { text: `${tool} ran with ${JSON.stringify(args)}`, isError: false };
  }
  onToolsChanged(listener: () => void): void {
    this.changed = listener;
  }
  onClosed(): void {}
  async close(): Promise<void> {}
  /** Announces a change and waits until the hub has listed the tools again. */
  async announce(): Promise<void> {
    const count = this.listed.length;
    this.changed();
    while (this.listed.length === count) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function hubWith(server: ChangingServer, definition: Partial<McpServerDefinition> = {}, allowedTools: string[] = [], agreedBefore = true) {
  const settings: McpSettings = {
    config: () => ({ servers: [{ name: 'srv', source: 'user', type: 'stdio', command: 'x', args: [], env: {}, cwd: undefined, ...definition } as McpServerDefinition], problems: [] }),
    allowedTools: () => allowedTools,
    callTimeoutMs: () => 10_000,
    startTimeoutMs: () => 10_000,
  };
  return new McpServers({ connector: async () => server, settings, trust: { isTrusted: () => agreedBefore, trust: async () => undefined }, workspaceTrusted: () => true });
}

describe('MCP tool list changes and the cached prefix', () => {
  it('keeps the chain when a list_changed brings the same tools, and starts a new one when the set changed', async () => {
    const server = new ChangingServer();
    const hub = hubWith(server);
    const { agent, runner, approvals } = createAgentHarness({ external: hub });
    await runner.prepare(approvals, CancellationToken.None);
    const params = () => paramsOf(agent.buildRequest([]), false);
    const first = params();
    expect(first.tools.filter((t) => t.name.startsWith('mcp__')).map((t) => t.name)).toEqual(['mcp__srv__a', 'mcp__srv__b']);

    const chain = new ChainMemory();
    const input = [say('hi')];
    chain.recordCompleted(undefined, completedLink('resp_1', paramsKey(first), [], input));

    // Same tools, listed in another order: same parameters, the next request continues the chain.
    server.tools = [{ name: 'a' }, { name: 'b', inputSchema: { type: 'object' } }];
    await server.announce();
    expect(paramsKey(params())).toBe(paramsKey(first));
    expect(chain.plan(undefined, params(), input).mode).toBe('delta');

    // A new tool: the set changed, so the request goes full with the new tools.
    server.tools = [...server.tools, { name: 'c', description: 'new' }];
    await server.announce();
    const plan = chain.plan(undefined, params(), input);
    expect(plan).toMatchObject({ mode: 'full', reason: 'paramsChanged' });
    expect(params().tools.map((t: FunctionToolDefinition) => t.name)).toContain('mcp__srv__c');

    // A changed schema is a changed set too.
    const beforeSchema = paramsKey(params());
    server.tools = server.tools.map((t) => (t.name === 'a' ? { ...t, inputSchema: { type: 'object', properties: { x: { type: 'string' } } } } : t));
    await server.announce();
    expect(paramsKey(params())).not.toBe(beforeSchema);
    hub.dispose();
  });

  it('lets nothing but the user\'s own rules skip the question', async () => {
    expect(isMcpToolAllowed(['srv'], 'srv', 'a')).toBe(true);
    expect(isMcpToolAllowed(['srv/*'], 'srv', 'a')).toBe(true);
    expect(isMcpToolAllowed(['srv/a'], 'srv', 'a')).toBe(true);
    expect(isMcpToolAllowed(['srv/a'], 'srv', 'b')).toBe(false);
    expect(isMcpToolAllowed(['sr'], 'srv', 'a')).toBe(false);
    expect(isMcpToolAllowed(['*'], 'srv', 'a')).toBe(false);

    // A workspace-defined server asks even when its definition tries to pre-approve (that field is
    // refused by the parser; here the definition is as valid as it gets) and the user allowed nothing.
    const server = new ChangingServer();
    const hub = hubWith(server, { source: 'workspace' });
    const { runner, approvals, call } = createAgentHarness({ external: hub });
    await runner.prepare(approvals, CancellationToken.None);
    approvals.answer = 'allowOnce';
    expect((await call('mcp__srv__a', {})).output).toBe('a ran with {}');
    expect(approvals.requests.map((r) => r.kind)).toEqual(['mcpTool']);
    expect(approvals.requests[0]).toMatchObject({ server: 'srv', tool: 'a', source: 'workspace' });
    hub.dispose();
  });

  it('asks before connecting to a workspace\'s http server too (its headers may carry tokens)', async () => {
    const server = new ChangingServer();
    const hub = hubWith(server, { source: 'workspace', type: 'http', url: 'https://mcp.example.invalid/mcp', headers: { Authorization: 'Bearer t' } } as Partial<McpServerDefinition>, [], false);
    const { runner, approvals } = createAgentHarness({ external: hub });
    approvals.answer = 'deny';
    await runner.prepare(approvals, CancellationToken.None);
    expect(approvals.requests).toEqual([{ kind: 'startMcpServer', server: 'srv', command: 'http https://mcp.example.invalid/mcp', cwd: undefined }]);
    expect(server.listed).toEqual([]);
    expect(runner.functionTools(true).some((t) => t.name.startsWith('mcp__'))).toBe(false);
    hub.dispose();
  });

  it('offers MCP tools in the agent\'s requests and runs a call the model makes, after asking', async () => {
    const server = new ChangingServer();
    const hub = hubWith(server);
    const harness = createAgentHarness({ external: hub });
    harness.approvals.answer = 'allowOnce';
    harness.model.script(respond([callTool('c1', 'mcp__srv__a', { q: 1 })]), respond([say('done')]));
    const session = harness.sessions.create();
    const outcome = await harness.agent.runTurn(session, { text: 'use the server' });
    expect(outcome).toMatchObject({ kind: 'completed', text: 'done' });
    expect(harness.model.requests[0]!.tools.map((t) => t.name)).toContain('mcp__srv__a');
    expect(session.items).toContainEqual({ type: 'function_call_output', call_id: 'c1', output: 'a ran with {"q":1}' });
    expect(harness.approvals.requests.map((r) => r.kind)).toEqual(['mcpTool']);
    hub.dispose();
  });
});
