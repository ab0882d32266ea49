/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import type { Holdfast } from '../../../src/app/holdfast';
import type { McpServers } from '../../../src/tools/mcp/mcpServers';
import type { ApprovalAnswer, ApprovalRequest } from '../../../src/tools/ports';
import { type Emulator, type Scenario, startEmulator } from '../../emulator';
import { connectToEmulator, createFrames, toolOutputOf } from '../support/emulatorSession';
import { holdfastExtension, holdfastUnderTest } from '../support/holdfastExtension';
import { waitFor, within } from '../support/waiting';

/**
 * Issue 19's MCP servers inside a real VS Code: the workspace's `.vscode/mcp.json` defines the real
 * `@modelcontextprotocol/server-everything` (npm) behind test/fixtures/mcp/everythingThatCrashes.mjs,
 * which kills the server in the middle of a `trigger-long-running-operation` call. The scripted model
 * (the emulator, which refuses a call to a tool the request did not offer) calls the server's tools:
 * starting the workspace's server asks first; each call asks, even with a planted workspace setting
 * that tries to allow it; the crash ends that call with a clear error and the turn completes.
 */

const SUM = 'mcp__everything__get-sum';
const LONG = 'mcp__everything__trigger-long-running-operation';

const scenario: Scenario = {
  name: 'integration-mcp',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    { id: 'mcp-sum', when: { userText: 'Add two and three with the MCP server' }, calls: [{ name: SUM, callId: 'mcp_sum', arguments: { a: 2, b: 3 } }] },
    {
      id: 'mcp-sum-done',
      when: { toolOutputs: [{ callId: 'mcp_sum' }] },
      expect: { toolOutputs: [{ callId: 'mcp_sum', output: 'The sum of 2 and 3 is 5' }] },
      say: 'Two and three make five.',
    },
    { id: 'mcp-crash', when: { userText: 'Run the long operation on the MCP server' }, calls: [{ name: LONG, callId: 'mcp_long', arguments: { duration: 30, steps: 3 } }] },
    {
      id: 'mcp-crash-done',
      when: { toolOutputs: [{ callId: 'mcp_long' }] },
      expect: { toolOutputs: [{ callId: 'mcp_long', output: { matches: '/The MCP server "everything" stopped while running everything\\/trigger-long-running-operation/' } }] },
      say: 'The MCP server crashed during the operation.',
    },
  ],
};

suite('MCP servers: a workspace server\'s tools, approvals and a crash mid-call', function () {
  // A guard against a hang only: no test asserts how long anything takes.
  this.timeout(180_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let disconnect: (() => Promise<void>) | undefined;
  const events: AgentEvent[] = [];
  let subscription: { dispose(): void } | undefined;
  let presenter: { dispose(): void } | undefined;
  let mcpJson: vscode.Uri;
  let settingsJson: vscode.Uri;
  let originalSettings: string;

  suiteSetup(async () => {
    holdfast = await holdfastUnderTest();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    mcpJson = vscode.Uri.joinPath(folder, '.vscode', 'mcp.json');
    settingsJson = vscode.Uri.joinPath(folder, '.vscode', 'settings.json');
    originalSettings = new TextDecoder().decode(await vscode.workspace.fs.readFile(settingsJson));
    const fixture = path.join(holdfastExtension().extensionPath, 'test', 'fixtures', 'mcp', 'everythingThatCrashes.mjs');
    const definition = { servers: { everything: { type: 'stdio', command: process.execPath, args: [fixture] } } };
    await vscode.workspace.fs.writeFile(mcpJson, new TextEncoder().encode(JSON.stringify(definition, null, 2)));
    emulator = await startEmulator({ scenario, tokensPerSecond: 0, pingIntervalMs: 0 });
    disconnect = await connectToEmulator(holdfast, emulator);
    subscription = holdfast.agentHost.onEvent((event) => events.push(event));
    // Stands in for the chat view's cards: shows nothing; the test answers through `pending.answer`.
    presenter = holdfast.agentHost.approvals.setPresenter({
      request: (_request: ApprovalRequest, token: { onCancellationRequested: (listener: () => void) => unknown }) =>
        new Promise<ApprovalAnswer>((resolve) => token.onCancellationRequested(() => resolve('deny'))),
    });
  });

  suiteTeardown(async () => {
    if (holdfast?.agentHost.agent.runningTurn) holdfast.agentHost.stop();
    presenter?.dispose();
    subscription?.dispose();
    await vscode.workspace.fs.delete(mcpJson).then(undefined, () => undefined);
    if (originalSettings !== undefined) await vscode.workspace.fs.writeFile(settingsJson, new TextEncoder().encode(originalSettings));
    await disconnect?.();
    await emulator?.close();
  });

  setup(() => {
    events.length = 0;
    holdfast.agentHost.newSession();
  });

  function mcp(): McpServers {
    return holdfast.agentHost.services.external as McpServers;
  }

  async function answerNext(kind: ApprovalRequest['kind'], answer: ApprovalAnswer): Promise<ApprovalRequest> {
    const pending = await within(60_000, `the ${kind} question`, holdfast.agentHost.approvals.waitForPending((p) => p.request.kind === kind));
    pending.answer(answer);
    return pending.request;
  }

  test('starting the workspace\'s server asks; its tool is offered, asks (a planted workspace allow rule does not count) and runs', async () => {
    // A repository's settings try to pre-approve the server's tools.
    // (VS Code drops the application-scoped value from workspace settings; the timeout beside it shows
    // when the file has been read.)
    // Read now: connecting to the emulator wrote holdfast.baseUrl into this file.
    const current = new TextDecoder().decode(await vscode.workspace.fs.readFile(settingsJson));
    const planted = { ...JSON.parse(current), 'holdfast.mcp.allowedTools': ['everything', 'everything/get-sum'], 'holdfast.mcp.callTimeoutSeconds': 119 };
    await vscode.workspace.fs.writeFile(settingsJson, new TextEncoder().encode(JSON.stringify(planted, null, 2)));
    await waitFor('the planted settings to be read', () => vscode.workspace.getConfiguration('holdfast').get('mcp.callTimeoutSeconds') === 119);

    const turn = holdfast.agentHost.runTurn({ text: 'Add two and three with the MCP server' });
    const start = await answerNext('startMcpServer', 'allowOnce');
    assert.ok(start.kind === 'startMcpServer' && start.server === 'everything' && start.command.includes('everythingThatCrashes.mjs'), JSON.stringify(start));
    const call = await answerNext('mcpTool', 'allowOnce');
    assert.deepStrictEqual(call.kind === 'mcpTool' && [call.server, call.tool, call.source], ['everything', 'get-sum', 'workspace']);

    const outcome = await within(120_000, 'the MCP turn', turn);
    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Two and three make five.' });
    assert.match(toolOutputOf(emulator, 'mcp_sum'), /The sum of 2 and 3 is 5/);
    const finished = events.find((e) => e.type === 'toolCallFinished' && e.callId === 'mcp_sum');
    assert.ok(finished?.type === 'toolCallFinished' && finished.status === 'ok', JSON.stringify(finished));
    assert.deepStrictEqual(
      mcp().statuses().map((s) => [s.name, s.source, s.state]),
      [['everything', 'workspace', 'ready']],
    );
  });

  test('a server crash in the middle of a call ends that call with a clear error and the turn completes', async () => {
    const turn = holdfast.agentHost.runTurn({ text: 'Run the long operation on the MCP server' });
    // Agreed once for this definition: not asked again.
    await answerNext('mcpTool', 'allowOnce');
    const outcome = await within(120_000, 'the turn with the crash', turn);
    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'The MCP server crashed during the operation.' });
    assert.match(toolOutputOf(emulator, 'mcp_long'), /effects are unknown/);
    const finished = events.find((e) => e.type === 'toolCallFinished' && e.callId === 'mcp_long');
    assert.ok(finished?.type === 'toolCallFinished' && finished.status === 'error', JSON.stringify(finished));
    assert.ok(!events.some((e) => e.type === 'approvalRequested' && e.request.kind === 'startMcpServer'), 'asked again to start an agreed server');
    // The server was started again before the answer's request, with the same tools, so that request
    // continued the chain (a delta) instead of resending everything.
    const status = mcp().statuses()[0];
    assert.ok(status?.state === 'ready' && status.toolCount > 0, JSON.stringify(status));
    const last = createFrames(emulator).at(-1);
    assert.strictEqual(typeof last?.['previous_response_id'], 'string', `the request after the crash went full: ${JSON.stringify(last).slice(0, 300)}`);
  });
});
