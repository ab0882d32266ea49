/**
 * The ports the tools (and the agent) run against. Each is a small interface named by what it is; the
 * host implements them with VS Code (`VscodeWorkspace`, …), the tests with in-memory fakes
 * (`test/fakes/`). Nothing here may import `vscode` at runtime.
 *
 * Paths: every path crossing a port is an absolute path with forward slashes, in the shape of
 * `vscode.Uri.path` for `file:` URIs (on Windows `/c:/repo/src/a.ts`). The host converts with
 * `Uri.file(path)` / `uri.path`. Pure code never sees backslashes or URIs.
 */
import type { CancellationToken } from '../common/cancellation';
import type { Event } from '../common/event';

export interface WorkspaceFolder {
  /** The folder's name as VS Code shows it; in a multi-root workspace the model may prefix paths with it. */
  name: string;
  /** Absolute path of the folder root. */
  path: string;
}

export interface FileStat {
  type: 'file' | 'directory';
  size: number;
  /** Modification time, ms since epoch (only shown, never trusted for change detection: content is). */
  mtime: number;
}

export interface FindFilesQuery {
  /** Glob relative to each workspace folder, e.g. `src/**\/*.ts`. */
  include: string;
  /** Upper bound on results; the host may stop searching once reached. */
  maxResults: number;
}

export interface TextSearchQuery {
  pattern: string;
  isRegExp: boolean;
  caseSensitive: boolean;
  /** Optional glob relative to each workspace folder that limits which files are searched. */
  include: string | undefined;
  maxResults: number;
}

export interface TextSearchMatch {
  /** Absolute path of the file that matched. */
  path: string;
  /** 1-based line number. */
  line: number;
  /** The matching line (the host may shorten very long lines). */
  preview: string;
}

/** One change inside an edit batch. Offsets are UTF-16 indices into `baseText`, end exclusive. */
export interface TextReplacement {
  start: number;
  end: number;
  newText: string;
}

export type FileChange =
  /** Create a file that does not exist yet (parent folders are created as needed). */
  | { kind: 'create'; path: string; text: string }
  /**
   * Replace ranges of an existing file. `baseText` is the content the replacements were computed
   * against: the host must refuse the batch if the document's current text differs (a race with the
   * user typing), rather than applying offsets to the wrong text.
   */
  | { kind: 'modify'; path: string; baseText: string; replacements: TextReplacement[] }
  | { kind: 'delete'; path: string };

export type ApplyEditResult = { applied: true } | { applied: false; reason: string };

/**
 * The workspace as the tools see it. The host backs it with `workspace.fs`, open text documents (so
 * unsaved editor content is what the model reads and edits), `workspace.findFiles` and text search.
 */
export interface Workspace {
  readonly folders: readonly WorkspaceFolder[];
  /** `undefined` when nothing exists at the path. Follows symlinks. */
  stat(path: string): Promise<FileStat | undefined>;
  /** The current text, including unsaved changes of an open editor. Throws if the file is missing. */
  readFile(path: string): Promise<string>;
  /** The path with every symlink resolved. Throws if the path does not exist. */
  realpath(path: string): Promise<string>;
  /**
   * Files matching the glob, as absolute paths. Must honour `files.exclude`, `search.exclude` and
   * `.gitignore` (VS Code: `findFiles(include, undefined /* default excludes *\/, maxResults)` plus
   * `useIgnoreFiles`); the policy layer additionally hides secret-looking files.
   */
  findFiles(query: FindFilesQuery, token: CancellationToken): Promise<string[]>;
  /** Text search across the workspace (ripgrep in VS Code), honouring the same excludes as findFiles. */
  searchText(query: TextSearchQuery, token: CancellationToken): Promise<TextSearchMatch[]>;
  /**
   * Applies every change of the batch as ONE `WorkspaceEdit` (so one Undo reverts it), and saves the
   * touched documents. All or nothing: if any change cannot apply, nothing is applied.
   */
  applyEdit(changes: readonly FileChange[]): Promise<ApplyEditResult>;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic {
  path: string;
  severity: DiagnosticSeverity;
  /** 1-based, inclusive start; end as VS Code reports it (1-based line and column). */
  range: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  message: string;
  source: string | undefined;
  code: string | undefined;
}

/** `languages.getDiagnostics()` in the host. */
export interface Diagnostics {
  /** Diagnostics of one file, or of every file when `path` is undefined. */
  get(path: string | undefined): Promise<Diagnostic[]>;
}

export interface TaskInfo {
  label: string;
  /** e.g. `npm`, `shell`, `typescript`. */
  source: string;
  detail: string | undefined;
}

export interface ProcessResult {
  /** `undefined` when the process did not exit by itself (timeout, cancellation, task without exit code). */
  exitCode: number | undefined;
  /** Combined stdout + stderr, as produced. The host may already cap it; the tool bounds it again. */
  output: string;
  timedOut: boolean;
  cancelled: boolean;
  /** How a command was confined (the host's terminal reports it; absent for tasks and test doubles). */
  sandbox?: SandboxReport;
}

/**
 * Whether the host can confine commands in an OS sandbox (bubblewrap on Linux), as `run_command`
 * needs to know before it decides whether to ask: `available` (its `network` is the user's setting),
 * `unavailable` (macOS, Windows, bwrap missing or failing; `required`: the user wants no command to run
 * without one), or `off` (the user turned it off: every command asks).
 */
export type SandboxStatus = { kind: 'available'; network: boolean } | { kind: 'unavailable'; reason: string; required: boolean } | { kind: 'off' };

/** How one run is confined: in the sandbox (with or without network), or not at all. */
export type Confinement = { sandbox: true; network: boolean } | { sandbox: false };

/** What a run could touch, for the tool result and the chat card. Paths are absolute. */
export type SandboxReport =
  | {
      sandboxed: true;
      /** Folders it could write (the workspace folders, minus `readOnly`). */
      writable: readonly string[];
      network: boolean;
      /** Protected paths inside the workspace it could only read (.git, .vscode, node_modules/.bin, …). */
      readOnly: readonly string[];
      /** How many secret files and folders were hidden from it. */
      hidden: number;
      /** Limits of this run worth saying (the secret scan stopped early, no seccomp filter here…). */
      notes: readonly string[];
      /**
       * Protected paths that did not exist before the run and do now (a new .git, .gitattributes…): a
       * sandbox keeps existing paths read-only but cannot stop new names being created.
       */
      createdProtected?: readonly string[];
    }
  | { sandboxed: false; reason: string };

/** `tasks.fetchTasks()` / `tasks.executeTask()` in the host. */
export interface Tasks {
  list(): Promise<TaskInfo[]>;
  /** Runs the task and resolves when it ends (or on timeout / cancellation, after stopping it). */
  run(label: string, options: { timeoutMs: number; token: CancellationToken; onOutput?: (chunk: string) => void }): Promise<ProcessResult>;
}

/**
 * Runs one shell command in a fresh process (never an already-open shell a previous approval applied
 * to), with the workspace folder as cwd, killing the process tree on timeout or cancellation.
 */
export interface Terminal {
  /** Whether commands can run sandboxed here (the host probes once and caches). */
  sandbox(): Promise<SandboxStatus>;
  /** Fires when that status changes (the first command, a settings change); hosts without a sandbox may omit it. */
  readonly onDidChangeSandboxStatus?: Event<SandboxStatus>;
  run(command: string, options: { cwd: string; timeoutMs: number; token: CancellationToken; confinement: Confinement; onOutput?: (chunk: string) => void }): Promise<ProcessResult>;
}

/**
 * Answers that approve a sandboxed command with more than the sandbox gives, for that run only:
 * network, or no sandbox at all (writes outside the workspace and to protected files, the real $HOME).
 */
export type ApprovalGrant = 'allowOnceWithNetwork' | 'allowOnceUnsandboxed';

/** The user's answer to anything Holdfast asks. */
export type ApprovalAnswer = 'allowOnce' | 'alwaysAllow' | 'deny' | ApprovalGrant;

/** Where an approved command will run, and what the card may offer to grant it beyond that. */
export interface CommandSandboxOffer {
  /** `sandbox`: the workspace writable, protected files read-only, secrets hidden; `none`: as the user's own process. */
  runsIn: 'sandbox' | 'none';
  /** Whether it gets the network as offered (`allowOnce`). */
  network: boolean;
  /** The extra answers the card may show (none when there is no sandbox to widen). */
  grants: readonly ApprovalGrant[];
  /** Why it runs without a sandbox (`runsIn: 'none'`). */
  reason?: string;
  /** The grant the command seems to need (the policy saw network use, or writes outside): the card may preselect it. */
  suggested?: ApprovalGrant;
}

export type ApprovalRequest =
  /** Run a task or a command. `parts` are the parsed commands exactly as policy judged them. */
  | {
      kind: 'runCommand';
      command: string;
      cwd: string;
      parts: readonly string[];
      /** Why it was not allowed automatically (destructive verbs, secret files, not in the allow list…). */
      reasons: readonly string[];
      /** What "always allow" would store; undefined when it is not offered (destructive, unparseable). */
      alwaysAllowRules: readonly string[] | undefined;
      /** Where it will run if allowed, and the grants the card may offer. */
      sandbox?: CommandSandboxOffer;
    }
  | { kind: 'runTask'; label: string; alwaysAllowRules: readonly string[] | undefined }
  /** Show the edit as a diff; `allowOnce`/`alwaysAllow` apply it, `deny` discards it. */
  | { kind: 'reviewEdit'; path: string; before: string | undefined; after: string }
  /** The model failed to match its edits on one file several times; continue letting it try? */
  | { kind: 'editMismatches'; path: string; failures: number; lastError: string }
  /** A per-turn budget ran out; continue the turn? */
  | { kind: 'continueAfterBudget'; budget: 'toolRounds' | 'tokens'; used: number; limit: number }
  /** Call a tool of an MCP server (`arguments`: the JSON the model sent, cut to a readable size). */
  | { kind: 'mcpTool'; server: string; tool: string; source: 'user' | 'workspace'; arguments: string }
  /** Start (stdio: `command`) or connect to (`http <url>`) an MCP server the workspace's `.vscode/mcp.json` defines. */
  | { kind: 'startMcpServer'; server: string; command: string; cwd: string | undefined };

/**
 * Which question of which agent turn is asked: the ids the agent's `approvalRequested` /
 * `approvalResolved` events carry, so the UI can show the question in that turn and update it.
 */
export interface ApprovalContext {
  readonly turnId: string;
  readonly approvalId: string;
}

/**
 * Asks the user. Cancellation (Stop) must settle the promise; the agent treats that as `deny`.
 * Tools leave `context` out; the agent adds its turn's ids before the question reaches the UI.
 */
export interface Approvals {
  request(request: ApprovalRequest, token: CancellationToken, context?: ApprovalContext): Promise<ApprovalAnswer>;
}

/**
 * The user's tool settings, read fresh on every call (settings may change during a session), and the
 * one write the tools need: remembering an "always allow" answer.
 */
export interface ToolSettings {
  /** Workspace Trust: when false, tools that write or execute are neither offered nor run. */
  workspaceTrusted: boolean;
  /** `auto` applies edits at once; `review` shows each as a diff and applies it only when accepted. */
  editApproval: 'auto' | 'review';
  /** Command prefixes (parsed words, e.g. `npm test`) that run without asking unless destructive. */
  allowedCommands: readonly string[];
  /** Command prefixes that are refused outright. */
  deniedCommands: readonly string[];
  /** Task labels that run without asking. */
  allowedTasks: readonly string[];
  /** Globs (workspace-relative) of secret-looking files the user allows the tools to read and edit. */
  allowedSecretFiles: readonly string[];
}

export interface ToolSettingsStore {
  read(): ToolSettings;
  /** Persist "always allow" (user or workspace settings; the host decides). */
  allowCommands(prefixes: readonly string[]): Promise<void>;
  allowTask(label: string): Promise<void>;
}

export { type Clock, systemClock } from '../common/clock';
