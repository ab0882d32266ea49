/**
 * "Restore code to here" and "Undo restore": a preview (a multi-select QuickPick of every file that
 * will change; files the user edited since Holdfast's last checkpoint are flagged and left unticked,
 * so keeping them is the default), then one workspace edit. Scripts and tests pass `handEdits`
 * ('keep' | 'overwrite') to skip the preview, or `preview: true` to get the plan without applying it.
 */
import * as vscode from 'vscode';
import type { HostCheckpoints, PlanOutcome } from '../host/checkpoints/hostCheckpoints';
import type { PlannedFile, RestorePlan } from '../tools/checkpoints/restorePlan';

export interface RestoreArguments {
  sessionId?: string;
  turnId?: string;
  handEdits?: 'keep' | 'overwrite';
  preview?: boolean;
}

export type RestoreCommandResult =
  | { kind: 'preview'; files: Array<Pick<PlannedFile, 'display' | 'action' | 'handEdited'>> }
  | { kind: 'restored'; written: string[]; keptHandEdits: string[]; unavailable: string[] }
  | { kind: 'nothing' | 'busy' | 'cancelled' }
  | { kind: 'failed'; message: string };

const ACTION_WORDS: Record<PlannedFile['action'], string> = {
  modify: 'put back',
  create: 'brought back (deleted since)',
  delete: 'removed (created since)',
  unchanged: 'already as it was',
  unavailable: 'cannot be restored: too large to checkpoint',
};

export function parseRestoreArguments(argument: unknown): RestoreArguments {
  if (argument === null || typeof argument !== 'object') return {};
  const a = argument as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined);
  return {
    sessionId: text(a.sessionId),
    turnId: text(a.turnId),
    handEdits: a.handEdits === 'keep' || a.handEdits === 'overwrite' ? a.handEdits : undefined,
    preview: a.preview === true,
  };
}

/** `turns`: the active chat's turns, for the palette's pick when no turn is given. */
export async function restoreCodeToTurn(checkpoints: HostCheckpoints, argument: unknown, turns: () => Promise<ReadonlyArray<{ id: string; userText: string }>>): Promise<RestoreCommandResult> {
  const args = parseRestoreArguments(argument);
  const turnId = args.turnId ?? (await pickTurn(await turns()));
  if (turnId === undefined) return { kind: 'cancelled' };
  return run(checkpoints, await checkpoints.planTurn(args.sessionId, turnId), args, 'restore');
}

async function pickTurn(turns: ReadonlyArray<{ id: string; userText: string }>): Promise<string | undefined> {
  if (turns.length === 0) {
    void vscode.window.showInformationMessage('Holdfast: this chat has no turns yet.');
    return undefined;
  }
  const items = [...turns].reverse().map((turn, index) => ({ label: `Turn ${turns.length - index}`, description: turn.userText.slice(0, 120), id: turn.id }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Restore code to before which turn?', placeHolder: 'The files go back as they were before it; a preview comes first.' });
  return picked?.id;
}

export async function undoRestoreCode(checkpoints: HostCheckpoints, argument: unknown): Promise<RestoreCommandResult> {
  const args = parseRestoreArguments(argument);
  return run(checkpoints, await checkpoints.planUndo(args.sessionId), args, 'undo');
}

async function run(checkpoints: HostCheckpoints, outcome: PlanOutcome, args: RestoreArguments, mode: 'restore' | 'undo'): Promise<RestoreCommandResult> {
  if (outcome.kind === 'busy') {
    void vscode.window.showInformationMessage('Holdfast: a turn is running in this chat; stop it before restoring code.');
    return outcome;
  }
  if (outcome.kind === 'failed') {
    void vscode.window.showErrorMessage(`Holdfast: ${outcome.message}`);
    return outcome;
  }
  if (outcome.kind === 'nothing') {
    if (args.handEdits === undefined && !args.preview) void vscode.window.showInformationMessage(mode === 'undo' ? 'Holdfast: there is no restore to undo in this chat.' : 'Holdfast: that turn changed no files.');
    return outcome;
  }
  const plan = outcome.plan;
  if (args.preview) return { kind: 'preview', files: plan.files.map(({ display, action, handEdited }) => ({ display, action, handEdited })) };
  const leave = args.handEdits === undefined ? await pickFiles(plan, mode) : new Set<string>();
  if (leave === undefined) return { kind: 'cancelled' };
  const result = await checkpoints.apply(plan, { keepHandEdits: args.handEdits === 'keep', leave });
  if (!result.ok) {
    void vscode.window.showErrorMessage(`Holdfast: ${result.message}`);
    return { kind: 'failed', message: result.message };
  }
  if (args.handEdits === undefined) void announce(checkpoints, result.written, result.keptHandEdits, result.unavailable, mode);
  return { kind: 'restored', written: result.written, keptHandEdits: result.keptHandEdits, unavailable: result.unavailable };
}

/** The preview: every file that changes; the ticked ones are written. Resolves with the paths to leave alone, or undefined when cancelled. */
async function pickFiles(plan: RestorePlan, mode: 'restore' | 'undo'): Promise<Set<string> | undefined> {
  type Item = vscode.QuickPickItem & { path?: string };
  const changing = plan.files.filter((f) => f.action !== 'unchanged');
  if (changing.length === 0) {
    void vscode.window.showInformationMessage('Holdfast: every file is already as it was before that turn.');
    return undefined;
  }
  const items: Item[] = changing.map((file) => ({
    label: file.display,
    description: ACTION_WORDS[file.action],
    detail: file.handEdited ? '$(warning) Changed since the agent last touched it (by you or a command). Untick to keep your version.' : undefined,
    picked: !file.handEdited && file.action !== 'unavailable',
    path: file.path,
  }));
  const handEdited = changing.filter((f) => f.handEdited).length;
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: mode === 'undo' ? 'Undo the last code restore' : 'Restore code to before this turn',
    placeHolder:
      (handEdited ? `${handEdited} file(s) changed since (unticked: kept as they are). ` : '') +
      'Edits in these turns you have not kept or undone are reverted too; their cards stay. The chat is not changed.',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const chosen = new Set(picked.map((p) => p.path));
  return new Set(changing.filter((f) => !chosen.has(f.path)).map((f) => f.path));
}

async function announce(checkpoints: HostCheckpoints, written: string[], kept: string[], unavailable: string[], mode: 'restore' | 'undo'): Promise<void> {
  const parts = [written.length ? `${mode === 'undo' ? 'Undid the restore of' : 'Restored'} ${written.join(', ')}.` : 'Nothing was written.'];
  if (kept.length) parts.push(`Kept your changes to ${kept.join(', ')}.`);
  if (unavailable.length) parts.push(`Could not restore ${unavailable.join(', ')} (too large to checkpoint).`);
  const undo = mode === 'restore' && written.length ? 'Undo Restore' : undefined;
  const answer = await vscode.window.showInformationMessage(`Holdfast: ${parts.join(' ')}`, ...(undo ? [undo] : []));
  if (answer === undo && undo) await undoRestoreCode(checkpoints, {});
}
