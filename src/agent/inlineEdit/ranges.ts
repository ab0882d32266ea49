/**
 * Which lines an inline edit or a fix works on, and how much context goes with them. Pure: positions
 * are plain 0-based line/character pairs and symbols a minimal tree the host converts to.
 */

/** Lines of context sent on each side of a region. */
export const CONTEXT_LINES = 40;

export interface Pos {
  line: number;
  character: number;
}

/** A region of whole lines, both ends inclusive. */
export interface LineRegion {
  startLine: number;
  endLine: number;
}

/**
 * The whole lines a selection covers. A selection that ends at the very start of a line (whole lines
 * selected with the keyboard) does not take that line.
 */
export function selectionLines(start: Pos, end: Pos): LineRegion {
  let endLine = end.line;
  if (end.line > start.line && end.character === 0) endLine--;
  return { startLine: start.line, endLine };
}

export interface SymbolNode {
  /** Lower-case kind as VS Code names it: function, method, constructor, class, variable, … */
  kind: string;
  startLine: number;
  endLine: number;
  children: readonly SymbolNode[];
}

const FUNCTION_LIKE = new Set(['function', 'method', 'constructor']);

/** The innermost function, method or constructor around `line`, if any. */
export function enclosingFunction(symbols: readonly SymbolNode[], line: number): LineRegion | undefined {
  let best: LineRegion | undefined;
  const visit = (nodes: readonly SymbolNode[]) => {
    for (const node of nodes) {
      if (line < node.startLine || line > node.endLine) continue;
      if (FUNCTION_LIKE.has(node.kind)) best = { startLine: node.startLine, endLine: node.endLine };
      visit(node.children);
    }
  };
  visit(symbols);
  return best;
}

/** The region around a problem: `radius` lines either side of it, inside the document. */
export function problemRegion(lineCount: number, startLine: number, endLine: number, radius: number): LineRegion {
  return { startLine: Math.max(0, startLine - radius), endLine: Math.min(lineCount - 1, endLine + radius) };
}

/** Splits a document's lines into context before, the region, and context after (at most `context` lines each). */
export function splitAround(
  lines: readonly string[],
  region: LineRegion,
  context: number,
): { before: string[]; selected: string[]; after: string[] } {
  return {
    before: lines.slice(Math.max(0, region.startLine - context), region.startLine),
    selected: lines.slice(region.startLine, region.endLine + 1),
    after: lines.slice(region.endLine + 1, region.endLine + 1 + context),
  };
}
