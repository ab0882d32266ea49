import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/**
 * The suite runner VS Code loads as `extensionTestsPath` (the standard `run(): Promise<void>`): runs
 * every compiled `suite/**\/*.test.js` next to this file with mocha inside the extension host, prints
 * which VS Code it ran in and the counts, and rejects when a test failed, which makes the run's exit
 * code non-zero.
 */
export async function run(): Promise<void> {
  const suiteDir = path.join(__dirname, 'suite');
  const files = listTestFiles(suiteDir);
  console.log(
    `[holdfast-integration] VS Code ${vscode.version} (${vscode.env.appName}, ui ${vscode.UIKind[vscode.env.uiKind]}, ` +
      `host ${vscode.env.appHost}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''}); ${files.length} suite file(s)`,
  );
  if (files.length === 0) throw new Error(`no *.test.js under ${suiteDir}: build with node esbuild.js --tests`);

  const mocha = new Mocha({
    ui: 'tdd',
    color: false, // the log goes through the workbench to a file or CI log, not a terminal
    timeout: 20_000,
    ...(process.env['HOLDFAST_TEST_GREP'] ? { grep: process.env['HOLDFAST_TEST_GREP'] } : {}),
  });
  for (const file of files) mocha.addFile(file);

  const counts = await new Promise<{ passes: number; failures: number; pending: number }>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
  console.log(`[holdfast-integration] ${counts.passes} passed, ${counts.failures} failed, ${counts.pending} pending (VS Code ${vscode.version})`);
  if (counts.failures > 0) throw new Error(`${counts.failures} integration test(s) failed`);
  if (counts.passes === 0) throw new Error('no integration test ran');
}

function listTestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(dir, file));
}
