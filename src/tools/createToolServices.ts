import type { ExternalTools } from './externalTools';
import { CommandPolicy } from './policy/commandPolicy';
import { PathPolicy } from './policy/pathPolicy';
import type { Clock, Diagnostics, Tasks, Terminal, ToolSettingsStore, Workspace } from './ports';
import type { ToolServices } from './toolContext';

export interface ToolPorts {
  workspace: Workspace;
  diagnostics: Diagnostics;
  tasks: Tasks;
  terminal: Terminal;
  settings: ToolSettingsStore;
  clock: Clock;
  /** Exact secrets to redact (the configured API key); read at each call. */
  knownSecrets?: () => readonly string[];
  /** Tools from MCP servers (the host builds them lazily). */
  external?: ExternalTools;
}

/** Wires the policies onto the ports; the host calls this once per workspace. */
export function createToolServices(ports: ToolPorts): ToolServices {
  const paths = new PathPolicy(ports.workspace, () => ports.settings.read());
  return {
    ...ports,
    paths,
    commands: new CommandPolicy(paths, () => ports.settings.read()),
    knownSecrets: ports.knownSecrets ?? (() => []),
  };
}
