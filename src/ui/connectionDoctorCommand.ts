import * as vscode from 'vscode';
import type { DoctorCause, DoctorReport } from '../transport/connectionDoctor';
import type { HoldfastConfig } from '../host/config';
import { checkConnection } from '../host/connectionCheck';
import type { HostLog } from '../host/log';

const icon = { ok: '✔', failed: '✘', skipped: '–' } as const;

/** The action that fixes a cause, if the user can take one from here. */
function fixFor(causes: readonly (DoctorCause | undefined)[]): { label: string; command: string; args?: unknown[] } | undefined {
  if (causes.includes('noKey') || causes.includes('badKey')) return { label: 'Set API Key', command: 'holdfast.setApiKey' };
  if (causes.some((c) => c === 'wrongBaseUrl' || c === 'dns' || c === 'refused' || c === 'tls')) {
    return { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['holdfast.baseUrl'] };
  }
  return undefined;
}

export function formatDoctorReport(report: DoctorReport): string {
  return [
    report.summary,
    ...report.checks.map(
      (check) =>
        `${icon[check.status]} ${check.label}${check.latencyMs === undefined ? '' : ` (${Math.round(check.latencyMs)} ms)`}: ${check.explanation}`,
    ),
  ].join('\n');
}

/**
 * "Holdfast: Test Connection": tries HTTP, the WebSocket handshake and a warm-up, and says in plain
 * words what works. The full report goes to the log (the key is redacted there like everywhere).
 */
export async function runDoctorCommand(config: HoldfastConfig, apiKey: string | undefined, log: HostLog, extraLines: readonly string[] = []): Promise<DoctorReport> {
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Holdfast: testing the connection…' },
    () => checkConnection(config, apiKey),
  );
  // Lines about other connections (MCP servers) follow the model server's checks.
  const text = [formatDoctorReport(report), ...extraLines].join('\n');
  log.info(`Connection doctor for ${config.baseUrl}:\n${text}`);
  for (const check of report.checks) if (check.detail) log.info(`  ${check.id}: ${check.detail}`);
  const fix = fixFor(report.checks.map((c) => c.cause));
  const buttons = [...(fix ? [fix.label] : []), 'Show Log'];
  const show = report.ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(`Holdfast: ${text}`, ...buttons).then(async (choice) => {
    if (choice === 'Show Log') log.show();
    else if (fix && choice === fix.label) await vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
  });
  return report;
}
