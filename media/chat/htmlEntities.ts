/**
 * Stands in for the `entities` package inside markdown-it (esbuild.js aliases it here for the webview
 * bundle): markdown-it needs only `decodeHTMLStrict('&name;')`, and the browser already knows every
 * HTML entity, so the 23 KB decoding table is not shipped. A <textarea>'s content is parsed as text
 * (RCDATA: no element is ever created), which decodes entities exactly; what the strict decoder
 * refuses is an entity that matched only as a legacy prefix (`&notit;` → `¬it;`), told apart by the
 * `;` left over. test/browser/markdownEntities.browser.ts compares every HTML entity with the package.
 */
const decoder = document.createElement('textarea');
const decoded = new Map<string, string>();
const MAX_CACHED = 2_000;

/** `&name;` (or any text) with its entities decoded, strictly: `&` + a full entity name + `;`. */
export function decodeHTMLStrict(text: string): string {
  let result = decoded.get(text);
  if (result === undefined) {
    decoder.innerHTML = text;
    result = decoder.value;
    // A legacy prefix match (`&not` of `&notit;`) leaves the `;` behind: not an entity, strictly.
    if (result !== text && result.endsWith(';') && result !== ';') result = text;
    if (decoded.size >= MAX_CACHED) decoded.clear();
    decoded.set(text, result);
  }
  return result;
}
