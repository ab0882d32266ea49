/**
 * Holdfast's own checkpoints (no git): every edit the agent applies is added to its turn's checkpoint
 * (the first "before" and the latest "after" of each file), and "Restore code to here" puts every file
 * touched from a turn on back to its state before that turn, as one workspace edit, recorded as a
 * checkpoint of its own so it can be undone the same way. Writes per session are serialised. Pure.
 */
import type { JournalEntry } from '../editJournal';
import type { FileChange, Workspace } from '../ports';
import { BlobStore, type CheckpointFiles, hashText } from './blobStore';
import { type Checkpoint, type CheckpointFile, type FileState, readCheckpointLog, sameContent, writeCheckpointLog } from './checkpointLog';
import { filesToWrite, pathsTouchedFrom, planRestore, type PlannedFile, type RestorePlan } from './restorePlan';

export interface CheckpointerOptions {
  files: CheckpointFiles;
  now(): number;
  newId(): string;
  capBytes?: number;
}

export interface RecordResult {
  /** Display paths whose content was too large to checkpoint (a restore cannot bring them back). */
  tooLarge: string[];
}

export type RestoreResult =
  | { ok: true; written: string[]; keptHandEdits: string[]; unavailable: string[]; checkpointId: string | undefined }
  | { ok: false; message: string };

export class Checkpointer {
  private readonly blobs: BlobStore;
  private readonly logs = new Map<string, Promise<Checkpoint[]>>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: CheckpointerOptions) {
    this.blobs = new BlobStore(options.files, options.capBytes);
  }

  get capBytes(): number {
    return this.blobs.capBytes;
  }

  /** The session's checkpoints, oldest first. Throws CheckpointCorruptError on damaged data. */
  list(sessionId: string): Promise<Checkpoint[]> {
    return this.enqueue(sessionId, async () => [...(await this.log(sessionId))]);
  }

  /** Adds an applied edit to its turn's checkpoint. */
  recordEdit(sessionId: string, entry: JournalEntry): Promise<RecordResult> {
    return this.enqueue(sessionId, async () => {
      const tooLarge: string[] = [];
      const state = async (text: string | undefined): Promise<FileState> => {
        const stored = await this.store(text);
        if (stored.kind === 'tooLarge') tooLarge.push(entry.display);
        return stored;
      };
      const log = await this.log(sessionId);
      let checkpoint = log.at(-1);
      if (checkpoint?.kind !== 'turn' || checkpoint.turnId !== entry.turnId) {
        checkpoint = { id: this.options.newId(), kind: 'turn', turnId: entry.turnId, at: entry.at, files: [] };
        log.push(checkpoint);
      }
      const after = await state(entry.after);
      const known = checkpoint.files.find((f) => f.path === entry.path);
      if (known) known.after = after;
      else checkpoint.files.push({ path: entry.path, display: entry.display, before: await state(entry.before), after });
      await writeCheckpointLog(this.options.files, sessionId, log);
      return { tooLarge: [...new Set(tooLarge)] };
    });
  }

  /**
   * The plan to restore to before `turnId`: before its first checkpoint, or, when it changed no file,
   * before the first checkpoint of a later turn (`turnOrder`: the session's turn ids, oldest first).
   * Undefined when neither that turn nor any later one changed a file.
   */
  planTurnRestore(sessionId: string, turnId: string, workspace: Workspace, turnOrder: readonly string[] = [turnId]): Promise<RestorePlan | undefined> {
    const position = turnOrder.indexOf(turnId);
    const fromThere = new Set(position < 0 ? [turnId] : turnOrder.slice(position));
    return this.plan(sessionId, (log) => log.findIndex((c) => c.kind === 'turn' && fromThere.has(c.turnId)), workspace);
  }

  /** The plan that undoes the latest restore; undefined when there is none. */
  planUndoLastRestore(sessionId: string, workspace: Workspace): Promise<RestorePlan | undefined> {
    return this.plan(sessionId, (log) => log.map((c) => c.kind).lastIndexOf('restore'), workspace);
  }

  /**
   * Writes the plan (skipping hand-edited files when `keepHandEdits`, and the paths in `leave`) as one
   * workspace edit, refusing when any file changed since the plan was made, and records it as a
   * `restore` checkpoint.
   */
  applyRestore(plan: RestorePlan, workspace: Workspace, options: { keepHandEdits: boolean; leave?: ReadonlySet<string> }): Promise<RestoreResult> {
    return this.enqueue(plan.sessionId, async () => {
      const leave = options.leave ?? new Set<string>();
      const toWrite = filesToWrite(plan, options.keepHandEdits).filter((f) => !leave.has(f.path));
      const unavailable = plan.files.filter((f) => f.action === 'unavailable').map((f) => f.display);
      const keptHandEdits = plan.files.filter((f) => f.handEdited && f.action !== 'unchanged' && !toWrite.includes(f)).map((f) => f.display);
      const changes: FileChange[] = [];
      const files: CheckpointFile[] = [];
      for (const file of toWrite) {
        const text = await readText(workspace, file.path);
        const now = await this.store(text);
        if (!sameContent(now, file.current)) {
          return { ok: false, message: `${file.display} changed since the preview; nothing was restored. Try again.` };
        }
        changes.push(await this.changeFor(file, text));
        files.push({ path: file.path, display: file.display, before: now, after: file.target });
      }
      if (changes.length === 0) return { ok: true, written: [], keptHandEdits, unavailable, checkpointId: undefined };
      const applied = await workspace.applyEdit(changes);
      if (!applied.applied) return { ok: false, message: `The files could not be restored: ${applied.reason}` };
      const checkpoint: Checkpoint = { id: this.options.newId(), kind: 'restore', turnId: plan.turnId, at: this.options.now(), files };
      const log = await this.log(plan.sessionId);
      log.push(checkpoint);
      await writeCheckpointLog(this.options.files, plan.sessionId, log);
      return { ok: true, written: toWrite.map((f) => f.display), keptHandEdits, unavailable, checkpointId: checkpoint.id };
    });
  }

  private async changeFor(file: PlannedFile, current: string | undefined): Promise<FileChange> {
    if (file.target.kind === 'absent') return { kind: 'delete', path: file.path };
    if (file.target.kind !== 'text') throw new Error('unavailable files are never written');
    const text = await this.blobs.get(file.target.hash, file.display);
    if (current === undefined) return { kind: 'create', path: file.path, text };
    return { kind: 'modify', path: file.path, baseText: current, replacements: [{ start: 0, end: current.length, newText: text }] };
  }

  private plan(sessionId: string, find: (log: readonly Checkpoint[]) => number, workspace: Workspace): Promise<RestorePlan | undefined> {
    return this.enqueue(sessionId, async () => {
      const log = await this.log(sessionId);
      const index = find(log);
      if (index < 0) return undefined;
      const current = new Map<string, FileState>();
      for (const path of pathsTouchedFrom(log, index).keys()) current.set(path, await currentState(workspace, path));
      return planRestore(sessionId, log, index, current);
    });
  }

  /** Stores a text (or notes it absent / too large). */
  private async store(text: string | undefined): Promise<FileState> {
    if (text === undefined) return { kind: 'absent' };
    const put = await this.blobs.put(text);
    return put.stored ? { kind: 'text', hash: put.hash } : { kind: 'tooLarge', hash: await hashText(text), size: put.size };
  }

  private log(sessionId: string): Promise<Checkpoint[]> {
    let log = this.logs.get(sessionId);
    if (!log) {
      log = readCheckpointLog(this.options.files, sessionId);
      this.logs.set(sessionId, log);
      // A damaged log is re-read next time (the user may repair or delete it), not cached as an error.
      log.catch(() => this.logs.delete(sessionId));
    }
    return log;
  }

  private enqueue<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(sessionId) ?? Promise.resolve()).then(work, work);
    this.queues.set(sessionId, run.catch(() => undefined));
    return run;
  }
}

async function readText(workspace: Workspace, path: string): Promise<string | undefined> {
  const stat = await workspace.stat(path);
  return stat?.type === 'file' ? workspace.readFile(path) : undefined;
}

/** A workspace file's state, hashed whatever its size (only storing is capped). */
async function currentState(workspace: Workspace, path: string): Promise<FileState> {
  const text = await readText(workspace, path);
  return text === undefined ? { kind: 'absent' } : { kind: 'text', hash: await hashText(text) };
}
