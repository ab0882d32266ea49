/**
 * What the user can do with a session's branches: rewind the chat to before a turn, fork a new branch
 * there, or switch to another branch. Every one keeps the other branches whole (nothing is
 * destroyed) and restarts the server-side chain: the new active branch's first request is a
 * cross-lane fork or a `store: true` hydration when the transport can, else one full resend.
 * The agent must not be running a turn on the session (the host checks). Pure, on a ChatSession.
 */
import type { ModelRequest } from '../../transport/modelClient';
import type { ChatSession } from '../chatSession';
import { contentBefore, forkSourceOf } from './branchCut';
import type { BranchMeta } from './branchSet';

export type BranchKind = 'fork' | 'rewind';

/**
 * Starts a branch holding the conversation before turn `turnId` and makes it active. A rewind and a
 * fork make the same tree (the later turns stay in the branch left behind); they differ in wording.
 * Returns the new branch and the prompt of the turn cut off, for the composer.
 */
export function branchAt(session: ChatSession, turnId: string, kind: BranchKind, now: number, newId: () => string): { branch: BranchMeta; prompt: string } {
  const index = session.turns.findIndex((t) => t.id === turnId);
  if (index < 0) throw new Error(`No turn ${turnId} in this branch.`);
  const prompt = session.turns[index]!.userText;
  const outgoing = session.content();
  const kept = contentBefore(outgoing, index);
  const meta: BranchMeta = {
    id: newId(),
    label: session.branches.nextLabel(),
    parentId: session.branches.activeId,
    forkTurn: index,
    kind,
    createdAt: now,
    forkSource: forkSourceOf(kept.turns, kept.context.windowStart, kept.items.length),
  };
  session.branches.add(meta, kept);
  session.replaceContent(session.branches.activate(meta.id, outgoing));
  return { branch: meta, prompt };
}

/** Makes branch `id` the session's conversation; the one left keeps its content. */
export function switchBranch(session: ChatSession, id: string): void {
  if (id === session.branches.activeId) return;
  const incoming = session.branches.activate(id, session.content());
  session.replaceContent(incoming);
  const own = forkSourceOf(session.turns, session.context.windowStart, session.items.length);
  if (own) session.branches.setForkSource(own);
}

/** After a completed response of `turnId`: where a later fork may continue, and the branch has its own chain now. */
export function noteResponse(session: ChatSession, turnId: string, responseId: string): void {
  const turn = session.turns.find((t) => t.id === turnId);
  if (turn) turn.response = { id: responseId, end: session.items.length, windowStart: session.context.windowStart };
  session.branches.setForkSource(undefined);
}

/** The request with the active branch's fork source, if its chain has not started yet. */
export function withForkSource(session: ChatSession, request: ModelRequest): ModelRequest {
  const source = session.branches.active.forkSource;
  if (!source || source.prefixItems > request.input.length) return request;
  return { ...request, forkFromResponseId: source.responseId, forkPrefixItems: source.prefixItems };
}

/** The one line the UI shows where it offers these actions (protocol §8, "Prefix edits drop reasoning"). */
export const BRANCH_COST_NOTE =
  'Rewinding or forking restarts the server-side chain: one full resend of the conversation (reasoning items may be dropped by newer models).';
