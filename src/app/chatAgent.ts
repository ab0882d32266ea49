import * as vscode from 'vscode';
import { Agent } from '../agent/agent';
import type { AgentSettings } from '../agent/agentSettings';
import { SessionStore } from '../agent/sessionStore';
import { systemClock } from '../common/clock';
import type { DisposableStore } from '../common/disposable';
import { AgentHost } from '../host/agentHost';
import type { Logger } from '../host/log';
import { loadSdkConnector } from '../host/mcp/loadConnector';
import { MementoMcpTrust, VscodeMcpSettings } from '../host/mcp/vscodeMcpSettings';
import { VscodeToolSettings } from '../host/toolSettings';
import { VscodeDiagnostics } from '../host/tools/vscodeDiagnostics';
import { VscodeTasks } from '../host/tools/vscodeTasks';
import { VscodeTerminal } from '../host/tools/vscodeTerminal';
import { VscodeWorkspace } from '../host/tools/vscodeWorkspace';
import { WorkspaceSessionStorage } from '../host/workspaceSessionStorage';
import { VscodeApprovals } from '../ui/approvals/vscodeApprovals';
import { createToolServices } from '../tools/createToolServices';
import { McpServers } from '../tools/mcp/mcpServers';
import { ToolRunner } from '../tools/toolRunner';
import type { ModelClient } from '../transport/modelClient';

export interface ChatAgentOptions {
  /** `workspaceState` holds the sessions, which one is active, and the remembered tool answers. */
  workspaceState: vscode.Memento;
  /** The workspace's warm socket (`HostConnection.transport`). */
  model: ModelClient;
  /** A client on a socket of its own, for subagents where the server refuses lanes. */
  openLaneClient?: () => ModelClient & { dispose(): void };
  /** The same settings the warm-up request is built from, so the first request continues the warm chain. */
  agentSettings: () => AgentSettings;
  /** Exact secrets to redact from tool output (the API key), read at each call. */
  knownSecrets: () => readonly string[];
  log: Logger;
}

/**
 * Builds the window's chat agent on VS Code: the tool ports (workspace, diagnostics, tasks, terminal)
 * behind the shared policies, the approvals UI, the session store in `workspaceState`, and the `Agent`
 * loop on the workspace's socket, behind the `AgentHost` the UI talks to. What holds a resource is
 * added to `store` (the window's lifetime). Construction does no I/O.
 */
export function createChatAgent(store: DisposableStore, options: ChatAgentOptions): AgentHost<VscodeApprovals> {
  const toolSettings = new VscodeToolSettings(options.workspaceState);
  const approvals = store.add(new VscodeApprovals());
  const mcp = store.add(
    new McpServers({
      connector: async () =>
        loadSdkConnector({
          knownSecrets: options.knownSecrets,
          defaultCwd: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
          clientVersion: String(vscode.extensions.getExtension('holdfast.holdfast')?.packageJSON?.version ?? '0'),
          log: (line) => options.log.info(line),
        }),
      settings: new VscodeMcpSettings(),
      trust: new MementoMcpTrust(options.workspaceState),
      workspaceTrusted: () => vscode.workspace.isTrusted,
      log: (line) => options.log.info(line),
    }),
  );
  const services = createToolServices({
    workspace: new VscodeWorkspace(),
    diagnostics: store.add(new VscodeDiagnostics()),
    tasks: new VscodeTasks(),
    terminal: store.add(new VscodeTerminal()),
    settings: toolSettings,
    clock: systemClock,
    knownSecrets: options.knownSecrets,
    external: mcp,
  });
  const sessions = new SessionStore(new WorkspaceSessionStorage(options.workspaceState), systemClock);
  const agent = store.add(
    new Agent({
      model: options.model,
      tools: new ToolRunner(services),
      approvals,
      sessions,
      settings: options.agentSettings,
      clock: systemClock,
      ...(options.openLaneClient ? { openLaneClient: options.openLaneClient } : {}),
    }),
  );
  return store.add(new AgentHost({ agent, approvals, sessions, services, toolSettings, workspaceState: options.workspaceState, log: options.log }));
}
