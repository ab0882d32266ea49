/**
 * What an empty chat shows: one line on what this is, two prompts to click (each shows a capability:
 * running the tests with an approval, a fix shown for review) and two things to try in the editor
 * (inline edit, the quick fix). The prompts are sent as they are, the same as typing them.
 */
import { element, icon } from './dom';

export interface Suggestion {
  prompt: string;
  /** What it shows, in a few words. */
  hint: string;
  icon: string;
}

export const SUGGESTIONS: readonly Suggestion[] = [
  { prompt: 'Run the tests', hint: 'runs the test task once you allow it', icon: 'beaker' },
  { prompt: 'Fix the failing test', hint: 'shows the fix for you to keep or discard', icon: 'wrench' },
];

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.userAgent);
}

function keys(...parts: string[]): HTMLElement {
  const span = element('span', { class: 'keys' });
  parts.forEach((part, index) => {
    if (index > 0) span.append('+');
    span.append(element('kbd', {}, part));
  });
  return span;
}

function tip(glyph: string, ...content: Array<string | Node>): HTMLLIElement {
  const item = element('li', { class: 'tip' });
  const text = element('span');
  text.append(...content);
  item.append(icon(glyph), text);
  return item;
}

export function renderEmptyState(sendPrompt: (text: string) => void): HTMLElement {
  const root = element('div', { class: 'empty', 'data-testid': 'empty-state' });
  root.append(element('p', { class: 'empty-intro' }, 'Ask Holdfast about your code, or try:'));
  const list = element('div', { class: 'suggestions', role: 'group', 'aria-label': 'Suggested prompts' });
  for (const suggestion of SUGGESTIONS) {
    const button = element('button', { type: 'button', class: 'suggestion', 'data-testid': 'suggestion', 'data-prompt': suggestion.prompt });
    const label = element('span', { class: 'suggestion-text' });
    label.append(element('span', { class: 'suggestion-prompt' }, suggestion.prompt), element('span', { class: 'suggestion-hint' }, suggestion.hint));
    button.append(icon(suggestion.icon), label);
    button.addEventListener('click', () => sendPrompt(suggestion.prompt));
    list.append(button);
  }
  const mod = isMac() ? 'Cmd' : 'Ctrl';
  const tips = element('ul', { class: 'tips', 'aria-label': 'In the editor' });
  tips.append(
    tip('sparkle', 'Inline edit: select code, press ', keys(mod, 'Shift', 'Alt', 'E'), ' and say what to change, e.g. “add a doc comment”.'),
    tip('lightbulb', 'Quick fix: on a squiggle press ', keys(mod, '.'), ' and choose Fix with Holdfast.'),
  );
  root.append(list, tips);
  return root;
}
