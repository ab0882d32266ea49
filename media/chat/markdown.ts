/**
 * Markdown → safe DOM. Model output is untrusted, so three layers stand between it and the page:
 *  1. markdown-it with `html: false`: raw HTML in the source is shown as text, never parsed;
 *     its link validator already refuses javascript:, vbscript:, file: and data: links.
 *  2. Our render rules: no `<img>` is ever produced (an image becomes a text chip, so no remote load),
 *     and no `href` either: a link keeps its target in `data-href` (http(s) only, checked again on
 *     click) or `data-file` (a workspace path the host resolves), so nothing navigates by itself.
 *  3. DOMPurify with an allowlist of the tags and attributes these rules produce, so even a bug in
 *     the rules above cannot let a script, an event handler, a style or a source attribute through.
 * The CSP (no inline script, images only from the webview itself) is the last line, not the first.
 */
import DOMPurify from 'dompurify';
import MarkdownIt, { type Env } from 'markdown-it';
import { isSafeExternalUrl } from '../../src/protocol/webviewLimits';
import { highlightToHtml, onLanguageLoaded } from './highlight';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const escapeHtml = markdown.utils.escapeHtml;

/** A relative path with no scheme, no leading slash and no `..` segment: maybe a workspace file. */
function looksLikeWorkspacePath(target: string): boolean {
  if (target.length === 0 || target.length > 1024) return false;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/') || target.startsWith('\\') || target.startsWith('#')) return false;
  return !target.split(/[\\/]/).includes('..');
}

markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  const token = tokens[index]!;
  const href = String(token.attrGet('href') ?? '');
  token.attrs = [];
  if (isSafeExternalUrl(href)) {
    token.attrSet('data-href', href);
    token.attrSet('title', href);
    token.attrSet('class', 'link');
  } else if (looksLikeWorkspacePath(href)) {
    token.attrSet('data-file', href.split('#')[0]!);
    token.attrSet('title', href);
    token.attrSet('class', 'link file-link');
  } else {
    token.attrSet('class', 'link inert');
  }
  token.attrSet('tabindex', '0');
  token.attrSet('role', 'link');
  return self.renderToken(tokens, index, options);
};

markdown.renderer.rules.image = (tokens, index) => {
  const token = tokens[index]!;
  const alt = token.children ? token.children.map((child) => child.content).join('') : token.content;
  return `<span class="image-placeholder" title="Images are not loaded in the chat">[image${alt ? `: ${escapeHtml(alt)}` : ''}]</span>`;
};

/** Longer code is shown plain: highlighting it would hold the page for too long. */
const MAX_HIGHLIGHTED_CHARS = 20_000;

markdown.renderer.rules.fence = (tokens, index) => {
  const token = tokens[index]!;
  const info = token.info.trim();
  const [language = '', ...rest] = info.split(/\s+/);
  // ```ts src/a.ts  or  ```ts:src/a.ts  name the file the block belongs to ("Apply to file").
  const [lang = '', colonPath] = language.split(':');
  const pathHint = colonPath ?? rest.find((word) => looksLikeWorkspacePath(word) && /[./]/.test(word)) ?? '';
  const code = token.content;
  const highlighted = code.length > MAX_HIGHLIGHTED_CHARS ? undefined : highlightToHtml(code, lang.toLowerCase());
  const attributes = [`data-lang="${escapeHtml(lang)}"`];
  if (pathHint) attributes.push(`data-path="${escapeHtml(pathHint)}"`);
  const codeClass = highlighted === undefined ? '' : ` class="hljs language-${escapeHtml(lang.toLowerCase())}"`;
  return `<pre ${attributes.join(' ')}><code${codeClass}>${highlighted ?? escapeHtml(code)}</code></pre>\n`;
};

const ALLOWED_TAGS = [
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'span', 'a', 'em',
  'strong', 's', 'del', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'br', 'div',
];
const ALLOWED_ATTR = ['class', 'title', 'start', 'tabindex', 'role', 'data-href', 'data-file', 'data-lang', 'data-path'];

const purify = DOMPurify(window);
purify.addHook('uponSanitizeAttribute', (_node, data) => {
  // Belt and braces: a data-href that is not http(s) is dropped even though the renderer checked it.
  if (data.attrName === 'data-href' && !isSafeExternalUrl(data.attrValue)) data.keepAttr = false;
});

const SANITIZE = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  RETURN_DOM_FRAGMENT: true,
} as const;

/** What markdown-it collects while rendering; passing one along lets a block use the link references defined in earlier ones. */
export type { Env as MarkdownEnv } from 'markdown-it';

/** Renders markdown to a sanitised fragment of the current document. */
export function renderMarkdown(source: string, env: Env = {}): DocumentFragment {
  return purify.sanitize(markdown.render(source, env), SANITIZE);
}

/**
 * Code blocks rendered before their language's highlighter had loaded (highlight.ts loads it on
 * demand) are highlighted when it arrives, through the same sanitiser. A fence still streaming is a
 * live text node (streamingMessage.ts) and is rendered again when it closes, so it is left alone.
 */
function highlightWaitingCode(): void {
  for (const code of Array.from(document.querySelectorAll<HTMLElement>('pre[data-lang] > code:not(.hljs)'))) {
    if (code.closest('.streaming')) continue;
    const language = (code.parentElement?.dataset['lang'] ?? '').toLowerCase();
    const text = code.textContent ?? '';
    if (text.length > MAX_HIGHLIGHTED_CHARS) continue;
    const highlighted = highlightToHtml(text, language);
    if (highlighted === undefined) continue;
    code.replaceChildren(purify.sanitize(highlighted, SANITIZE));
    code.className = `hljs language-${language}`;
  }
}
onLanguageLoaded(highlightWaitingCode);
