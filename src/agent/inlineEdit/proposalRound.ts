/**
 * One round of an inline-edit proposal (the first request or a follow-up) as a single-shot model
 * call: the replacement streams in as it arrives, and the round ends ready (with code), empty (the
 * model said why, or changed only other files), cancelled or failed (in words). Pure.
 */
import type { CancellationToken } from '../../common/cancellation';
import type { ResponseItem } from '../../protocol/items';
import type { ModelClient, RequestMetrics } from '../../transport/modelClient';
import type { ModelFailure } from '../events';
import { askOnce, singleShotRequest, type SingleShotSettings } from '../singleShot';
import { INLINE_EDIT_INSTRUCTIONS, INLINE_EDIT_TOOLS } from './prompt';
import { parseReply, StreamingReply, type OtherFileEdit } from './reply';

export interface ProposalRoundRequest {
  lane: string;
  input: readonly ResponseItem[];
  token: CancellationToken;
  /** The replacement so far, each time more of it has arrived. */
  onCode(code: string): void;
}

interface Answered {
  output: ResponseItem[];
  metrics: RequestMetrics;
  otherFiles: OtherFileEdit[];
}

export type ProposalRoundResult =
  | (Answered & { kind: 'ready'; code: string; /** Set when the reply was cut short. */ warning: string | undefined })
  | (Answered & { kind: 'empty'; /** What the model said instead, or why there is nothing to show. */ said: string })
  | { kind: 'cancelled' }
  | { kind: 'failed'; failure: ModelFailure; message: string };

export async function runProposalRound(client: ModelClient, settings: SingleShotSettings, round: ProposalRoundRequest): Promise<ProposalRoundResult> {
  const request = singleShotRequest(settings, {
    instructions: INLINE_EDIT_INSTRUCTIONS,
    tools: INLINE_EDIT_TOOLS,
    input: round.input,
    lane: round.lane,
    toolChoice: 'required',
  });
  const outcome = await askOnce(client, request, {
    token: round.token,
    fold: new StreamingReply(),
    onProgress: (code) => {
      if (code !== undefined) round.onCode(code);
    },
  });
  if (outcome.kind !== 'answered') return outcome;
  const reply = parseReply(outcome.output);
  const answered: Answered = { output: outcome.output, metrics: outcome.metrics, otherFiles: reply.otherFiles };
  if (reply.code !== undefined) {
    const warning = outcome.cutShort === undefined ? undefined : `The reply was cut short (${outcome.cutShort}); check it before accepting.`;
    return { ...answered, kind: 'ready', code: reply.code, warning };
  }
  const said = reply.text || (reply.otherFiles.length > 0 ? 'The change is in other files: keep or discard it in the review.' : 'The model proposed no change.');
  return { ...answered, kind: 'empty', said };
}
