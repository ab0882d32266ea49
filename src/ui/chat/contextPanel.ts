/**
 * The host side of the chat header's context meter and of the pin buttons (issue 16): the active
 * session's model window as `contextMeter` messages (after each snapshot and on every change), and
 * `pinMessage` requests turned into pins. The view may only pin what the host shows: a prompt of a turn
 * in the shown conversation, or one of its answer blocks; the text pinned is the text shown there.
 */
import type { ContextChange } from '../../agent/context/contextKeeper';
import type { ContextStatus } from '../../agent/context/contextStatus';
import type { Pin } from '../../agent/context/sessionContext';
import type { Disposable } from '../../common/disposable';
import type { AgentHost } from '../../host/agentHost';
import type { ContextMeterView, HostToWebview, SessionTranscriptView, WebviewToHostOf } from '../../protocol/webview';

export interface ContextPanelOptions {
  agentHost: Pick<AgentHost, 'contextStatus' | 'setPinned' | 'pins' | 'onDidChangeContext'>;
  /** The session the view shows (changes of other sessions are not shown). */
  shownSessionId(): string | undefined;
  /** The shown conversation's display model (what a pin may refer to). */
  transcript(): SessionTranscriptView;
  post(message: HostToWebview): void;
  refuse(what: string): void;
}

/** The meter's message from the agent's figures; numbers are clamped into the protocol's bounds. */
export function meterViewOf(status: ContextStatus): ContextMeterView {
  const count = (n: number): number => Math.max(0, Math.round(n));
  const view: ContextMeterView = {
    model: status.model.slice(0, 200),
    usedTokens: count(status.usedTokens),
    windowSource: status.windowSource,
    compactionMode: status.compactionMode,
    session: {
      requests: status.totals.requests,
      inputTokens: status.totals.inputTokens,
      cachedTokens: status.totals.cachedTokens,
      cacheWriteTokens: status.totals.cacheWriteTokens,
      outputTokens: status.totals.outputTokens,
      warmupTokens: status.totals.warmupTokens,
      costUsd: status.totals.costUsd,
    },
    compactions: status.compactions,
    pins: status.pins,
  };
  if (status.windowTokens !== undefined) view.windowTokens = status.windowTokens;
  if (status.compactAtTokens !== undefined) view.compactAtTokens = status.compactAtTokens;
  if (status.lastRequest) {
    view.lastInputTokens = status.lastRequest.inputTokens;
    view.lastCachedTokens = status.lastRequest.cachedTokens;
    if (status.lastRequest.cacheWriteTokens !== undefined) view.lastCacheWriteTokens = status.lastRequest.cacheWriteTokens;
  }
  if (status.turnCostUsd !== undefined) view.turnCostUsd = status.turnCostUsd;
  return view;
}

export class ContextPanel implements Disposable {
  private readonly subscription: Disposable;

  constructor(private readonly options: ContextPanelOptions) {
    this.subscription = options.agentHost.onDidChangeContext((change: ContextChange) => {
      if (change.sessionId === options.shownSessionId()) options.post({ type: 'contextMeter', meter: meterViewOf(change.status) });
    });
  }

  /** The meter and the pins of the active session, for a view that just got a snapshot. */
  async publish(): Promise<void> {
    this.options.post({ type: 'contextMeter', meter: meterViewOf(await this.options.agentHost.contextStatus()) });
    this.postPins(await this.options.agentHost.pins());
  }

  /** A pin button: the prompt or answer block must be one the view shows. */
  async pin(request: WebviewToHostOf<'pinMessage'>): Promise<void> {
    const pin = this.pinOf(request);
    if (!pin) return this.options.refuse(`pin of ${request.turnId}${request.blockId ? `/${request.blockId}` : ''}, which the view does not show`);
    if (!(await this.options.agentHost.setPinned(pin, request.pinned))) this.options.refuse(`pin of ${pin.id}: the session has as many pins as it may`);
    this.postPins(await this.options.agentHost.pins());
  }

  private pinOf(request: WebviewToHostOf<'pinMessage'>): Pin | undefined {
    const turn = this.options.transcript().turns.find((t) => t.id === request.turnId);
    if (!turn || turn.kind === 'review') return undefined;
    if (request.blockId === undefined) return turn.userText.trim() === '' ? undefined : { id: turn.id, role: 'user', text: turn.userText };
    const block = turn.items.find((item) => item.kind === 'markdown' && item.id === request.blockId);
    if (!block || block.kind !== 'markdown' || block.text.trim() === '') return undefined;
    return { id: `${turn.id}/${block.id}`, role: 'assistant', text: block.text };
  }

  private postPins(pins: readonly Pin[]): void {
    this.options.post({ type: 'pins', pinned: pins.map((pin) => pin.id) });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
