import { ESLint } from 'eslint';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../../..');
const pureFolders = ['common', 'protocol', 'transport', 'agent', 'tools'];
const RULE = '@typescript-eslint/no-restricted-imports';

const eslint = new ESLint({ cwd: repo });

/** What the import rule reports for `source` placed at `file` (repository-relative). */
async function importProblems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(repo, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

/** A module that imports `specifier` and uses what it imported, so only the import rule has a say. */
const importing = (specifier: string, name = 'Thing'): string => `import { ${name} } from '${specifier}';\nexport const used = ${name};\n`;
const importingType = (specifier: string, name = 'Thing'): string => `import type { ${name} } from '${specifier}';\nexport type Used = ${name};\n`;

describe('the layering rule: pure folders never import vscode at runtime', () => {
  for (const folder of pureFolders) {
    it(`lint fails on a runtime vscode import in src/${folder}/`, async () => {
      const problems = await importProblems(`src/${folder}/probe.ts`, "import * as vscode from 'vscode';\nexport const w = vscode.window;\n");
      expect(problems.join('\n')).toContain('must not import vscode at runtime');
    });
  }

  it('lint allows a type-only import in a pure folder', async () => {
    expect(await importProblems('src/agent/probe.ts', "import type * as vscode from 'vscode';\nexport type U = vscode.Uri;\n")).toEqual([]);
  });

  it('lint allows vscode in src/host', async () => {
    expect(await importProblems('src/host/probe.ts', "import * as vscode from 'vscode';\nexport const w = vscode.window;\n")).toEqual([]);
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

describe('import direction: ui → host → agent → tools/transport → protocol → common', () => {
  // [what, probe file, source, a phrase of the message it must get]
  const wrongWay: Array<[string, string, string, string]> = [
    ['host → ui', 'src/host/probe.ts', importing('../ui/chatController'), 'src/host/ may import only'],
    ['host → ui, one folder deeper', 'src/host/tools/probe.ts', importing('../../ui/statusBar'), 'src/host/ may import only'],
    ['host → the composition root', 'src/host/probe.ts', importing('../app/holdfast'), 'src/host/ may import only'],
    ['ui → the composition root', 'src/ui/probe.ts', importingType('../app/holdfast'), 'src/ui/ may import only'],
    ['ui → transport code', 'src/ui/probe.ts', importing('../transport/socket'), 'not its code'],
    ['ui → transport code, one folder deeper', 'src/ui/inlineEdit/probe.ts', importing('../../transport/connectionDoctor'), 'not its code'],
    ['agent → host', 'src/agent/probe.ts', importing('../host/agentHost'), 'src/agent/ may import only'],
    ['agent → ui, one folder deeper', 'src/agent/inlineEdit/probe.ts', importing('../../ui/chatPresenter'), 'src/agent/ may import only'],
    ['transport → agent', 'src/transport/probe.ts', importing('../agent/agent'), 'src/transport/ may import only'],
    ['transport → tools', 'src/transport/probe.ts', importing('../tools/ports'), 'src/transport/ may import only'],
    ['tools → agent', 'src/tools/impl/probe.ts', importing('../../agent/agent'), 'src/tools/ may import only'],
    ['tools → transport', 'src/tools/probe.ts', importingType('../transport/modelClient'), 'src/tools/ may import only'],
    ['protocol → transport', 'src/protocol/probe.ts', importing('../transport/chain'), 'src/protocol/ may import only'],
    ['common → protocol', 'src/common/probe.ts', importing('../protocol/webview'), 'src/common/ may import only'],
    ['src → test fakes', 'src/agent/probe.ts', importing('../../test/fakes/memoryWorkspace'), 'never imports from outside src/'],
    ['src → test, from the root', 'src/extension.ts', importing('../test/fakes/prng'), 'never imports from outside src/'],
    ['node:crypto in agent', 'src/agent/probe.ts', importing('node:crypto', 'createHash'), 'no Node built-ins'],
    ['bare crypto in tools', 'src/tools/probe.ts', importing('crypto', 'createHash'), 'no Node built-ins'],
    ['node:fs/promises in protocol', 'src/protocol/probe.ts', importing('node:fs/promises', 'readFile'), 'no Node built-ins'],
    ['path in common', 'src/common/probe.ts', importing('path', 'join'), 'no Node built-ins'],
    ['media → src/host', 'media/chat/probe.ts', importing('../../src/host/log'), 'only the webview contract'],
    ['media → src/common', 'media/chat/probe.ts', importing('../../src/common/result'), 'only the webview contract'],
    ['media → protocol beyond the webview contract', 'media/chat/probe.ts', importing('../../src/protocol/responses'), 'only the webview contract'],
    ['media → node', 'media/chat/probe.ts', importing('node:fs', 'readFileSync'), 'no Node built-ins'],
    ['media → test', 'media/chat/probe.ts', importing('../../test/fakes/prng'), 'never imports test code'],
    ['emulator → src', 'test/emulator/probe.ts', importing('../../src/protocol/responses'), 'imports nothing from src/'],
  ];
  for (const [what, file, source, phrase] of wrongWay) {
    it(`lint fails on ${what} (${file})`, async () => {
      const problems = await importProblems(file, source);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(phrase);
    });
  }

  const rightWay: Array<[string, string, string]> = [
    ['ui → host', 'src/ui/probe.ts', importing('../host/agentHost')],
    ['ui → agent, one folder deeper', 'src/ui/codeActions/probe.ts', importing('../../agent/events')],
    ['ui → transport types', 'src/ui/probe.ts', importingType('../transport/modelClient')],
    ['ui → ui through src/', 'src/ui/inlineEdit/probe.ts', importing('../../ui/statusBar')],
    ['host → agent, tools, transport', 'src/host/probe.ts', `${importing('../agent/agent', 'A')}${importing('../tools/ports', 'B')}${importing('../transport/socket', 'C')}`],
    ['host → node built-ins', 'src/host/tools/probe.ts', importing('node:fs/promises', 'readFile')],
    ['agent → tools and transport types', 'src/agent/probe.ts', `${importing('../tools/toolRunner', 'A')}${importingType('../transport/modelClient', 'B')}`],
    ['transport → protocol, common and Node types', 'src/transport/probe.ts', `${importing('../protocol/responses', 'A')}${importing('../common/event', 'B')}${importingType('node:http', 'C')}`],
    ['the composition root → every layer', 'src/app/probe.ts', `${importing('../ui/statusBar', 'A')}${importing('../host/log', 'B')}${importing('../transport/socket', 'C')}`],
    ['extension.ts → the composition root', 'src/extension.ts', importing('./app/holdfast')],
    ['media → the webview messages', 'media/chat/probe.ts', importing('../../src/protocol/webview')],
    ['media → the shared number wording', 'media/chat/probe.ts', importing('../../src/protocol/displayUnits')],
    ['tests → anything', 'test/unit/probe.ts', `${importing('../../src/app/holdfast', 'A')}${importing('../fakes/prng', 'B')}`],
  ];
  for (const [what, file, source] of rightWay) {
    it(`lint allows ${what} (${file})`, async () => {
      expect(await importProblems(file, source)).toEqual([]);
    });
  }

  it('every file in src/, media/ and the emulator keeps the import rules today', { timeout: 120_000 }, async () => {
    const scan = new ESLint({ cwd: repo, ruleFilter: ({ ruleId }) => ruleId === RULE });
    const results = await scan.lintFiles(['src', 'media', 'test/emulator']);
    expect(results.length).toBeGreaterThan(150);
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(repo, r.filePath)}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
  });
});
