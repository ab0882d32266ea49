/**
 * The edit cards the view was shown, and Keep / Undo on them. The view may decide only on cards it
 * was shown, once: Keep marks the card; Undo puts the file back to its content before that edit, as
 * one WorkspaceEdit (so VS Code's own undo can redo it), and is refused when the file changed since (a
 * later edit or the user's typing): nothing is thrown away silently. Pure (ports only).
 */
import type { SessionTranscriptView } from '../../protocol/webview';
import type { JournalEntry } from '../../tools/editJournal';
import type { Workspace } from '../../tools/ports';
import { editCardId } from './conversationView';
import type { DisplayEventOf } from './displayEvents';

type EditState = 'applied' | 'kept' | 'undone' | 'failed';

interface OfferedEdit {
  turnId: string;
  entry: JournalEntry;
  state: EditState;
}

export interface OfferedEditsOptions {
  workspace: Workspace;
  /** The running turn's id, if any: its edits are not undone while it runs. */
  runningTurnId(): string | undefined;
  /** An edit was undone: tell the model (between turns), so it reads the file again before editing it. */
  noteUndone(entry: JournalEntry): Promise<void>;
}

export class OfferedEdits {
  private readonly edits = new Map<string, OfferedEdit>();

  constructor(private readonly options: OfferedEditsOptions) {}

  /** A session is shown: its journal's edits, each in the state its card has in `view` (applied when it has none). */
  showSession(journal: readonly JournalEntry[], view: SessionTranscriptView): void {
    this.edits.clear();
    const cards = new Map(view.turns.flatMap((turn) => turn.items).flatMap((item) => (item.kind === 'edit' ? [[item.card.id, item.card.state] as const] : [])));
    journal.forEach((entry, index) => {
      const id = editCardId(index);
      this.edits.set(id, { turnId: entry.turnId, entry, state: cards.get(id) ?? 'applied' });
    });
  }

  /** The agent applied an edit: its card (`editId`) is offered; `kept` when the user kept it in its review (no second Keep). */
  offer(editId: string, turnId: string, entry: JournalEntry, kept = false): void {
    this.edits.set(editId, { turnId, entry, state: kept ? 'kept' : 'applied' });
  }

  ids(): string[] {
    return [...this.edits.keys()];
  }

  /** The view's Keep or Undo: the card's new state to show, or why it was refused. */
  async decide(editId: string, decision: 'keep' | 'undo'): Promise<{ show: DisplayEventOf<'editResolved'> } | { refused: string }> {
    const offered = this.edits.get(editId);
    if (!offered) return { refused: `edit ${editId}, which was not offered` };
    if (offered.state !== 'applied') return { refused: `edit ${editId}, which is already ${offered.state}` };
    if (decision === 'keep') {
      offered.state = 'kept';
      return { show: { type: 'editResolved', turnId: offered.turnId, editId, state: 'kept' } };
    }
    const result = await this.undo(offered.entry);
    if (result.ok) {
      offered.state = 'undone';
      return { show: { type: 'editResolved', turnId: offered.turnId, editId, state: 'undone' } };
    }
    // The card keeps its Undo buttons disabled in the view; tell why and leave the file alone.
    offered.state = 'failed';
    return { show: { type: 'editResolved', turnId: offered.turnId, editId, state: 'failed', message: result.message } };
  }

  private async undo(entry: JournalEntry): Promise<{ ok: true } | { ok: false; message: string }> {
    if (this.options.runningTurnId() === entry.turnId) return { ok: false, message: 'The turn is still running; stop it before undoing its edits.' };
    const workspace = this.options.workspace;
    const stat = await workspace.stat(entry.path);
    const current = stat?.type === 'file' ? await workspace.readFile(entry.path) : undefined;
    if (current !== entry.after) {
      return { ok: false, message: `Not undone: ${entry.display} changed after this edit (a later edit or your own changes). Use “Holdfast: Revert Last Turn” or edit it by hand.` };
    }
    const applied =
      entry.before === undefined
        ? await workspace.applyEdit([{ kind: 'delete', path: entry.path }])
        : await workspace.applyEdit([{ kind: 'modify', path: entry.path, baseText: current, replacements: [{ start: 0, end: current.length, newText: entry.before }] }]);
    if (!applied.applied) return { ok: false, message: `Not undone: ${applied.reason}` };
    await this.options.noteUndone(entry);
    return { ok: true };
  }
}
