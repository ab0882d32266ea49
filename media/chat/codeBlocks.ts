/**
 * Code blocks in answers get a toolbar: Copy (done here), Insert at cursor and Apply to file (done by
 * the host, which receives the code text). Buttons are built with the DOM after sanitising, so the
 * sanitiser never has to allow a button, and clicks are handled by one delegated listener.
 */
import type { WebviewToHost } from '../../src/protocol/webview';
import { element, iconButton } from './dom';

export function decorateCodeBlocks(root: ParentNode): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const wrapper = element('div', { class: 'code-block' });
    const toolbar = element('div', { class: 'code-toolbar', role: 'toolbar', 'aria-label': 'Code block actions' });
    const language = pre.dataset['lang'];
    if (language) toolbar.append(element('span', { class: 'code-language' }, language));
    if (pre.dataset['path']) toolbar.append(element('span', { class: 'code-path', title: pre.dataset['path'] }, pre.dataset['path']));
    toolbar.append(
      iconButton('copy', 'Copy code', { 'data-code-action': 'copy' }),
      iconButton('insert', 'Insert at cursor', { 'data-code-action': 'insertAtCursor' }),
      iconButton('git-pull-request-go-to-changes', 'Apply to file', { 'data-code-action': 'applyToFile' }),
    );
    pre.replaceWith(wrapper);
    wrapper.append(toolbar, pre);
  }
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older webviews refuse the async clipboard; the selection-based copy still works there.
    const scratch = element('textarea', { 'aria-hidden': 'true', class: 'offscreen' });
    scratch.value = text;
    document.body.append(scratch);
    scratch.select();
    const copied = document.execCommand('copy');
    scratch.remove();
    return copied;
  }
}

/** Handles a click inside a code toolbar; returns true when it was one. */
export function handleCodeAction(target: Element, send: (message: WebviewToHost) => void): boolean {
  const button = target.closest<HTMLButtonElement>('[data-code-action]');
  const block = button?.closest('.code-block');
  const pre = block?.querySelector('pre');
  if (!button || !pre) return false;
  const code = pre.textContent ?? '';
  const action = button.dataset['codeAction'];
  if (action === 'copy') {
    void copyText(code).then((copied) => {
      button.classList.toggle('done', copied);
      button.setAttribute('aria-label', copied ? 'Copied' : 'Copy failed');
      setTimeout(() => button.setAttribute('aria-label', 'Copy code'), 1500);
    });
    return true;
  }
  if (action === 'insertAtCursor' || action === 'applyToFile') {
    const message: WebviewToHost = { type: 'codeAction', action, code };
    if (pre.dataset['lang']) message.language = pre.dataset['lang'].slice(0, 64);
    if (pre.dataset['path']) message.pathHint = pre.dataset['path'];
    send(message);
    return true;
  }
  return false;
}
