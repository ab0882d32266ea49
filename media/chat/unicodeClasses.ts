/**
 * Stands in for `uc.micro` inside markdown-it (esbuild.js aliases it here for the webview bundle):
 * the same Unicode categories, written as property escapes the browser already knows instead of
 * 5 KB of code-point ranges. markdown-it only calls `.test()` on them (P and S: "Unicode punctuation");
 * test/unit/webview/unicodeClasses.test.ts checks every code point against uc.micro.
 */
export const Any = /[^]/u;
export const Cc = /\p{Cc}/u;
export const Cf = /\p{Cf}/u;
export const P = /\p{P}/u;
export const S = /\p{S}/u;
export const Z = /\p{Z}/u;
