import * as vscode from 'vscode';
import type { Diagnostic, Diagnostics, DiagnosticSeverity } from '../../tools/ports';

const severities: Record<vscode.DiagnosticSeverity, DiagnosticSeverity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

export function toPortDiagnostic(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Diagnostic {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return {
    path: uri.path,
    severity: severities[diagnostic.severity],
    range: {
      startLine: diagnostic.range.start.line + 1,
      startColumn: diagnostic.range.start.character + 1,
      endLine: diagnostic.range.end.line + 1,
      endColumn: diagnostic.range.end.character + 1,
    },
    message: diagnostic.message,
    source: diagnostic.source,
    code: code === undefined ? undefined : String(code),
  };
}

/** How long `get` waits for the language features to catch up with a just-edited file. */
const SETTLE_TIMEOUT_MS = 2500;
/**
 * Language servers publish in bursts (TypeScript: syntax, then semantic diagnostics, each merged with
 * the other's previous result): diagnostics count as current once none arrived for this long.
 */
const QUIET_MS = 250;
/** Edits older than this are assumed to be reflected in the diagnostics already. */
const RECENT_EDIT_MS = 10_000;
/** Languages that normally have no diagnostics provider: no point waiting for them. */
const QUIET_LANGUAGES = new Set(['plaintext', 'markdown', 'log', 'Log', 'ignore', 'properties']);

/**
 * The `Diagnostics` port: what VS Code's language features report. Language servers publish
 * diagnostics asynchronously, so right after an edit (the agent's `apply_edit` → `get_diagnostics`)
 * they still describe the old text. `get` therefore waits, briefly, until every recently changed file
 * it is asked about has had diagnostics published after its last change, and they have stopped moving.
 */
export class VscodeDiagnostics implements Diagnostics, vscode.Disposable {
  /** uri → time of the last text change. */
  private readonly changed = new Map<string, number>();
  /** uri → time of the last diagnostics update. */
  private readonly published = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly settleTimeoutMs = SETTLE_TIMEOUT_MS) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.scheme !== 'file' || event.contentChanges.length === 0 || QUIET_LANGUAGES.has(event.document.languageId)) return;
        this.changed.set(event.document.uri.toString(), Date.now());
      }),
      vscode.languages.onDidChangeDiagnostics((event) => {
        const now = Date.now();
        for (const uri of event.uris) this.published.set(uri.toString(), now);
      }),
    ];
  }

  async get(path: string | undefined): Promise<Diagnostic[]> {
    if (path !== undefined) {
      const uri = vscode.Uri.file(path);
      await this.settled([uri.toString()]);
      return vscode.languages.getDiagnostics(uri).map((d) => toPortDiagnostic(uri, d));
    }
    await this.settled([...this.changed.keys()]);
    return vscode.languages
      .getDiagnostics()
      .filter(([uri]) => uri.scheme === 'file')
      .flatMap(([uri, list]) => list.map((d) => toPortDiagnostic(uri, d)));
  }

  private isCurrent(uri: string, now: number): boolean {
    const changedAt = this.changed.get(uri);
    if (changedAt === undefined) return true;
    if (now - changedAt > RECENT_EDIT_MS) {
      this.changed.delete(uri);
      return true;
    }
    const publishedAt = this.published.get(uri) ?? 0;
    return publishedAt >= changedAt && now - publishedAt >= QUIET_MS;
  }

  /** Resolves once the diagnostics of `uris` are current (see above), or after the timeout. */
  private async settled(uris: readonly string[]): Promise<void> {
    const deadline = Date.now() + this.settleTimeoutMs;
    while (Date.now() < deadline) {
      const now = Date.now();
      if (uris.every((uri) => this.isCurrent(uri, now))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
