import { describe, expect, it } from 'vitest';
import { MarkdownBoundaryScanner } from '../../../media/chat/markdownBoundaries';

/** Feeds `source` in pieces of `step` characters and returns the boundary after each. */
function boundaries(source: string, step = 1): { boundary: number; fence: boolean } {
  const scanner = new MarkdownBoundaryScanner();
  for (let end = step; end < source.length + step; end += step) scanner.scan(source.slice(0, Math.min(end, source.length)));
  return { boundary: scanner.safeBoundary, fence: scanner.openFence !== undefined };
}

describe('MarkdownBoundaryScanner', () => {
  it('cuts before a paragraph that follows a blank line, not before it is started', () => {
    const source = 'First paragraph.\n\nSecond';
    expect(boundaries(source)).toEqual({ boundary: 0, fence: false });
    expect(boundaries(`${source} line\n`)).toEqual({ boundary: source.indexOf('Second'), fence: false });
  });

  it('never cuts inside a code fence, even at blank lines', () => {
    const source = 'Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n\n';
    const result = boundaries(source, 3);
    expect(result.fence).toBe(true);
    expect(result.boundary).toBe(source.indexOf('```'));
    const closed = `${source}\`\`\`\nAfter\n`;
    expect(boundaries(closed, 5).boundary).toBe(closed.indexOf('After'));
  });

  it('does not split a list item from its indented continuation', () => {
    const source = '- item one\n\n  continued\n- item two\n';
    expect(boundaries(source).boundary).toBe(0);
  });

  it('cuts around headings', () => {
    const source = 'Para\n# Title\nText\n';
    expect(boundaries(source).boundary).toBe(source.indexOf('Text'));
  });

  it('bounds a tail with no blank line by cutting at a line start outside tables', () => {
    const line = 'word '.repeat(20) + '\n';
    const source = line.repeat(400);
    const scanner = new MarkdownBoundaryScanner(4_096);
    scanner.scan(source);
    expect(scanner.safeBoundary).toBeGreaterThan(source.length - 4_096 - line.length);
    const table = '| a | b |\n' + '|---|---|\n' + '| 1 | 2 |\n'.repeat(1_000);
    const tableScanner = new MarkdownBoundaryScanner(4_096);
    tableScanner.scan(table);
    expect(tableScanner.safeBoundary).toBe(0);
  });
});
