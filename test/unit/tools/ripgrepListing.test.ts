/**
 * list_files and search_text see the same files: both run ripgrep, which honours every .gitignore
 * (nested ones too) and .git/info/exclude. Before, list_files read only the root .gitignore.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancellationToken } from '../../../src/common/cancellation';
import { ripgrepFiles, ripgrepSearch } from '../../../src/host/tools/ripgrep';

const RG = 'rg';
let root: string;

function write(relative: string, text = 'needle\n'): void {
  mkdirSync(join(root, relative, '..'), { recursive: true });
  writeFileSync(join(root, relative), text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hf-rg-'));
  write('.git/HEAD', 'ref: refs/heads/main\n');
  write('.git/info/exclude', 'excluded-by-info.txt\n');
  write('.gitignore', '*.log\n');
  write('sub/.gitignore', 'build/\n!keep.log\n');
  for (const file of ['a.ts', 'x.log', 'excluded-by-info.txt', 'sub/b.ts', 'sub/build/c.ts', 'sub/keep.log', '.github/workflows/ci.yml', 'dir/keep.txt']) write(file);
  write('.ignore', 'dir/\n!dir/keep.txt\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const VISIBLE = ['.github/workflows/ci.yml', '.gitignore', 'a.ts', 'sub/.gitignore', 'sub/b.ts', 'sub/keep.log'];

describe('ripgrep listing and search agree on what is ignored', () => {
  it('lists what search reads: nested .gitignore, .git/info/exclude and re-includes as git has them', async () => {
    const files = await ripgrepFiles(RG, root, { sharedView: true, maxResults: 100 }, CancellationToken.None);
    expect(files?.map((f) => f.slice(root.length + 1)).filter((f) => f !== '.ignore')).toEqual(VISIBLE);
    const matches = await ripgrepSearch(RG, root, { pattern: 'needle', isRegExp: false, caseSensitive: true, include: undefined, maxResults: 100 }, CancellationToken.None);
    expect([...new Set(matches.map((m) => m.path.slice(root.length + 1)))].sort()).toEqual(VISIBLE.filter((f) => !f.endsWith('.gitignore')));
  });

  it('lists everything, ignored and .git included, for the command policy', async () => {
    const files = (await ripgrepFiles(RG, root, { sharedView: false, maxResults: 100 }, CancellationToken.None))!.map((f) => f.slice(root.length + 1));
    expect(files).toEqual(expect.arrayContaining(['.git/info/exclude', 'excluded-by-info.txt', 'sub/build/c.ts', 'x.log', 'dir/keep.txt']));
  });

  it('says when a listing was cut short', async () => {
    expect(await ripgrepFiles(RG, root, { sharedView: false, maxResults: 2 }, CancellationToken.None)).toBeUndefined();
  });
});
