/// <reference types="mocha" />
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AgentEvent } from '../../../src/agent/events';
import type { Holdfast } from '../../../src/app/holdfast';
import type { Emulator, Scenario } from '../../emulator';
import { API_CONFIG, MULTI_ROOT_GREP, WEB_CLIENT, WEB_FOLDER_DENIAL } from '../multiRootWorkspace';
import { type ConnectedEmulator, connectedEmulator, createFrames, modelRequests, toolOutputOf } from '../support/emulatorSession';

/**
 * Issue 19 in a real VS Code with a two-folder `.code-workspace` (runTests.ts's multi-root pass; in
 * the single-folder pass this suite skips): the scripted model searches across both folders, reads
 * `api/src/config.ts` and edits `web/src/client.ts`, with paths shown as `folder-name/path`, on one
 * warm socket for the window.
 */
const API = `${API_CONFIG.folder}/${API_CONFIG.file}`;
const WEB = `${WEB_CLIENT.folder}/${WEB_CLIENT.file}`;

const scenario: Scenario = {
  name: 'multi-root',
  fallback: 'fail',
  tokensPerSecond: 0,
  steps: [
    {
      id: 'look',
      when: { userText: 'Point the web client at the API port' },
      calls: [
        { name: 'search_text', callId: 'mr_search', arguments: { query: 'apiPort', is_regex: false, case_sensitive: null, include: null, max_results: null } },
        { name: 'read_file', callId: 'mr_read_api', arguments: { path: API, start_line: null, end_line: null } },
        { name: 'read_file', callId: 'mr_read_web', arguments: { path: WEB, start_line: null, end_line: null } },
      ],
    },
    {
      id: 'edit',
      when: { toolOutputs: [{ callId: 'mr_read_web' }] },
      expect: { toolOutputs: [{ callId: 'mr_search', output: `${API}:1: export const apiPort = 8417;` }, { callId: 'mr_read_api', output: 'apiPort = 8417' }] },
      calls: [{ name: 'apply_edit', callId: 'mr_edit', arguments: { path: WEB, edits: [{ old_text: 'localhost:TODO', new_text: 'localhost:8417' }], content: null } }],
    },
    {
      id: 'done',
      when: { toolOutputs: [{ callId: 'mr_edit' }] },
      expect: { toolOutputs: [{ callId: 'mr_edit', output: `Edited ${WEB}` }] },
      say: `The web client now uses port 8417 from ${API}.`,
    },
  ],
};

suite(`${MULTI_ROOT_GREP}: the agent reads from one folder and edits the other`, function () {
  this.timeout(60_000);
  let holdfast: Holdfast;
  let emulator: Emulator;
  let connected: ConnectedEmulator | undefined;

  suiteSetup(async function () {
    if ((vscode.workspace.workspaceFolders ?? []).length < 2) this.skip();
    connected = await connectedEmulator({ scenario, tokensPerSecond: 0 });
    ({ holdfast, emulator } = connected);
  });

  suiteTeardown(() => connected?.close());

  test('search spans both folders; api is read, web is edited, paths carry the folder name', async () => {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.name);
    assert.deepStrictEqual(folders, [API_CONFIG.folder, WEB_CLIENT.folder]);
    holdfast.agentHost.newSession();
    const events: AgentEvent[] = [];
    const subscription = holdfast.agentHost.onEvent((event) => events.push(event));
    let outcome;
    try {
      outcome = await holdfast.agentHost.runTurn({ text: 'Point the web client at the API port' });
    } finally {
      subscription.dispose();
    }

    assert.deepStrictEqual(outcome, { kind: 'completed', text: `The web client now uses port 8417 from ${API}.` });
    assert.match(toolOutputOf(emulator, 'mr_read_api'), /apiPort = 8417/);
    const [api, web] = vscode.workspace.workspaceFolders!;
    const read = async (uri: vscode.Uri): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.strictEqual(await read(vscode.Uri.joinPath(web!.uri, WEB_CLIENT.file)), "export const apiUrl = 'http://localhost:8417';\n");
    assert.strictEqual(await read(vscode.Uri.joinPath(api!.uri, API_CONFIG.file)), API_CONFIG.text);
    const edit = events.find((event) => event.type === 'editApplied');
    assert.strictEqual(edit?.type === 'editApplied' ? edit.entry.display : undefined, WEB);
    // The instructions (the chain's developer message) tell the model how to name paths here.
    assert.ok(createFrames(emulator).some((frame) => JSON.stringify(frame['input']).includes('several folders: api, web')));
  });

  test('one warm socket for the window: every request of the turn went over one connection', () => {
    const requests = modelRequests(emulator);
    assert.ok(requests.length >= 3);
    assert.deepStrictEqual([...new Set(requests.map((r) => `${r.transport} ${r.connectionId}`))].length, 1);
    assert.strictEqual(emulator.stats().handshakes.accepted, 1);
  });

  test('a folder\'s own settings apply: web/.vscode/settings.json adds its deniedCommands', () => {
    assert.ok(holdfast.agentHost.toolSettings.read().deniedCommands.includes(WEB_FOLDER_DENIAL));
  });
});
