/**
 * Syntax highlighting with highlight.js, loaded on demand: the chat bundle carries none of it. The
 * core with the table of languages (dist/webview/hljs.js, highlightCore.ts) and each language
 * (hljs-<name>.js) are chunks, added as <script> elements with the page's CSP nonce the first time a
 * code block names a language. Until then the block is shown plain; `onLanguageLoaded` listeners
 * highlight it when its chunks have arrived. No auto-detection: it is slow and guesses wrong on short
 * snippets; an unknown language is shown plain.
 */

/** What the core chunk puts on `window` for this module and for the language chunks. */
export interface HighlightEngine {
  /** The chunk files a fence's language word needs (none when the word names no known language). */
  chunksFor(word: string): string[];
  registerLanguage(name: string, definition: unknown): void;
  canHighlight(word: string): boolean;
  /** Highlighted, escaped HTML, or undefined when highlight.js failed. */
  highlight(code: string, word: string): string | undefined;
}

declare global {
  interface Window {
    holdfastHighlighter?: HighlightEngine;
  }
}

/** Where this script came from and its nonce: the chunks sit beside it and need the same nonce. */
const origin = ((): { base: string; nonce: string } | undefined => {
  const script = document.currentScript;
  return script instanceof HTMLScriptElement && script.src ? { base: new URL('.', script.src).href, nonce: script.nonce ?? '' } : undefined;
})();

const scripts = new Map<string, Promise<void>>();
const requested = new Set<string>();
const listeners: Array<() => void> = [];

function loadScript(file: string): Promise<void> {
  let loading = scripts.get(file);
  if (!loading) {
    loading = new Promise<void>((resolve, reject) => {
      if (!origin) return reject(new Error('the chat script has no URL to load chunks from'));
      const script = document.createElement('script');
      script.nonce = origin.nonce;
      script.src = new URL(file, origin.base).href;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`${file} did not load`));
      document.head.append(script);
    });
    scripts.set(file, loading);
  }
  return loading;
}

const LANGUAGE_WORD = /^[\w#+.-]{1,32}$/;
const MAX_REQUESTED = 200;

function requestLanguage(word: string): void {
  if (requested.has(word) || requested.size >= MAX_REQUESTED) return;
  requested.add(word);
  loadScript('hljs.js')
    .then(() => Promise.all(window.holdfastHighlighter!.chunksFor(word).map(loadScript)))
    .then(
      (chunks) => {
        if (chunks.length > 0) for (const listener of listeners) listener();
      },
      // Shown plain, as an unknown language is; worth a line in the webview's console.
      (error: unknown) => console.warn(`Holdfast: no highlighting for ${word}: ${error instanceof Error ? error.message : String(error)}`),
    );
}

/**
 * Highlighted HTML for `code` (escaped by highlight.js), or undefined when the language is unknown or
 * not loaded yet; in the latter case its chunks start loading.
 */
export function highlightToHtml(code: string, language: string): string | undefined {
  // The word is model output: only something shaped like a language name is worth a request.
  if (!LANGUAGE_WORD.test(language)) return undefined;
  const engine = window.holdfastHighlighter;
  if (engine?.canHighlight(language)) return engine.highlight(code, language);
  requestLanguage(language);
  return undefined;
}

/** Called whenever more languages can be highlighted (code rendered before can be redone). */
export function onLanguageLoaded(listener: () => void): void {
  listeners.push(listener);
}
