import * as vscode from 'vscode';

/**
 * Read-only in-memory documents (`holdfast-proposal:` URIs) for diff views of proposals and for
 * streamed explanations. Setting a document's text again updates any editor showing it.
 */
export class VirtualDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'holdfast-proposal';
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(VirtualDocuments.scheme, this);
  private counter = 0;

  /** A fresh URI whose path ends in `name` (so the editor picks a language from the extension). */
  create(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: VirtualDocuments.scheme, path: `/${++this.counter}/${name.replace(/^\/+/, '')}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  get(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  delete(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
