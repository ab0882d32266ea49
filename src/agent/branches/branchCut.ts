/**
 * The conversation as it was before a turn: what a rewind or a fork at that turn starts from. The
 * transcript, turns and journal are cut at the turn's first item; the model window goes back with
 * them: it starts where it started then (the latest compaction at or before the cut, so a resend
 * respects compaction and never the items a compaction replaced), and only the pins, carried ranges
 * and compaction marks of the kept part stay. Also finds the fork source: the response that ended the
 * kept part, when its server-side context is exactly the kept window's prefix. Pure.
 */
import type { TurnRecord } from '../chatSession';
import { newSessionContext, type SessionContext } from '../context/sessionContext';
import type { BranchContent, ForkSource } from './branchSet';

/** The content before turn `turnIndex` (its first item and everything after it dropped). */
export function contentBefore(content: BranchContent & { context: SessionContext }, turnIndex: number): BranchContent & { context: SessionContext } {
  const turn = content.turns[turnIndex];
  if (!turn) throw new Error(`No turn ${turnIndex}.`);
  const cut = turn.firstItem;
  const kept = content.turns.slice(0, turnIndex).map((t) => ({ ...t }));
  const removed = new Set(content.turns.slice(turnIndex).map((t) => t.id));
  return {
    items: content.items.slice(0, cut),
    turns: kept,
    journal: content.journal.filter((entry) => !removed.has(entry.turnId)).map((entry) => ({ ...entry })),
    context: contextBefore(content.context, cut, new Set(kept.map((t) => t.id))),
  };
}

/** The model window of a transcript cut at item `cut`, keeping what belongs to `keptTurnIds`. */
export function contextBefore(context: SessionContext, cut: number, keptTurnIds: ReadonlySet<string>): SessionContext {
  const compactions = context.compactions.filter((mark) => mark.at < cut).map((mark) => ({ ...mark }));
  const windowStart = context.windowStart <= cut ? context.windowStart : (compactions.at(-1)?.at ?? 0);
  return {
    ...newSessionContext(),
    windowStart,
    instructions: context.instructions,
    carried: context.carried.filter(([from]) => from < cut).map(([from, to]): [number, number] => [from, Math.min(to, cut)]),
    pins: context.pins.filter((pin) => keptTurnIds.has(pin.id.split('/')[0] ?? '')).map((pin) => ({ ...pin })),
    compactions,
    // Any reinsertion after a kept compaction went in before the next turn's first item: it is kept.
    reinsertPending: false,
    socketCompaction: context.socketCompaction,
    steeringUsed: context.steeringUsed,
    totals: { ...context.totals },
  };
}

/**
 * Where the kept part's chain may continue: the latest kept turn's last response, if the window then
 * started where the kept window starts (its server context is then `window[0 .. end - windowStart)`).
 */
export function forkSourceOf(turns: readonly TurnRecord[], windowStart: number, itemCount: number): ForkSource | undefined {
  for (let i = turns.length - 1; i >= 0; i--) {
    const response = turns[i]!.response;
    if (!response) continue;
    if (response.windowStart !== windowStart || response.end > itemCount || response.end < windowStart) return undefined;
    return { responseId: response.id, prefixItems: response.end - windowStart };
  }
  return undefined;
}
