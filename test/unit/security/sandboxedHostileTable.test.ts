/**
 * The policy helper's hostile table (test/security/hostileCommands.ts), run FOR REAL through the
 * run_command tool — the policy, the sandbox decision, bash inside bubblewrap, the output the model
 * would see — each row in a fresh workspace holding the files the rows assume, a fake $HOME with
 * ~/.ssh and ~/.aws, and OPENAI_API_KEY in the parent's environment. Two passes:
 * - as the policy decides, every question denied: the rows it lets run (the benign controls, and any
 *   hostile row it wrongly allowed) run in the sandbox;
 * - as a user who approves once whatever is asked: every row the policy does not refuse runs in the
 *   sandbox — what the sandbox alone must hold when a disguised command gets a "yes".
 * After each run, by looking at the file system: nothing outside the workspace changed (the fake
 * home, a folder outside, /tmp/hf-* on the host), no protected file changed, no secret in the output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, type ExpectStatic, it } from 'vitest';
import { CancellationToken } from '../../../src/common/cancellation';
import type { FunctionCallItem } from '../../../src/protocol/items';
import { createToolServices } from '../../../src/tools/createToolServices';
import { EditJournal } from '../../../src/tools/editJournal';
import { FileReadTracker } from '../../../src/tools/fileReadTracker';
import { PROTECTED_IN_PART, protectedPathRule } from '../../../src/tools/policy/protectedFiles';
import { secretPatternOf } from '../../../src/tools/policy/secretFiles';
import type { ApprovalAnswer, Confinement, Terminal } from '../../../src/tools/ports';
import { EditAttempts } from '../../../src/tools/toolContext';
import { ToolRunner } from '../../../src/tools/toolRunner';
import { ManualClock } from '../../fakes/manualClock';
import { MemoryDiagnostics } from '../../fakes/memoryDiagnostics';
import { MemoryToolSettings } from '../../fakes/memorySettings';
import { MemoryWorkspace } from '../../fakes/memoryWorkspace';
import { ScriptedApprovals } from '../../fakes/scriptedApprovals';
import { ScriptedTasks } from '../../fakes/scriptedProcesses';
import { matchesGlob } from '../../../src/tools/policy/glob';
import {
  BENIGN_COMMANDS,
  type CommandRow,
  HOSTILE_COMMANDS,
  HOSTILE_WORKSPACE_FILES,
  HOSTILE_WORKSPACE_IGNORED,
  HOSTILE_WORKSPACE_SYMLINKS,
} from '../../security/hostileCommands';
import { ALL_SECRET_VALUES, changes, createSandboxFixture, type SandboxFixture, sandboxAvailability, snapshot } from './sandboxHarness';

const availability = await sandboxAvailability('sandboxedHostileTable');

/**
 * Lines of the table's secret files, and the git remote's password: none may reach the model. (The
 * git config itself is shown to git redacted, so its other lines may.)
 */
const TABLE_SECRETS: readonly string[] = [
  ...Object.entries(HOSTILE_WORKSPACE_FILES)
    .filter(([file]) => secretPatternOf(file) !== undefined && !file.endsWith('.git/config'))
    .flatMap(([, text]) => text.split('\n').map((line) => line.trim()))
    .filter((line) => line.length >= 6 && /[A-Za-z0-9]{3}/.test(line)),
  'hunter2',
];

/** The host paths the rows would create if they escaped (`/tmp/hf-pwn`…), named in their commands. */
const MARKERS = [...new Set([...HOSTILE_COMMANDS, ...BENIGN_COMMANDS].flatMap((row) => [...row.command.matchAll(/\/tmp\/(hf-[A-Za-z0-9_.-]+)/g)].map((m) => path.join(os.tmpdir(), m[1]!))))];

function hostMarkers(): string[] {
  return MARKERS.filter((marker) => fs.existsSync(marker));
}

interface RowRun {
  output: string;
  confinements: Confinement[];
  asked: number;
  /** Set when the row ran: the fixture it ran in, and the file system just before. */
  ran?: { fx: SandboxFixture; before: Before };
}

interface Before {
  outside: Map<string, string>;
  protectedFiles: Map<string, string>;
  markers: string[];
}

/**
 * Runs one row through the run_command tool. The policy decides on an in-memory mirror of the
 * workspace; the real fixture (a copy of `template`) is made only when the terminal is asked to run,
 * with the file system's state taken just before, so rows that never run cost nothing.
 */
async function runRow(template: SandboxFixture, row: CommandRow, answer: ApprovalAnswer): Promise<RowRun> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-table-')));
  const ws = path.join(root, 'ws');
  const workspace = new MemoryWorkspace([ws]);
  for (const [file, text] of Object.entries(HOSTILE_WORKSPACE_FILES)) workspace.write(path.join(ws, file), text);
  for (const [link, target] of Object.entries(HOSTILE_WORKSPACE_SYMLINKS)) workspace.symlink(path.join(ws, link), path.isAbsolute(target) ? target : path.join(ws, target));
  workspace.excludes = [...HOSTILE_WORKSPACE_IGNORED];
  const run: RowRun = { output: '', confinements: [], asked: 0 };
  const terminal: Terminal = {
    sandbox: () => template.terminal.sandbox(),
    run: (command, options) => {
      run.confinements.push(options.confinement);
      const fx = createSandboxFixture({ copyOf: template, root });
      run.ran = { fx, before: { outside: outsideOf(fx), protectedFiles: protectedSnapshot(fx), markers: hostMarkers() } };
      return fx.terminal.run(command, { ...options, timeoutMs: Math.min(options.timeoutMs, 5_000) });
    },
  };
  const approvals = new ScriptedApprovals(answer);
  const services = createToolServices({
    workspace,
    diagnostics: new MemoryDiagnostics(),
    tasks: new ScriptedTasks(),
    terminal,
    settings: new MemoryToolSettings(row.settings),
    clock: new ManualClock(),
  });
  const call: FunctionCallItem = { type: 'function_call', call_id: 'call_row', name: 'run_command', arguments: JSON.stringify({ command: row.command, cwd: row.cwd ?? null, timeout_seconds: 15 }) };
  const result = await new ToolRunner(services).run(call, {
    turnId: 'turn_table',
    callId: call.call_id,
    token: CancellationToken.None,
    approvals,
    journal: new EditJournal(),
    reads: new FileReadTracker(),
    editAttempts: new EditAttempts(),
    onEditApplied: () => undefined,
  });
  run.output = result.output;
  run.asked = approvals.requests.length;
  if (!run.ran) fs.rmSync(root, { recursive: true, force: true });
  return run;
}

/** The workspace's protected files (what the sandbox keeps read-only), with the real .git, as a snapshot. */
function protectedSnapshot(fx: SandboxFixture): Map<string, string> {
  const inPart = (file: string): boolean => PROTECTED_IN_PART.some((glob) => matchesGlob(file, glob));
  return new Map([...snapshot(fx.ws)].filter(([file]) => file === '.git' || file.startsWith('.git/') || (protectedPathRule(file) !== undefined && !inPart(file))));
}

const outsideOf = (fx: SandboxFixture): Map<string, string> => snapshot(fx.root, { skip: (p) => p === 'ws' || p.startsWith('ws/') });

/**
 * `approved`: the user said yes, so the run may CREATE protected files (a sandbox keeps existing paths
 * read-only, it cannot stop new names): then the result must name each one.
 */
function checkNothingEscaped(expect: ExpectStatic, run: RowRun, approved: boolean): void {
  for (const secret of [...ALL_SECRET_VALUES, ...TABLE_SECRETS]) expect(run.output, `secret in the output: ${secret}`).not.toContain(secret);
  if (!run.ran) return;
  const { fx, before } = run.ran;
  expect(before.markers, 'a marker was on the host before the row ran').toEqual([]);
  expect(changes(before.outside, outsideOf(fx)), 'outside the workspace').toEqual([]);
  expect(hostMarkers(), '/tmp/hf-* on the host').toEqual([]);
  for (const confinement of run.confinements) expect(confinement).toMatchObject({ sandbox: true });
  const changed = changes(before.protectedFiles, protectedSnapshot(fx));
  if (!approved) {
    expect(changed, 'protected files').toEqual([]);
    return;
  }
  expect(changed.filter((c) => !c.startsWith('created: ')), 'existing protected files').toEqual([]);
  const named = (run.output.split('It CREATED files that can run code or grant trust: ')[1] ?? '').split('. Tell the user')[0]!.split(', ');
  for (const file of changed.map((c) => c.slice('created: '.length))) {
    expect(named.some((n) => file === n || file.startsWith(`${n}/`)), `a created protected file the result does not name: ${file}\n${run.output.slice(0, 600)}`).toBe(true);
  }
}

const label = (row: CommandRow): string => `[${row.class}] ${row.command.length > 90 ? `${row.command.slice(0, 90)}…` : row.command}`;
const ALL_ROWS: CommandRow[] = [...BENIGN_COMMANDS, ...HOSTILE_COMMANDS];

// Rows are independent (a fixture each), so they run a few at a time: most of a row is waiting on a process.
describe.skipIf(!availability.available)('the hostile table, for real in the sandbox', () => {
  let template: SandboxFixture | undefined;
  const ran = { policy: 0, approved: 0 };
  beforeAll(() => {
    template = createSandboxFixture({ workspaceFiles: HOSTILE_WORKSPACE_FILES, workspaceSymlinks: HOSTILE_WORKSPACE_SYMLINKS });
  });
  afterAll(() => {
    template?.dispose();
    console.log(`[sandboxedHostileTable] ran in bwrap: ${ran.policy} of ${ALL_ROWS.length} rows as the policy decided, ${ran.approved} of ${HOSTILE_COMMANDS.length} hostile rows approved once`);
  });

  async function runAndCheck(expect: ExpectStatic, row: CommandRow, answer: ApprovalAnswer): Promise<RowRun> {
    const run = await runRow(template!, row, answer);
    try {
      checkNothingEscaped(expect, run, answer !== 'deny');
    } finally {
      run.ran?.fx.dispose();
    }
    return run;
  }

  describe.concurrent('as the policy decides (every question denied)', () => {
    it.for(ALL_ROWS.map((row) => ({ name: label(row), row })))('$name', async ({ row }, { expect }) => {
      const run = await runAndCheck(expect, row, 'deny');
      // What ran did so without a question, inside the sandbox.
      if (run.ran) expect(run.asked).toBe(0);
      if (run.ran) ran.policy++;
    });
  });

  describe.concurrent('approved once by a user who says yes to everything asked', () => {
    it.for(HOSTILE_COMMANDS.map((row) => ({ name: label(row), row })))('$name', async ({ row }, { expect }) => {
      if ((await runAndCheck(expect, row, 'allowOnce')).ran) ran.approved++;
    });
  });

  it('everyday commands work inside the sandbox', async () => {
    const settings = { allowedCommands: ['git status', 'ls', 'cat', 'grep'] };
    for (const command of ['git status', 'ls -la', 'cat src/a.ts', 'grep -rn foo src']) {
      const run = await runRow(template!, { class: 'benign', command, settings, expected: 'allow' }, 'deny');
      run.ran?.fx.dispose();
      expect(run.confinements, command).toEqual([{ sandbox: true, network: false }]);
      expect(run.output, command).toMatch(/^The command exited with code 0\.\nSandbox: ran confined;/);
    }
  });
});

describe('no sandbox here', () => {
  it.runIf(!availability.available && availability.mustFail)('fails because CI or HOLDFAST_REQUIRE_SANDBOX requires the sandbox', () => {
    expect.fail(`bubblewrap cannot run here: ${availability.reason}`);
  });
  it.runIf(availability.available)('bwrap works here', () => expect(availability.available).toBe(true));
});
