import * as vscode from 'vscode';
import type { Proposal } from './proposal';

export const PROPOSAL_ACTIVE_KEY = 'holdfast.inlineProposalActive';
export const PROPOSAL_READY_KEY = 'holdfast.inlineProposalReady';

/**
 * A proposal's controls: CodeLens above its region (streaming…/Cancel, then Accept, Reject, Follow-up,
 * Show diff) and the context keys behind the keybindings and the editor title buttons. Both follow the
 * proposal's state at once; VS Code redraws CodeLens on its own schedule after being told.
 */
export class ProposalLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** The context keys as last set (tests read them; VS Code offers no way to read a context key). */
  readonly contextKeys = { active: false, ready: false };
  private readonly registrations: vscode.Disposable[];

  constructor(private readonly proposalOn: (uri: vscode.Uri) => Proposal | undefined) {
    this.registrations = [
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this),
      vscode.languages.registerCodeLensProvider({ scheme: 'untitled' }, this),
    ];
  }

  /** Tells VS Code the lenses changed and sets the context keys for the proposal of the active editor. */
  refresh(active: Proposal | undefined): void {
    this.changed.fire();
    this.contextKeys.active = active?.isShown === true;
    this.contextKeys.ready = active?.state === 'ready';
    void vscode.commands.executeCommand('setContext', PROPOSAL_ACTIVE_KEY, this.contextKeys.active);
    void vscode.commands.executeCommand('setContext', PROPOSAL_READY_KEY, this.contextKeys.ready);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const proposal = this.proposalOn(document.uri);
    if (!proposal?.isShown) return [];
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
    for (const registration of this.registrations) registration.dispose();
    this.changed.dispose();
  }
}
