import * as vscode from 'vscode';
import { Emitter } from '../../common/event';
import { freeLane } from '../../agent/inlineEdit/history';
import { buildFollowUpInput, buildInlineEditInput } from '../../agent/inlineEdit/prompt';
import { runProposalRound, type ProposalRoundResult } from '../../agent/inlineEdit/proposalRound';
import { CONTEXT_LINES, splitAround, type LineRegion } from '../../agent/inlineEdit/ranges';
import { normaliseReplacement } from '../../agent/inlineEdit/reply';
import type { SingleShotSettings } from '../../agent/singleShot';
import type { ModelClient } from '../../transport/modelClient';
import type { HostLog } from '../../host/log';
import { InstructionPrompt, type InstructionHost } from './instructionPrompt';
import type { OtherFileReview } from './otherFileReview';
import { Proposal, type ProposalSpec, type ProposalState } from './proposal';
import type { RenderedProposal } from './proposalDecorations';
import { ProposalContextKeys } from './proposalContextKeys';
import { ProposalView } from './proposalView';
import { chooseRegion } from './regionChoice';
import type { VirtualDocuments } from './virtualDocuments';

// Where the pieces moved to; other modules and tests import them from here.
export { INSTRUCTION_KEY_REMOVED } from './instructionPrompt';
export { Proposal, type ProposalSpec, type ProposalState } from './proposal';
export { PROPOSAL_ACTIVE_KEY, PROPOSAL_READY_KEY } from './proposalContextKeys';

export interface InlineEditHost extends InstructionHost {
  client(): ModelClient;
  settings(): SingleShotSettings;
  readonly log: HostLog;
  readonly documents: VirtualDocuments;
  readonly otherFiles: OtherFileReview;
}

/**
 * Inline edit: a region of the active editor, an instruction, the rewrite streamed on a lane of its own
 * (`inline-<n>`, concurrent with a chat turn on the default lane) and drawn as a live diff with
 * decorations. Accept applies one WorkspaceEdit (one undo step); Reject, Escape or any edit of the
 * document meanwhile leaves the document as it was. A follow-up continues the same chain on the same lane.
 * The pieces: the instruction (instructionPrompt), the region (regionChoice), the model call
 * (agent/inlineEdit/proposalRound), the drawing (proposalView) and the controls (the editor title buttons behind proposalContextKeys).
 */
export class InlineEditController implements vscode.Disposable {
  private readonly proposals = new Map<string, Proposal>();
  private readonly instructions: InstructionPrompt;
  private readonly view = new ProposalView();
  private readonly contextKeys = new ProposalContextKeys();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly proposalChanged = new Emitter<Proposal>();
  /** Fires on every state change of any proposal (tests and the code actions listen). */
  readonly onDidChangeProposal = this.proposalChanged.event;
  private nextId = 1;

  constructor(private readonly host: InlineEditHost) {
    this.instructions = new InstructionPrompt(host);
    this.disposables.push(
      this.view,
      this.proposalChanged,
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.cancel(document.uri, 'the document was closed')),
      vscode.window.onDidChangeActiveTextEditor(() => this.contextKeys.refresh(this.find())),
      vscode.window.onDidChangeVisibleTextEditors(() => {
        for (const proposal of this.proposals.values()) this.view.update(proposal);
      }),
      vscode.commands.registerCommand('holdfast.inlineEdit.accept', (uri?: vscode.Uri) => this.accept(this.find(uri))),
      vscode.commands.registerCommand('holdfast.inlineEdit.reject', (uri?: vscode.Uri) => this.reject(this.find(uri))),
      vscode.commands.registerCommand('holdfast.inlineEdit.followUp', (uri?: vscode.Uri, instruction?: unknown) =>
        this.followUpCommand(this.find(uri), typeof instruction === 'string' ? instruction : undefined),
      ),
      vscode.commands.registerCommand('holdfast.inlineEdit.showDiff', (uri?: vscode.Uri) => this.showDiff(this.find(uri))),
    );
  }

  /** The last information message about an instruction (tests read and reset it). */
  get lastNotice(): string | undefined {
    return this.instructions.lastNotice;
  }

  set lastNotice(notice: string | undefined) {
    this.instructions.lastNotice = notice;
  }

  /** Recent instructions, newest first. */
  history(): string[] {
    return this.instructions.history();
  }

  /** The proposal on `uri` (or the active editor's document), if one is open. */
  proposalFor(uri?: vscode.Uri): Proposal | undefined {
    return this.find(uri);
  }

  /** What is drawn for the proposal on `uri` now, and the context keys as last set (tests read both). */
  shownFor(uri: vscode.Uri): { rendered: RenderedProposal | undefined; contextKeys: { active: boolean; ready: boolean } } {
    return { rendered: this.view.renderedFor(uri), contextKeys: { ...this.contextKeys.current } };
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
    const instruction = await this.instructions.take(typeof given === 'string' ? given : undefined);
    if (instruction === undefined) return undefined;
    const region = await this.regionFor(editor);
    return this.start({
      editor,
      region,
      lanePrefix: 'inline',
      label: 'Inline edit',
      input: (context) => buildInlineEditInput(instruction, context),
    });
  }

  /** The selection's whole lines; with no selection, the enclosing function, else the current line. */
  regionFor(editor: vscode.TextEditor): Promise<LineRegion> {
    return chooseRegion(editor);
  }

  /** Starts a proposal (cancelling any other on the same document) and streams its first round. */
  start(spec: ProposalSpec): Proposal {
    const document = spec.editor.document;
    this.cancel(document.uri, 'a new proposal replaced it');
    const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
    const startLine = Math.max(0, Math.min(spec.region.startLine, document.lineCount - 1));
    const endLine = Math.max(startLine, Math.min(spec.region.endLine, document.lineCount - 1));
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
    proposal.input = spec.input({
      path: vscode.workspace.asRelativePath(document.uri, false),
      languageId: document.languageId,
      startLine,
      ...splitAround(lines, { startLine, endLine }, CONTEXT_LINES),
    });
    this.changed(proposal);
    void this.runRound(proposal);
    return proposal;
  }

  // ─── Streaming ─────────────────────────────────────────────────────────────────────────────────

  private async runRound(proposal: Proposal): Promise<void> {
    const result = await runProposalRound(this.host.client(), this.host.settings(), {
      lane: proposal.lane,
      input: proposal.input,
      token: proposal.cts.token,
      onCode: (code) => {
        if (proposal.state !== 'streaming') return;
        proposal.code = code;
        this.view.scheduleRender(proposal);
      },
    });
    if (proposal.state !== 'streaming') return; // cancelled meanwhile: already cleaned up
    this.finishRound(proposal, result);
  }

  private finishRound(proposal: Proposal, result: ProposalRoundResult): void {
    if (result.kind === 'cancelled') {
      this.end(proposal, 'cancelled', 'Cancelled.');
      return;
    }
    if (result.kind === 'failed') {
      this.host.log.warn(`${proposal.label} on ${proposal.lane} failed: ${result.message}`);
      this.end(proposal, 'failed', result.message);
      const actions = result.failure.kind === 'authFailed' ? ['Set API Key'] : [];
      void vscode.window.showErrorMessage(`Holdfast: ${proposal.label} failed. ${result.message}`, ...actions).then((choice) => {
        if (choice === 'Set API Key') void vscode.commands.executeCommand('holdfast.setApiKey');
      });
      return;
    }
    proposal.metrics.push(result.metrics);
    proposal.output = result.output;
    proposal.otherFiles = result.otherFiles;
    if (result.otherFiles.length > 0) {
      proposal.otherFileDecisions = this.host.otherFiles.review(result.otherFiles, { label: proposal.label, uri: proposal.uri });
    }
    if (result.kind === 'empty') {
      this.end(proposal, 'empty', result.said);
      void vscode.window.showInformationMessage(`Holdfast: ${result.said}`);
      return;
    }
    proposal.code = result.code;
    proposal.message = result.warning;
    proposal.finishRound('ready');
    this.changed(proposal);
  }

  // ─── Accept, reject, follow up, cancel ─────────────────────────────────────────────────────────

  /**
   * Applies the proposal as one WorkspaceEdit (one undo step). Its drawing and controls go the moment
   * it is chosen, before the edit lands. False when there was nothing to apply.
   */
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
    this.changed(proposal);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) {
      proposal.state = 'ready';
      this.changed(proposal);
      void vscode.window.showErrorMessage('Holdfast: the edit could not be applied.');
      return false;
    }
    this.end(proposal, 'accepted');
    if (proposal.afterAccept) await proposal.afterAccept(proposal);
    return true;
  }

  /** Drops the proposal (cancelling its request if it is still streaming); the document is untouched. */
  reject(proposal: Proposal | undefined): void {
    if (!proposal?.isShown) return;
    proposal.cts.cancel();
    this.end(proposal, 'rejected');
  }

  /** Cancels the proposal on `uri`, if any, e.g. because the document was edited. */
  cancel(uri: vscode.Uri, reason: string): void {
    const proposal = this.proposals.get(uri.toString());
    if (!proposal?.isShown) return;
    this.host.log.info(`${proposal.label} on ${proposal.lane} cancelled: ${reason}.`);
    proposal.cts.cancel();
    this.end(proposal, 'cancelled', reason);
  }

  private async followUpCommand(proposal: Proposal | undefined, instruction: string | undefined): Promise<void> {
    if (!proposal || proposal.state !== 'ready') return;
    const text = await this.instructions.take(instruction, 'Follow-up on this proposal (e.g. "also add a doc comment")');
    if (text !== undefined) this.followUp(proposal, text);
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
    proposal.settle(state);
    proposal.cts.dispose();
    this.changed(proposal);
  }

  /** Redraws the proposal (or removes it) and its controls, and tells the listeners. */
  private changed(proposal: Proposal): void {
    this.view.update(proposal);
    this.contextKeys.refresh(this.find());
    this.proposalChanged.fire(proposal);
  }

  dispose(): void {
    for (const proposal of [...this.proposals.values()]) this.cancel(proposal.uri, 'Holdfast is shutting down');
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}
