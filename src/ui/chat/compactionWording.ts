/** How the chat marks a compaction in the conversation: where, why, how large before and after, what it cost. Pure. */
import type { CompactionMark } from '../../agent/context/sessionContext';
import { formatTokens, formatUsd } from '../../protocol/displayUnits';

export function compactionNotice(mark: CompactionMark): string {
  const who = mark.how === 'socket' ? 'The model server compacted the conversation during this request' : 'Holdfast compacted the conversation';
  const why = mark.reason === 'manual' ? ' (Compact Now)' : mark.reason === 'overflow' ? ' so the next request fits the model’s window' : ', as it passed the compaction threshold';
  const size = ` (about ${formatTokens(mark.beforeTokens)} → ${formatTokens(mark.afterTokens)} tokens)`;
  const cost =
    mark.how === 'socket' ? 'its cost is part of this request’s' : mark.costUsd === undefined ? 'cost unknown (no price for this model)' : `cost ≈ ${formatUsd(mark.costUsd)}`;
  const pins = mark.pinsCarried > 0 ? ` ${mark.pinsCarried} pinned message${mark.pinsCarried === 1 ? '' : 's'} kept verbatim.` : '';
  return `${who}${why}${size}; ${cost}.${pins} Everything above stays here; from now on the model sees a summary of it.`;
}
