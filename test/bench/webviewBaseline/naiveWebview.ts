/**
 * Benchmark baseline only (test/bench/webviewStreaming.ts bundles it; the extension never ships it, so
 * it lives under test/, and it is type-checked with the webview's DOM types by media/tsconfig.json):
 * the naive way to stream markdown, re-rendering the whole message on every batch with the same
 * renderer (markdown-it + highlight.js + DOMPurify) and the same code-block decoration as the real
 * view. The real view's incremental renderer is measured against this.
 */
import '../../../media/chat/chat.css';
import { decorateCodeBlocks } from '../../../media/chat/codeBlocks';
import { element } from '../../../media/chat/dom';
import { renderMarkdown } from '../../../media/chat/markdown';
import { vscodeApi } from '../../../media/chat/vscodeApi';
import { parseHostToWebview } from '../../../src/protocol/webview';

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
