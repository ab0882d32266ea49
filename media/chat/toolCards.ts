/**
 * A tool call as a compact card: status icon, what ran, on which file, how long; the output folded.
 * All text goes in through textContent: tool output is as untrusted as the model's. The target is a
 * file link only for tools that take a path; a command, task or query is shown as code; arguments
 * that arrive as raw JSON are shown as "name value" pairs, and an empty `{}` not at all.
 */
import type { SubagentView, ToolCardView } from '../../src/protocol/webview';
import { element, formatMs, icon, textButton } from './dom';

const PATH_TOOLS = new Set(['read_file', 'apply_edit', 'get_diagnostics']);

/** Raw JSON arguments as "glob src/**, max 50": null and empty values left out. */
export function readableArguments(raw: string): string {
  if (!raw.trimStart().startsWith('{')) return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return raw;
    return Object.entries(parsed as Record<string, unknown>)
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([key, value]) => `${key.replace(/_/g, ' ')} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
  } catch {
    return raw;
  }
}

function renderTarget(card: ToolCardView): HTMLElement | undefined {
  const text = card.target === undefined ? '' : readableArguments(card.target);
  if (text === '') return undefined;
  if (PATH_TOOLS.has(card.name) && text === card.target) {
    return element('button', { type: 'button', class: 'link file-link tool-target', 'data-file': text, title: `Open ${text}` }, text);
  }
  return element('code', { class: 'tool-target tool-args', title: text }, text);
}

const statusIcon: Record<ToolCardView['status'], string> = {
  running: 'loading',
  done: 'check',
  failed: 'error',
  cancelled: 'circle-slash',
};

export function renderToolCard(card: ToolCardView): HTMLElement {
  const root = element('div', { class: 'card tool-card', 'data-status': card.status, 'data-testid': 'tool-card', 'data-card-id': card.id });
  const head = element('div', { class: 'card-head' });
  const status = icon(statusIcon[card.status]);
  if (card.status === 'running') status.classList.add('codicon-modifier-spin');
  head.append(status, element('span', { class: 'tool-title' }, card.title));
  const target = renderTarget(card);
  if (target) head.append(target);
  const timing = card.status === 'running' ? (card.background ? 'running in the background…' : 'running…') : card.durationMs !== undefined ? formatMs(card.durationMs) : card.status;
  head.append(element('span', { class: 'tool-timing' }, timing));
  head.setAttribute('aria-label', `${card.title}${target ? ` on ${target.textContent ?? ''}` : ''}: ${card.status}${card.durationMs !== undefined ? `, ${formatMs(card.durationMs)}` : ''}`);
  root.append(head);
  if (card.background && card.status === 'running') root.append(...renderBackground(card));
  if (card.output !== undefined && card.output !== '') {
    const details = element('details', { class: 'tool-output' });
    details.append(element('summary', {}, 'Output'), element('pre', {}, card.output));
    root.append(details);
  }
  if (card.subagents && card.subagents.length > 0) root.append(renderSubagents(card.subagents));
  return root;
}

const subagentIcon: Record<SubagentView['status'], string> = {
  running: 'loading',
  answered: 'check',
  stopped: 'warning',
  failed: 'error',
  cancelled: 'circle-slash',
};

/** A delegate call's subagents: one collapsible card each, its progress on the summary line. */
function renderSubagents(subagents: readonly SubagentView[]): HTMLElement {
  const list = element('div', { class: 'subagents', role: 'list', 'data-testid': 'subagents' });
  for (const subagent of [...subagents].sort((a, b) => a.index - b.index)) {
    const card = element('details', { class: 'subagent-card', role: 'listitem', 'data-status': subagent.status, 'data-testid': 'subagent-card', 'data-subagent-id': subagent.id });
    const status = icon(subagentIcon[subagent.status]);
    if (subagent.status === 'running') status.classList.add('codicon-modifier-spin');
    const timing = subagent.status === 'running' ? 'running…' : subagent.durationMs !== undefined ? formatMs(subagent.durationMs) : subagent.status;
    const summary = element('summary', { class: 'card-head' });
    summary.append(status, element('span', { class: 'tool-title' }, `Subagent ${subagent.index}: ${subagent.title}`), element('span', { class: 'tool-timing' }, timing));
    summary.setAttribute('aria-label', `Subagent ${subagent.index}, ${subagent.title}: ${subagent.status}, ${subagent.toolCalls} tool calls`);
    const body = element('div', { class: 'subagent-body' });
    body.append(element('div', { class: 'subagent-activity', 'data-testid': 'subagent-activity' }, subagent.activity ?? ''), element('div', { class: 'card-message' }, `${subagent.toolCalls} tool call(s)`));
    card.append(summary, body);
    list.append(card);
  }
  return list;
}

/** A re-rendered card keeps the folds the user opened (its output, its subagents). */
export function keepOpenFolds(previous: HTMLElement | undefined, next: HTMLElement): void {
  if (!previous) return;
  for (const fold of previous.querySelectorAll<HTMLDetailsElement>('details[open]')) {
    const id = fold.getAttribute('data-subagent-id');
    const match = id !== null ? next.querySelector<HTMLDetailsElement>(`details[data-subagent-id="${CSS.escape(id)}"]`) : next.querySelector<HTMLDetailsElement>('details.tool-output');
    if (match) match.open = true;
  }
}

/**
 * A background (async) call while it runs: its live output (the end of it) and a Stop that cancels
 * only this call; the model keeps working meanwhile and gets the output when it ends.
 */
function renderBackground(card: ToolCardView): HTMLElement[] {
  const bar = element('div', { class: 'tool-background' });
  bar.append(textButton('Stop', { 'data-stop-call': card.id, 'data-testid': 'tool-stop', title: 'Stop this background call; the agent gets what it printed so far' }, 'debug-stop'));
  const shown: HTMLElement[] = [bar];
  if (card.liveOutput) shown.push(element('pre', { class: 'tool-live-output', 'data-testid': 'tool-live-output' }, card.liveOutput));
  return shown;
}
