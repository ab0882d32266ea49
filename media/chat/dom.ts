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

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
