import { LinkifyIt as Original } from 'linkify-it';
import { describe, expect, it } from 'vitest';
import { LinkifyIt } from '../../../media/chat/linkify';
import { mulberry32, pick } from '../../fakes/prng';

/**
 * The webview's linkify (media/chat/linkify.ts) against linkify-it as markdown-it uses it, minus bare
 * e-mail addresses (the one thing it leaves out on purpose): the same links, at the same offsets, with
 * the same URLs, on a corpus of tricky cases and on seeded random text made of URL-ish pieces.
 */
const original = new Original({ fuzzyEmail: false });
const ours = new LinkifyIt();

const CORPUS = [
  'see https://example.com/docs and http://example.com/a?b=1&c=2#frag.',
  'trailing punctuation: https://example.com/x, https://example.com/y; https://example.com/z! https://example.com/q?',
  'parens (https://example.com/a_(b)) and [https://example.com/c] and {https://example.com/d}',
  'quotes "https://example.com/e" \'https://example.com/f\' and https://example.com/it\'s',
  'ports and ips: http://localhost:8080/x http://127.0.0.1:3000 http://[::1]:80/y http://[2001:db8::1]/',
  'schemes: ftp://files.example.org/pub mailto:someone@example.com //cdn.example.com/lib.js javascript:alert(1)',
  'unicode: https://пример.рф/путь and https://例子.测试 and https://xn--e1afmkfd.xn--p1ai/',
  'no links: example.com, someone@example.com, www.example.com, file.md, a://b, http://, https://-bad.com',
  'dashes https://a-b.example.com/c--d---e and dots https://example.com/a..b and https://example.com/a.',
  '<https://example.com/angle> |https://example.com/pipe| ｜https://example.com/fullwidth',
  'HTTPS://EXAMPLE.COM/UPPER and Http://Example.com',
  'http://example.com/very/long/' + 'segment/'.repeat(200),
  '_https://example.com/underscore-before and xhttps://example.com/letter-before',
  'auth http://user:pass@example.com/ and http://a@b.c',
];

function same(text: string): void {
  const theirs = original.match(text);
  const mine = ours.match(text);
  const shape = (links: Array<{ schema: string; index: number; lastIndex: number; raw: string; text: string; url: string }> | null) =>
    links?.map(({ schema, index, lastIndex, raw, text: shown, url }) => ({ schema, index, lastIndex, raw, text: shown, url })) ?? null;
  expect(shape(mine), text).toEqual(shape(theirs));
  expect(ours.test(text), text).toBe(original.test(text));
  const atStart = (link: ReturnType<Original['matchAtStart']>) => (link ? { schema: link.schema, index: link.index, lastIndex: link.lastIndex, url: link.url } : null);
  expect(atStart(ours.matchAtStart(text) as never), text).toEqual(atStart(original.matchAtStart(text)));
}

describe('the webview linkify matches linkify-it (schema links)', () => {
  it('on a corpus of tricky cases', () => {
    for (const text of CORPUS) same(text);
    for (const text of CORPUS) for (let start = 0; start < text.length; start += 7) same(text.slice(start));
  });

  it('finds what the chat needs: http(s) links, not bare addresses', () => {
    expect(ours.match('go to https://example.com/docs.')?.map((link) => link.url)).toEqual(['https://example.com/docs']);
    expect(ours.test('write to someone@example.com')).toBe(false);
  });

  it('on seeded random text of URL-ish pieces', () => {
    const rng = mulberry32(0x11ee);
    const pieces = [
      'http://', 'https://', 'HTTP://', 'ftp://', '//', 'mailto:', 'a@b.com', 'example.com', 'xn--p1ai', 'пример', '.', ',', ';', ':', '!', '?', '(', ')', '[', ']',
      '{', '}', '"', "'", '-', '_', '/', '#', '&', '=', ' ', '\n', '<', '>', '｜', '8080', '::1', 'path', 'Q',
      // Astral characters, a lone surrogate, Unicode case folding, space and control characters.
      '😀', '\ud83d', 'ſ', 'K', '\u00a0', '\u2028', '\u0007', '\u200b',
    ];
    for (let round = 0; round < 5_000; round++) {
      let text = '';
      for (let count = 1 + Math.floor(rng() * 12); count > 0; count--) text += pick(rng, pieces);
      same(text);
    }
  });
});
