/**
 * A finished turn's actions (issue 18), next to its prompt: "Restore code to here" (files only, by the
 * checkpoints), "Rewind chat to here" (the chat
 * continues from before this turn; the later turns stay a branch), "Fork from here" (a new branch
 * there), "Restore code and chat" (files back to before this turn, then rewind). The host does the
 * work and answers with a snapshot and a `draft` (the cut-off prompt, to edit and send again).
 */
import type { WebviewToHost } from '../../src/protocol/webview';
import { iconButton } from './dom';

/** The one line that says what it costs (protocol §8: prefix edits drop reasoning). */
export const BRANCH_COST_NOTE = 'Restarts the server-side chain: one full resend; reasoning items may be dropped by newer models.';

const ACTIONS = [
  { action: 'restoreCode', icon: 'history', label: 'Restore code to here: the files as they were before this turn (previewed first; the chat stays)' },
  { action: 'rewind', icon: 'discard', label: `Rewind chat to here. ${BRANCH_COST_NOTE}` },
  { action: 'fork', icon: 'repo-forked', label: `Fork from here. ${BRANCH_COST_NOTE}` },
  { action: 'restoreCodeAndChat', icon: 'debug-step-back', label: `Restore code and chat. ${BRANCH_COST_NOTE}` },
] as const;
type Action = (typeof ACTIONS)[number]['action'];

function isAction(value: string | undefined): value is Action {
  return ACTIONS.some((a) => a.action === value);
}

export class TurnActions {
  constructor(
    private readonly root: HTMLElement,
    private readonly send: (message: WebviewToHost) => void,
  ) {
    root.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('[data-branch-action]') : null;
      if (!button) return;
      const action = button.dataset['branchAction'];
      const turnId = button.closest<HTMLElement>('section.turn[data-turn-id]')?.dataset['turnId'];
      if (!isAction(action) || !turnId) return;
      // Restoring only the code is the checkpoints' command; the others change the conversation.
      this.send(action === 'restoreCode' ? { type: 'restoreCode', turnId } : { type: 'branchAction', action, turnId });
    });
  }

  /** Gives every finished prompt its actions (once). */
  decorate(): void {
    for (const turn of Array.from(this.root.querySelectorAll<HTMLElement>('section.turn[data-turn-id]'))) {
      if (turn.dataset['status'] === 'running' || turn.classList.contains('review-entry')) continue;
      const prompt = turn.querySelector<HTMLElement>('.user-message');
      if (!prompt || prompt.querySelector(':scope > .turn-actions')) continue;
      const bar = document.createElement('span');
      bar.className = 'turn-actions';
      for (const { action, icon, label } of ACTIONS) {
        bar.append(iconButton(icon, label, { class: 'icon-button turn-action', 'data-branch-action': action, 'data-testid': `turn-${action}` }));
      }
      prompt.prepend(bar);
    }
  }
}
