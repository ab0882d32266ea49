/**
 * Model output that is hard on a markdown renderer, each about the same length as a plain-prose
 * reference: emphasis and bracket storms, deep nesting, a huge table, very long lines. The webview
 * benchmark (webviewScenarios.ts) streams them and compares with plain text of the same length; the
 * browser test (test/browser/rendering.browser.ts) checks what they render to.
 */
import { mulberry32 } from '../fakes/prng';

export interface PathologicalInput {
  name: string;
  /** What it is, for the report. */
  what: string;
  text: string;
}

const WORDS = 'the socket stays warm so each turn sends only the new items and the server keeps the previous response in memory'.split(' ');

function prose(length: number, seed: number, paragraphEvery = 600): string {
  const random = mulberry32(seed);
  let text = '';
  let sinceBreak = 0;
  while (text.length < length) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    text += word;
    sinceBreak += word.length + 1;
    if (sinceBreak > paragraphEvery && random() < 0.2) {
      text += '.\n\n';
      sinceBreak = 0;
    } else text += ' ';
  }
  return text.slice(0, length);
}

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** The inputs, each `length` characters (the table and nested lists end on a whole line). */
export function pathologicalInputs(length = 100_000): PathologicalInput[] {
  const tableRows = Array.from({ length: Math.ceil(length / 24) }, (_, row) => `| ${row} | cell ${row % 97} | x |`).join('\n');
  const nestedList = Array.from({ length: Math.ceil(length / 30) }, (_, line) => `${'  '.repeat(line % 40)}- item ${line}`).join('\n');
  const nestedQuotes = Array.from({ length: Math.ceil(length / 80) }, (_, line) => `${'> '.repeat(30)}quoted line ${line}`).join('\n');
  return [
    { name: 'plain', what: 'prose in paragraphs (the reference)', text: prose(length, 1) },
    { name: 'long-line', what: 'prose on one line, no line break', text: prose(length, 2, Infinity).replace(/\n/g, ' ') },
    { name: 'emphasis-storm', what: '`*a` repeated', text: repeatTo('*a', length) },
    { name: 'underscore-storm', what: '`_a` repeated', text: repeatTo('_a', length) },
    { name: 'bracket-storm', what: '`[` repeated', text: repeatTo('[', length) },
    { name: 'link-storm', what: '`[a](b ` repeated', text: repeatTo('[a](b ', length) },
    { name: 'backtick-storm', what: '`` `a `` repeated', text: repeatTo('`a', length) },
    { name: 'deep-quote', what: '`>` repeated on one line', text: repeatTo('>', length) },
    { name: 'nested-quotes', what: 'lines quoted 30 deep', text: nestedQuotes.slice(0, nestedQuotes.lastIndexOf('\n', length)) },
    { name: 'nested-lists', what: 'list items nested up to 40 deep', text: nestedList.slice(0, nestedList.lastIndexOf('\n', length)) },
    { name: 'huge-table', what: 'a 3-column table of ~4,000 rows', text: `| n | name | mark |\n|---|---|---|\n${tableRows.slice(0, tableRows.lastIndexOf('\n', length - 40))}` },
  ];
}
