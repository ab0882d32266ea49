import * as vscode from 'vscode';
import { CancellationTokenSource } from '../../common/cancellation';
import { Emitter } from '../../common/event';
import { redactUserText } from '../../common/redact';
import { rememberInstruction, freeLane } from '../../agent/inlineEdit/history';
import {
  buildFollowUpInput,
  buildInlineEditInput,
  INLINE_EDIT_INSTRUCTIONS,
  INLINE_EDIT_TOOLS,
  type RegionContext,
} from '../../agent/inlineEdit/prompt';
import { enclosingFunction, selectionLines, splitAround, type LineRegion, type SymbolNode } from '../../agent/inlineEdit/ranges';
import { normaliseReplacement, parseReply, StreamingReply, type OtherFileEdit } from '../../agent/inlineEdit/reply';
import type { ResponseItem } from '../../protocol/items';
import type { ModelClient, ModelOutcome, RequestMetrics } from '../../transport/modelClient';
import type { HostLog } from '../../host/log';
import type { OtherFileDecision, OtherFileReview } from './otherFileReview';
import { ProposalDecorations } from './proposalDecorations';
import type { VirtualDocuments } from './virtualDocuments';

/** Lines of context sent on each side of the region. */
export const CONTEXT_LINES = 40;
const HISTORY_KEY = 'holdfast.inlineEdit.history';
/** Shown when an instruction had an API key in it; the key was replaced before anything was sent or remembered. */
export const INSTRUCTION_KEY_REMOVED = 'Holdfast removed an API key from your instruction before sending it.';
const RENDER_INTERVAL_MS = 40;
const SYMBOLS_TIMEOUT_MS = 1500;

export const PROPOSAL_ACTIVE_KEY = 'holdfast.inlineProposalActive';
export const PROPOSAL_READY_KEY = 'holdfast.inlineProposalReady';

export type ProposalState = 'streaming' | 'ready' | 'accepting' | 'accepted' | 'rejected' | 'cancelled' | 'failed' | 'empty';

export interface InlineEditHost {
  client(): ModelClient;
  settings(): { model: string; store: boolean };
  readonly log: HostLog;
  readonly globalState: vscode.Memento;
  /** Exact secrets (the API key) to remove from instructions, besides key shapes; read at each call. */
  knownSecrets(): readonly string[];
  readonly documents: VirtualDocuments;
  readonly otherFiles: OtherFileReview;
}

/** What starts a proposal: the region and the first request's input, built by the caller. */
export interface ProposalSpec {
  editor: vscode.TextEditor;
  region: LineRegion;
  /** Lane prefix: `inline` → `inline-1`, `fix` → `fix-1`, … */
  lanePrefix: string;
  input: (region: RegionContext) => ResponseItem[];
  /** Shown in the CodeLens and the note: "Inline edit", "Fix", "Fix all". */
  label: string;
  /** Runs after a successful Accept (diagnostic re-check). */
  afterAccept?: (proposal: Proposal) => void | Promise<void>;
}

/** One proposal over one region of one document. Its chain lives on its own lane of the workspace socket. */
export class Proposal {
  state: ProposalState = 'streaming';
  /** The replacement so far (streaming) or final. */
  code: string | undefined;
  message: string | undefined;
  input: ResponseItem[] = [];
  output: ResponseItem[] = [];
  otherFiles: OtherFileEdit[] = [];
  otherFileDecisions: Promise<OtherFileDecision[]> | undefined;
  /** Wire figures of every request of this proposal, in order (delta vs full, lane). */
  readonly metrics: RequestMetrics[] = [];
  cts = new CancellationTokenSource();
  private readonly roundDone = new Emitter<ProposalState>();
  private readonly settledEmitter = new Emitter<ProposalState>();
  private settledPromise: Promise<ProposalState>;
  private roundPromise: Promise<ProposalState>;

  constructor(
    readonly id: number,
    readonly uri: vscode.Uri,
    readonly version: number,
    readonly range: vscode.Range,
    readonly oldLines: readonly string[],
    readonly lane: string,
    readonly label: string,
    readonly afterAccept: ProposalSpec['afterAccept'],
  ) {
    this.settledPromise = new Promise((resolve) => this.settledEmitter.event(resolve));
    this.roundPromise = this.nextRound();
  }

  private nextRound(): Promise<ProposalState> {
    return new Promise((resolve) => {
      const subscription = this.roundDone.event((state) => {
        subscription.dispose();
        resolve(state);
      });
    });
  }

  /** Resolves when the current request has ended: ready, empty, failed or cancelled. */
  get done(): Promise<ProposalState> {
    return this.roundPromise;
  }

  /** Resolves when the proposal is over: accepted, rejected, cancelled, failed or empty. */
  get settled(): Promise<ProposalState> {
    return this.settledPromise;
  }

  get isOpen(): boolean {
    return this.state === 'streaming' || this.state === 'ready' || this.state === 'accepting';
  }

  /** Internal: a new round (follow-up) starts. */
  restartRound(): void {
    this.roundPromise = this.nextRound();
    this.cts.dispose();
    this.cts = new CancellationTokenSource();
  }

  /** Internal. */
  finishRound(state: ProposalState): void {
    this.state = state;
    this.roundDone.fire(state);
  }

  /** Internal. */
  settle(state: ProposalState): void {
    this.state = state;
    this.roundDone.fire(state);
    this.settledEmitter.fire(state);
  }
}

/**
 * Inline edit: a region of the active editor, an instruction, the rewrite streamed on a lane of its own
 * (`inline-<n>`, concurrent with a chat turn on the default lane) and drawn as a live diff with
 * decorations. Accept applies one WorkspaceEdit (one undo step); Reject, Escape or any edit of the
 * document meanwhile leaves the document as it was. A follow-up continues the same chain on the same lane.
 */
export class InlineEditController implements vscode.Disposable, vscode.CodeLensProvider {
  private readonly proposals = new Map<string, Proposal>();
  private readonly decorations = new ProposalDecorations();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly codeLensChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.codeLensChanged.event;
  private readonly proposalChanged = new Emitter<Proposal>();
  /** Fires on every state change of any proposal (tests and the code actions listen). */
  readonly onDidChangeProposal = this.proposalChanged.event;
  private nextId = 1;
  private renderTimers = new Map<string, NodeJS.Timeout>();
  /** The last information message about an instruction (tests read it). */
  lastNotice: string | undefined;

  constructor(private readonly host: InlineEditHost) {
    this.disposables.push(
      this.decorations,
      this.codeLensChanged,
      this.proposalChanged,
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this),
      vscode.languages.registerCodeLensProvider({ scheme: 'untitled' }, this),
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.cancel(document.uri, 'the document was closed')),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKeys()),
      vscode.window.onDidChangeVisibleTextEditors(() => {
        for (const proposal of this.proposals.values()) this.render(proposal);
      }),
      vscode.commands.registerCommand('holdfast.inlineEdit.accept', (uri?: vscode.Uri) => this.accept(this.find(uri))),
      vscode.commands.registerCommand('holdfast.inlineEdit.reject', (uri?: vscode.Uri) => this.reject(this.find(uri))),
      vscode.commands.registerCommand('holdfast.inlineEdit.followUp', (uri?: vscode.Uri, instruction?: unknown) =>
        this.followUpCommand(this.find(uri), typeof instruction === 'string' ? instruction : undefined),
      ),
      vscode.commands.registerCommand('holdfast.inlineEdit.showDiff', (uri?: vscode.Uri) => this.showDiff(this.find(uri))),
    );
  }

  /** The proposal on `uri` (or the active editor's document), if one is open. */
  proposalFor(uri?: vscode.Uri): Proposal | undefined {
    return this.find(uri);
  }

  private find(uri?: vscode.Uri): Proposal | undefined {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    return target ? this.proposals.get(target.toString()) : undefined;
  }

  // ─── Starting ──────────────────────────────────────────────────────────────────────────────────

  /**
   * `holdfast.inlineEdit`: asks for an instruction (unless given) and starts a proposal over the
   * selection, or the enclosing function, or the current line.
   */
  async runCommand(argument?: unknown): Promise<Proposal | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Holdfast: open a file and select some code to edit it inline.');
      return undefined;
    }
    const given = typeof argument === 'string' ? argument : (argument as { instruction?: unknown } | undefined)?.instruction;
    const typed = typeof given === 'string' ? given : await this.askInstruction();
    if (!typed?.trim()) return undefined;
    const instruction = this.screenInstruction(typed);
    await this.host.globalState.update(HISTORY_KEY, rememberInstruction(this.history(), instruction));
    const region = await this.regionFor(editor);
    return this.start({
      editor,
      region,
      lanePrefix: 'inline',
      label: 'Inline edit',
      input: (context) => buildInlineEditInput(instruction, context),
    });
  }

  /** Recent instructions, newest first (entries remembered before keys were removed are cleaned here too). */
  history(): string[] {
    const known = this.host.knownSecrets();
    return (this.host.globalState.get<string[]>(HISTORY_KEY) ?? []).map((entry) => redactUserText(entry, known).text);
  }

  /**
   * Where an instruction the user typed (or a command passed) comes in: an API key or key-shaped secret
   * in it is replaced before it is sent, remembered in the history or shown, and the user is told once.
   */
  private screenInstruction(text: string): string {
    const typed = redactUserText(text, this.host.knownSecrets());
    if (typed.redacted) {
      this.lastNotice = INSTRUCTION_KEY_REMOVED;
      this.host.log.info('Inline edit: removed an API key from the instruction before sending it.');
      void vscode.window.showInformationMessage(INSTRUCTION_KEY_REMOVED);
    }
    return typed.text;
  }

  private async askInstruction(placeholder = 'What should change here? (e.g. "add error handling")'): Promise<string | undefined> {
    const history = this.history();
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
    pick.title = 'Holdfast: Inline Edit';
    pick.placeholder = placeholder;
    const recent = history.map((label) => ({ label, description: 'recent' }));
    pick.items = recent;
    pick.onDidChangeValue((value) => {
      const typed = value.trim();
      pick.items = typed ? [{ label: typed, alwaysShow: true }, ...recent.filter((item) => item.label !== typed)] : recent;
    });
    return new Promise((resolve) => {
      let result: string | undefined;
      pick.onDidAccept(() => {
        result = pick.selectedItems[0]?.label ?? (pick.value.trim() || undefined);
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(result);
      });
      pick.show();
    });
  }

  /** The selection's whole lines; with no selection, the enclosing function, else the current line. */
  async regionFor(editor: vscode.TextEditor): Promise<LineRegion> {
    const selection = editor.selection;
    if (!selection.isEmpty) return selectionLines(selection.start, selection.end);
    const line = selection.active.line;
    const symbols = await withTimeout(
      Promise.resolve(
        vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation>>('vscode.executeDocumentSymbolProvider', editor.document.uri),
      ),
      SYMBOLS_TIMEOUT_MS,
    ).catch(() => undefined);
    const enclosing = symbols ? enclosingFunction(toSymbolNodes(symbols), line) : undefined;
    return enclosing ?? { startLine: line, endLine: line };
  }

  /** Starts a proposal (cancelling any other on the same document) and streams its first round. */
  start(spec: ProposalSpec): Proposal {
    const document = spec.editor.document;
    this.cancel(document.uri, 'a new proposal replaced it');
    const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
    const startLine = Math.max(0, Math.min(spec.region.startLine, document.lineCount - 1));
    const endLine = Math.max(startLine, Math.min(spec.region.endLine, document.lineCount - 1));
    const region = { startLine, endLine };
    const range = new vscode.Range(startLine, 0, endLine, document.lineAt(endLine).text.length);
    const lanesInUse = new Set([...this.proposals.values()].map((p) => p.lane));
    const proposal = new Proposal(
      this.nextId++,
      document.uri,
      document.version,
      range,
      lines.slice(startLine, endLine + 1),
      freeLane(spec.lanePrefix, lanesInUse),
      spec.label,
      spec.afterAccept,
    );
    this.proposals.set(document.uri.toString(), proposal);
    const split = splitAround(lines, region, CONTEXT_LINES);
    proposal.input = spec.input({
      path: vscode.workspace.asRelativePath(document.uri, false),
      languageId: document.languageId,
      startLine,
      ...split,
    });
    this.changed(proposal);
    void this.runRound(proposal);
    return proposal;
  }

  // ─── Streaming ─────────────────────────────────────────────────────────────────────────────────

  private async runRound(proposal: Proposal): Promise<void> {
    const settings = this.host.settings();
    const stream = new StreamingReply();
    let outcome: ModelOutcome;
    try {
      outcome = await this.host.client().run(
        {
          model: settings.model,
          instructions: INLINE_EDIT_INSTRUCTIONS,
          tools: INLINE_EDIT_TOOLS,
          input: proposal.input,
          lane: proposal.lane,
          store: settings.store,
          toolChoice: 'required',
          parallelToolCalls: true,
          include: settings.store ? [] : ['reasoning.encrypted_content'],
        },
        {
          token: proposal.cts.token,
          onEvent: (event) => {
            if (event.kind === 'toolCallStarted') stream.onToolCallStarted(event.itemId, event.name);
            else if (event.kind === 'toolCallArgumentsDelta') stream.onArgumentsDelta(event.itemId, event.delta);
            else if (event.kind === 'textDelta') stream.onTextDelta(event.delta);
            else return;
            if (proposal.state !== 'streaming') return;
            const code = stream.code;
            if (code !== undefined && code !== proposal.code) {
              proposal.code = code;
              this.scheduleRender(proposal);
            }
          },
        },
      );
    } catch (error) {
      outcome = { kind: 'networkError', message: error instanceof Error ? error.message : String(error) };
    }
    if (proposal.state !== 'streaming') return; // cancelled meanwhile: already cleaned up
    if (outcome.kind === 'completed' || outcome.kind === 'incomplete') {
      proposal.metrics.push(outcome.metrics);
      proposal.output = outcome.output;
      const reply = parseReply(outcome.output);
      proposal.otherFiles = reply.otherFiles;
      if (reply.otherFiles.length > 0) {
        proposal.otherFileDecisions = this.host.otherFiles.review(reply.otherFiles, { label: proposal.label, uri: proposal.uri });
      }
      if (reply.code !== undefined) {
        proposal.code = reply.code;
        proposal.message = outcome.kind === 'incomplete' ? `The reply was cut short (${outcome.reason}); check it before accepting.` : undefined;
        proposal.finishRound('ready');
        this.changed(proposal);
        return;
      }
      const said = reply.text || (reply.otherFiles.length > 0 ? 'The change is in other files: keep or discard it in the review.' : 'The model proposed no change.');
      this.end(proposal, 'empty', said);
      void vscode.window.showInformationMessage(`Holdfast: ${said}`);
      return;
    }
    if (outcome.kind === 'cancelled') {
      this.end(proposal, 'cancelled', 'Cancelled.');
      return;
    }
    const message = describeFailure(outcome);
    this.host.log.warn(`${proposal.label} on ${proposal.lane} failed: ${message}`);
    this.end(proposal, 'failed', message);
    const actions = outcome.kind === 'authFailed' ? ['Set API Key'] : [];
    void vscode.window.showErrorMessage(`Holdfast: ${proposal.label} failed: ${message}`, ...actions).then((choice) => {
      if (choice === 'Set API Key') void vscode.commands.executeCommand('holdfast.setApiKey');
    });
  }

  // ─── Accept, reject, follow up, cancel ─────────────────────────────────────────────────────────

  /** Applies the proposal as one WorkspaceEdit (one undo step). False when there was nothing to apply. */
  async accept(proposal: Proposal | undefined): Promise<boolean> {
    if (!proposal || proposal.state !== 'ready' || proposal.code === undefined) return false;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === proposal.uri.toString());
    if (!document || document.version !== proposal.version) {
      this.end(proposal, 'cancelled', 'The document changed.');
      return false;
    }
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(proposal.uri, proposal.range, normaliseReplacement(proposal.code, eol, proposal.oldLines.at(-1) === ''));
    proposal.state = 'accepting';
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) {
      proposal.state = 'ready';
      void vscode.window.showErrorMessage('Holdfast: the edit could not be applied.');
      return false;
    }
    this.end(proposal, 'accepted');
    if (proposal.afterAccept) await proposal.afterAccept(proposal);
    return true;
  }

  /** Drops the proposal (cancelling its request if it is still streaming); the document is untouched. */
  reject(proposal: Proposal | undefined): void {
    if (!proposal || !proposal.isOpen) return;
    proposal.cts.cancel();
    this.end(proposal, 'rejected');
  }

  /** Cancels the proposal on `uri`, if any, e.g. because the document was edited. */
  cancel(uri: vscode.Uri, reason: string): void {
    const proposal = this.proposals.get(uri.toString());
    if (!proposal || !proposal.isOpen || proposal.state === 'accepting') return;
    this.host.log.info(`${proposal.label} on ${proposal.lane} cancelled: ${reason}.`);
    proposal.cts.cancel();
    this.end(proposal, 'cancelled', reason);
  }

  private async followUpCommand(proposal: Proposal | undefined, instruction: string | undefined): Promise<void> {
    if (!proposal || proposal.state !== 'ready') return;
    const typed = instruction ?? (await this.askInstruction('Follow-up on this proposal (e.g. "also add a doc comment")'));
    if (!typed?.trim()) return;
    const text = this.screenInstruction(typed);
    await this.host.globalState.update(HISTORY_KEY, rememberInstruction(this.history(), text));
    this.followUp(proposal, text);
  }

  /**
   * Continues the proposal's chain on its lane: previous input + the model's output + the follow-up,
   * which the transport sends as a delta. The region stays the original one.
   */
  followUp(proposal: Proposal, instruction: string): boolean {
    if (proposal.state !== 'ready') return false;
    proposal.input = buildFollowUpInput(proposal.input, proposal.output, instruction);
    proposal.restartRound();
    proposal.state = 'streaming';
    proposal.code = undefined;
    this.changed(proposal);
    void this.runRound(proposal);
    return true;
  }

  private async showDiff(proposal: Proposal | undefined): Promise<void> {
    if (!proposal || proposal.code === undefined) return;
    const document = await vscode.workspace.openTextDocument(proposal.uri);
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const text = document.getText();
    const start = document.offsetAt(proposal.range.start);
    const end = document.offsetAt(proposal.range.end);
    const proposed = text.slice(0, start) + normaliseReplacement(proposal.code, eol, proposal.oldLines.at(-1) === '') + text.slice(end);
    const name = vscode.workspace.asRelativePath(proposal.uri, false);
    const right = this.host.documents.create(`proposal/${name}`, proposed);
    await vscode.commands.executeCommand('vscode.diff', proposal.uri, right, `${name} ↔ Holdfast proposal`, { preview: true });
  }

  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (event.contentChanges.length === 0) return;
    this.cancel(event.document.uri, 'the document was edited');
  }

  private end(proposal: Proposal, state: ProposalState, message?: string): void {
    proposal.message = message;
    const key = proposal.uri.toString();
    if (this.proposals.get(key) === proposal) this.proposals.delete(key);
    const timer = this.renderTimers.get(key);
    if (timer) clearTimeout(timer);
    this.renderTimers.delete(key);
    for (const editor of this.editorsOf(proposal.uri)) this.decorations.clear(editor);
    proposal.settle(state);
    proposal.cts.dispose();
    this.changed(proposal);
  }

  // ─── Rendering ─────────────────────────────────────────────────────────────────────────────────

  private changed(proposal: Proposal): void {
    this.render(proposal);
    this.codeLensChanged.fire();
    this.updateContextKeys();
    this.proposalChanged.fire(proposal);
  }

  private scheduleRender(proposal: Proposal): void {
    const key = proposal.uri.toString();
    if (this.renderTimers.has(key)) return;
    this.renderTimers.set(
      key,
      setTimeout(() => {
        this.renderTimers.delete(key);
        if (proposal.isOpen) this.render(proposal);
      }, RENDER_INTERVAL_MS),
    );
  }

  private render(proposal: Proposal): void {
    if (!proposal.isOpen) return;
    const note =
      proposal.state === 'streaming'
        ? `Holdfast is writing… (${proposal.lane}; Esc to cancel)`
        : `Holdfast proposal — Ctrl+Enter to accept, Esc to reject${proposal.message ? ` — ${proposal.message}` : ''}`;
    for (const editor of this.editorsOf(proposal.uri)) {
      this.decorations.render(editor, proposal.range.start.line, proposal.oldLines, proposal.code, note);
    }
  }

  private editorsOf(uri: vscode.Uri): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((editor) => editor.document.uri.toString() === uri.toString());
  }

  private updateContextKeys(): void {
    const proposal = this.find();
    void vscode.commands.executeCommand('setContext', PROPOSAL_ACTIVE_KEY, proposal?.isOpen === true);
    void vscode.commands.executeCommand('setContext', PROPOSAL_READY_KEY, proposal?.state === 'ready');
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const proposal = this.proposals.get(document.uri.toString());
    if (!proposal || !proposal.isOpen) return [];
    const top = new vscode.Range(proposal.range.start, proposal.range.start);
    const uri = proposal.uri;
    if (proposal.state === 'streaming') {
      return [
        new vscode.CodeLens(top, { title: `$(loading~spin) Holdfast: ${proposal.label.toLowerCase()} streaming…`, command: '' }),
        new vscode.CodeLens(top, { title: 'Cancel (Esc)', command: 'holdfast.inlineEdit.reject', arguments: [uri] }),
      ];
    }
    return [
      new vscode.CodeLens(top, { title: '$(check) Accept (Ctrl+Enter)', command: 'holdfast.inlineEdit.accept', arguments: [uri] }),
      new vscode.CodeLens(top, { title: '$(close) Reject (Esc)', command: 'holdfast.inlineEdit.reject', arguments: [uri] }),
      new vscode.CodeLens(top, { title: '$(comment) Follow-up…', command: 'holdfast.inlineEdit.followUp', arguments: [uri] }),
      new vscode.CodeLens(top, { title: '$(diff) Show diff', command: 'holdfast.inlineEdit.showDiff', arguments: [uri] }),
    ];
  }

  dispose(): void {
    for (const proposal of [...this.proposals.values()]) this.cancel(proposal.uri, 'Holdfast is shutting down');
    for (const timer of this.renderTimers.values()) clearTimeout(timer);
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}

function describeFailure(outcome: Exclude<ModelOutcome, { kind: 'completed' | 'incomplete' | 'cancelled' }>): string {
  switch (outcome.kind) {
    case 'authFailed':
      return `the model server refused the API key (${outcome.message})`;
    case 'rateLimited':
      return `rate limited (${outcome.message})`;
    case 'networkError':
      return `could not reach the model server (${outcome.message})`;
    case 'serverError':
      return `the model server failed (${outcome.code}: ${outcome.message})`;
  }
}

function toSymbolNodes(symbols: ReadonlyArray<vscode.DocumentSymbol | vscode.SymbolInformation>): SymbolNode[] {
  return symbols.map((symbol) => {
    const range = 'range' in symbol ? symbol.range : symbol.location.range;
    return {
      kind: (vscode.SymbolKind[symbol.kind] ?? '').toLowerCase(),
      startLine: range.start.line,
      endLine: range.end.line,
      children: 'children' in symbol ? toSymbolNodes(symbol.children) : [],
    };
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
