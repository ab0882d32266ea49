import { ESLint } from 'eslint';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../../..');
const pureFolders = ['common', 'protocol', 'transport', 'agent', 'tools'];

describe('the layering rule: pure folders never import vscode at runtime', () => {
  const eslint = new ESLint({ cwd: repo });

  for (const folder of pureFolders) {
    it(`lint fails on a runtime vscode import in src/${folder}/`, async () => {
      const [result] = await eslint.lintText("import * as vscode from 'vscode';\nexport const w = vscode.window;\n", {
        filePath: path.join(repo, 'src', folder, 'probe.ts'),
      });
      const messages = result?.messages.map((m) => m.ruleId) ?? [];
      expect(messages).toContain('@typescript-eslint/no-restricted-imports');
    });
  }

  it('lint allows a type-only import in a pure folder', async () => {
    const [result] = await eslint.lintText("import type * as vscode from 'vscode';\nexport type U = vscode.Uri;\n", {
      filePath: path.join(repo, 'src', 'agent', 'probe.ts'),
    });
    expect(result?.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')).toEqual([]);
  });

  it('lint allows vscode in src/host', async () => {
    const [result] = await eslint.lintText("import * as vscode from 'vscode';\nexport const w = vscode.window;\n", {
      filePath: path.join(repo, 'src', 'host', 'probe.ts'),
    });
    expect(result?.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')).toEqual([]);
  });

  it('no file in a pure folder imports vscode at runtime today', () => {
    const offenders: string[] = [];
    const runtimeImport = /^\s*import\s+(?!type\b)[^;]*from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/m;
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && runtimeImport.test(fs.readFileSync(full, 'utf8'))) offenders.push(full);
      }
    };
    for (const folder of pureFolders) walk(path.join(repo, 'src', folder));
    expect(offenders).toEqual([]);
  });
});
