import * as vscode from 'vscode';
import type { Proposal } from './proposal';
import { ProposalDecorations, type RenderedProposal } from './proposalDecorations';

/** Redraws of a streaming proposal are at most this often. */
const RENDER_INTERVAL_MS = 40;

/** Draws proposals in every visible editor of their document: live while streaming, at once on a change of state. */
export class ProposalView implements vscode.Disposable {
  private readonly decorations = new ProposalDecorations();
  private readonly renderTimers = new Map<string, NodeJS.Timeout>();

  /** Redraws soon; several calls within the interval make one redraw. */
  scheduleRender(proposal: Proposal): void {
    const key = proposal.uri.toString();
    if (this.renderTimers.has(key)) return;
    this.renderTimers.set(
      key,
      setTimeout(() => {
        this.renderTimers.delete(key);
        this.update(proposal);
      }, RENDER_INTERVAL_MS),
    );
  }

  /** Draws the proposal now if it is shown, else removes it. */
  update(proposal: Proposal): void {
    if (!proposal.isShown) {
      this.clear(proposal);
      return;
    }
    const note =
      proposal.state === 'streaming'
        ? `Holdfast is writing… (${proposal.lane}; Esc to cancel)`
        : `Holdfast proposal — Ctrl+Enter to accept, Esc to reject (or the buttons in the editor title)${proposal.message ? ` — ${proposal.message}` : ''}`;
    for (const editor of editorsOf(proposal.uri)) {
      this.decorations.render(editor, proposal.range.start.line, proposal.oldLines, proposal.code, note);
    }
  }

  clear(proposal: Proposal): void {
    const key = proposal.uri.toString();
    clearTimeout(this.renderTimers.get(key));
    this.renderTimers.delete(key);
    for (const editor of editorsOf(proposal.uri)) this.decorations.clear(editor);
  }

  /** What is drawn for `uri` in its first visible editor. */
  renderedFor(uri: vscode.Uri): RenderedProposal | undefined {
    const editor = editorsOf(uri)[0];
    return editor ? this.decorations.renderedIn(editor) : undefined;
  }

  dispose(): void {
    for (const timer of this.renderTimers.values()) clearTimeout(timer);
    this.renderTimers.clear();
    this.decorations.dispose();
  }
}

function editorsOf(uri: vscode.Uri): vscode.TextEditor[] {
  return vscode.window.visibleTextEditors.filter((editor) => editor.document.uri.toString() === uri.toString());
}
