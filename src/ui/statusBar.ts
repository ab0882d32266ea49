import * as vscode from 'vscode';
import type { ConnectionView } from '../protocol/webview';

const icons: Record<ConnectionView['kind'], string> = {
  idle: '$(circle-outline)',
  noKey: '$(key)',
  connecting: '$(sync~spin)',
  warm: '$(pass-filled)',
  busy: '$(loading~spin)',
  reconnecting: '$(sync~spin)',
  httpFallback: '$(warning)',
  authError: '$(error)',
  offline: '$(debug-disconnect)',
};

/** The transport's health at a glance; clicking it opens the connection doctor. */
export class ConnectionStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('holdfast.connection', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Holdfast Connection';
    this.item.command = 'holdfast.testConnection';
  }

  update(view: ConnectionView, extraTooltip?: string): void {
    this.item.text = `${icons[view.kind]} Holdfast: ${view.label}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(view.detail ?? view.label);
    if (extraTooltip) tooltip.appendText(`\n\n${extraTooltip}`);
    tooltip.appendMarkdown('\n\n_Click to test the connection._');
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      view.kind === 'authError' || view.kind === 'offline'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.kind === 'httpFallback' || view.kind === 'noKey'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
