import * as vscode from 'vscode';
import type { Proposal } from './proposal';

export const PROPOSAL_ACTIVE_KEY = 'holdfast.inlineProposalActive';
export const PROPOSAL_READY_KEY = 'holdfast.inlineProposalReady';

/**
 * The context keys behind a proposal's controls: the editor title buttons (Accept, Reject, Follow-up,
 * Show diff) and the keybindings (Ctrl+Enter, Esc). No CodeLens: VS Code redraws lenses on its own
 * schedule, so Accept/Reject lenses lingered 0.4–2.3 s after being chosen; title buttons and
 * decorations follow the proposal's state at once.
 */
export class ProposalContextKeys {
  /** The keys as last set (tests read them; VS Code offers no way to read a context key). */
  readonly current = { active: false, ready: false };

  /** Sets the keys for the proposal of the active editor. */
  refresh(active: Proposal | undefined): void {
    this.current.active = active?.isShown === true;
    this.current.ready = active?.state === 'ready';
    void vscode.commands.executeCommand('setContext', PROPOSAL_ACTIVE_KEY, this.current.active);
    void vscode.commands.executeCommand('setContext', PROPOSAL_READY_KEY, this.current.ready);
  }
}
