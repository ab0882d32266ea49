/**
 * A turn's background (async) calls at request boundaries: writing the outputs of the ones that
 * ended into the transcript, and waiting until one ends (or the user types, or Stop).
 */
import { functionCallOutput } from '../protocol/items';
import type { ActiveTurn } from './activeTurn';
import { windowItems } from './context/window';
import type { AgentEvent } from './events';
import { answeredCallIds } from './transcript';

/**
 * Writes the outputs of background calls that ended into the transcript, once each, at a request
 * boundary (never during a request, so the chain's prefix stays intact). A call a compaction folded
 * out of the model's window is written again (without its item id) before its output, so the output
 * is never an orphan in the window the server sees.
 */
export function queueBackgroundOutputs(turn: ActiveTurn, emit: (event: AgentEvent) => void): void {
  const { session } = turn;
  for (const { call, result } of turn.jobs.takeReady()) {
    if (answeredCallIds(session.items).has(call.call_id)) continue;
    const inWindow = windowItems(session).some((item) => item.type === 'function_call' && item.call_id === call.call_id);
    if (!inWindow) {
      const { id: _serverItemId, ...again } = call;
      session.items.push(again);
    }
    session.items.push(functionCallOutput(call.call_id, result.output));
    emit({ type: 'backgroundOutputQueued', turnId: turn.turnId, callId: call.call_id });
  }
}

/** Waits until a background call ends, the user types, or Stop. */
export async function untilBackgroundChanges(turn: ActiveTurn, emit: (event: AgentEvent) => void): Promise<void> {
  if (!turn.jobs.hasAny) return;
  if (!turn.jobs.hasReady) emit({ type: 'backgroundWait', turnId: turn.turnId, callIds: turn.jobs.runningCallIds() });
  await turn.jobs.whenChanged(turn.token);
}
