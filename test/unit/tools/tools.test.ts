import { describe, expect, it } from 'vitest';
import { functionToolsFor, parseArguments, READ_FILE } from '../../../src/tools/definitions';
import { IgnoreRules } from '../../../src/tools/policy/ignoreRules';
import { matchesGlob } from '../../../src/tools/policy/glob';
import { exited } from '../../fakes/scriptedProcesses';
import { boundOutput } from '../../../src/tools/boundOutput';
import { createToolHarness } from '../../fakes/toolHarness';

const edit = (path: string, old_text: string, new_text: string) => ({ path, edits: [{ old_text, new_text }], content: null });

describe('apply_edit', () => {
  it('applies several replacements as one batch, journals them and lets the model edit again', async () => {
    const h = createToolHarness();
    h.workspace.write('/ws/a.ts', 'one\ntwo\nthree\n');
    await h.call('read_file', { path: 'a.ts' });
    const result = await h.call('apply_edit', { path: 'a.ts', edits: [{ old_text: 'three', new_text: '3' }, { old_text: 'one', new_text: '1' }], content: null });
    expect(result).toMatchObject({ status: 'ok', output: 'Edited a.ts: 2 replacement(s) applied; the file now has 4 lines.', path: 'a.ts' });
    expect(h.workspace.text('a.ts')).toBe('1\ntwo\n3\n');
    expect(h.workspace.appliedBatches).toEqual([
      [{ kind: 'modify', path: '/ws/a.ts', baseText: 'one\ntwo\nthree\n', replacements: [{ start: 0, end: 3, newText: '1' }, { start: 8, end: 13, newText: '3' }] }],
    ]);
    expect(h.edits.map((e) => [e.before, e.after])).toEqual([['one\ntwo\nthree\n', '1\ntwo\n3\n']]);
    // What the agent wrote counts as read: a second edit needs no re-read.
    expect((await h.call('apply_edit', edit('a.ts', 'two', '2'))).status).toBe('ok');
  });

  it('keeps CRLF line endings when the model writes LF', async () => {
    const h = createToolHarness();
    h.workspace.write('/ws/w.ts', 'a\r\nb\r\n');
    await h.call('read_file', { path: 'w.ts' });
    expect((await h.call('apply_edit', edit('w.ts', 'a\nb', 'x\ny'))).status).toBe('ok');
    expect(h.workspace.text('w.ts')).toBe('x\r\ny\r\n');
  });

  it('creates a new file (parents included) and refuses to create over an unread one', async () => {
    const h = createToolHarness();
    expect((await h.call('apply_edit', { path: 'src/deep/new.ts', edits: [], content: 'x\n' })).output).toBe('Created src/deep/new.ts (2 lines).');
    expect(h.edits[0]!.before).toBeUndefined();
    h.workspace.write('/ws/exists.ts', 'old\n');
    expect((await h.call('apply_edit', { path: 'exists.ts', edits: [], content: 'new\n' })).output).toMatch(/not read exists\.ts/);
  });

  it('review mode: applies only what the user accepts', async () => {
    const h = createToolHarness({ settings: { editApproval: 'review' } });
    h.workspace.write('/ws/a.ts', 'a\n');
    await h.call('read_file', { path: 'a.ts' });
    h.approvals.answer = 'deny';
    const rejected = await h.call('apply_edit', edit('a.ts', 'a', 'b'));
    expect(rejected).toMatchObject({ status: 'denied', output: expect.stringContaining('The user rejected this edit to a.ts') });
    expect(h.approvals.requests[0]).toEqual({ kind: 'reviewEdit', path: 'a.ts', before: 'a\n', after: 'b\n' });
    expect(h.workspace.text('a.ts')).toBe('a\n');
    h.approvals.answer = 'allowOnce';
    expect((await h.call('apply_edit', edit('a.ts', 'a', 'b'))).status).toBe('ok');
    expect(h.workspace.text('a.ts')).toBe('b\n');
  });

  it('after 3 mismatches on one file it asks the user; "deny" stops edits to that file for the turn', async () => {
    const h = createToolHarness();
    h.workspace.write('/ws/a.ts', 'alpha\n');
    await h.call('read_file', { path: 'a.ts' });
    h.approvals.answer = 'deny';
    const first = await h.call('apply_edit', edit('a.ts', 'beta', 'x'));
    await h.call('apply_edit', edit('a.ts', 'gamma', 'x'));
    expect(first.output).toBe('old_text was not found in a.ts. Read the file again and copy old_text exactly from it.');
    expect(h.approvals.requests).toEqual([]);
    const third = await h.call('apply_edit', edit('a.ts', 'delta', 'x'));
    expect(h.approvals.requests).toEqual([{ kind: 'editMismatches', path: 'a.ts', failures: 3, lastError: 'old_text was not found in a.ts. Read the file again and copy old_text exactly from it.' }]);
    expect(third).toMatchObject({ status: 'denied', output: expect.stringContaining('the user asked you to stop editing it') });
    expect((await h.call('apply_edit', edit('a.ts', 'alpha', 'x'))).output).toMatch(/asked you to stop editing a\.ts in this turn/);
    h.newTurn();
    expect((await h.call('apply_edit', edit('a.ts', 'alpha', 'x'))).status).toBe('ok');
  });

  it('reports a failed workspace edit without changing anything', async () => {
    const h = createToolHarness();
    h.workspace.write('/ws/a.ts', 'a\n');
    await h.call('read_file', { path: 'a.ts' });
    h.workspace.failNextEdit = 'the document is read-only';
    const result = await h.call('apply_edit', edit('a.ts', 'a', 'b'));
    expect(result.output).toBe('The edit to a.ts could not be applied (the document is read-only). Nothing was changed. Read the file again and retry.');
    expect(h.edits).toEqual([]);
  });
});

describe('run_command policy', () => {
  it('runs allow-listed chains without asking, in the resolved cwd', async () => {
    const h = createToolHarness({ settings: { allowedCommands: ['npm test', 'npm run lint'] } });
    h.workspace.write('/ws/pkg/package.json', '{}');
    h.terminal.handler = () => exited(0, 'all good');
    const result = await h.call('run_command', { command: 'cd pkg && npm test -- --run && npm run lint', cwd: null, timeout_seconds: 30 });
    expect(result.output).toBe('The command exited with code 0.\nOutput:\nall good');
    expect(h.terminal.runs).toEqual([{ command: 'cd pkg && npm test -- --run && npm run lint', cwd: '/ws', timeoutMs: 30_000 }]);
    expect(h.approvals.requests).toEqual([]);
  });

  it('asks for parts not allowed and "always allow" stores the exact parsed prefix', async () => {
    const h = createToolHarness({ settings: { allowedCommands: ['npm test'] } });
    h.approvals.answer = 'alwaysAllow';
    h.workspace.write('/ws/src/x', '');
    await h.call('run_command', { command: 'npm test && npm run build --prod', cwd: 'src', timeout_seconds: null });
    expect(h.approvals.requests).toEqual([
      {
        kind: 'runCommand',
        command: 'npm test && npm run build --prod',
        cwd: 'src',
        parts: ['npm test', 'npm run build --prod'],
        reasons: ["'npm run build --prod' is not in the allowed commands"],
        alwaysAllowRules: ['npm run build --prod'],
        sandbox: { runsIn: 'sandbox', network: false, grants: ['allowOnceWithNetwork', 'allowOnceUnsandboxed'] },
      },
    ]);
    expect(h.settings.settings.allowedCommands).toEqual(['npm test', 'npm run build --prod']);
    expect(h.terminal.runs.map((r) => r.cwd)).toEqual(['/ws/src']);
    // Next time the same command runs without asking.
    await h.call('run_command', { command: 'npm test && npm run build --prod', cwd: 'src', timeout_seconds: null });
    expect(h.approvals.requests).toHaveLength(1);
    expect(h.terminal.runs).toHaveLength(2);
  });

  it('does not run after a denial, and a timeout is reported as such', async () => {
    const h = createToolHarness({ settings: { allowedCommands: ['make'] } });
    h.terminal.handler = () => ({ exitCode: undefined, output: 'building…', timedOut: true, cancelled: false });
    expect((await h.call('run_command', { command: 'make', cwd: null, timeout_seconds: 5 })).output).toBe('The command timed out after 5 s and was stopped.\nOutput:\nbuilding…');
  });

  it('run_task: runs an allowed task; unknown labels list the tasks', async () => {
    const h = createToolHarness({ settings: { allowedTasks: ['npm: test'] } });
    h.tasks.handler = () => exited(2, 'FAIL');
    expect((await h.call('run_task', { label: 'npm: test' })).output).toBe('Task "npm: test" exited with code 2.\nOutput:\nFAIL');
    expect((await h.call('run_task', { label: 'build' })).output).toBe('There is no task labelled "build". Available tasks: "npm: test".');
  });
});

describe('reading tools', () => {
  it('read_file pages with the total line count', async () => {
    const h = createToolHarness();
    h.workspace.write('/ws/long.txt', Array.from({ length: 1000 }, (_, i) => `L${i + 1}`).join('\n'));
    const page = await h.call('read_file', { path: 'long.txt', start_line: 401, end_line: null });
    expect(page.output.split('\n')[0]).toBe('long.txt — lines 401-800 of 1000 — more: read_file with start_line=801');
    expect(page.output.split('\n')[1]).toBe('L401');
    expect((await h.call('read_file', { path: 'long.txt', start_line: 990, end_line: 995 })).output).toBe('long.txt — lines 990-995 of 1000 — more: read_file with start_line=996\nL990\nL991\nL992\nL993\nL994\nL995');
  });

  it('list_files honours excludes and bounds results; search_text and get_diagnostics are bounded and relative', async () => {
    const h = createToolHarness();
    h.workspace.write('/ws/src/a.ts', 'const needle = 1;\n').write('/ws/src/b.ts', 'needle\n').write('/ws/node_modules/x/index.js', 'needle\n');
    expect((await h.call('list_files', { glob: 'src/**', max_results: 1 })).output).toBe('src/a.ts\n[more files match; showing the first 1. Narrow the glob to see others.]');
    expect((await h.call('search_text', { query: 'NEEDLE', is_regex: false, case_sensitive: null, include: null, max_results: 10 })).output).toBe('src/a.ts:1: const needle = 1;\nsrc/b.ts:1: needle');
    h.diagnostics.items = [
      { path: '/ws/src/b.ts', severity: 'warning', range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 7 }, message: 'unused', source: 'ts', code: '6133' },
      { path: '/ws/src/a.ts', severity: 'error', range: { startLine: 1, startColumn: 7, endLine: 1, endColumn: 13 }, message: 'bad', source: 'ts', code: '2322' },
      { path: '/ws/src/a.ts', severity: 'hint', range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 }, message: 'hint', source: undefined, code: undefined },
    ];
    expect((await h.call('get_diagnostics', { path: null, min_severity: null })).output).toBe(
      '2 problem(s) in the workspace:\nsrc/a.ts:1:7-1:13 error [ts 2322]: bad\nsrc/b.ts:1:1-1:7 warning [ts 6133]: unused',
    );
  });

  it('multi-root: paths are prefixed with the folder name', async () => {
    const h = createToolHarness({ folders: ['/repo/api', '/repo/web'] });
    h.workspace.write('/repo/web/app.ts', 'x\n');
    expect((await h.call('read_file', { path: 'web/app.ts' })).output).toBe('web/app.ts — lines 1-1 of 1\nx');
  });
});

describe('definitions and helpers', () => {
  it('every tool schema is strict-mode compatible', () => {
    const visit = (schema: Record<string, unknown>, where: string): void => {
      expect(schema).not.toHaveProperty('$schema');
      if (schema.type === 'object') {
        expect(schema.additionalProperties, where).toBe(false);
        expect([...(schema.required as string[])].sort(), where).toEqual(Object.keys(schema.properties as object).sort());
        for (const [key, value] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) visit(value, `${where}.${key}`);
      }
      if (schema.items) visit(schema.items as Record<string, unknown>, `${where}[]`);
      for (const option of (schema.anyOf as Array<Record<string, unknown>> | undefined) ?? []) visit(option, where);
    };
    for (const tool of functionToolsFor(true)) {
      expect(tool.strict).toBe(true);
      expect(tool.name).toMatch(/^[a-z]+(_[a-z]+)+$/);
      visit(tool.parameters, tool.name);
    }
  });

  it('missing nullable arguments count as null; missing required ones do not', () => {
    expect(parseArguments(READ_FILE, '{"path":"a.ts"}')).toEqual({ ok: true, value: { path: 'a.ts', start_line: null, end_line: null } });
    expect(parseArguments(READ_FILE, '{}')).toMatchObject({ ok: false, message: expect.stringContaining('path:') });
  });

  it('globs and ignore rules', () => {
    expect(matchesGlob('src/a/b.ts', 'src/**/*.ts')).toBe(true);
    expect(matchesGlob('src/b.ts', 'src/**/*.ts')).toBe(true);
    expect(matchesGlob('src/b.js', 'src/**/*.{ts,tsx}')).toBe(false);
    expect(matchesGlob('id_rsa.pub', 'id_rsa*')).toBe(true);
    const rules = IgnoreRules.parse('secrets/\n*.sqlite\n!keep.sqlite\n/root-only.txt\n');
    expect(rules.match('a/secrets/x.txt')).toBe('secrets/');
    expect(rules.match('db/data.sqlite')).toBe('*.sqlite');
    expect(rules.match('db/keep.sqlite')).toBeUndefined();
    expect(rules.match('root-only.txt')).toBe('/root-only.txt');
    expect(rules.match('sub/root-only.txt')).toBeUndefined();
  });

  it('boundOutput keeps head and tail within the byte budget', () => {
    const text = `HEAD\n${'é'.repeat(100_000)}\nTAIL`;
    const out = boundOutput(text, 1000);
    expect(new TextEncoder().encode(out).length).toBeLessThanOrEqual(1000);
    expect(out.startsWith('HEAD\n')).toBe(true);
    expect(out.endsWith('\nTAIL')).toBe(true);
    expect(out).toMatch(/\[… output cut: \d+ bytes omitted from the middle; total 200010 bytes …\]/);
  });
});
