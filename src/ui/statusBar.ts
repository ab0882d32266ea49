import * as vscode from 'vscode';
import type { ConnectionView } from '../protocol/webview';
import { describeSessionTraffic, type SessionTraffic } from './connectionView';

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

/**
 * The transport's health at a glance; clicking it opens the connection doctor. The tooltip is plain
 * text (a MarkdownString's appendText turns every space into `&nbsp;`, so the hover broke words
 * anywhere and screen readers read "&nbsp;"), and the accessible label is a sentence of its own.
 */
export class ConnectionStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('holdfast.connection', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Holdfast Connection';
    this.item.command = 'holdfast.testConnection';
  }

  /** `traffic` (or an already written sentence about it) is added to the tooltip. */
  update(view: ConnectionView, traffic?: SessionTraffic | string): void {
    this.item.text = `${icons[view.kind]} Holdfast: ${view.label}`;
    const detail = view.detail ?? `Holdfast is ${view.label}.`;
    // An older caller passes its own sentence, which said "1 requests".
    const trafficText = typeof traffic === 'string' ? traffic.replace(/\b1 requests\b/g, '1 request') : traffic ? describeSessionTraffic(traffic) : undefined;
    this.item.tooltip = [detail, trafficText, 'Click to test the connection.'].filter(Boolean).join('\n\n');
    this.item.accessibilityInformation = { label: `Holdfast connection: ${view.label}. ${detail}`, role: 'button' };
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
