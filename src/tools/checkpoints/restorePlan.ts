/**
 * What "Restore code to here" will do, before it does it: for every file touched at or after the
 * target checkpoint, the state to put back (its state before the first checkpoint from there on that
 * touched it), the state it has now, and the state Holdfast left it in. A file whose current content
 * is not what Holdfast left is a hand edit (the user's typing, a command, another tool): the preview
 * shows it and the user chooses to keep it or overwrite it. Pure and synchronous.
 */
import type { Checkpoint, FileState } from './checkpointLog';
import { sameContent } from './checkpointLog';

export type PlannedAction = 'modify' | 'create' | 'delete' | 'unchanged' | 'unavailable';

export interface PlannedFile {
  path: string;
  display: string;
  /** The state the restore puts back. */
  target: FileState;
  /** The state the workspace has now. */
  current: FileState;
  /** The state Holdfast's latest checkpoint left the file in. */
  expected: FileState;
  /** `unavailable`: its earlier content was too large to checkpoint, so it cannot be put back. */
  action: PlannedAction;
  /** Changed since Holdfast last touched it (by hand or by anything other than the agent's edits). */
  handEdited: boolean;
}

export interface RestorePlan {
  sessionId: string;
  /** The checkpoint restored to (its "before"). */
  checkpointId: string;
  kind: Checkpoint['kind'];
  turnId: string;
  files: PlannedFile[];
}

/** The paths touched from `index` on, each with its display path, in first-touched order. */
export function pathsTouchedFrom(checkpoints: readonly Checkpoint[], index: number): Map<string, string> {
  const paths = new Map<string, string>();
  for (const checkpoint of checkpoints.slice(index)) for (const file of checkpoint.files) if (!paths.has(file.path)) paths.set(file.path, file.display);
  return paths;
}

export function planRestore(sessionId: string, checkpoints: readonly Checkpoint[], index: number, current: ReadonlyMap<string, FileState>): RestorePlan {
  const at = checkpoints[index];
  if (!at) throw new Error(`no checkpoint at ${index}`);
  const files: PlannedFile[] = [];
  for (const [path, display] of pathsTouchedFrom(checkpoints, index)) {
    const target = firstBefore(checkpoints, index, path)!;
    const expected = lastAfter(checkpoints, path)!;
    const now = current.get(path) ?? { kind: 'absent' };
    files.push({ path, display, target, current: now, expected, action: actionFor(target, now), handEdited: !sameContent(now, expected) });
  }
  return { sessionId, checkpointId: at.id, kind: at.kind, turnId: at.turnId, files };
}

function actionFor(target: FileState, current: FileState): PlannedAction {
  if (sameContent(target, current)) return 'unchanged';
  if (target.kind === 'tooLarge') return 'unavailable';
  if (target.kind === 'absent') return 'delete';
  return current.kind === 'absent' ? 'create' : 'modify';
}

function firstBefore(checkpoints: readonly Checkpoint[], index: number, path: string): FileState | undefined {
  for (const checkpoint of checkpoints.slice(index)) {
    const file = checkpoint.files.find((f) => f.path === path);
    if (file) return file.before;
  }
  return undefined;
}

function lastAfter(checkpoints: readonly Checkpoint[], path: string): FileState | undefined {
  for (let i = checkpoints.length - 1; i >= 0; i--) {
    const file = checkpoints[i]!.files.find((f) => f.path === path);
    if (file) return file.after;
  }
  return undefined;
}

/** The files a restore would write: all changes, minus the hand-edited ones when the user keeps them. */
export function filesToWrite(plan: RestorePlan, keepHandEdits: boolean): PlannedFile[] {
  return plan.files.filter((f) => f.action !== 'unchanged' && f.action !== 'unavailable' && !(keepHandEdits && f.handEdited));
}
