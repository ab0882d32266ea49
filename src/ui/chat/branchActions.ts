/**
 * The chat's branch actions (issue 18): a turn's "Rewind chat to here", "Fork from here" and "Restore
 * code and chat", and picking another branch in the session list (optionally restoring the code too).
 * Code is restored by the checkpoints' `holdfast.restoreCodeToTurn` command when it is registered;
 * without it the chat says code restore is unavailable and changes nothing. The view may only act on
 * turns and branches of the session it shows.
 */
import type { ChatSession } from '../../agent/chatSession';
import type { AgentHost } from '../../host/agentHost';
import type { BranchView, HostToWebview, WebviewToHostOf } from '../../protocol/webview';

export const RESTORE_CODE_COMMAND = 'holdfast.restoreCodeToTurn';

/** What a restore answered (the checkpoints' command result); only `kind` matters here. */
interface RestoreAnswer {
  kind?: unknown;
}

export interface CommandRunner {
  available(): Promise<readonly string[]>;
  run(command: string, argument: unknown): Promise<unknown>;
}

export interface BranchActionsOptions {
  agentHost: Pick<AgentHost, 'currentSession' | 'branchAt' | 'switchBranch'>;
  commands: CommandRunner;
  shownSessionId(): string | undefined;
  post(message: HostToWebview): void;
  /** A one-line message in the chat (not tied to a turn). */
  notify(message: string): void;
  refuse(what: string): void;
}

export type BranchRequest = WebviewToHostOf<'branchAction'> | WebviewToHostOf<'switchBranch'>;

export class BranchActions {
  constructor(private readonly options: BranchActionsOptions) {}

  async handle(request: BranchRequest): Promise<void> {
    const session = this.options.agentHost.currentSession;
    if (!session || session.id !== this.options.shownSessionId()) return this.options.refuse(`${request.type} outside the session shown`);
    if (request.type === 'switchBranch') return this.switchTo(session, request.branchId, request.restoreCode);
    if (!session.turns.some((t) => t.id === request.turnId)) return this.options.refuse(`${request.action} at turn ${request.turnId}, which is not shown`);
    if (request.action === 'restoreCodeAndChat' && !(await this.restoreCode(session.id, request.turnId))) return;
    const result = await this.options.agentHost.branchAt(request.turnId, request.action === 'fork' ? 'fork' : 'rewind');
    if (!result) return this.options.notify('A turn is running: stop it before rewinding or forking.');
    this.options.post({ type: 'draft', text: result.prompt });
  }

  private async switchTo(session: ChatSession, branchId: string, restoreCode: boolean): Promise<void> {
    const target = session.branches.get(branchId);
    if (!target) return this.options.refuse(`switch to branch ${branchId}, which is not listed`);
    if (branchId === session.branches.activeId) return;
    if (restoreCode) {
      const parting = partingTurn(session, target.content?.turns.map((t) => t.id) ?? []);
      if (parting !== undefined && !(await this.restoreCode(session.id, parting))) return;
    }
    if (!(await this.options.agentHost.switchBranch(branchId))) this.options.notify('A turn is running: stop it before switching branches.');
  }

  /** Runs the checkpoints' restore; true when the files are restored (or nothing needed it). */
  private async restoreCode(sessionId: string, turnId: string): Promise<boolean> {
    const { commands } = this.options;
    if (!(await commands.available()).includes(RESTORE_CODE_COMMAND)) {
      this.options.notify('Code restore is unavailable in this build (no checkpoints): nothing was changed.');
      return false;
    }
    const answer = (await commands.run(RESTORE_CODE_COMMAND, { sessionId, turnId })) as RestoreAnswer | undefined;
    return answer === undefined || answer.kind === 'restored' || answer.kind === 'nothing';
  }
}

/**
 * The first turn of the active branch that `otherTurnIds` does not share: restoring the code to
 * before it brings the files to where the two branches part. Undefined when the active branch has no
 * turn of its own.
 */
export function partingTurn(session: ChatSession, otherTurnIds: readonly string[]): string | undefined {
  const index = session.turns.findIndex((turn, i) => otherTurnIds[i] !== turn.id);
  return index < 0 ? undefined : session.turns[index]!.id;
}

/** The session's branch tree for the list (only when it has more than one branch). */
export function branchViews(session: ChatSession): BranchView[] | undefined {
  if (session.branches.size < 2) return undefined;
  const activeId = session.branches.activeId;
  return session.branches.list().map((meta) => ({
    id: meta.id,
    label: meta.label,
    parentId: meta.parentId,
    forkTurn: meta.forkTurn,
    turns: meta.id === activeId ? session.turns.length : (session.branches.get(meta.id)?.content?.turns.length ?? 0),
    kind: meta.kind,
    active: meta.id === activeId,
  }));
}
