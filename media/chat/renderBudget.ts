/**
 * How much markdown the view renders in one go. markdown-it's inline parsing and the DOM it produces
 * grow with the density of inline markup (`*a*a*a…` is one element per two characters, `[[[[…` parses
 * in superlinear time), so a block is rendered as markdown only while both its length and its count of
 * inline-markup characters stay within a budget; otherwise it is shown as plain text, every character
 * kept (`renderPlainText`). Pure, so it is unit-tested without a DOM.
 */

export interface Budget {
  chars: number;
  /** Inline-markup characters (see `countInlineMarkup`). */
  markup: number;
  /**
   * Quote and indentation depth at a line start. Each level indents, so deep nesting squeezes the text
   * to a character per line (a huge layout), and past 100 levels markdown-it drops the rest silently.
   */
  depth: number;
}

/** The open tail is rendered again every frame: it gets the smaller budget. */
export const TAIL_BUDGET: Budget = { chars: 12_288, markup: 1_500, depth: 12 };
/** A finished block is rendered once. */
export const BLOCK_BUDGET: Budget = { chars: 32_768, markup: 1_500, depth: 12 };
/** A code fence is one element whatever its content: only its length counts. */
export const FENCE_BUDGET_CHARS = 200_000;

/** A top-level fence: the scanner cuts before and after it, so such a block is the fence alone. */
const FENCE_START = /^(`{3,}|~{3,})/;

/** Characters that open or close inline markup (and table cells), counted up to `limit`. */
export function countInlineMarkup(text: string, limit = Infinity): number {
  let count = 0;
  for (let index = 0; index < text.length && count <= limit; index++) {
    switch (text.charCodeAt(index)) {
      case 0x2a: // *
      case 0x5f: // _
      case 0x60: // `
      case 0x5b: // [
      case 0x5d: // ]
      case 0x3c: // <
      case 0x26: // &
      case 0x7e: // ~
      case 0x21: // !
      case 0x5c: // \
      case 0x7c: // |
        count++;
    }
  }
  return count;
}

/**
 * The deepest nesting a line start asks for, up to `limit`: each `>` (with the space after it) is a
 * level, and so is every two columns of indentation (a nested list item).
 */
export function nestingDepth(text: string, limit = Infinity): number {
  let deepest = 0;
  for (let start = 0; start < text.length && deepest <= limit; ) {
    let quotes = 0;
    let columns = 0;
    let index = start;
    for (; index < text.length && quotes + Math.floor(columns / 2) <= limit; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x3e) {
        quotes++; // `>`, and the one space that may follow it
        if (text.charCodeAt(index + 1) === 0x20) index++;
      } else if (code === 0x20) columns++;
      else if (code === 0x09) columns += 4;
      else break;
    }
    deepest = Math.max(deepest, quotes + Math.floor(columns / 2));
    const newline = text.indexOf('\n', index);
    start = newline < 0 ? text.length : newline + 1;
  }
  return deepest;
}

/** Whether `source` (a block, or the open tail) is rendered as markdown rather than as plain text. */
export function fitsMarkdownBudget(source: string, budget: Budget): boolean {
  if (FENCE_START.test(source)) return source.length <= FENCE_BUDGET_CHARS;
  return source.length <= budget.chars && countInlineMarkup(source, budget.markup) <= budget.markup && nestingDepth(source, budget.depth) <= budget.depth;
}
