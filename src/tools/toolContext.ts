/**
 * What a tool implementation gets: the long-lived services (ports and policies, built once per
 * workspace) and the per-call context (turn, cancellation, the approvals channel the agent watches,
 * the session's edit journal).
 */
import type { CancellationToken } from '../common/cancellation';
import type { EditJournal, JournalEntry } from './editJournal';
import type { ExternalTools } from './externalTools';
import type { FileReadTracker } from './fileReadTracker';
import type { CommandPolicy } from './policy/commandPolicy';
import type { PathPolicy } from './policy/pathPolicy';
import type { Approvals, Clock, Diagnostics, SandboxReport, Tasks, Terminal, ToolSettingsStore, Workspace } from './ports';

export interface ToolServices {
  workspace: Workspace;
  diagnostics: Diagnostics;
  tasks: Tasks;
  terminal: Terminal;
  settings: ToolSettingsStore;
  paths: PathPolicy;
  commands: CommandPolicy;
  clock: Clock;
  /** Exact secrets to redact from every output (the configured API key), beyond key-shaped text. */
  knownSecrets: () => readonly string[];
  /** Tools from MCP servers, offered and run next to the built-in ones; none when undefined. */
  external?: ExternalTools;
}

/** Per-turn state of apply_edit: repeated mismatches per file, and files the user said to stop editing. */
export class EditAttempts {
  readonly failures = new Map<string, number>();
  readonly stopped = new Set<string>();
}

export interface ToolCallContext {
  turnId: string;
  callId: string;
  token: CancellationToken;
  approvals: Approvals;
  journal: EditJournal;
  reads: FileReadTracker;
  editAttempts: EditAttempts;
  onEditApplied: (entry: JournalEntry) => void;
  /** Live process output (run_command, run_task) for a card the user watches; the final output is still the result. */
  onOutput?: (chunk: string) => void;
}

/** What a tool returns; the runner bounds and redacts `text` before it reaches the model. */
export interface ToolOutput {
  text: string;
  /** Display path the call was about, for the UI. */
  path?: string;
  /** Keep more of the end than the start when cutting (process output). */
  tailHeavy?: boolean;
  /** Where a command ran and what it could touch (run_command). */
  sandbox?: SandboxReport;
}
