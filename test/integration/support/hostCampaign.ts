import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AgentEvent, TurnOutcome } from '../../../src/agent/events';
import { MemorySessionStorage } from '../../../src/agent/sessionStore';
import type { Holdfast } from '../../../src/app/holdfast';
import type { ApplyEditResult, ApprovalRequest, FileChange } from '../../../src/tools/ports';
import { startEmulator } from '../../emulator';
import { CONNECT_TIMEOUT_MS, IDLE_TIMEOUT_MS, type CampaignHost } from '../../faults/faultCampaign';
import { countEventsPerRequest, type RunRecord, type RunSetup } from '../../faults/harness';
import { holdfastExtension, pointBaseUrlAt, workspaceBaseUrl } from './holdfastExtension';
import { waitFor } from './waiting';
import { fileIn, workspaceRoot } from './workspaceFiles';

/**
 * The fault campaign's `CampaignHost` inside a real VS Code: each run goes through the Holdfast the
 * extension host activated — `agentHost` (the agent on the VS Code tool ports: WorkspaceEdit, ripgrep,
 * TypeScript's diagnostics, a real process for run_command) on `connection.transport` (the workspace's
 * socket, reconfigured through the real `holdfast.baseUrl` setting to a fresh emulator per run, which
 * also drops its chain and any remembered HTTP fallback, as a settings change does) — on the fixture
 * workspace, with the scenario's files written into it and the workspace put back after each run.
 *
 * For the suite's duration: `holdfast.warmup` is `onFirstUse` (the campaign decides when to warm, and
 * does it through `HostConnection.warmOnFirstUse`), the session gets the campaign's short connect and
 * idle timeouts (so stalls and slow handshakes mean the same as in plain Node), `npm test` is always
 * allowed (as the plain harness allows it), approvals are denied (ScriptedApprovals('deny') there), and
 * npm runs silent (its banner and notices would make the output differ between runs). `dispose()`
 * restores every one of these, the fixture's files, and deletes the runs' chat sessions.
 */
export interface HostCampaign {
  host: CampaignHost;
  /** What the flight recorder (bounded by design) holds now: part of the heap the campaign measures. */
  recorderBytes(): number;
  dispose(): Promise<void>;
}

const NPM_ENV = { npm_config_loglevel: 'silent', npm_config_update_notifier: 'false', NO_UPDATE_NOTIFIER: '1' } as const;

export async function prepareHostCampaign(holdfast: Holdfast): Promise<HostCampaign> {
  const agentHost = holdfast.agentHost;
  const config = () => vscode.workspace.getConfiguration('holdfast');
  const previousWarmup = config().inspect<string>('warmup')?.workspaceValue;
  const previousBaseUrl = workspaceBaseUrl();
  const previousAnswers = agentHost.toolSettings.rememberedAnswers();
  const previousKey = await holdfast.apiKeys.get();
  const previousEnv = Object.fromEntries(Object.keys(NPM_ENV).map((k) => [k, process.env[k]]));
  const apiKey = `sk-campaign-${randomBytes(12).toString('hex')}`;

  await config().update('warmup', 'onFirstUse', vscode.ConfigurationTarget.Workspace);
  await waitFor('holdfast.warmup = onFirstUse', () => holdfast.settings.warmup === 'onFirstUse', 5_000);
  await vscode.commands.executeCommand('holdfast.setApiKey', apiKey);
  holdfast.connection.transport.reconfigure({ connectTimeoutMs: CONNECT_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS, overloadBackoffMs: 10, maxRateLimitWaitMs: 5000 });
  await agentHost.toolSettings.allowCommands(['npm test']);
  const presenter = agentHost.approvals.setPresenter({ request: () => Promise.resolve('deny') });
  Object.assign(process.env, NPM_ENV);

  // Spies on the real ports (the plain harness reads these off its memory ports).
  const workspace = agentHost.services.workspace;
  const terminal = agentHost.services.terminal;
  let appliedBatches = 0;
  const terminalRuns: string[] = [];
  const applyEdit = workspace.applyEdit.bind(workspace);
  const runCommand = terminal.run.bind(terminal);
  workspace.applyEdit = async (changes: readonly FileChange[]): Promise<ApplyEditResult> => {
    const result = await applyEdit(changes);
    if (result.applied) appliedBatches += 1;
    return result;
  };
  terminal.run = (command, options) => {
    terminalRuns.push(command);
    return runCommand(command, options);
  };

  /** Each path any run touched, with what it held (or `undefined`: absent) before the first one. */
  const originals = new Map<string, string | undefined>();
  const remember = async (path: string, known?: { before: string | undefined }): Promise<void> => {
    if (!originals.has(path)) originals.set(path, known ? known.before : await readDisk(path));
  };
  const sessionIds: string[] = [];

  const run = async (setup: RunSetup): Promise<RunRecord> => {
    const started = performance.now();
    const emu = await startEmulator({ scenario: scenarioFile(setup.scenario.emulatorScenario), tokensPerSecond: 0, pingIntervalMs: 0, apiKey, ...setup.emulator });
    let subscription: vscode.Disposable | undefined;
    // The agent outlives the run: a hook's late timer must not stop or steer the next run's turn.
    let live = true;
    try {
      setup.hooks?.onEmulator?.(emu);
      // The workspace every run starts from: the fixture as it was, plus the scenario's files.
      for (const [path, text] of originals) if (!(path in setup.scenario.files)) await setFile(path, text);
      for (const [path, text] of Object.entries(setup.scenario.files)) {
        await remember(path);
        await setFile(path, text);
      }
      const initialFiles = await readFiles(Object.keys(setup.scenario.files));
      // A new server: the session drops its socket, chain and any remembered fallback (a settings change).
      await pointBaseUrlAt(holdfast, emu.url);

      const session = agentHost.newSession();
      sessionIds.push(session.id);
      appliedBatches = 0;
      terminalRuns.length = 0;
      const events: AgentEvent[] = [];
      const approvals: ApprovalRequest[] = [];
      const control = { stop: () => live && agentHost.stop(), steer: (text: string) => void (live && agentHost.steer(text)) };
      subscription = agentHost.onEvent((event) => {
        setup.hooks?.onAgentEvent?.(event, emu, control);
        events.push(event);
        if (event.type === 'approvalRequested') approvals.push(event.request);
      });

      const outcomes: TurnOutcome[] = [];
      const turns = async (): Promise<void> => {
        if (setup.warmUp) {
          holdfast.connection.warmOnFirstUse();
          if (setup.warmUp !== 'concurrent') await holdfast.connection.settled();
        }
        for (const prompt of setup.scenario.prompts) {
          const outcome = await agentHost.runTurn({ text: prompt });
          outcomes.push(outcome);
          if (outcome.kind !== 'completed') break;
        }
        await holdfast.connection.settled();
      };
      let hung = false;
      let timer: NodeJS.Timeout | undefined;
      const running = turns();
      await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(() => resolve(void (hung = true)), setup.timeoutMs ?? 20_000)))]);
      clearTimeout(timer);
      if (hung) {
        agentHost.stop();
        // Let the stopped turn finish before the next run starts (or give up: the run is reported hung anyway).
        await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      }

      live = false;
      const journal = session.journal.toJSON().map((e) => ({ callId: e.callId, path: e.path, before: e.before, after: e.after }));
      // Journal paths are absolute (the ports' paths), as are the files' keys (the plain harness's are too).
      for (const entry of journal) await remember(relativePath(entry.path), { before: entry.before });
      const stored = await agentHost.sessions.load(session.id);
      const storage = new MemorySessionStorage();
      if (stored) await storage.set(session.id, stored.toRecord());
      const paths = [...new Set([...Object.keys(setup.scenario.files), ...journal.map((e) => relativePath(e.path))])];
      return {
        hung,
        outcomes,
        transcript: [...session.items],
        storedTranscript: stored ? [...stored.items] : undefined,
        storage,
        files: await readFiles(paths),
        initialFiles,
        journal,
        appliedBatches,
        terminalRuns: [...terminalRuns],
        allowedCommandsAfter: agentHost.toolSettings.read().allowedCommands,
        approvals,
        events,
        stats: emu.stats(),
        eventsPerRequest: countEventsPerRequest(emu),
        logs: [],
        recording: undefined,
        framesJsonl: '',
        pendingFaults: emu.pendingFaults(),
        durationMs: performance.now() - started,
        apiKey,
      };
    } finally {
      live = false;
      subscription?.dispose();
      await emu.close();
    }
  };

  return {
    host: {
      run,
      // What TypeScript reports depends on how far its server got with files the runs opened, changed
      // and deleted: compared as "some output" (the scripted model only checks that it was answered).
      volatileTools: ['get_diagnostics'],
    },
    recorderBytes: () => holdfast.connection.recorder.stats().bytes,
    async dispose() {
      // Every step runs even if an earlier one failed: later suites share this window and workspace.
      const failures: unknown[] = [];
      const step = async (undo: () => unknown): Promise<void> => {
        try {
          await undo();
        } catch (error) {
          failures.push(error);
        }
      };
      agentHost.stop();
      for (const [path, text] of originals) await step(() => setFile(path, text));
      for (const id of sessionIds) await step(() => agentHost.deleteSession(id));
      await step(() => delete (workspace as Partial<typeof workspace>).applyEdit);
      await step(() => delete (terminal as Partial<typeof terminal>).run);
      await step(() => presenter.dispose());
      await step(() => {
        for (const [key, value] of Object.entries(previousEnv)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      });
      await step(async () => {
        await agentHost.toolSettings.forgetAnswers();
        await agentHost.toolSettings.allowCommands(previousAnswers.commands);
        for (const task of previousAnswers.tasks) await agentHost.toolSettings.allowTask(task);
      });
      await step(() =>
        holdfast.connection.transport.reconfigure({ connectTimeoutMs: undefined, idleTimeoutMs: undefined, overloadBackoffMs: undefined, maxRateLimitWaitMs: undefined }),
      );
      await step(() => pointBaseUrlAt(holdfast, previousBaseUrl));
      await step(async () => {
        await config().update('warmup', previousWarmup, vscode.ConfigurationTarget.Workspace);
        await waitFor('holdfast.warmup restored', () => holdfast.settings.warmup === (previousWarmup ?? config().get<string>('warmup')), 5_000);
      });
      await step(() => vscode.commands.executeCommand(previousKey ? 'holdfast.setApiKey' : 'holdfast.clearApiKey', ...(previousKey ? [previousKey] : [])));
      if (failures.length > 0) throw failures[0];
    },
  };
}

/** The emulator's scenario files are not bundled with the suite: they are read from the extension's checkout. */
function scenarioFile(name: string): string {
  return join(holdfastExtension().extensionPath, 'test', 'emulator', 'scenarios', `${name}.yaml`);
}

async function readDisk(path: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(fileIn(path)));
  } catch {
    return undefined;
  }
}

function relativePath(absolute: string): string {
  const root = workspaceRoot().path;
  return absolute.startsWith(`${root}/`) ? absolute.slice(root.length + 1) : absolute;
}

/** The files as on disk, by absolute path (sorted, as the memory workspace's snapshot is); absent ones left out. */
async function readFiles(paths: readonly string[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const path of [...paths].sort()) {
    const text = await readDisk(path);
    if (text !== undefined) files[fileIn(path).path] = text;
  }
  return files;
}

/**
 * Puts a file in the given state (`undefined`: absent). An open document is rewritten through a
 * WorkspaceEdit and saved, so the tools (which read open documents first) see the same text as the disk
 * at once, even if a Stop left it unsaved.
 */
async function setFile(path: string, text: string | undefined): Promise<void> {
  const uri = fileIn(path);
  const document = vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === uri.toString());
  if (text === undefined) {
    if (document?.isDirty) await document.save();
    if ((await readDisk(path)) !== undefined) await vscode.workspace.fs.delete(uri, { useTrash: false });
    return;
  }
  if (document && (await readDisk(path)) !== undefined) {
    if (document.getText() !== text) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
      await vscode.workspace.applyEdit(edit);
    }
    if (document.isDirty) await document.save();
    if ((await readDisk(path)) === text) return;
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  if (document) await waitFor(`${path} to show its new content`, () => document.isClosed || document.getText() === text, 10_000);
}
