/**
 * Measurements of the chat view's layout, as page expressions (source text: they run inside the
 * webview, in the browser harness and in the real VS Code alike, and the root tsconfig has no DOM).
 */

/** Everything that must fit the view's width, and what overflows it ([] when nothing does). */
export const OVERFLOW_REPORT = `(() => {
  const wide = (el) => el.scrollWidth > el.clientWidth + 1;
  const doc = document.documentElement;
  const out = [];
  if (doc.scrollWidth > doc.clientWidth) out.push('document ' + doc.scrollWidth + ' > ' + doc.clientWidth);
  for (const el of document.querySelectorAll('.conversation, .header, .composer, .card, .code-block, .user-message, .turn, .markdown, .empty')) {
    if (wide(el)) out.push(el.className + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
  return out;
})()`;

/** Header controls whose box is not wholly inside the view ([] when all are). */
export const HEADER_OUTSIDE = `(() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('.header button, .header .workspace')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => ({ name: el.getAttribute('aria-label') || el.textContent, rect: el.getBoundingClientRect() }))
    .filter(({ rect }) => rect.left < 0 || rect.right > width + 0.5 || rect.width === 0)
    .map(({ name, rect }) => name + ' [' + Math.round(rect.left) + ', ' + Math.round(rect.right) + ']');
})()`;

/** How far the view itself has been moved sideways (both 0 when it has not). */
export const VIEW_SHIFT = `(() => ({ scrollLeft: document.scrollingElement.scrollLeft + document.body.scrollLeft + document.getElementById('root').scrollLeft, rootLeft: document.getElementById('root').getBoundingClientRect().left }))()`;

/** The composer's height and its line height, in px. */
export const COMPOSER_SIZE = `(() => { const el = document.querySelector('[data-testid="composer-input"]'); return { height: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) }; })()`;

/** 'visible' when the last element matching `selector` lies inside the conversation's visible rectangle, else why not. */
export function visibleInConversation(selector: string): string {
  return `(() => {
    const el = [...document.querySelectorAll(${JSON.stringify(selector)})].pop();
    if (!el) return 'missing';
    const box = el.getBoundingClientRect();
    const view = document.querySelector('.conversation').getBoundingClientRect();
    return box.height > 0 && box.top >= view.top - 0.5 && box.bottom <= view.bottom + 0.5 ? 'visible' : 'outside: ' + Math.round(box.top) + '-' + Math.round(box.bottom) + ' not in ' + Math.round(view.top) + '-' + Math.round(view.bottom);
  })()`;
}

/** Where the conversation is scrolled and whether the view follows the stream (for failure messages). */
export const SCROLL_STATE = `(() => { const c = document.querySelector('.conversation'); return { scrollTop: Math.round(c.scrollTop), scrollHeight: c.scrollHeight, clientHeight: c.clientHeight, following: c.dataset.following }; })()`;
