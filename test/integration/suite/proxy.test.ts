/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Holdfast } from '../../../src/app/holdfast';
import { type Emulator, startEmulator } from '../../emulator';
import { startTestProxy, type TestProxy } from '../../unit/transport/proxyHarness';
import { createFrames, modelRequests } from '../support/emulatorSession';
import { holdfastExtension, holdfastUnderTest, pointBaseUrlAt, workspaceBaseUrl } from '../support/holdfastExtension';
import { waitFor } from '../support/waiting';

/**
 * Issue 19 in a real VS Code: VS Code's `http.proxy` setting routes Holdfast's socket and its HTTP
 * fallback. The proxy is a real one (the npm `proxy` package, test/unit/transport/proxyServer.mjs, in a
 * child process), and the base URL names `model.internal`, a host only the proxy resolves: the model
 * server is reachable through the proxy alone. A proxy that refuses CONNECT sends the turn over HTTP at
 * once. The frames the emulator received and the proxy's own log are checked.
 *
 * VS Code patches Node's http/https in the extension host: with `http.proxySupport` at its default
 * ("override") its own proxy agent replaces the agent of every request, Holdfast's included. The first
 * two tests turn that off so they test Holdfast's routing (CONNECT tunnels); the last one runs with
 * VS Code's default and checks the turn still completes through the proxy.
 */
suite('proxy: turns through a real HTTP proxy set in http.proxy', function () {
  this.timeout(60_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let tunnelling: TestProxy;
  let refusing: TestProxy;
  let previousBaseUrl: string | undefined;

  const useProxy = async (proxy: TestProxy | undefined): Promise<void> => {
    await vscode.workspace.getConfiguration('http').update('proxy', proxy?.url, vscode.ConfigurationTarget.Global);
    await waitFor(`Holdfast to read http.proxy = ${proxy?.url}`, () => (holdfast.settings.proxy?.proxy ?? '') === (proxy?.url ?? ''), 5_000);
  };

  const proxySupport = (value: string | undefined): Thenable<void> =>
    vscode.workspace.getConfiguration('http').update('proxySupport', value, vscode.ConfigurationTarget.Global);

  suiteSetup(async () => {
    holdfast = await holdfastUnderTest();
    await proxySupport('off');
    previousBaseUrl = workspaceBaseUrl();
    const script = path.join(holdfastExtension().extensionPath, 'test', 'unit', 'transport', 'proxyServer.mjs');
    tunnelling = await startTestProxy({ script });
    refusing = await startTestProxy({ script, denyConnect: true });
    emulator = await startEmulator({
      scenario: {
        name: 'proxy',
        fallback: 'fail',
        steps: [
          { id: 'ws', when: { userText: 'Hello through the tunnel' }, say: 'Hello back through the tunnel.' },
          { id: 'http', when: { userText: 'Hello past a refusing proxy' }, say: 'Hello back over HTTP.' },
          { id: 'default', when: { userText: 'Hello with VS Code\'s proxy support' }, say: 'Hello back through VS Code\'s agent.' },
        ],
      },
      tokensPerSecond: 0,
      pingIntervalMs: 0,
    });
    await vscode.commands.executeCommand('holdfast.clearApiKey');
    await useProxy(tunnelling);
    await pointBaseUrlAt(holdfast, `http://model.internal:${emulator.port}/v1`);
    await vscode.commands.executeCommand('holdfast.setApiKey', emulator.apiKey);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('holdfast.clearApiKey');
    await proxySupport(undefined);
    if (holdfast) {
      await useProxy(undefined);
      await pointBaseUrlAt(holdfast, previousBaseUrl);
    }
    await emulator?.close();
    await tunnelling?.close();
    await refusing?.close();
  });

  test('a turn completes over the WebSocket through the proxy\'s CONNECT tunnel', async () => {
    holdfast.agentHost.newSession();
    const outcome = await holdfast.agentHost.runTurn({ text: 'Hello through the tunnel' });

    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Hello back through the tunnel.' });
    assert.deepStrictEqual(
      modelRequests(emulator).map((r) => r.transport),
      ['ws'],
    );
    assert.ok(createFrames(emulator).length >= 1, 'the emulator recorded no response.create frame');
    const log = tunnelling.log();
    assert.ok(log.length >= 1, 'the proxy saw nothing');
    // Only tunnels: the proxy never saw a request, so never the API key.
    assert.deepStrictEqual([...new Set(log.map((line) => `${line.method} ${line.url} ${line.sawAuthorization}`))], [`CONNECT model.internal:${emulator.port} false`]);
  });

  test('a proxy that refuses CONNECT: the turn goes over HTTP through it at once', async () => {
    await useProxy(refusing);
    holdfast.agentHost.newSession();
    const before = modelRequests(emulator).length;
    const outcome = await holdfast.agentHost.runTurn({ text: 'Hello past a refusing proxy' });

    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Hello back over HTTP.' });
    assert.deepStrictEqual(
      modelRequests(emulator).slice(before).map((r) => r.transport),
      ['http-sse'],
    );
    const log = refusing.log();
    assert.ok(log.some((line) => line.method === 'CONNECT' && line.denied === true), `the proxy did not refuse a CONNECT: ${JSON.stringify(log)}`);
    assert.ok(
      log.some((line) => line.method === 'POST' && line.url === `http://model.internal:${emulator.port}/v1/responses`),
      `the proxy did not forward the HTTP request: ${JSON.stringify(log)}`,
    );
  });

  test('with VS Code\'s default proxy support ("override") the turn still completes through the proxy', async () => {
    await proxySupport(undefined);
    await useProxy(tunnelling);
    holdfast.agentHost.newSession();
    const seen = tunnelling.log().length;
    const outcome = await holdfast.agentHost.runTurn({ text: 'Hello with VS Code\'s proxy support' });

    assert.deepStrictEqual(outcome, { kind: 'completed', text: 'Hello back through VS Code\'s agent.' });
    const log = tunnelling.log().slice(seen);
    // Whatever carried it, it went through the proxy (only the proxy resolves model.internal).
    assert.ok(log.some((line) => line.url.includes(`model.internal:${emulator.port}`)), `the proxy saw nothing: ${JSON.stringify(log)}`);
    console.log(`      (VS Code's agent: proxy saw ${[...new Set(log.map((line) => line.method))].join(', ')}; transports ${modelRequests(emulator).slice(-1).map((r) => r.transport).join(', ')})`);
  });
});
