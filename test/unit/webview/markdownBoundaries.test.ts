import { describe, expect, it } from 'vitest';
import { type Cut, MarkdownBoundaryScanner } from '../../../media/chat/markdownBoundaries';
import { mulberry32 } from '../../fakes/prng';

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

/** The cuts of `source` scanned in pieces of random size (a stream) — or at once (a reload) when `rng` is absent. */
function cutsOf(source: string, rng?: () => number, ...limits: [number?, number?]): Cut[] {
  const scanner = new MarkdownBoundaryScanner(...limits);
  if (!rng) scanner.scan(source);
  else for (let end = 0; end < source.length; ) scanner.scan(source.slice(0, (end = Math.min(source.length, end + 1 + Math.floor(rng() * 40)))));
  return scanner.cuts;
}

describe('MarkdownBoundaryScanner: lists, tables and reloads', () => {
  it('keeps a loose list in one block, so it stays one list (not three lists restarting their numbers)', () => {
    const source = '1. first\n\n2. second\n\n3. third\n\nAfter the list.\n';
    expect(cutsOf(source).map((cut) => cut.offset)).toEqual([source.indexOf('After')]);
    const bullets = '- a\n\n- b\n\n* c\n';
    expect(cutsOf(bullets).map((cut) => cut.offset)).toEqual([bullets.indexOf('* c')]);
  });

  it('cuts a long table between rows, carrying its header so the rows join the same table', () => {
    const header = '| n | name |\n|---|:---:|\n';
    const rows = Array.from({ length: 400 }, (_, row) => `| ${row} | cell |\n`).join('');
    const source = `Intro\n\n${header}${rows}\nAfter\n`;
    const cuts = cutsOf(source, undefined, 8_192, 512);
    const inTable = cuts.filter((cut) => cut.tableHeader !== undefined);
    expect(inTable.length).toBeGreaterThan(5);
    for (const cut of inTable) {
      expect(cut.tableHeader).toBe(header);
      expect(source.slice(cut.offset)).toMatch(/^\| \d+ \| cell \|\n/);
    }
    expect(cuts.map((cut) => cut.offset)).toContain(source.indexOf('After'));
  });

  it('stops treating lines as table rows once something else interrupts the table', () => {
    const source = `| a | b |\n|---|---|\n| 1 | 2 |\n> a quote\n${'lazy quote text\n'.repeat(200)}`;
    expect(cutsOf(source, undefined, 8_192, 256).every((cut) => cut.tableHeader === undefined)).toBe(true);
  });

  it('cuts a streamed answer exactly where it cuts the whole answer (a reload renders what the stream did)', () => {
    const rng = mulberry32(7);
    const table = `| a | b |\n|---|---|\n${'| 1 | 2 |\n'.repeat(300)}`;
    const list = Array.from({ length: 300 }, (_, item) => `${'  '.repeat(item % 3)}- item ${item}\n`).join('');
    const source = [
      '# Title\n',
      'Para one\nstill para one\n',
      '```ts\nconst a = 1;\n\nconst b = 2;\n```\n',
      '1. loose\n\n2. list\n',
      table,
      list,
      'word '.repeat(4_000),
      '\n[the docs][d]\n\n[d]: https://example.com\n',
    ].join('\n');
    const whole = cutsOf(source, undefined, 2_048, 512);
    for (let run = 0; run < 5; run++) expect(cutsOf(source, rng, 2_048, 512)).toEqual(whole);
  });
});
