/**
 * Pin buttons on the prompts and answer blocks of finished turns (issue 16): pinned text is carried past
 * compaction verbatim. The host keeps the pins (`pinMessage` → `pins`); this only draws the buttons and
 * their state, so a reload shows them again from the host's `pins` message.
 */
import type { WebviewToHost } from '../../src/protocol/webview';
import { iconButton } from './dom';

/** The host's pin id: `<turnId>` for a prompt, `<turnId>/<blockId>` for an answer block. */
function pinId(turnId: string, blockId: string | undefined): string {
  return blockId === undefined ? turnId : `${turnId}/${blockId}`;
}

export class PinControls {
  private pinned = new Set<string>();

  constructor(
    private readonly root: HTMLElement,
    private readonly send: (message: WebviewToHost) => void,
  ) {
    root.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('[data-pin-turn]') : null;
      if (!button) return;
      const turnId = button.dataset['pinTurn'] ?? '';
      const blockId = button.dataset['pinBlock'];
      const pinned = button.getAttribute('aria-pressed') !== 'true';
      this.send(blockId === undefined ? { type: 'pinMessage', turnId, pinned } : { type: 'pinMessage', turnId, blockId, pinned });
    });
  }

  /** The host's pins (after a snapshot, after each pin). */
  show(pinned: readonly string[]): void {
    this.pinned = new Set(pinned);
    this.decorate();
  }

  /** Gives every finished turn's prompt and answer blocks a pin button (once), in its current state. */
  decorate(): void {
    for (const turn of Array.from(this.root.querySelectorAll<HTMLElement>('section.turn[data-turn-id]'))) {
      const turnId = turn.dataset['turnId'] ?? '';
      if (turn.dataset['status'] === 'running' || turn.classList.contains('review-entry')) continue;
      const prompt = turn.querySelector<HTMLElement>('.user-message');
      if (prompt) this.ensureButton(prompt, turnId, undefined);
      for (const block of Array.from(turn.querySelectorAll<HTMLElement>('.markdown.answer[data-block-id]'))) this.ensureButton(block, turnId, block.dataset['blockId']);
    }
  }

  private ensureButton(host: HTMLElement, turnId: string, blockId: string | undefined): void {
    let button = host.querySelector<HTMLButtonElement>(':scope > .pin-button');
    if (!button) {
      const attributes: Record<string, string> = { class: 'icon-button pin-button', 'data-pin-turn': turnId, 'data-testid': 'pin' };
      if (blockId !== undefined) attributes['data-pin-block'] = blockId;
      button = iconButton('pin', 'Pin: keep this message verbatim when the conversation is compacted', attributes);
      host.prepend(button);
    }
    const pinned = this.pinned.has(pinId(turnId, blockId));
    button.setAttribute('aria-pressed', String(pinned));
    button.title = pinned ? 'Pinned: kept verbatim past compaction. Click to unpin.' : 'Pin: keep this message verbatim when the conversation is compacted';
    button.classList.toggle('pinned', pinned);
  }
}
