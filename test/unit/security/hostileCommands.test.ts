/**
 * Runs the hostile table (test/security/hostileCommands.ts) through the real CommandPolicy, path
 * policy and apply_edit with in-memory fakes: every hostile command asks or is refused, every hostile
 * path asks (nothing is written: the scripted user says no) or is refused, and the benign controls run
 * without a prompt.
 */
import { describe, expect, it } from 'vitest';
import { createToolHarness } from '../../fakes/toolHarness';
import type { ToolSettings } from '../../../src/tools/ports';
import {
  BENIGN_COMMANDS,
  type CommandRow,
  HOSTILE_COMMANDS,
  HOSTILE_PATHS,
  HOSTILE_WORKSPACE_FILES,
  HOSTILE_WORKSPACE_IGNORED,
  HOSTILE_WORKSPACE_SYMLINKS,
  type PathRow,
} from '../../security/hostileCommands';

function workspaceFor(settings: Partial<ToolSettings> | undefined): ReturnType<typeof createToolHarness> {
  const h = createToolHarness({ settings });
  for (const [path, text] of Object.entries(HOSTILE_WORKSPACE_FILES)) h.workspace.write(`/ws/${path}`, text);
  for (const [link, target] of Object.entries(HOSTILE_WORKSPACE_SYMLINKS)) h.workspace.symlink(`/ws/${link}`, target.startsWith('/') ? target : `/ws/${target}`);
  h.workspace.excludes = [...HOSTILE_WORKSPACE_IGNORED];
  h.workspace.write('/etc/shadow', 'root:$6$hash\n').write('/home/user/.ssh/config', 'Host x\n').write('/tmp/package.json', '{"scripts":{"test":"touch /tmp/hf-pwn"}}');
  return h;
}

async function verdict(row: CommandRow): Promise<{ kind: string; reasons: string[] }> {
  const h = workspaceFor(row.settings);
  const cwd = await h.services.paths.resolve(row.cwd ?? '.', 'cwd');
  const decision = await h.services.commands.decide(row.command, cwd);
  return { kind: decision.kind, reasons: decision.kind === 'ask' ? decision.reasons : decision.kind === 'deny' ? [decision.reason] : [] };
}

describe('the hostile table', () => {
  it('is big enough and covers every class', () => {
    expect(HOSTILE_COMMANDS.length).toBeGreaterThanOrEqual(150);
    expect(HOSTILE_PATHS.length).toBeGreaterThanOrEqual(60);
    expect(BENIGN_COMMANDS.length).toBeGreaterThanOrEqual(30);
    const classes = new Set([...HOSTILE_COMMANDS, ...HOSTILE_PATHS].map((r) => r.class));
    expect([...classes].sort()).toEqual(['allow-list-prefix', 'parser-differential', 'secret-by-pattern', 'two-step-chain', 'unchecked-write']);
    expect([...HOSTILE_COMMANDS, ...HOSTILE_PATHS].every((r) => r.expected !== 'allow')).toBe(true);
    // Each command appears once per settings, so a duplicate cannot inflate the count.
    const keys = HOSTILE_COMMANDS.map((r) => `${JSON.stringify(r.settings)} ${r.command}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(HOSTILE_COMMANDS.map((row) => [`${row.class}: ${JSON.stringify(row.command)}`, row] as const))('%s', async (_name, row) => {
    const { kind, reasons } = await verdict(row);
    expect({ kind, reasons }).toMatchObject({ kind: row.expected });
  });

  it.each(BENIGN_COMMANDS.map((row) => [row.command, row] as const))('benign: %s', async (_name, row) => {
    expect(await verdict(row)).toEqual({ kind: 'allow', reasons: [] });
  });

  it.each(HOSTILE_PATHS.map((row) => [`${row.class}: ${row.tool} ${row.path} (${row.note ?? row.expected})`, row] as const))('%s', async (_name, row: PathRow) => {
    const h = workspaceFor(row.settings);
    const existing = HOSTILE_WORKSPACE_FILES[row.path] !== undefined;
    if (row.tool === 'apply_edit' && existing) await h.call('read_file', { path: row.path, start_line: null, end_line: null });
    const before = h.workspace.snapshot();
    const args = row.tool === 'read_file' ? { path: row.path, start_line: null, end_line: null } : { path: row.path, edits: [], content: row.content ?? '' };
    const result = await h.call(row.tool, args);

    expect(h.workspace.snapshot()).toEqual(before);
    if (row.expected === 'deny') {
      expect(result.status).toBe('refused');
      expect(h.approvals.requests).toEqual([]);
    } else {
      expect(result.status).toBe('denied');
      expect(h.approvals.requests.map((r) => r.kind)).toEqual(['reviewEdit']);
    }
    expect(result.output).not.toContain('sk-proj-hostiletablekey');
  });

  it('an edit that leaves package.json scripts alone follows editApproval (auto applies it)', async () => {
    const h = workspaceFor({ editApproval: 'auto' });
    await h.call('read_file', { path: 'package.json', start_line: null, end_line: null });
    const result = await h.call('apply_edit', { path: 'package.json', edits: [{ old_text: '"fixture"', new_text: '"renamed"' }], content: null });
    expect(result.status).toBe('ok');
    expect(h.approvals.requests).toEqual([]);
  });
});

describe('recursive reads in a git repository', () => {
  it('a .git/config without credentials does not make every grep -r ask; one with a password does', async () => {
    const settings = { allowedCommands: ['grep'] };
    const clean = createToolHarness({ settings });
    clean.workspace.write('/ws/src/a.ts', 'x').write('/ws/.git/config', '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://example.invalid/r.git\n');
    const cwd = await clean.services.paths.resolve('.', 'cwd');
    expect((await clean.services.commands.decide('grep -rn foo .', cwd)).kind).toBe('allow');
    clean.workspace.write('/ws/.git/config', '[remote "origin"]\n\turl = https://user:hunter2@example.invalid/r.git\n');
    expect(await clean.services.commands.decide('grep -rn foo .', cwd)).toMatchObject({ kind: 'ask', reasons: [expect.stringContaining('.git/config')] });
    expect((await clean.services.commands.decide('cat .git/config', cwd)).kind).toBe('ask');
  });
});
