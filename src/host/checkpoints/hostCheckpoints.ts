import * as vscode from 'vscode';
import { randomUUID } from '../../common/ids';
import { DisposableStore } from '../../common/disposable';
import { CheckpointCorruptError } from '../../tools/checkpoints/blobStore';
import { Checkpointer, type RestoreResult } from '../../tools/checkpoints/checkpointer';
import type { RestorePlan } from '../../tools/checkpoints/restorePlan';
import type { AgentHost } from '../agentHost';
import type { Logger } from '../log';
import { StorageCheckpointFiles } from './storageCheckpointFiles';

export type PlanOutcome = { kind: 'plan'; plan: RestorePlan } | { kind: 'nothing' } | { kind: 'busy' } | { kind: 'failed'; message: string };

/**
 * The window's checkpoints: every edit the agent applies goes into its turn's checkpoint (in the
 * extension's workspace storage), and restores are planned and applied on the tools' workspace port.
 * A checkpoint that cannot be written is logged and said once; the edit itself stands.
 */
export class HostCheckpoints implements vscode.Disposable {
  readonly checkpointer: Checkpointer;
  private readonly store = new DisposableStore();
  /** Recordings still being written (a restore plans after them). */
  private pending: Promise<unknown> = Promise.resolve();
  private warnedTooLarge = new Set<string>();

  constructor(
    storageRoot: vscode.Uri,
    private readonly agentHost: Pick<AgentHost, 'onEvent' | 'agent' | 'services' | 'activeSession' | 'sessions'>,
    private readonly log: Logger,
  ) {
    this.checkpointer = new Checkpointer({ files: new StorageCheckpointFiles(vscode.Uri.joinPath(storageRoot, 'checkpoints')), now: Date.now, newId: randomUUID });
    this.store.add(
      agentHost.onEvent((event) => {
        if (event.type !== 'editApplied') return;
        const sessionId = agentHost.agent.runningTurn?.sessionId;
        if (sessionId === undefined) return this.log.warn(`Checkpoint: edit of ${event.entry.display} outside a running turn was not recorded.`);
        const recording = this.checkpointer.recordEdit(sessionId, event.entry).then(
          ({ tooLarge }) => this.warnTooLarge(tooLarge),
          (error: unknown) => this.log.warn(`Checkpoint: could not record the edit of ${event.entry.display}: ${describe(error)}`),
        );
        this.pending = Promise.all([this.pending, recording]);
      }),
    );
  }

  /** The plan to restore a session's code to before a turn (the active session when `sessionId` is absent). */
  planTurn(sessionId: string | undefined, turnId: string): Promise<PlanOutcome> {
    return this.planWith(sessionId, async (id) => {
      const turnOrder = (await this.sessionTurns(id)).map((t) => t.id);
      return this.checkpointer.planTurnRestore(id, turnId, this.agentHost.services.workspace, turnOrder);
    });
  }

  /** The plan that undoes the session's latest restore. */
  planUndo(sessionId: string | undefined): Promise<PlanOutcome> {
    return this.planWith(sessionId, (id) => this.checkpointer.planUndoLastRestore(id, this.agentHost.services.workspace));
  }

  async apply(plan: RestorePlan, options: { keepHandEdits: boolean; leave?: ReadonlySet<string> }): Promise<RestoreResult> {
    if (this.agentHost.agent.runningTurn?.sessionId === plan.sessionId) return { ok: false, message: 'A turn is running in this chat; stop it before restoring code.' };
    let result: RestoreResult;
    try {
      result = await this.checkpointer.applyRestore(plan, this.agentHost.services.workspace, options);
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
    if (result.ok && result.written.length > 0) await this.tellModel(plan.sessionId, result.written);
    return result;
  }

  /** The model is told between turns (in the session, as for an undone edit card), so it reads the files again. */
  private async tellModel(sessionId: string, written: readonly string[]): Promise<void> {
    const session = await this.agentHost.activeSession();
    if (session.id !== sessionId || this.agentHost.agent.runningTurn) return;
    const text = `The user restored files to an earlier checkpoint: ${written.join(', ')} changed (put back, removed or brought back). Read them again before editing.`;
    session.items.push({ type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });
    await this.agentHost.sessions.save(session).catch((error: unknown) => this.log.warn(`Checkpoint: could not save the session after a restore: ${describe(error)}`));
  }

  private async planWith(sessionId: string | undefined, plan: (sessionId: string) => Promise<RestorePlan | undefined>): Promise<PlanOutcome> {
    const id = sessionId ?? (await this.agentHost.activeSession()).id;
    if (this.agentHost.agent.runningTurn?.sessionId === id) return { kind: 'busy' };
    await this.pending;
    try {
      const found = await plan(id);
      return found ? { kind: 'plan', plan: found } : { kind: 'nothing' };
    } catch (error) {
      return { kind: 'failed', message: describe(error) };
    }
  }

  private async sessionTurns(sessionId: string): Promise<ReadonlyArray<{ id: string }>> {
    const active = await this.agentHost.activeSession();
    if (active.id === sessionId) return active.turns;
    return (await this.agentHost.sessions.load(sessionId))?.turns ?? [];
  }

  private warnTooLarge(displays: readonly string[]): void {
    const fresh = displays.filter((d) => !this.warnedTooLarge.has(d));
    if (fresh.length === 0) return;
    for (const display of fresh) this.warnedTooLarge.add(display);
    void vscode.window.showWarningMessage(
      `Holdfast: ${fresh.join(', ')} ${fresh.length === 1 ? 'is' : 'are'} too large to checkpoint (over ${Math.round(this.checkpointer.capBytes / 1024 / 1024)} MB); "Restore code to here" cannot bring ${fresh.length === 1 ? 'its' : 'their'} earlier content back.`,
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}

function describe(error: unknown): string {
  if (error instanceof CheckpointCorruptError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
