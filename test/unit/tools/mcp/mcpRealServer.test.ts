/**
 * MCP tools end to end against a REAL server: @modelcontextprotocol/server-everything (npm), started
 * over stdio by the real SDK connector, its tools run by the ToolRunner with scripted approvals. The
 * crash cases use test/fixtures/mcp/everythingThatCrashes.mjs: the same server behind a pipe that
 * kills it in the middle of a `trigger-long-running-operation` call.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CancellationToken } from '../../../../src/common/cancellation';
import { SdkConnector } from '../../../../src/host/mcp/sdkConnector';
import type { McpConfig, McpServerDefinition } from '../../../../src/tools/mcp/mcpConfig';
import type { McpSettings, McpTrustStore } from '../../../../src/tools/mcp/mcpPorts';
import { McpServers } from '../../../../src/tools/mcp/mcpServers';
import type { ApprovalRequest } from '../../../../src/tools/ports';
import { CONFIGURED_KEY, createToolHarness } from '../../../fakes/toolHarness';

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const CRASHING = path.resolve(__dirname, '../../../fixtures/mcp/everythingThatCrashes.mjs');

function stdio(name: string, script: string, extra: Partial<Extract<McpServerDefinition, { type: 'stdio' }>> = {}): McpServerDefinition {
  return { name, source: 'user', type: 'stdio', command: process.execPath, args: script === EVERYTHING ? [script, 'stdio'] : [script], env: {}, cwd: undefined, ...extra };
}

class MemoryTrust implements McpTrustStore {
  readonly trusted = new Set<string>();
  isTrusted(fingerprint: string): boolean {
    return this.trusted.has(fingerprint);
  }
  async trust(fingerprint: string): Promise<void> {
    this.trusted.add(fingerprint);
  }
}

const hubs: McpServers[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.dispose();
  for (const child of children.splice(0)) child.kill();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function setup(servers: McpServerDefinition[], options: { allowedTools?: string[]; callTimeoutMs?: number } = {}) {
  const config: McpConfig = { servers, problems: [] };
  const settings: McpSettings = {
    config: () => config,
    allowedTools: () => options.allowedTools ?? [],
    callTimeoutMs: () => options.callTimeoutMs ?? 30_000,
    startTimeoutMs: () => 30_000,
  };
  const trust = new MemoryTrust();
  const log: string[] = [];
  const connector = new SdkConnector({ knownSecrets: () => [CONFIGURED_KEY], defaultCwd: () => undefined, clientVersion: 'test', log: (line) => log.push(line) });
  const hub = new McpServers({ connector: async () => connector, settings, trust, workspaceTrusted: () => true, log: (line) => log.push(line) });
  hubs.push(hub);
  const harness = createToolHarness({ external: hub });
  const prepare = () => harness.runner.prepare(harness.approvals, CancellationToken.None);
  return { hub, harness, trust, log, config, prepare };
}

const asked = (requests: readonly ApprovalRequest[]) => requests.map((r) => (r.kind === 'mcpTool' ? `${r.server}/${r.tool}` : r.kind));

describe('MCP tools against @modelcontextprotocol/server-everything', { timeout: 60_000 }, () => {
  it('offers the server\'s tools next to the built-in ones and runs one after the user allows it', async () => {
    const { hub, harness, prepare } = setup([stdio('everything', EVERYTHING)]);
    expect(harness.runner.functionTools(true).some((t) => t.name.startsWith('mcp__'))).toBe(false);
    await prepare();
    expect(hub.statuses()).toMatchObject([{ name: 'everything', state: 'ready' }]);
    const tools = harness.runner.functionTools(true);
    expect(tools.slice(0, 7).map((t) => t.name)).toEqual(['read_file', 'list_files', 'search_text', 'get_diagnostics', 'apply_edit', 'run_task', 'run_command']);
    const sum = tools.find((t) => t.name === 'mcp__everything__get-sum');
    expect(sum).toMatchObject({ strict: false, parameters: { type: 'object', required: ['a', 'b'] } });
    expect(sum!.parameters).not.toHaveProperty('$schema');
    // Untrusted workspace: no MCP tool is offered.
    expect(harness.runner.functionTools(false).some((t) => t.name.startsWith('mcp__'))).toBe(false);

    harness.approvals.answer = 'allowOnce';
    const result = await harness.call('mcp__everything__get-sum', { a: 2, b: 3 });
    expect(result).toMatchObject({ status: 'ok', name: 'mcp__everything__get-sum' });
    expect(result.output).toMatch(/The sum of 2 and 3 is 5/);
    expect(asked(harness.approvals.requests)).toEqual(['everything/get-sum']);
    expect(harness.runner.effectOf('mcp__everything__get-sum')).toBe('execute');
  });

  it('asks by default, reports a denial to the model, and runs without asking only what user settings allow', async () => {
    const { harness, prepare } = setup([stdio('everything', EVERYTHING)], { allowedTools: ['everything/echo'] });
    await prepare();
    harness.approvals.answer = 'deny';
    const denied = await harness.call('mcp__everything__get-sum', { a: 1, b: 1 });
    expect(denied.status).toBe('denied');
    expect(denied.output).toMatch(/The user denied the MCP tool everything\/get-sum/);
    const echoed = await harness.call('mcp__everything__echo', { message: 'hello there' });
    expect(echoed).toMatchObject({ status: 'ok' });
    expect(echoed.output).toMatch(/hello there/);
    expect(asked(harness.approvals.requests)).toEqual(['everything/get-sum']);
  });

  it('never hands the API key to a server, whatever its env says', async () => {
    const { harness, prepare, log } = setup([
      stdio('everything', EVERYTHING, { env: { OPENAI_API_KEY: 'sk-from-the-definition', LEAK: `prefix-${CONFIGURED_KEY}`, KEEP: 'visible-value' } }),
    ]);
    process.env['OPENAI_API_KEY'] = CONFIGURED_KEY; // as if the extension host had it
    try {
      await prepare();
    } finally {
      delete process.env['OPENAI_API_KEY'];
    }
    harness.approvals.answer = 'allowOnce';
    const env = await harness.call('mcp__everything__get-env', {});
    expect(env.status).toBe('ok');
    expect(env.output).toMatch(/visible-value/);
    expect(env.output).not.toMatch(/OPENAI_API_KEY|LEAK|sk-from-the-definition/);
    expect(env.output).not.toContain(CONFIGURED_KEY);
    expect(log.join('\n')).toMatch(/does not get OPENAI_API_KEY, LEAK/);
  });

  it('ends a call with a clear error when the server crashes mid-call, and restarts it before the next request with the same tools', async () => {
    const { hub, harness, prepare } = setup([stdio('flaky', CRASHING)]);
    await prepare();
    const before = harness.runner.functionTools(true);
    harness.approvals.answer = 'allowOnce';
    const crashed = await harness.call('mcp__flaky__trigger-long-running-operation', { duration: 20, steps: 4 });
    expect(crashed.status).toBe('error');
    expect(crashed.output).toMatch(/The MCP server "flaky" stopped while running flaky\/trigger-long-running-operation/);
    expect(crashed.output).toMatch(/effects are unknown/);
    expect(hub.statuses()).toMatchObject([{ name: 'flaky', state: 'crashed', detail: expect.stringMatching(/simulated crash/) }]);
    // Still offered: one crash must not change the tool set (and the cached prefix with it).
    expect(harness.runner.functionTools(true)).toEqual(before);
    const meanwhile = await harness.call('mcp__flaky__echo', { message: 'x' });
    expect(meanwhile.output).toMatch(/is not running .* starts it again before the next request/);

    await prepare();
    expect(hub.statuses()).toMatchObject([{ name: 'flaky', state: 'ready' }]);
    expect(harness.runner.functionTools(true)).toEqual(before);
    expect((await harness.call('mcp__flaky__echo', { message: 'back again' })).output).toMatch(/back again/);
  });

  it('times a slow call out with a clear error and keeps the server usable', async () => {
    const { harness, prepare } = setup([stdio('everything', EVERYTHING)], { callTimeoutMs: 1000 });
    await prepare();
    harness.approvals.answer = 'allowOnce';
    const slow = await harness.call('mcp__everything__trigger-long-running-operation', { duration: 30, steps: 3 });
    expect(slow.status).toBe('error');
    expect(slow.output).toMatch(/did not answer within 1 s and was cancelled \(the limit is the setting holdfast\.mcp\.callTimeoutSeconds\)/);
    expect((await harness.call('mcp__everything__echo', { message: 'still here' })).output).toMatch(/still here/);
  });

  it('asks before starting a workspace stdio server, remembers a yes, and starts nothing after a no', async () => {
    const workspaceServer = stdio('ws', EVERYTHING, { source: 'workspace' });
    const declined = setup([workspaceServer]);
    declined.harness.approvals.answer = 'deny';
    await declined.prepare();
    expect(declined.harness.approvals.requests).toEqual([{ kind: 'startMcpServer', server: 'ws', command: `${process.execPath} ${EVERYTHING} stdio`, cwd: undefined }]);
    expect(declined.hub.statuses()).toMatchObject([{ name: 'ws', state: 'declined' }]);
    expect(declined.harness.runner.functionTools(true).some((t) => t.name.startsWith('mcp__'))).toBe(false);
    await declined.prepare(); // not asked again in this window
    expect(declined.harness.approvals.requests).toHaveLength(1);

    const agreed = setup([workspaceServer]);
    agreed.harness.approvals.answer = 'allowOnce';
    await agreed.prepare();
    expect(agreed.trust.trusted.size).toBe(1);
    expect(agreed.hub.statuses()).toMatchObject([{ name: 'ws', state: 'ready' }]);
    // A user-defined server starts without that question.
    const user = setup([stdio('mine', EVERYTHING)]);
    await user.prepare();
    expect(user.harness.approvals.requests).toEqual([]);
  });

  it('reaches a streamable-HTTP server by URL (its user-setting allow rule skips the question)', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('listening on port')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the HTTP server exited with ${code}`)));
    });
    const { hub, harness, prepare } = setup([{ name: 'web', source: 'user', type: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: { 'X-Test': 'yes' } }], { allowedTools: ['web'] });
    await prepare();
    expect(hub.statuses()).toMatchObject([{ name: 'web', type: 'http', state: 'ready' }]);
    const sum = await harness.call('mcp__web__get-sum', { a: 20, b: 22 });
    expect(sum.output).toMatch(/The sum of 20 and 22 is 42/);
    expect(harness.approvals.requests).toEqual([]);
  });

  it('reports a server that cannot start, without failing the request', async () => {
    const { hub, harness, prepare } = setup([stdio('missing', EVERYTHING, { command: '/nonexistent/mcp-server', args: [] })]);
    await prepare();
    expect(hub.statuses()).toMatchObject([{ name: 'missing', state: 'failed', detail: expect.stringMatching(/did not start: .*ENOENT/) }]);
    expect(harness.runner.functionTools(true).some((t) => t.name.startsWith('mcp__'))).toBe(false);
  });
});
