/**
 * "Restore code to here" on the prompt of every finished turn (issue 18): puts the files back to their
 * state before that turn. The host shows the preview (which files change, which you edited since) and
 * does the restore; this only draws the buttons and sends `restoreCode`.
 */
import type { WebviewToHost } from '../../src/protocol/webview';
import { iconButton } from './dom';

const LABEL = 'Restore code to here: put the files back as they were before this turn (previewed first; the chat stays)';

export class RestoreCodeControls {
  constructor(
    private readonly root: HTMLElement,
    send: (message: WebviewToHost) => void,
  ) {
    root.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('[data-restore-turn]') : null;
      if (button) send({ type: 'restoreCode', turnId: button.dataset['restoreTurn'] ?? '' });
    });
  }

  /** Gives every finished turn's prompt the button (once). */
  decorate(): void {
    for (const turn of Array.from(this.root.querySelectorAll<HTMLElement>('section.turn[data-turn-id]'))) {
      if (turn.dataset['status'] === 'running' || turn.classList.contains('review-entry')) continue;
      const prompt = turn.querySelector<HTMLElement>('.user-message');
      if (!prompt || prompt.querySelector(':scope > .restore-code-button')) continue;
      prompt.prepend(iconButton('history', LABEL, { class: 'icon-button restore-code-button', 'data-restore-turn': turn.dataset['turnId'] ?? '', 'data-testid': 'restore-code' }));
    }
  }
}
