/**
 * New session and the session list: switch, rename (inline), delete (asks again in place, since
 * webviews cannot show modal dialogs). The list is the host's; this only draws it and sends intents.
 */
import type { BranchView, SessionSummaryView, WebviewToHost } from '../../src/protocol/webview';
import { element, icon, iconButton } from './dom';
import { BRANCH_COST_NOTE } from './turnActions';

const CONFIRM_WINDOW_MS = 4_000;

function ago(epochMs: number): string {
  const seconds = Math.max(0, (Date.now() - epochMs) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export class SessionList {
  readonly toggle = iconButton('history', 'Sessions', { 'data-testid': 'sessions-toggle', 'aria-expanded': 'false', 'aria-controls': 'session-list' });
  readonly newButton = iconButton('add', 'New session', { 'data-testid': 'new-session' });
  readonly element = element('nav', { class: 'sessions', id: 'session-list', 'aria-label': 'Sessions', hidden: '' });
  private sessions: SessionSummaryView[] = [];
  private activeId: string | undefined;

  constructor(private readonly send: (message: WebviewToHost) => void) {
    this.toggle.addEventListener('click', () => this.setOpen(this.element.hidden));
    this.newButton.addEventListener('click', () => {
      this.send({ type: 'newSession' });
      this.setOpen(false);
    });
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !(event.target instanceof HTMLInputElement)) {
        this.setOpen(false);
        this.toggle.focus();
      }
    });
  }

  show(sessions: readonly SessionSummaryView[], activeId: string | undefined): void {
    this.sessions = [...sessions].sort((a, b) => b.updatedAt - a.updatedAt);
    this.activeId = activeId;
    this.draw();
  }

  private setOpen(open: boolean): void {
    this.element.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) {
      this.draw();
      this.element.querySelector<HTMLElement>('.session-open')?.focus();
    }
  }

  private draw(): void {
    this.element.replaceChildren();
    if (this.sessions.length === 0) {
      this.element.append(element('p', { class: 'empty' }, 'No sessions yet.'));
      return;
    }
    const list = element('ul', { class: 'session-items' });
    for (const session of this.sessions) list.append(this.row(session));
    this.element.append(list);
  }

  private row(session: SessionSummaryView): HTMLLIElement {
    const item = element('li', { class: 'session-item', 'data-session-id': session.id, 'data-testid': 'session-item' });
    const active = session.id === this.activeId;
    const open = element('button', { type: 'button', class: 'session-open', 'aria-current': active ? 'true' : 'false' });
    open.append(element('span', { class: 'session-title' }, session.title || 'Untitled'), element('span', { class: 'session-meta' }, `${session.turns} turns · ${ago(session.updatedAt)}`));
    open.addEventListener('click', () => {
      if (!active) this.send({ type: 'switchSession', sessionId: session.id });
      this.setOpen(false);
    });
    const rename = iconButton('edit', `Rename ${session.title}`);
    rename.addEventListener('click', () => this.startRename(item, session));
    const remove = iconButton('trash', `Delete ${session.title}`);
    remove.addEventListener('click', () => {
      if (remove.dataset['confirm'] === 'true') {
        this.send({ type: 'deleteSession', sessionId: session.id });
        return;
      }
      remove.dataset['confirm'] = 'true';
      remove.setAttribute('aria-label', `Click again to delete ${session.title}`);
      remove.title = 'Click again to delete';
      remove.replaceChildren(icon('warning'));
      setTimeout(() => {
        remove.dataset['confirm'] = 'false';
        remove.setAttribute('aria-label', `Delete ${session.title}`);
        remove.title = `Delete ${session.title}`;
        remove.replaceChildren(icon('trash'));
      }, CONFIRM_WINDOW_MS);
    });
    item.append(open, rename, remove);
    if (active && session.branches) item.append(this.branchTree(session.branches));
    return item;
  }

  /** The active session's branches as an indented tree: pick one to switch the chat (and, on request, the code). */
  private branchTree(branches: readonly BranchView[]): HTMLElement {
    const tree = element('div', { class: 'branch-tree', 'data-testid': 'branch-tree' });
    const depth = new Map<string, number>();
    const list = element('ul', { class: 'branch-items', role: 'tree', 'aria-label': 'Branches of this chat' });
    for (const branch of branches) {
      const level = branch.parentId === undefined ? 0 : (depth.get(branch.parentId) ?? 0) + 1;
      depth.set(branch.id, level);
      const row = element('li', { class: 'branch-item', role: 'treeitem', 'aria-level': String(level + 1), 'data-branch-id': branch.id, 'data-testid': 'branch-item' });
      row.style.paddingInlineStart = `${level * 12}px`;
      const where = branch.parentId === undefined ? '' : ` · from turn ${branch.forkTurn + 1}`;
      const open = element('button', { type: 'button', class: 'session-open branch-open', 'aria-current': branch.active ? 'true' : 'false' });
      open.append(icon(branch.kind === 'root' ? 'git-commit' : 'git-branch'), element('span', { class: 'branch-label' }, branch.label), element('span', { class: 'session-meta' }, ` ${branch.turns} turns${where}`));
      open.addEventListener('click', () => {
        if (!branch.active) this.send({ type: 'switchBranch', branchId: branch.id, restoreCode: false });
        this.setOpen(false);
      });
      row.append(open);
      if (!branch.active) {
        const withCode = iconButton('history', `Switch to ${branch.label} and restore the code to where the branches part`, { 'data-testid': 'branch-switch-code' });
        withCode.addEventListener('click', () => {
          this.send({ type: 'switchBranch', branchId: branch.id, restoreCode: true });
          this.setOpen(false);
        });
        row.append(withCode);
      }
      list.append(row);
    }
    tree.append(list, element('p', { class: 'branch-cost' }, `Rewinding, forking or switching ${BRANCH_COST_NOTE.charAt(0).toLowerCase()}${BRANCH_COST_NOTE.slice(1)}`));
    return tree;
  }

  private startRename(item: HTMLLIElement, session: SessionSummaryView): void {
    const input = element('input', { type: 'text', class: 'session-rename', 'aria-label': 'New session name', maxlength: '200' });
    input.value = session.title;
    item.replaceChildren(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (save: boolean): void => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      if (save && title !== '' && title !== session.title) this.send({ type: 'renameSession', sessionId: session.id, title });
      this.draw();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') finish(true);
      if (event.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
  }
}
