/**
 * Code blocks in answers get a toolbar: Copy (done here), Insert at cursor and Apply to file (done by
 * the host, which receives the code text). Buttons are built with the DOM after sanitising, so the
 * sanitiser never has to allow a button, and clicks are handled by one delegated listener.
 * Insert and Apply appear only on code: not on console output, error messages or shell commands,
 * decided by the language tag and, for untagged blocks, by what the text looks like.
 */
import type { WebviewToHost } from '../../src/protocol/webview';
import { element, iconButton } from './dom';

/** Tags that mean "what a program printed", never source to put in a file. */
const OUTPUT_LANGUAGES = new Set(['text', 'txt', 'plaintext', 'plain', 'output', 'console', 'log', 'logs', 'terminal', 'stdout', 'stderr', 'shell-session', 'sh-session', 'error', 'traceback', 'pytb']);
/** Commands to run, not code to keep: Copy (and Insert, for a script) but no Apply to file. */
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'zsh', 'shell', 'fish', 'powershell', 'ps', 'ps1', 'pwsh', 'cmd', 'bat']);

/** Text that reads like a program's output rather than source: errors, stack traces, prompts, test reports. */
export function looksLikeOutput(code: string): boolean {
  const lines = code.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return true;
  const outputish = lines.filter((line) =>
    /^\s*(at [\w$.<>]+ \(|at \S+:\d+:\d+|Traceback \(most recent call last\)|File ".*", line \d+|npm (ERR!|error)|[\w.]*(Error|Exception)\b[:\s[]|error( TS\d+)?:|warning:|\$ |> |[✔✖✓✗×ℹ]\s|(not )?ok \d+|#\s*(tests|pass|fail)\b)/.test(line) ||
    /^\S+\.\w+[(:]\d+[,:]\d+\)?:? (error|warning)/.test(line) ||
    /\b(was not found|is not defined|exited with code|No such file|Permission denied|Cannot find)\b/.test(line),
  );
  return outputish.length * 2 >= lines.length;
}

/** Which actions a block offers: Copy always; Insert for code and scripts; Apply only for code. */
export function codeActionsFor(language: string, code: string): { insert: boolean; apply: boolean } {
  const tag = language.toLowerCase();
  if (OUTPUT_LANGUAGES.has(tag) || tag === 'diff' || tag === 'patch') return { insert: false, apply: false };
  if (SHELL_LANGUAGES.has(tag)) return { insert: !looksLikeOutput(code), apply: false };
  if (tag === '' && looksLikeOutput(code)) return { insert: false, apply: false };
  return { insert: true, apply: true };
}

export function decorateCodeBlocks(root: ParentNode): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const language = pre.dataset['lang'] ?? '';
    const wrapper = element('div', { class: 'code-block' });
    const toolbar = element('div', { class: 'code-toolbar', role: 'toolbar', 'aria-label': 'Code block actions' });
    toolbar.append(element('span', { class: 'code-language' }, language));
    if (pre.dataset['path']) toolbar.append(element('span', { class: 'code-path', title: pre.dataset['path'] }, pre.dataset['path']));
    const actions = codeActionsFor(language, pre.textContent ?? '');
    toolbar.append(iconButton('copy', 'Copy code', { 'data-code-action': 'copy' }));
    if (actions.insert) toolbar.append(iconButton('insert', 'Insert at cursor', { 'data-code-action': 'insertAtCursor' }));
    if (actions.apply) toolbar.append(iconButton('git-pull-request-go-to-changes', 'Apply to file', { 'data-code-action': 'applyToFile' }));
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
