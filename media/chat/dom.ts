/** Small DOM helpers: the webview builds its UI with these, never from HTML strings. */

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A codicon glyph; decorative, so hidden from screen readers (the button carries the label). */
export function icon(name: string): HTMLSpanElement {
  return element('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** A labelled icon button. `action` is read by the delegated click handlers. */
export function iconButton(name: string, label: string, attributes: Record<string, string> = {}): HTMLButtonElement {
  const button = element('button', { type: 'button', class: 'icon-button', title: label, 'aria-label': label, ...attributes });
  button.append(icon(name));
  return button;
}

/** A text button with an optional leading icon. */
export function textButton(label: string, attributes: Record<string, string> = {}, iconName?: string): HTMLButtonElement {
  const button = element('button', { type: 'button', class: 'text-button', ...attributes });
  if (iconName) button.append(icon(iconName));
  button.append(document.createTextNode(label));
  return button;
}

export { formatBytes, formatMs } from '../../src/protocol/displayUnits';

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
