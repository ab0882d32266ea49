// Runs INSIDE VS Code's extension host (bundled by codeActionLatency.ts and loaded as the
// `extensionTestsPath` of a workbench load, so Holdfast runs in ExtensionMode.Test and hands back its
// test API). On a TypeScript error in a fixture file, with Holdfast pointed at an in-process emulator,
// it times Holdfast's code-action provider alone and `vscode.executeCodeActionProvider` with every
// provider (TypeScript's too), counts what the emulator saw while the actions were offered, and writes
// the raw samples to `result.json` next to itself. No assertions: the bench reports, it never fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { Emulator } from '../emulator';
import { useEmulator } from '../integration/support/emulatorSession';
import { waitFor } from '../integration/support/waiting';
import { writeWorkspaceFile } from '../integration/support/workspaceFiles';
import { BROKEN_FILE, BROKEN_MESSAGE, issue7Scenario } from '../integration/support/issue7Scenarios';
import type { ProbeConfig, ProbeResult } from './codeActionLatency';

const FIXTURE = 'src/codeActionBench.ts';

function networkCounters(emulator: Emulator): { requests: number; handshakes: number; httpConnections: number } {
  const stats = emulator.stats();
  return { requests: stats.requests.length, handshakes: stats.handshakes.attempted, httpConnections: stats.totals.httpConnections };
}

async function measure(config: ProbeConfig): Promise<ProbeResult> {
  const session = await useEmulator(issue7Scenario);
  try {
    const uri = await writeWorkspaceFile(FIXTURE, BROKEN_FILE);
    const editor = await vscode.window.showTextDocument(uri);
    const diagnosticStarted = performance.now();
    const diagnostic = await waitFor(
      `the TypeScript diagnostic "${BROKEN_MESSAGE}"`,
      () => vscode.languages.getDiagnostics(uri).find((d) => d.message === BROKEN_MESSAGE && d.severity === vscode.DiagnosticSeverity.Error),
      config.diagnosticTimeoutMs,
    );
    const diagnosticMs = performance.now() - diagnosticStarted;
    // Let the warm-up the new base URL started finish first, so it cannot land in the window below.
    const settled = (): boolean => {
      const requests = session.emulator.stats().requests;
      return requests.some((r) => r.kind === 'warmup') && requests.every((r) => r.endedAt !== null);
    };
    await waitFor('the warm-up to finish', settled, 15_000).catch(() => undefined);

    const before = networkCounters(session.emulator);
    const context: vscode.CodeActionContext = { diagnostics: [diagnostic], only: undefined, triggerKind: vscode.CodeActionTriggerKind.Invoke };
    const ownMs: number[] = [];
    let own: vscode.CodeAction[] = [];
    for (let i = 0; i < config.calls; i++) {
      const started = performance.now();
      own = session.holdfast.diagnosticActions.provideCodeActions(editor.document, diagnostic.range, context);
      ownMs.push(performance.now() - started);
    }
    const allMs: number[] = [];
    let all: vscode.CodeAction[] = [];
    for (let i = 0; i < config.calls; i++) {
      const started = performance.now();
      all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
      allMs.push(performance.now() - started);
    }
    // Anything the offering set off would reach the emulator within this.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = networkCounters(session.emulator);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    return {
      ok: true,
      vscode: vscode.version,
      fixture: `${FIXTURE}, line ${diagnostic.range.start.line + 1}: ${BROKEN_MESSAGE}`,
      diagnosticMs,
      ownMs,
      allMs,
      ownTitles: own.map((a) => a.title),
      allTitles: all.map((a) => a.title),
      network: { requests: after.requests - before.requests, handshakes: after.handshakes - before.handshakes, httpConnections: after.httpConnections - before.httpConnections },
    };
  } finally {
    await session.restore();
  }
}

/** The `extensionTestsPath` entry point VS Code calls. */
export async function run(): Promise<void> {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'config.json'), 'utf8')) as ProbeConfig;
  let result: ProbeResult;
  try {
    result = await measure(config);
  } catch (error) {
    result = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  fs.writeFileSync(path.join(__dirname, 'result.json'), JSON.stringify(result));
}
