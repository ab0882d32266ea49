/**
 * The chat header's context meter (issue 16): how full the model's window is, in plain words ("38% of
 * 32k"), a bar that fills toward where compaction starts, and a tooltip with the detail: cached and
 * written tokens, when and how compaction happens, and the estimated cost of the turn and the session.
 * "Compact now" beside it. Renders only what the host sends (`contextMeter`).
 */
import { formatTokens, formatUsd } from '../../src/protocol/displayUnits';
import type { ContextMeterView, WebviewToHost } from '../../src/protocol/webview';
import './contextMeter.css';
import { element, iconButton } from './dom';

const count = (n: number): string => n.toLocaleString('en-US');

/** `near` from where compaction starts, `full` close to the window's end. */
export type MeterLevel = 'ok' | 'near' | 'full' | 'unknown';

export function meterLevel(meter: ContextMeterView): MeterLevel {
  if (meter.windowTokens === undefined) return 'unknown';
  if (meter.usedTokens >= meter.windowTokens * 0.95) return 'full';
  return meter.usedTokens >= (meter.compactAtTokens ?? meter.windowTokens) ? 'near' : 'ok';
}

/** The label in the header ("53% of 400k"), and its narrow form ("53%") for a narrow side bar. */
export function meterLabel(meter: ContextMeterView): string {
  if (meter.windowTokens === undefined) return `${formatTokens(meter.usedTokens)} tokens`;
  return `${percentOf(meter, meter.windowTokens)} of ${formatTokens(meter.windowTokens)}`;
}

function percentOf(meter: ContextMeterView, window: number): string {
  return `${Math.min(999, Math.round((meter.usedTokens / window) * 100))}%`;
}

export function meterShortLabel(meter: ContextMeterView): string {
  return meter.windowTokens === undefined ? formatTokens(meter.usedTokens) : percentOf(meter, meter.windowTokens);
}

function compactionWords(meter: ContextMeterView): string {
  if (meter.compactionMode === 'off') return 'Automatic compaction is off (holdfast.compaction.threshold is 0); Compact now still works.';
  if (meter.compactAtTokens === undefined) return 'The model’s window is unknown, so compaction waits until the server says a request is too large. Set holdfast.contextWindow to compact earlier.';
  const how =
    meter.compactionMode === 'socket'
      ? 'the server compacts during a response (on the socket)'
      : 'Holdfast compacts between requests and starts a new chain (this model or session steers, and steering does not mix with compaction on the socket)';
  const left = Math.max(0, meter.compactAtTokens - meter.usedTokens);
  return `Compacts at ${count(meter.compactAtTokens)} tokens (${left > 0 ? `${count(left)} to go` : 'next request'}): ${how}. The whole conversation stays here; pinned messages are kept verbatim.`;
}

/** The tooltip: every figure, in sentences. */
export function meterDetail(meter: ContextMeterView): string {
  const window =
    meter.windowTokens === undefined
      ? `Context in use: about ${count(meter.usedTokens)} tokens; the window of ${meter.model} is unknown.`
      : `Context in use: about ${count(meter.usedTokens)} of ${count(meter.windowTokens)} tokens (${meter.model}; window from ${meter.windowSource === 'table' ? 'Holdfast’s model table' : 'holdfast.contextWindow'}).`;
  const lines = [window, compactionWords(meter)];
  if (meter.lastInputTokens !== undefined) {
    const written = meter.lastCacheWriteTokens !== undefined ? `, ${count(meter.lastCacheWriteTokens)} written to it` : '';
    lines.push(`Last request: ${count(meter.lastInputTokens)} input tokens, ${count(meter.lastCachedTokens ?? 0)} read from the cache${written}.`);
  }
  const s = meter.session;
  const warmups = s.warmupTokens > 0 ? `; warm-ups wrote ${count(s.warmupTokens)} tokens to the cache` : '';
  lines.push(
    `This session: ${count(s.requests)} requests, ${count(s.inputTokens)} input tokens (${count(s.cachedTokens)} cached, ${count(s.cacheWriteTokens)} written), ${count(s.outputTokens)} output${warmups}.`,
  );
  const turn = meter.turnCostUsd === undefined ? '' : `this turn ${formatUsd(meter.turnCostUsd)}, `;
  lines.push(`Estimated cost: ${turn}this session ${formatUsd(s.costUsd)}${s.costUsd === null ? ' (no price known for this model: set holdfast.modelPrices)' : ''}.`);
  if (meter.compactions > 0 || meter.pins > 0) lines.push(`Compacted ${meter.compactions} time${meter.compactions === 1 ? '' : 's'}; ${meter.pins} pinned message${meter.pins === 1 ? '' : 's'}.`);
  return lines.join('\n');
}

export class ContextMeter {
  readonly element = element('div', { class: 'context-meter', 'data-testid': 'context-meter', hidden: '' });
  private readonly gauge = element('div', { class: 'context-gauge', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'data-testid': 'context-gauge' });
  private readonly fill = element('div', { class: 'context-fill' });
  private readonly mark = element('div', { class: 'context-mark' });
  private readonly label = element('span', { class: 'context-label', 'data-testid': 'context-label' });
  private readonly shortLabel = element('span', { class: 'context-label-short', 'aria-hidden': 'true' });
  private readonly compact = iconButton('fold', 'Compact now: summarise the conversation so far (pinned messages stay verbatim)', { 'data-testid': 'compact-now' });

  constructor(send: (message: WebviewToHost) => void) {
    this.gauge.append(this.fill, this.mark);
    this.element.append(this.gauge, this.label, this.shortLabel, this.compact);
    this.compact.addEventListener('click', () => send({ type: 'runAction', action: 'compactNow' }));
  }

  show(meter: ContextMeterView): void {
    this.element.hidden = false;
    const level = meterLevel(meter);
    const share = meter.windowTokens ? Math.min(1, meter.usedTokens / meter.windowTokens) : 0;
    this.element.dataset['level'] = level;
    this.fill.style.width = `${(share * 100).toFixed(1)}%`;
    this.mark.hidden = meter.compactAtTokens === undefined || meter.windowTokens === undefined;
    if (meter.compactAtTokens !== undefined && meter.windowTokens) this.mark.style.left = `${((meter.compactAtTokens / meter.windowTokens) * 100).toFixed(1)}%`;
    this.label.textContent = meterLabel(meter);
    this.shortLabel.textContent = meterShortLabel(meter);
    const detail = meterDetail(meter);
    this.element.title = detail;
    this.gauge.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    this.gauge.setAttribute('aria-label', `Context window: ${meterLabel(meter)}`);
    this.element.dataset['usedTokens'] = String(meter.usedTokens);
    this.element.dataset['compactions'] = String(meter.compactions);
  }
}
