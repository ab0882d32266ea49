import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import ours from '../../../media/chat/punycode';
import { mulberry32, pick } from '../../fakes/prng';

/** The webview's punycode (media/chat/punycode.ts) against punycode.js: the same names, the same failures. */
const original = createRequire(__filename)('punycode.js') as { toASCII(text: string): string; toUnicode(text: string): string };
function outcome(convert: (text: string) => string, text: string): string {
  try {
    return `ok:${convert(text)}`;
  } catch (error) {
    return `throws ${error instanceof RangeError ? 'RangeError' : String(error)}`;
  }
}

function same(text: string): void {
  expect(outcome(ours.toASCII, text), `toASCII ${JSON.stringify(text)}`).toBe(outcome(original.toASCII, text));
  expect(outcome(ours.toUnicode, text), `toUnicode ${JSON.stringify(text)}`).toBe(outcome(original.toUnicode, text));
}

const CORPUS = [
  'example.com', 'EXAMPLE.com', 'пример.рф', 'xn--e1afmkfd.xn--p1ai', 'XN--E1AFMKFD.xn--p1ai', 'bücher.de', 'xn--bcher-kva.de', '例子.测试', '😀.example',
  'mañana.com', 'user@mañana.com', 'a。b．c｡d', 'xn--', 'xn--a', 'xn--99999999999', 'xn--zzzzzzzzzzzzzz', 'xn--ü', 'a-b-c.xn--a-b-c', '', '.', 'localhost',
  '\ud83d.example', 'ſ.example', 'xn--bcher-kva', 'xn--mnchen-3ya.de', 'xn--ls8h.la',
];

describe('the webview punycode matches punycode.js', () => {
  it('on a corpus of host names, valid and not', () => {
    for (const text of CORPUS) same(text);
  });

  it('on seeded random names', () => {
    const rng = mulberry32(0x9c0d);
    const pieces = ['a', 'z', '0', '-', '.', 'xn--', 'ü', 'ß', 'п', 'р', '例', '😀', '\ud83d', '。', '@', 'A', 'Z', '9', 'kva', '3ya'];
    for (let round = 0; round < 5_000; round++) {
      let text = '';
      for (let count = 1 + Math.floor(rng() * 10); count > 0; count--) text += pick(rng, pieces);
      same(text);
    }
  });
});
