/**
 * Multi-root workspaces (issue 19): the tools resolve and show paths as `folder-name/path` across all
 * folders, listing and search span them (a glob may name a folder), and the path policies (secret
 * files, each folder's .holdfastignore, protected files) apply in every folder, each by its own rules.
 */
import { describe, expect, it } from 'vitest';
import { globForFolder } from '../../../src/tools/policy/glob';
import { createToolHarness } from '../../fakes/toolHarness';

const twoFolders = () => {
  const h = createToolHarness({ folders: ['/repo/api', '/repo/web'], settings: { editApproval: 'auto' } });
  h.workspace
    .write('/repo/api/src/server.ts', 'export const port = 8080; // TODO api\n')
    .write('/repo/web/src/app.ts', 'export const title = "web"; // TODO web\n')
    .write('/repo/web/src/server.ts', 'export const proxy = true;\n');
  return h;
};

describe('multi-root workspaces: one agent across folders', () => {
  it('list_files spans every folder and shows folder-name/path', async () => {
    const h = twoFolders();
    expect((await h.call('list_files', { glob: 'src/*.ts', max_results: null })).output).toBe('api/src/server.ts\nweb/src/app.ts\nweb/src/server.ts');
  });

  it('a glob that starts with a folder name lists that folder only', async () => {
    const h = twoFolders();
    expect((await h.call('list_files', { glob: 'web/src/**', max_results: null })).output).toBe('web/src/app.ts\nweb/src/server.ts');
    expect((await h.call('list_files', { glob: 'api', max_results: null })).output).toBe('api/src/server.ts');
  });

  it('search_text spans every folder; its include may name a folder', async () => {
    const h = twoFolders();
    const all = (await h.call('search_text', { query: 'TODO', is_regex: false, case_sensitive: null, include: null, max_results: null })).output;
    expect(all).toBe('api/src/server.ts:1: export const port = 8080; // TODO api\nweb/src/app.ts:1: export const title = "web"; // TODO web');
    const web = (await h.call('search_text', { query: 'TODO', is_regex: false, case_sensitive: null, include: 'web/**/*.ts', max_results: null })).output;
    expect(web).toBe('web/src/app.ts:1: export const title = "web"; // TODO web');
  });

  it('reads from one folder and edits the other', async () => {
    const h = twoFolders();
    expect((await h.call('read_file', { path: 'api/src/server.ts', start_line: null, end_line: null })).output).toContain('port = 8080');
    await h.call('read_file', { path: 'web/src/app.ts', start_line: null, end_line: null });
    const edit = await h.call('apply_edit', { path: 'web/src/app.ts', edits: [{ old_text: '"web"', new_text: '"port 8080"' }], content: null });
    expect(edit.output).toContain('Edited web/src/app.ts');
    expect(h.workspace.text('/repo/web/src/app.ts')).toContain('"port 8080"');
    expect(h.workspace.text('/repo/api/src/server.ts')).toContain('port = 8080');
  });

  it('each folder\'s .holdfastignore hides its own files only', async () => {
    const h = twoFolders();
    h.workspace.write('/repo/web/.holdfastignore', 'src/server.ts\n');
    expect((await h.call('read_file', { path: 'web/src/server.ts', start_line: null, end_line: null })).output).toMatch(/^Refused: web\/src\/server\.ts looks like a secret file/);
    expect((await h.call('read_file', { path: 'api/src/server.ts', start_line: null, end_line: null })).output).toContain('port = 8080');
  });

  it('protected files and secrets are refused in the second folder as in the first', async () => {
    const h = twoFolders();
    h.workspace.write('/repo/web/.env', 'TOKEN=x\n');
    expect((await h.call('read_file', { path: 'web/.env', start_line: null, end_line: null })).output).toMatch(/^Refused: web\/\.env looks like a secret file/);
    const write = await h.call('apply_edit', { path: 'web/.vscode/settings.json', edits: [], content: '{}' });
    expect(write.output).toMatch(/^Refused: web\/\.vscode\/settings\.json configures Holdfast, VS Code or git/);
  });

  it('run_command runs in the folder its cwd names', async () => {
    const h = twoFolders();
    await h.settings.allowCommands(['ls']);
    await h.call('run_command', { command: 'ls', cwd: 'web/src', timeout_seconds: null });
    expect(h.terminal.runs.at(-1)?.cwd).toBe('/repo/web/src');
  });
});

describe('globForFolder', () => {
  const folders = [{ name: 'api' }, { name: 'web' }];
  it('a single folder: the glob as it is', () => expect(globForFolder('api/**', { name: 'api' }, [{ name: 'api' }])).toBe('api/**'));
  it('a glob naming this folder loses the name', () => expect(globForFolder('web/src/*.ts', { name: 'web' }, folders)).toBe('src/*.ts'));
  it('a glob naming another folder is not this folder\'s', () => expect(globForFolder('web/src/*.ts', { name: 'api' }, folders)).toBeUndefined());
  it('a folder name alone means all of it', () => expect(globForFolder('web', { name: 'web' }, folders)).toBe('**'));
  it('any other glob applies to every folder', () => expect(globForFolder('**/*.ts', { name: 'api' }, folders)).toBe('**/*.ts'));
});
