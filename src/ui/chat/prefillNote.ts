/**
 * The quiet line under the composer about the draft's speculative prefill (agent/speculativePrefill.ts):
 * what preparing it wrote to the cache and cost (cache writes are billed, protocol §8), then whether the
 * sent message used it. One short line; empty clears it. Pure.
 */
import type { PrefillReport } from '../../agent/speculativePrefill';

export function prefillNoteText(report: PrefillReport): string {
  switch (report.kind) {
    case 'prefilled': {
      const cost = report.costUsd === undefined ? '' : `, ~$${report.costUsd < 0.01 ? report.costUsd.toFixed(4) : report.costUsd.toFixed(2)}`;
      return `Draft prepared while you typed: ${report.writeTokens.toLocaleString('en-US')} tokens written to the cache${cost}.`;
    }
    case 'used':
      return 'Sent from the prepared draft.';
    case 'discarded':
      return report.reason === 'changed' ? 'The prepared draft was not used (the message changed).' : '';
  }
}
