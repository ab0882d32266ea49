/**
 * A tool call as a compact card: status icon, what ran, on which file, how long; the output folded.
 * All text goes in through textContent: tool output is as untrusted as the model's. The target is a
 * file link only for tools that take a path; a command, task or query is shown as code; arguments
 * that arrive as raw JSON are shown as "name value" pairs, and an empty `{}` not at all.
 */
import type { ToolCardView } from '../../src/protocol/webview';
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
  return root;
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
