/**
 * Stands in for `punycode.js` inside markdown-it (esbuild.js aliases it here for the webview bundle):
 * markdown-it only needs `toASCII` and `toUnicode` for the host names of links. The same algorithm
 * (RFC 3492, ported from punycode.js, MIT, © Mathias Bynens) without the rest of the package; it
 * throws where punycode.js throws (markdown-it catches that and keeps the name as written).
 * test/unit/webview/punycode.test.ts compares both on a corpus and seeded random names.
 */
const MAX_INT = 0x7fffffff;
const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;

function fail(): never {
  throw new RangeError('Invalid punycode input');
}

function adapt(delta: number, points: number, first: boolean): number {
  let k = 0;
  delta = first ? Math.floor(delta / 700) : delta >> 1;
  delta += Math.floor(delta / points);
  for (; delta > ((BASE - T_MIN) * T_MAX) >> 1; k += BASE) delta = Math.floor(delta / (BASE - T_MIN));
  return Math.floor(k + ((BASE - T_MIN + 1) * delta) / (delta + 38));
}

const threshold = (k: number, bias: number): number => (k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias);

function digitOf(code: number): number {
  if (code >= 0x30 && code < 0x3a) return code - 22;
  if (code >= 0x41 && code < 0x5b) return code - 0x41;
  return code >= 0x61 && code < 0x7b ? code - 0x61 : BASE;
}

const basicOf = (digit: number): string => String.fromCharCode(digit + 22 + 75 * Number(digit < 26));

function decode(input: string): string {
  const output: number[] = [];
  const basic = Math.max(0, input.lastIndexOf('-'));
  for (let j = 0; j < basic; j++) {
    if (input.charCodeAt(j) >= 0x80) fail();
    output.push(input.charCodeAt(j));
  }
  let [i, n, bias] = [0, 0x80, 72];
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length; ) {
    const old = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (index >= input.length) fail();
      const digit = digitOf(input.charCodeAt(index++));
      if (digit >= BASE || digit > Math.floor((MAX_INT - i) / w)) fail();
      i += digit * w;
      const t = threshold(k, bias);
      if (digit < t) break;
      if (w > Math.floor(MAX_INT / (BASE - t))) fail();
      w *= BASE - t;
    }
    const length = output.length + 1;
    bias = adapt(i - old, length, old === 0);
    if (Math.floor(i / length) > MAX_INT - n) fail();
    n += Math.floor(i / length);
    i %= length;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** Code points, a lone surrogate kept as it is (as punycode.js's ucs2decode does). */
function codePoints(text: string): number[] {
  const points: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const value = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if (value >= 0xd800 && value <= 0xdbff && (next & 0xfc00) === 0xdc00) {
      points.push(((value & 0x3ff) << 10) + (next & 0x3ff) + 0x10000);
      index++;
    } else points.push(value);
  }
  return points;
}

function encode(text: string): string {
  const input = codePoints(text);
  let output = input.filter((point) => point < 0x80).map((point) => String.fromCharCode(point)).join('');
  const basic = output.length;
  let handled = basic;
  if (basic) output += '-';
  let [n, delta, bias] = [0x80, 0, 72];
  while (handled < input.length) {
    const m = Math.min(...input.filter((point) => point >= n));
    if (m - n > Math.floor((MAX_INT - delta) / (handled + 1))) fail();
    delta += (m - n) * (handled + 1);
    n = m;
    for (const point of input) {
      if (point < n && ++delta > MAX_INT) fail();
      if (point !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias);
        if (q < t) break;
        output += basicOf(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += basicOf(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/** Applies `label` to each label of a domain (an e-mail's local part is kept). */
function mapDomain(domain: string, label: (text: string) => string): string {
  const parts = domain.split('@');
  const prefix = parts.length > 1 ? `${parts[0]}@` : '';
  return prefix + (parts.length > 1 ? parts[1]! : domain).replace(/[.\u3002\uff0e\uff61]/g, '.').split('.').map(label).join('.');
}

export default {
  toASCII: (domain: string): string => mapDomain(domain, (text) => (/[^\0-\x7f]/.test(text) ? `xn--${encode(text)}` : text)),
  toUnicode: (domain: string): string => mapDomain(domain, (text) => (/^xn--/.test(text) ? decode(text.slice(4).toLowerCase()) : text)),
};
