import * as vscode from 'vscode';
import { whenEvent } from '../../common/async';
import { buildFixAllInput, buildFixInput, explainQuestion, type DiagnosticInfo } from '../../agent/inlineEdit/diagnosticPrompts';
import { describeFixVerdict, judgeFix, type FixVerdict } from '../../agent/inlineEdit/fixCheck';
import type { RegionContext } from '../../agent/inlineEdit/prompt';
import { CONTEXT_LINES, problemRegion, splitAround, type LineRegion } from '../../agent/inlineEdit/ranges';
import type { HostLog } from '../../host/log';
import { explainIntent } from './explainIntent';
import type { InlineEditController, Proposal } from '../inlineEdit/inlineEditController';

/** Lines either side of a problem that a fix may rewrite. */
export const FIX_RADIUS = 3;
/**
 * How long to wait for the language features to report on a fixed file when what they report does not
 * settle the question (see fixCheck.ts); a report that does settle it ends the wait at once.
 */
const RECHECK_TIMEOUT_MS = 10_000;

export const FIX_KIND = vscode.CodeActionKind.QuickFix.append('holdfast');
export const EXPLAIN_KIND = vscode.CodeActionKind.QuickFix.append('holdfast.explain');
export const FIX_ALL_KIND = vscode.CodeActionKind.Source.append('holdfast.fixAll');

/** What a code action's command carries: plain data, so it survives any serialisation of arguments. */
export interface DiagnosticRef {
  uri: string;
  diagnostic: DiagnosticInfo;
}

export interface FixResult {
  /** `newProblems`: what it was asked to fix is gone, but the file has new errors. */
  status: 'fixed' | 'stillFailing' | 'newProblems';
  /** The first problem still (or newly) reported, when not fixed. */
  message?: string;
  /** False when the language features did not re-check within the timeout (the result is then a guess). */
  rechecked: boolean;
}

/** After an accepted fix: what the re-check found and the message the user was shown. */
export interface FixCheck {
  ref: DiagnosticRef | undefined;
  result: FixResult;
  report: string;
}

export interface DiagnosticActionsHost {
  readonly log: HostLog;
  readonly inlineEdits: InlineEditController;
  /** Hands an explanation request to the chat (see Holdfast.askInChat); `shown` is the user's line for it. */
  askInChat(text: string, shown: string): Promise<void>;
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
  private readonly fixed = new vscode.EventEmitter<FixCheck>();
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
    const before = diagnosticsOf(editor.document.uri);
    return this.host.inlineEdits.start({
      editor,
      region,
      lanePrefix: 'fix',
      label: 'Fix',
      input: (context) => buildFixInput(d, context),
      afterAccept: (proposal) => this.checkFix(target, proposal.uri, [d], before, 'one'),
    });
  }

  /** One combined proposal over the whole file for all its errors and warnings. */
  async fixAll(uriArgument?: vscode.Uri | string): Promise<Proposal | undefined> {
    const uri = typeof uriArgument === 'string' ? vscode.Uri.parse(uriArgument) : uriArgument ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) return undefined;
    const before = diagnosticsOf(uri);
    const diagnostics = before.filter((d) => d.severity === 'error' || d.severity === 'warning');
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
      afterAccept: () => this.checkFix(undefined, uri, diagnostics, before, 'all'),
    });
  }

  /** Opens the chat with the diagnostic attached; the explanation streams there. */
  async explain(ref: DiagnosticRef | undefined): Promise<void> {
    const target = ref ?? this.diagnosticAtCursor();
    if (!target) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
    const d = target.diagnostic;
    const prompt = explainQuestion(d, this.regionContext(document, problemRegion(document.lineCount, d.startLine, d.endLine, FIX_RADIUS)));
    await this.host.askInChat(prompt, explainIntent(d, vscode.workspace.asRelativePath(document.uri, false)));
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

  /** After an accepted fix: re-checks the file, tells the user what it found, and fires `onDidCheckFix`. */
  private async checkFix(ref: DiagnosticRef | undefined, uri: vscode.Uri, targets: DiagnosticInfo[], before: DiagnosticInfo[], scope: 'one' | 'all'): Promise<void> {
    const { verdict, rechecked } = await this.recheck(uri, targets, before);
    const { text, warning } = describeFixVerdict(verdict, scope, rechecked);
    const problem = verdict.status === 'fixed' ? undefined : verdict.problems[0];
    const result: FixResult = {
      status: verdict.status === 'unknown' ? 'stillFailing' : verdict.status,
      ...(problem ? { message: problem.message } : {}),
      rechecked,
    };
    this.host.log.info(text);
    if (warning) void vscode.window.showWarningMessage(text);
    else void vscode.window.showInformationMessage(text);
    this.fixed.fire({ ref, result, report: text });
  }

  /**
   * Waits for the language features to report on the fixed file: the first report that settles the
   * verdict ends the wait (no quiet period to sit out). A report that still shows a target exactly as
   * before settles nothing; at the deadline that counts as still failing.
   */
  private async recheck(uri: vscode.Uri, targets: DiagnosticInfo[], before: DiagnosticInfo[]): Promise<{ verdict: FixVerdict; rechecked: boolean }> {
    const judge = () => judgeFix(targets, before, diagnosticsOf(uri));
    const already = judge();
    if (already.status !== 'unknown') return { verdict: already, rechecked: true };
    let reports = 0;
    const settled = await whenEvent(
      vscode.languages.onDidChangeDiagnostics,
      (event) => {
        if (!event.uris.some((changed) => changed.toString() === uri.toString())) return undefined;
        reports++;
        const verdict = judge();
        return verdict.status === 'unknown' ? undefined : verdict;
      },
      RECHECK_TIMEOUT_MS,
    );
    if (settled) return { verdict: settled, rechecked: true };
    return { verdict: judge(), rechecked: reports > 0 };
  }

  dispose(): void {
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}

/** The file's diagnostics as plain values. */
function diagnosticsOf(uri: vscode.Uri): DiagnosticInfo[] {
  return vscode.languages.getDiagnostics(uri).map(toDiagnosticInfo);
}
