/**
 * Rendering bounded by input size, in the real bundle: pathological model output (storms, deep
 * nesting, a huge table, a very long line) streamed in 1,000-character deltas renders completely and
 * to the DOM the rules say (markdown within budget, every character as plain text beyond it, a long
 * table in tables of ~200 rows under its header); a streamed answer renders exactly as the same answer from a snapshot (a reload),
 * loose lists and late link references included; entities decode as markdown-it's own table says.
 * (How long it takes is `npm run bench:webview`'s business: no timing here.)
 */
import { createRequire } from 'node:module';
import type { Page } from '../e2e/node_modules/playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { pathologicalInputs } from '../bench/pathologicalMarkdown';
import { mulberry32 } from '../fakes/prng';
import { type BrowserTest, check, checkEqual } from './browserTest';
import { emptySnapshot, postToWebview } from './harness';

async function ready(page: Page): Promise<void> {
  await postToWebview(page, emptySnapshot());
  await page.waitForSelector('[data-testid="holdfast-chat"][data-ready="true"]');
}

/** Streams `text` as turn `turnId` in pieces of `sizes()` characters, then finishes the turn. */
async function streamTurn(page: Page, turnId: string, text: string, sizes: () => number): Promise<void> {
  await postToWebview(page, { type: 'turnStarted', turn: { id: turnId, userText: 'go', attachments: [], items: [], status: 'running' } });
  const batch: HostToWebview[] = [];
  for (let offset = 0; offset < text.length; ) {
    const size = sizes();
    batch.push({ type: 'deltas', turnId, items: [{ blockId: `${turnId}-answer`, text: text.slice(offset, offset + size) }] });
    offset += size;
    // A few posts per task, as frames of a real stream arrive.
    if (batch.length === 4) await postToWebview(page, ...batch.splice(0));
  }
  await postToWebview(page, ...batch, { type: 'turnFinished', turnId, status: 'done' });
  await page.waitForSelector(`[data-turn-id="${turnId}"][data-status="done"]`);
}

/** The same text as a finished turn in a snapshot: what a reload shows. */
async function showInSnapshot(page: Page, turnId: string, text: string): Promise<void> {
  const snapshot = emptySnapshot() as Extract<HostToWebview, { type: 'snapshot' }>;
  snapshot.session!.turns.push({ id: turnId, userText: 'go', attachments: [], status: 'done', items: [{ kind: 'markdown', id: `${turnId}-answer`, text }] });
  await postToWebview(page, snapshot);
  await page.waitForSelector(`[data-turn-id="${turnId}"][data-status="done"]`);
}

/** The answer's markdown as HTML, with the chunk wrappers (`md-block`, one per block the scanner cut) taken away. */
async function answerHtml(page: Page, turnId: string): Promise<string> {
  return (await page.evaluate(`(() => {
    const markdown = document.querySelector('[data-turn-id="${turnId}"] .markdown').cloneNode(true);
    for (const block of Array.from(markdown.querySelectorAll('.md-block'))) block.replaceWith(...block.childNodes);
    return markdown.innerHTML;
  })()`)) as string;
}

interface AnswerShape {
  text: string;
  /** The most blockquotes and lists nested in one another. */
  deepestNesting: number;
  /** The text of the plain-text paragraphs, joined (their line breaks are <br>, not text). */
  plainText: string;
  elements: Record<string, number>;
  tables: Array<{ head: string[]; rows: number; first: string[]; last: string[] }>;
}

async function answerShape(page: Page, turnId: string): Promise<AnswerShape> {
  return (await page.evaluate(`(() => {
    const markdown = document.querySelector('[data-turn-id="${turnId}"] .markdown');
    const elements = {};
    // The pin button on a finished answer block is the view's chrome, not rendered text.
    for (const node of Array.from(markdown.querySelectorAll('*'))) if (node.localName !== 'div' && !node.closest('.pin-button')) elements[node.localName] = (elements[node.localName] || 0) + 1;
    const cells = (row) => Array.from(row ? row.cells : []).map((cell) => cell.textContent);
    let deepestNesting = 0;
    for (const node of Array.from(markdown.querySelectorAll('blockquote, ul, ol'))) {
      let depth = 0;
      for (let up = node; up && up !== markdown; up = up.parentElement) if (['blockquote', 'ul', 'ol'].includes(up.localName)) depth++;
      deepestNesting = Math.max(deepestNesting, depth);
    }
    return {
      text: markdown.textContent,
      deepestNesting,
      plainText: Array.from(markdown.querySelectorAll('p.plain-text')).map((p) => p.textContent).join(''),
      elements,
      tables: Array.from(markdown.querySelectorAll('table')).map((table) => {
        const rows = Array.from(table.tBodies[0] ? table.tBodies[0].rows : []);
        return { head: cells(table.tHead && table.tHead.rows[0]), rows: rows.length, first: cells(rows[0]), last: cells(rows[rows.length - 1]) };
      }),
    };
  })()`)) as AnswerShape;
}

const SHOWN_AS_PLAIN_TEXT = ['long-line', 'emphasis-storm', 'underscore-storm', 'bracket-storm', 'link-storm', 'backtick-storm', 'deep-quote'];
/** Nesting past the budget (12 levels) is shown as plain text; shallower parts may be markdown. */
const DEEPLY_NESTED: Record<string, RegExp> = { 'nested-quotes': /quoted line \d+/g, 'nested-lists': /item \d+/g };

/** What each pathological input must render to (the budgets are in media/chat/renderBudget.ts). */
function checkPathological(name: string, source: string, shape: AnswerShape): void {
  const lines = source.split('\n');
  if (SHOWN_AS_PLAIN_TEXT.includes(name)) {
    // Beyond the budget every character is kept as text, lines as <br>, nothing interpreted.
    checkEqual(shape.plainText.length, source.replace(/\n/g, '').length, `${name}: every character is on screen as plain text`);
    check(shape.plainText === source.replace(/\n/g, ''), `${name}: the text is the source, in order`);
    checkEqual(Object.keys(shape.elements).filter((tag) => tag !== 'p' && tag !== 'br'), [], `${name}: no markup was interpreted`);
  } else if (DEEPLY_NESTED[name]) {
    const labels = source.match(DEEPLY_NESTED[name]!)!;
    checkEqual(shape.text.match(DEEPLY_NESTED[name]!), labels, `${name}: every line is on screen, in order`);
    check(shape.deepestNesting <= 12, `${name}: nothing rendered nested deeper than the budget (${shape.deepestNesting})`);
    check(shape.plainText.length > 0, `${name}: the deep parts are shown as plain text`);
  } else if (name === 'huge-table') {
    const rows = lines.slice(2);
    // Rows join the table they continue, up to ~200 rows; then a new table repeats the header.
    check(shape.tables.length >= Math.floor(rows.length / 250), `a long table continues in tables of ~200 rows (${shape.tables.length})`);
    for (const table of shape.tables) checkEqual(table.head, ['n', 'name', 'mark'], 'each repeats the header');
    for (const table of shape.tables.slice(0, -1)) check(table.rows >= 199, `only the last one is short (${table.rows} rows)`);
    checkEqual(shape.tables.reduce((sum, table) => sum + table.rows, 0), rows.length, 'every row is there');
    checkEqual(shape.tables[0]!.first, ['0', 'cell 0', 'x'], 'the first row');
    const last = rows[rows.length - 1]!.split('|').slice(1, -1).map((cell) => cell.trim());
    checkEqual(shape.tables[shape.tables.length - 1]!.last, last, 'the last row');
  } else if (name === 'plain') {
    const paragraphs = source.split('\n\n');
    checkEqual(shape.elements['p'], paragraphs.length, 'plain prose is one <p> per paragraph');
    checkEqual(shape.text.replace(/\s+/g, ' ').trim(), source.replace(/\s+/g, ' ').trim(), 'all of it');
  } else {
    throw new Error(`no expectation for ${name}`);
  }
}

/** Equal HTML, or a failure that shows where the two first differ (not the whole of both). */
function checkSameHtml(actual: string, expected: string, message: string): void {
  if (actual === expected) return;
  let index = 0;
  while (index < actual.length && actual[index] === expected[index]) index++;
  const around = (text: string): string => JSON.stringify(text.slice(Math.max(0, index - 150), index + 150));
  throw new Error(`${message}: they differ at ${index} of ${expected.length}:\n  expected …${around(expected)}…\n  got      …${around(actual)}…`);
}

const LINK_DEFINED_LATER = 'See [the docs][d] first.\n\n';

/** A realistic answer touching every cut rule: headings, a loose list, a fence, a long table and list, a late reference. */
function mixedAnswer(): string {
  const table = `| key | value |\n|---|---:|\n${Array.from({ length: 250 }, (_, row) => `| k${row} | ${row * 3} |`).join('\n')}\n`;
  const list = Array.from({ length: 400 }, (_, item) => `${'  '.repeat(item % 3)}- step ${item} with \`code\` and *stress*`).join('\n');
  return [
    '# Plan',
    LINK_DEFINED_LATER.trim(),
    '1. loose one\n\n2. loose two\n\n3. loose three',
    '```ts\nconst a = 1;\n\nconst b = "<b>";\n```',
    table,
    list,
    'A closing paragraph &copy; with an &notit; and a link https://example.com/x.',
    '[d]: https://example.com/docs "Docs"',
  ].join('\n\n');
}

/** Every HTML entity name, from the decoding table of the `entities` package markdown-it depends on. */
function entityNames(): { names: string[]; decode: (text: string) => string } {
  const load = createRequire(createRequire(__filename).resolve('markdown-it'));
  const entities = load('entities/decode') as {
    EntityDecoder: new (tree: Uint16Array, emit: () => void) => { startEntity(mode: number): void; write(input: string, offset: number): number };
    DecodingMode: { Strict: number };
    htmlDecodeTree: Uint16Array;
    decodeHTMLStrict(text: string): string;
  };
  const characters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const names: string[] = [];
  const mayContinue = (prefix: string): boolean => {
    const decoder = new entities.EntityDecoder(entities.htmlDecodeTree, () => undefined);
    decoder.startEntity(entities.DecodingMode.Strict);
    return decoder.write(prefix, 0) === -1;
  };
  const visit = (prefix: string): void => {
    for (const character of characters) {
      const name = prefix + character;
      if (!mayContinue(name)) continue;
      if (entities.decodeHTMLStrict(`&${name};`) !== `&${name};`) names.push(name);
      visit(name);
    }
  };
  visit('');
  return { names, decode: entities.decodeHTMLStrict };
}

export const renderingTests: BrowserTest[] = [
  {
    name: 'pathological input streamed in 1,000-character deltas renders completely, to the DOM the budgets say',
    async run({ open }) {
      const page = await open();
      await ready(page);
      for (const [index, input] of pathologicalInputs().entries()) {
        const turnId = `p${index}`;
        await streamTurn(page, turnId, input.text, () => 1_000);
        checkPathological(input.name, input.text, await answerShape(page, turnId));
      }
    },
  },
  {
    name: 'plain text shown for a block beyond the budget is inert: hostile HTML in it stays text',
    async run({ open }) {
      const page = await open();
      await ready(page);
      const hostile = `${'*a'.repeat(2_000)}<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>${'[x](javascript:alert(1))'.repeat(100)}`;
      await streamTurn(page, 'h', hostile, () => 700);
      const shape = await answerShape(page, 'h');
      checkEqual(shape.plainText, hostile, 'shown as the text it is');
      checkEqual(Object.keys(shape.elements).filter((tag) => tag !== 'p' && tag !== 'br'), [], 'no element came from the text');
      checkEqual(await page.evaluate('window.__pwned'), undefined, 'nothing ran');
    },
  },
  {
    name: 'a streamed answer renders exactly as the same answer from a snapshot (a reload): loose lists, long tables, late references',
    async run({ open }) {
      const page = await open();
      await ready(page);
      const text = mixedAnswer();
      const rng = mulberry32(11);
      await streamTurn(page, 'streamed', text, () => 1 + Math.floor(rng() * 300));
      // Code is highlighted once its chunk has loaded: compare after that, on both pages.
      const highlighted = '[data-turn-id="streamed"] pre code.hljs';
      await page.locator(highlighted).waitFor({ state: 'attached', timeout: 10_000 });
      const streamed = await answerHtml(page, 'streamed');
      const reloaded = await open();
      await ready(reloaded);
      await showInSnapshot(reloaded, 'streamed', text);
      await reloaded.locator(highlighted).waitFor({ state: 'attached', timeout: 10_000 });
      checkSameHtml(await answerHtml(reloaded, 'streamed'), streamed, 'the same DOM after a reload');
      const shape = await answerShape(page, 'streamed');
      checkEqual(shape.tables.map((table) => table.head.join()), ['key,value', 'key,value'], 'the 250-row table: 200 rows, then the rest under its header again');
      checkEqual(shape.tables.reduce((sum, table) => sum + table.rows, 0), 250, 'with all its rows');
      const loose = (await page.evaluate(`(() => {
        const lists = Array.from(document.querySelectorAll('[data-turn-id="streamed"] ol'));
        return lists.map((list) => ({ start: list.getAttribute('start'), items: list.children.length, paragraphs: list.querySelectorAll('li > p').length }));
      })()`)) as Array<{ start: string | null; items: number; paragraphs: number }>;
      checkEqual(loose, [{ start: null, items: 3, paragraphs: 3 }], 'the loose list is one list of three items, each a paragraph');
      const link = await page.locator('[data-turn-id="streamed"] a[data-href="https://example.com/docs"]').count();
      checkEqual(link, 1, 'the reference defined at the end links "the docs" at the start');
      check(shape.text.includes('© with an &notit;'), 'entities decode strictly (&notit; is not ¬it;)');
    },
  },
  {
    name: 'every HTML entity decodes as markdown-it decodes it with its own entity table',
    async run({ open }) {
      const page = await open();
      await ready(page);
      const { names, decode } = entityNames();
      check(names.length > 2_000, `found the entity names (${names.length})`);
      // Not entities, strictly: legacy prefixes, wrong case, unknown names.
      const others = ['notit', 'ampx', 'copyx', 'Amp', 'bogus', 'NotAThing'];
      const words = [...names, ...others];
      // Paragraphs of 300, so no block is dense enough to be shown as plain text.
      const SEPARATOR = ' Zq9 ';
      const paragraphs: string[][] = [];
      for (let index = 0; index < words.length; index += 300) paragraphs.push(words.slice(index, index + 300));
      await showInSnapshot(page, 'entities', paragraphs.map((group) => group.map((name) => `&${name};`).join(SEPARATOR)).join('\n\n'));
      const shown = (await page.evaluate(`Array.from(document.querySelectorAll('[data-turn-id="entities"] .markdown p')).map((p) => p.textContent)`)) as string[];
      checkEqual(shown.length, paragraphs.length, 'every paragraph rendered as markdown');
      const got = shown.flatMap((paragraph) => paragraph.split(SEPARATOR));
      const wrong = words.filter((name, index) => got[index] !== decode(`&${name};`)).map((name) => `${name}: ${JSON.stringify(got[words.indexOf(name)])}`);
      checkEqual(wrong, [], 'entities decoded differently from markdown-it');
    },
  },
];
