/**
 * Benchmark baseline only (test/bench/webviewStreaming.ts bundles it; the extension never ships it):
 * the naive way to stream markdown, re-rendering the whole message on every batch with the same
 * renderer (markdown-it + highlight.js + DOMPurify) and the same code-block decoration as the real
 * view. The real view's incremental renderer is measured against this.
 */
import '../chat.css';
import { parseHostToWebview } from '../../../src/protocol/webview';
import { decorateCodeBlocks } from '../codeBlocks';
import { element } from '../dom';
import { renderMarkdown } from '../markdown';
import { vscodeApi } from '../vscodeApi';

const root = document.getElementById('root') as HTMLElement;
const conversation = element('main', { class: 'conversation', 'data-testid': 'conversation', role: 'log' });
root.append(conversation);

let source = '';
let message: HTMLElement | undefined;

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostToWebview(event.data);
  if (!parsed.ok) return;
  const received = parsed.message;
  if (received.type === 'snapshot') {
    root.dataset['ready'] = 'true';
  } else if (received.type === 'turnStarted') {
    const turn = element('section', { class: 'turn', 'data-testid': 'turn' });
    const assistant = element('div', { class: 'assistant', 'data-testid': 'assistant-message' });
    message = element('div', { class: 'markdown answer' });
    assistant.append(message);
    turn.append(assistant);
    conversation.append(turn);
    source = '';
  } else if (received.type === 'deltas' && message) {
    for (const item of received.items) source += item.text;
    const fragment = renderMarkdown(source);
    decorateCodeBlocks(fragment);
    message.replaceChildren(fragment);
    conversation.scrollTop = conversation.scrollHeight;
  }
});

vscodeApi.postMessage({ type: 'ready' });
