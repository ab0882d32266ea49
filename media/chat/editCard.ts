/** An agent edit to one file: +added −removed, the diff (folded for big ones), Keep / Undo. */
import type { DiffHunk, EditCardView } from '../../src/protocol/webview';
import { element, icon, textButton } from './dom';

const OPEN_DIFF_LINES = 40;

const stateText: Record<Exclude<EditCardView['state'], 'applied'>, string> = {
  kept: 'Kept',
  undone: 'Undone',
  failed: 'Failed',
};

/** The diff as hunks, folded when it is long (edit cards and review cards). */
export function renderDiff(hunks: readonly DiffHunk[], truncated: boolean): HTMLElement {
  const lineCount = hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0);
  const details = element('details', { class: 'diff' });
  if (lineCount <= OPEN_DIFF_LINES) details.open = true;
  details.append(element('summary', {}, 'Diff'));
  const pre = element('pre', { class: 'diff-body' });
  for (const hunk of hunks) {
    pre.append(element('div', { class: 'diff-hunk' }, hunk.header));
    for (const line of hunk.lines) {
      const sign = line.kind === 'add' ? '+' : line.kind === 'remove' ? '-' : ' ';
      pre.append(element('div', { class: `diff-line diff-${line.kind}` }, sign + line.text));
    }
  }
  if (truncated) pre.append(element('div', { class: 'diff-hunk' }, '… diff truncated for display'));
  details.append(pre);
  return details;
}

export function renderEditCard(card: EditCardView): HTMLElement {
  const root = element('div', { class: 'card edit-card', 'data-state': card.state, 'data-testid': 'edit-card', 'data-card-id': card.id });
  const head = element('div', { class: 'card-head' });
  const changeIcon = card.change === 'created' ? 'new-file' : card.change === 'deleted' ? 'trash' : 'edit';
  head.append(
    icon(changeIcon),
    element('button', { type: 'button', class: 'link file-link', 'data-file': card.path, title: `Open ${card.path}` }, card.path),
    element('span', { class: 'diff-added', 'aria-label': `${card.added} lines added` }, `+${card.added}`),
    element('span', { class: 'diff-removed', 'aria-label': `${card.removed} lines removed` }, `−${card.removed}`),
  );
  root.append(head);

  root.append(renderDiff(card.hunks, card.truncated));

  if (card.message) root.append(element('div', { class: 'card-message' }, card.message));
  if (card.state === 'applied') {
    const actions = element('div', { class: 'card-actions' });
    actions.append(
      textButton('Keep', { class: 'text-button primary', 'data-edit': 'keep' }, 'check'),
      textButton('Undo', { 'data-edit': 'undo' }, 'discard'),
    );
    root.append(actions);
  } else {
    root.append(element('div', { class: 'card-outcome' }, stateText[card.state]));
  }
  return root;
}
