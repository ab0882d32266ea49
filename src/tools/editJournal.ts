/**
 * Every edit the agent applies, per turn, with the text before and after, so that "revert this turn"
 * can restore every file the turn touched (deleting the files it created), and the UI can show a diff
 * of each change. The journal is plain data: the session persists it, so a revert works after a reload.
 */
import type { FileChange, Workspace } from './ports';

export interface JournalEntry {
  turnId: string;
  callId: string;
  /** Absolute path (port form). */
  path: string;
  /** Display path the model and the user see. */
  display: string;
  /** Content before the edit; undefined when the edit created the file. */
  before: string | undefined;
  after: string;
  at: number;
}

export interface RevertResult {
  /** Display paths restored (or deleted, for files the turn created). */
  reverted: string[];
  /** Display paths left alone because they changed after the turn's last edit (unless forced). */
  conflicts: string[];
  error: string | undefined;
}

export class EditJournal {
  private readonly entries: JournalEntry[];

  constructor(entries: readonly JournalEntry[] = []) {
    this.entries = [...entries];
  }

  record(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  entriesOf(turnId: string): JournalEntry[] {
    return this.entries.filter((e) => e.turnId === turnId);
  }

  /** Turns that have edits, oldest first. */
  turnIds(): string[] {
    return [...new Set(this.entries.map((e) => e.turnId))];
  }

  toJSON(): JournalEntry[] {
    return [...this.entries];
  }

  /**
   * Restores every file the turn touched to its content before the turn, as ONE workspace edit (one
   * Undo re-applies the turn). A file the user changed after the turn's last edit is a conflict and
   * is left alone unless `force`, so a revert never silently throws away the user's own work.
   */
  async revertTurn(turnId: string, workspace: Workspace, options: { force?: boolean } = {}): Promise<RevertResult> {
    const byPath = new Map<string, { display: string; original: string | undefined; last: string }>();
    for (const entry of this.entriesOf(turnId)) {
      const known = byPath.get(entry.path);
      if (known) known.last = entry.after;
      else byPath.set(entry.path, { display: entry.display, original: entry.before, last: entry.after });
    }
    const changes: FileChange[] = [];
    const reverted: string[] = [];
    const conflicts: string[] = [];
    for (const [path, { display, original, last }] of byPath) {
      const current = await readIfExists(workspace, path);
      if (current !== last && !options.force) {
        conflicts.push(display);
        continue;
      }
      if (original === undefined) {
        if (current !== undefined) changes.push({ kind: 'delete', path });
      } else if (current === undefined) {
        changes.push({ kind: 'create', path, text: original });
      } else if (current !== original) {
        changes.push({ kind: 'modify', path, baseText: current, replacements: [{ start: 0, end: current.length, newText: original }] });
      }
      reverted.push(display);
    }
    if (changes.length === 0) return { reverted, conflicts, error: undefined };
    const result = await workspace.applyEdit(changes);
    if (!result.applied) return { reverted: [], conflicts, error: result.reason };
    return { reverted, conflicts, error: undefined };
  }
}

async function readIfExists(workspace: Workspace, path: string): Promise<string | undefined> {
  const stat = await workspace.stat(path);
  if (!stat || stat.type !== 'file') return undefined;
  return workspace.readFile(path);
}
