import * as vscode from 'vscode';
import {
  buildExplainInput,
  buildFixAllInput,
  buildFixInput,
  type DiagnosticInfo,
  type RegionContext,
} from '../../agent/inlineEdit/prompt';
import { problemRegion, splitAround, type LineRegion } from '../../agent/inlineEdit/ranges';
import { assistantText, type ResponseItem } from '../../protocol/items';
import type { HostLog } from '../../host/log';
import { CONTEXT_LINES, type InlineEditController, type Proposal } from '../inlineEdit/inlineEditController';

/** Lines either side of a problem that a fix may rewrite. */
export const FIX_RADIUS = 3;
/** How long to wait for the language features to re-check a file after a fix. */
const RECHECK_TIMEOUT_MS = 10_000;
/** Diagnostics arrive in bursts (TypeScript: syntax, then semantic): wait this long after the last one. */
const RECHECK_QUIET_MS = 400;

export const FIX_KIND = vscode.CodeActionKind.QuickFix.append('holdfast');
export const EXPLAIN_KIND = vscode.CodeActionKind.QuickFix.append('holdfast.explain');
export const FIX_ALL_KIND = vscode.CodeActionKind.Source.append('holdfast.fixAll');

/** What a code action's command carries: plain data, so it survives any serialisation of arguments. */
export interface DiagnosticRef {
  uri: string;
  diagnostic: DiagnosticInfo;
}

export interface FixResult {
  status: 'fixed' | 'stillFailing';
  /** The problem still reported in the fixed region (when still failing). */
  message?: string;
  /** False when the language features did not re-check within the timeout (the result is then a guess). */
  rechecked: boolean;
}

export interface DiagnosticActionsHost {
  readonly log: HostLog;
  readonly inlineEdits: InlineEditController;
  /** Hands an explanation request to the chat (see Holdfast.askInChat). */
  askInChat(text: string): Promise<void>;
}

const severityNames: Record<vscode.DiagnosticSeverity, DiagnosticInfo['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

export function toDiagnosticInfo(diagnostic: vscode.Diagnostic): DiagnosticInfo {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return {
    message: diagnostic.message,
    severity: severityNames[diagnostic.severity],
    source: diagnostic.source,
    code: code === undefined ? undefined : String(code),
    startLine: diagnostic.range.start.line,
    startCharacter: diagnostic.range.start.character,
    endLine: diagnostic.range.end.line,
    endCharacter: diagnostic.range.end.character,
    related: diagnostic.relatedInformation?.map((info) => ({
      path: vscode.workspace.asRelativePath(info.location.uri, false),
      line: info.location.range.start.line,
      message: info.message,
    })),
  };
}

const fixable = (diagnostic: vscode.Diagnostic) =>
  diagnostic.severity === vscode.DiagnosticSeverity.Error || diagnostic.severity === vscode.DiagnosticSeverity.Warning;

/**
 * "Fix with Holdfast" and "Explain with Holdfast" on errors and warnings of any language, and "Fix all
 * Holdfast-fixable problems in this file" as a source action. Offering them only looks at the
 * diagnostics VS Code passes in: no I/O, no awaiting. The work starts when an action's command runs:
 * a fix becomes a live-diff proposal on a `fix-<n>` lane; after Accept the file is re-checked.
 */
export class DiagnosticCodeActions implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [FIX_KIND, EXPLAIN_KIND, FIX_ALL_KIND];
  private readonly disposables: vscode.Disposable[];
  private readonly fixed = new vscode.EventEmitter<{ ref: DiagnosticRef | undefined; result: FixResult }>();
  /** Fires with the re-check result after an accepted fix (tests listen). */
  readonly onDidCheckFix = this.fixed.event;

  constructor(private readonly host: DiagnosticActionsHost) {
    this.disposables = [
      this.fixed,
      vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this, {
        providedCodeActionKinds: DiagnosticCodeActions.providedCodeActionKinds,
      }),
      vscode.commands.registerCommand('holdfast.fixDiagnostic', (ref?: DiagnosticRef) => this.fix(ref)),
      vscode.commands.registerCommand('holdfast.explainDiagnostic', (ref?: DiagnosticRef) => this.explain(ref)),
      vscode.commands.registerCommand('holdfast.fixAllInFile', (uri?: vscode.Uri | string) => this.fixAll(uri)),
    ];
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || kind.contains(context.only);
    const actions: vscode.CodeAction[] = [];
    const uri = document.uri.toString();
    for (const diagnostic of context.diagnostics.filter(fixable)) {
      const ref: DiagnosticRef = { uri, diagnostic: toDiagnosticInfo(diagnostic) };
      if (wants(FIX_KIND)) {
        const fix = new vscode.CodeAction('Fix with Holdfast', FIX_KIND);
        fix.diagnostics = [diagnostic];
        fix.command = { command: 'holdfast.fixDiagnostic', title: 'Fix with Holdfast', arguments: [ref] };
        actions.push(fix);
      }
      if (wants(EXPLAIN_KIND)) {
        const explain = new vscode.CodeAction('Explain with Holdfast', EXPLAIN_KIND);
        explain.diagnostics = [diagnostic];
        explain.command = { command: 'holdfast.explainDiagnostic', title: 'Explain with Holdfast', arguments: [ref] };
        actions.push(explain);
      }
    }
    // A source action: offered only when source actions are asked for (Source Action… menu, on save),
    // never in the lightbulb's quick fixes.
    if (context.only && wants(FIX_ALL_KIND)) {
      if (vscode.languages.getDiagnostics(document.uri).some(fixable)) {
        const fixAll = new vscode.CodeAction('Fix all Holdfast-fixable problems in this file', FIX_ALL_KIND);
        fixAll.command = { command: 'holdfast.fixAllInFile', title: fixAll.title, arguments: [uri] };
        actions.push(fixAll);
      }
    }
    return actions;
  }

  /** Starts a fix proposal for one diagnostic. Resolves with the proposal once it has started. */
  async fix(ref: DiagnosticRef | undefined): Promise<Proposal | undefined> {
    const target = ref ?? this.diagnosticAtCursor();
    if (!target) {
      void vscode.window.showInformationMessage('Holdfast: no error or warning at the cursor to fix.');
      return undefined;
    }
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(target.uri), { preserveFocus: false });
    const d = target.diagnostic;
    const region = problemRegion(editor.document.lineCount, d.startLine, d.endLine, FIX_RADIUS);
    const before = this.matching(editor.document.uri, d).length;
    return this.host.inlineEdits.start({
      editor,
      region,
      lanePrefix: 'fix',
      label: 'Fix',
      input: (context) => buildFixInput(d, context),
      afterAccept: async (proposal) => {
        const result = await this.recheck(proposal, d, before);
        this.report(result);
        this.fixed.fire({ ref: target, result });
      },
    });
  }

  /** One combined proposal over the whole file for all its errors and warnings. */
  async fixAll(uriArgument?: vscode.Uri | string): Promise<Proposal | undefined> {
    const uri = typeof uriArgument === 'string' ? vscode.Uri.parse(uriArgument) : uriArgument ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) return undefined;
    const diagnostics = vscode.languages.getDiagnostics(uri).filter(fixable).map(toDiagnosticInfo);
    if (diagnostics.length === 0) {
      void vscode.window.showInformationMessage('Holdfast: no errors or warnings in this file.');
      return undefined;
    }
    const editor = await vscode.window.showTextDocument(uri, { preserveFocus: false });
    const region: LineRegion = { startLine: 0, endLine: editor.document.lineCount - 1 };
    return this.host.inlineEdits.start({
      editor,
      region,
      lanePrefix: 'fix',
      label: 'Fix all',
      input: (context) => buildFixAllInput(diagnostics, context),
      afterAccept: async () => {
        const after = await this.waitForDiagnostics(uri);
        const remaining = vscode.languages.getDiagnostics(uri).filter(fixable);
        const result: FixResult = remaining.length === 0 ? { status: 'fixed', rechecked: after } : { status: 'stillFailing', message: remaining[0]?.message, rechecked: after };
        this.report(result, remaining.length);
        this.fixed.fire({ ref: undefined, result });
      },
    });
  }

  /** Opens the chat with the diagnostic attached; the explanation streams there. */
  async explain(ref: DiagnosticRef | undefined): Promise<void> {
    const target = ref ?? this.diagnosticAtCursor();
    if (!target) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
    const d = target.diagnostic;
    const input = buildExplainInput(d, this.regionContext(document, problemRegion(document.lineCount, d.startLine, d.endLine, FIX_RADIUS)));
    await this.host.askInChat(messageText(input));
  }

  private regionContext(document: vscode.TextDocument, region: LineRegion): RegionContext {
    const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
    return {
      path: vscode.workspace.asRelativePath(document.uri, false),
      languageId: document.languageId,
      startLine: region.startLine,
      ...splitAround(lines, region, CONTEXT_LINES),
    };
  }

  private diagnosticAtCursor(): DiagnosticRef | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const at = editor.selection.active;
    const diagnostic = vscode.languages
      .getDiagnostics(editor.document.uri)
      .filter(fixable)
      .find((d) => d.range.contains(at) || d.range.start.line === at.line);
    return diagnostic ? { uri: editor.document.uri.toString(), diagnostic: toDiagnosticInfo(diagnostic) } : undefined;
  }

  private matching(uri: vscode.Uri, d: DiagnosticInfo): vscode.Diagnostic[] {
    return vscode.languages.getDiagnostics(uri).filter((candidate) => {
      const info = toDiagnosticInfo(candidate);
      return info.message === d.message && info.code === d.code && info.source === d.source;
    });
  }

  /**
   * After an accepted fix: waits until the language features have re-checked the file, then looks at
   * the fixed region. Still failing if the same problem is still reported (anywhere, when it was unique
   * before) or a new error sits in the region.
   */
  private async recheck(proposal: Proposal, d: DiagnosticInfo, matchingBefore: number): Promise<FixResult> {
    const rechecked = await this.waitForDiagnostics(proposal.uri);
    const same = this.matching(proposal.uri, d);
    if (same.length >= matchingBefore && same.length > 0) return { status: 'stillFailing', message: same[0]!.message, rechecked };
    const newLines = (proposal.code ?? '').split('\n').length;
    const regionEnd = proposal.range.start.line + newLines - 1;
    const inRegion = vscode.languages
      .getDiagnostics(proposal.uri)
      .filter((x) => x.severity === vscode.DiagnosticSeverity.Error && x.range.start.line >= proposal.range.start.line && x.range.start.line <= regionEnd);
    if (inRegion.length > 0) return { status: 'stillFailing', message: inRegion[0]!.message, rechecked };
    return { status: 'fixed', rechecked };
  }

  /** True when diagnostics for `uri` changed (and then stayed quiet briefly) before the timeout. */
  private waitForDiagnostics(uri: vscode.Uri): Promise<boolean> {
    return new Promise((resolve) => {
      let quiet: NodeJS.Timeout | undefined;
      let seen = false;
      const finish = (value: boolean) => {
        subscription.dispose();
        clearTimeout(quiet);
        clearTimeout(deadline);
        resolve(value);
      };
      const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
        if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
        seen = true;
        clearTimeout(quiet);
        quiet = setTimeout(() => finish(true), RECHECK_QUIET_MS);
      });
      const deadline = setTimeout(() => finish(seen), RECHECK_TIMEOUT_MS);
    });
  }

  private report(result: FixResult, remaining?: number): void {
    const note = result.rechecked ? '' : ' (the language features did not re-check the file in time)';
    const text =
      result.status === 'fixed'
        ? `Holdfast: fixed${remaining === 0 ? ' — no problems left in this file' : ''}${note}.`
        : `Holdfast: still failing${remaining ? ` (${remaining} problem${remaining === 1 ? '' : 's'} left)` : ''}: ${result.message ?? ''}${note}`;
    this.host.log.info(text);
    if (result.status === 'fixed') void vscode.window.showInformationMessage(text);
    else void vscode.window.showWarningMessage(text);
  }

  dispose(): void {
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}

function messageText(items: readonly ResponseItem[]): string {
  return items
    .map((item) =>
      item.type === 'message' ? (item.role === 'assistant' ? assistantText(item) : item.content.map((part) => part.text).join('')) : '',
    )
    .join('\n');
}
