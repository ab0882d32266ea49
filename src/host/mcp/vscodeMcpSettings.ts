/**
 * The MCP settings on VS Code, read fresh before each request: the user's `holdfast.mcp.servers` (USER
 * settings only: a workspace value is ignored, since a server is a command to run), every workspace
 * folder's `.vscode/mcp.json`, `holdfast.mcp.allowedTools` (USER settings only: nothing a workspace
 * ships can pre-approve a tool), the time limits, and the workspace stdio servers the user agreed to
 * start (in this workspace's state, never in a file of the repository).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type McpConfig, mergeMcpConfigs, parseMcpJson, parseMcpServers } from '../../tools/mcp/mcpConfig';
import type { McpSettings, McpTrustStore } from '../../tools/mcp/mcpPorts';

const TRUSTED_SERVERS = 'holdfast.mcp.trustedServers';

export class VscodeMcpSettings implements McpSettings {
  config(): McpConfig {
    const env = process.env;
    const first = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const user = parseMcpServers(
      { servers: userValue('mcp.servers') },
      'user',
      { workspaceFolder: first, userHome: os.homedir(), env },
      'the setting holdfast.mcp.servers',
    );
    const workspace: McpConfig = { servers: [], problems: [] };
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const file = path.join(folder.uri.fsPath, '.vscode', 'mcp.json');
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue; // no mcp.json in this folder
      }
      const label = (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${folder.name}/.vscode/mcp.json` : '.vscode/mcp.json';
      const parsed = parseMcpJson(text, 'workspace', { workspaceFolder: folder.uri.fsPath, userHome: os.homedir(), env }, label);
      const stdioDefaults = parsed.servers.map((server) => (server.type === 'stdio' && server.cwd === undefined ? { ...server, cwd: folder.uri.fsPath } : server));
      const merged = mergeMcpConfigs(workspace, { servers: stdioDefaults, problems: parsed.problems });
      workspace.servers = merged.servers;
      workspace.problems = merged.problems;
    }
    return mergeMcpConfigs(user, workspace);
  }

  allowedTools(): readonly string[] {
    const value = userValue('mcp.allowedTools');
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
  }

  callTimeoutMs(): number {
    return seconds('mcp.callTimeoutSeconds', 120) * 1000;
  }

  startTimeoutMs(): number {
    return seconds('mcp.startTimeoutSeconds', 20) * 1000;
  }
}

export class MementoMcpTrust implements McpTrustStore {
  constructor(private readonly workspaceState: vscode.Memento) {}

  isTrusted(fingerprint: string): boolean {
    return this.trusted().includes(fingerprint);
  }

  async trust(fingerprint: string): Promise<void> {
    const list = this.trusted();
    if (!list.includes(fingerprint)) await this.workspaceState.update(TRUSTED_SERVERS, [...list, fingerprint]);
  }

  private trusted(): string[] {
    const value = this.workspaceState.get<unknown>(TRUSTED_SERVERS);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }
}

function userValue(key: string): unknown {
  return vscode.workspace.getConfiguration('holdfast').inspect<unknown>(key)?.globalValue;
}

function seconds(key: string, fallback: number): number {
  const value = vscode.workspace.getConfiguration('holdfast').get<unknown>(key);
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.min(value, 3600) : fallback;
}
