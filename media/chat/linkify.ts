/**
 * Stands in for `linkify-it` inside markdown-it (esbuild.js aliases it here for the webview bundle):
 * the links markdown-it's linkify finds with its options, matched by linkify-it's own expressions
 * (ported from linkify-it 6, MIT, © Vitaly Puzrin; uc.micro's code-point ranges written as Unicode
 * property escapes, so the expressions use the `u` flag), in a fifth of its size. Links with a schema
 * (`http:`, `https:`, `ftp:`, `//`, `mailto:`) are found exactly as before; a bare e-mail address is no
 * longer linked: here it would only have become an inert link (the view opens http(s) links only).
 * test/unit/webview/linkify.test.ts compares both on a corpus and seeded random text.
 */
const MAX_LENGTH = 10_000;
const ZCc = '\\p{Z}|\\p{Cc}';
const ZPCc = '\\p{Z}|\\p{P}|\\p{Cc}';
const SEPARATORS = '[><\uff5c]';
const escape = (text: string): string => text.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&');

function nestedPair(open: string, close: string): string {
  const [o, c] = [escape(open), escape(close)];
  const atom = `(?:(?!${ZCc}|${o}|${c}).)`;
  let pair = `${o}${atom}{0,1000}${c}`;
  for (let level = 2; level <= 4; level++) pair = `${o}(?:${atom}|${pair}){0,1000}${c}`;
  return pair;
}

const letter = `(?:(?!${SEPARATORS}|${ZPCc})[^])`;
const h16 = '[0-9A-Fa-f]{1,4}';
const ip4 = '(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])[.]){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])';
const ls32 = `(?:(?:${h16}:${h16})|${ip4})`;
const ip6 =
  `(?:(?:${h16}:){6}${ls32}|::(?:${h16}:){5}${ls32}|(?:${h16})?::(?:${h16}:){4}${ls32}|(?:(?:${h16}:){0,1}${h16})?::(?:${h16}:){3}${ls32}|` +
  `(?:(?:${h16}:){0,2}${h16})?::(?:${h16}:){2}${ls32}|(?:(?:${h16}:){0,3}${h16})?::${h16}:${ls32}|(?:(?:${h16}:){0,4}${h16})?::${ls32}|` +
  `(?:(?:${h16}:){0,5}${h16})?::${h16}|(?:(?:${h16}:){0,6}${h16})?::)`;
const xn = 'xn--[a-z0-9\\-]{1,59}';
const domain = `(?:${xn}|(?:${letter})|(?:${letter}(?:-|${letter}){0,61}${letter}))`;
const domainRoot = `(?:${xn}|${letter}{1,63})`;
const port = '(?::(?:6(?:[0-4]\\d{3}|5(?:[0-4]\\d{2}|5(?:[0-2]\\d|3[0-5])))|[1-5]?\\d{1,4}))?';
const hostTerminator = `(?=$|${SEPARATORS}|${ZPCc})(?!-|_|:\\d|\\.-|\\.(?!$|${ZPCc}))`;
const path =
  `(?:[/?#](?:${nestedPair('[', ']')}|${nestedPair('(', ')')}|${nestedPair('{', '}')}|"(?:(?!${ZCc}|["]).){1,100}"|'(?:(?!${ZCc}|[']).){1,100}'|` +
  `'(?=${letter}|[-])|\\.{2,20}[:]?[a-zA-Z0-9%/&]|\\.(?!${ZCc}|[.]|$)|-{1,20}|,(?!${ZCc}|$)|;(?!${ZCc}|$)|!{1,20}(?!${ZCc}|[!]|$)|\\?(?!${ZCc}|[?]|$)|` +
  `[\\\\/:%@#&=_~*]|(?!${ZPCc}|${SEPARATORS}).){1,${MAX_LENGTH}}|\\/)?`;
const mailName = "[-!#$%&'*+/=?^_`{|}~a-zA-Z0-9](?:[-!#$%&'*+/=?^_`{|}~a-zA-Z0-9]|[.](?=[-!#$%&'*+/=?^_`{|}~a-zA-Z0-9])){0,63}";

const web = new RegExp(`\\/\\/(?:\\[${ip6}\\]|(?:(?:(?:${domain})\\.){0,10}${domain}))${port}${hostTerminator}${path}`, 'iuy');
const relative = new RegExp(`(?:localhost|\\[${ip6}\\]|(?:(?:${domain})[.]){1,10}${domainRoot})${port}${hostTerminator}${path}`, 'iuy');
const mailto = new RegExp(`${mailName}@(?:\\[IPv6:${ip6}\\]|(?:(?:(?:${domain})\\.){0,4}${domain}))${hostTerminator}`, 'iuy');

/** How many characters after the schema at `position` form a link (0: none). */
const SCHEMAS: Record<string, (text: string, position: number) => number> = {
  'http:': (text, position) => sticky(web, text, position),
  'https:': (text, position) => sticky(web, text, position),
  'ftp:': (text, position) => sticky(web, text, position),
  '//': (text, position) => (position >= 3 && (text[position - 3] === ':' || text[position - 3] === '/') ? 0 : sticky(relative, text, position)),
  'mailto:': (text, position) => sticky(mailto, text, position),
};
const schemaSearch = `(^|(?!_)(?:[><\uff5c]|${ZPCc}))(${Object.keys(SCHEMAS).map(escape).join('|')})`;
const SCHEMA_SEARCH = new RegExp(schemaSearch, 'igu');
const SCHEMA_AT_START = new RegExp(`^${schemaSearch}`, 'iu');

function sticky(pattern: RegExp, text: string, position: number): number {
  pattern.lastIndex = position;
  return pattern.exec(text)?.[0].length ?? 0;
}

function lengthAt(text: string, schema: string, position: number): number {
  const validate = SCHEMAS[schema.toLowerCase()];
  return validate ? validate(text.slice(0, position + MAX_LENGTH), position) : 0;
}

export interface LinkMatch {
  schema: string;
  index: number;
  lastIndex: number;
  raw: string;
  text: string;
  url: string;
}

function linkMatch(text: string, schema: string, index: number, lastIndex: number): LinkMatch {
  const raw = text.slice(index, lastIndex);
  const lower = schema.toLowerCase();
  return { schema: lower, index, lastIndex, raw, text: raw, url: lower === 'mailto:' && !/^mailto:/i.test(raw) ? `mailto:${raw}` : raw };
}

export class LinkifyIt {
  test(text: string): boolean {
    SCHEMA_SEARCH.lastIndex = 0;
    for (let found = SCHEMA_SEARCH.exec(text); found; found = SCHEMA_SEARCH.exec(text)) if (lengthAt(text, found[2]!, SCHEMA_SEARCH.lastIndex)) return true;
    return false;
  }

  match(text: string): LinkMatch[] | null {
    const links: LinkMatch[] = [];
    let position = 0;
    SCHEMA_SEARCH.lastIndex = 0;
    for (;;) {
      SCHEMA_SEARCH.lastIndex = Math.max(SCHEMA_SEARCH.lastIndex, position - 1, 0);
      const found = SCHEMA_SEARCH.exec(text);
      if (!found) break;
      const index = found.index + found[1]!.length;
      if (index < position) continue;
      const length = lengthAt(text, found[2]!, SCHEMA_SEARCH.lastIndex);
      if (!length) continue;
      const link = linkMatch(text, found[2]!, index, SCHEMA_SEARCH.lastIndex + length);
      links.push(link);
      position = link.lastIndex;
    }
    return links.length > 0 ? links : null;
  }

  matchAtStart(text: string): LinkMatch | null {
    const found = SCHEMA_AT_START.exec(text);
    if (!found) return null;
    const length = lengthAt(text, found[2]!, found[0].length);
    return length ? linkMatch(text, found[2]!, found.index + found[1]!.length, found[0].length + length) : null;
  }
}
