import * as vscode from 'vscode';
import type { DoctorCause, DoctorReport } from '../transport/connectionDoctor';
import type { HoldfastConfig } from '../host/config';
import { checkConnection } from '../host/connectionCheck';
import type { HostLog } from '../host/log';
import type { SandboxStatus } from '../tools/ports';
import { sandboxDoctorLine } from './chat/sandboxNotice';

const icon = { ok: '✔', failed: '✘', skipped: '–' } as const;

/** The action that fixes a cause, if the user can take one from here. */
function fixFor(causes: readonly (DoctorCause | undefined)[]): { label: string; command: string; args?: unknown[] } | undefined {
  if (causes.includes('noKey') || causes.includes('badKey')) return { label: 'Set API Key', command: 'holdfast.setApiKey' };
  if (causes.some((c) => c === 'wrongBaseUrl' || c === 'dns' || c === 'refused' || c === 'tls')) {
    return { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['holdfast.baseUrl'] };
  }
  return undefined;
}

/** The report as the user reads it; the sandbox's line last, since it is not about the connection. */
export function formatDoctorReport(report: DoctorReport, sandbox?: SandboxStatus): string {
  const sandboxLine = sandbox ? sandboxDoctorLine(sandbox) : undefined;
  return [
    report.summary,
    ...report.checks.map(
      (check) =>
        `${icon[check.status]} ${check.label}${check.latencyMs === undefined ? '' : ` (${Math.round(check.latencyMs)} ms)`}: ${check.explanation}`,
    ),
    ...(sandboxLine ? [`${icon[sandboxLine.status]} ${sandboxLine.text}`] : []),
  ].join('\n');
}

/** What the report says besides the model server's checks: the command sandbox, the MCP servers. */
export interface DoctorExtras {
  sandbox?: Promise<SandboxStatus>;
  /** Lines about other connections (MCP servers), after the model server's checks. */
  lines?: readonly string[];
}

/**
 * "Holdfast: Test Connection": tries HTTP, the WebSocket handshake and a warm-up, and says in plain
 * words what works. The full report goes to the log (the key is redacted there like everywhere).
 */
export async function runDoctorCommand(config: HoldfastConfig, apiKey: string | undefined, log: HostLog, extras: DoctorExtras = {}): Promise<DoctorReport> {
  const sandbox = extras.sandbox;
  const [report, sandboxStatus] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Holdfast: testing the connection…' },
    () => Promise.all([checkConnection(config, apiKey), sandbox?.catch(() => undefined)]),
  );
  const text = [formatDoctorReport(report, sandboxStatus), ...(extras.lines ?? [])].join('\n');
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
