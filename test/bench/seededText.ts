// Deterministic text of a given size: the same bytes for every contender, every run and every machine,
// so bytes and tokens are comparable across the whole report. A tiny PRNG (mulberry32) seeded from a
// string hash is enough; nothing here needs to be unguessable.

/** FNV-1a over UTF-16 code units: a stable 32-bit seed from any label. */
export function hashSeed(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32, shared with the fault campaign: returns a function yielding floats in [0, 1). */
import { mulberry32, pick } from '../fakes/prng';

export { pick };
export const rng = mulberry32;

const WORDS = [
  'config', 'value', 'result', 'items', 'index', 'buffer', 'session', 'request', 'handler', 'token',
  'offset', 'length', 'cache', 'state', 'event', 'parse', 'render', 'update', 'options', 'context',
  'error', 'message', 'stream', 'chunk', 'retry', 'timeout', 'limit', 'range', 'target', 'source',
];
const TYPES = ['string', 'number', 'boolean', 'Buffer', 'Map<string, number>', 'readonly string[]', 'Promise<void>'];

/** One line of plausible TypeScript (code compresses and tokenizes like code, unlike random bytes). */
function codeLine(random: () => number, indent: number): string {
  const pad = '  '.repeat(indent);
  const a = pick(random, WORDS);
  const b = pick(random, WORDS);
  const c = pick(random, WORDS);
  switch (Math.floor(random() * 8)) {
    case 0:
      return `${pad}export function ${a}${capitalize(b)}(${c}: ${pick(random, TYPES)}): ${pick(random, TYPES)} {`;
    case 1:
      return `${pad}const ${a} = ${b}.${c}(${Math.floor(random() * 1000)});`;
    case 2:
      return `${pad}if (${a}.${b} > ${c}.length) return ${a};`;
    case 3:
      return `${pad}// ${capitalize(a)} the ${b} before the ${c} is read again.`;
    case 4:
      return `${pad}this.${a} = await this.${b}(${c}, { ${a}: ${Math.floor(random() * 100)} });`;
    case 5:
      return `${pad}for (const ${a} of ${b}) ${c}.push(${a});`;
    case 6:
      return `${pad}throw new Error(\`${a} ${b}: \${${c}}\`);`;
    default:
      return `${pad}}`;
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Source-like text of exactly `bytes` UTF-8 bytes (ASCII only), determined by `seedLabel`. */
export function codeText(seedLabel: string, bytes: number): string {
  const random = rng(hashSeed(seedLabel));
  const lines: string[] = [];
  let size = 0;
  let indent = 0;
  while (size < bytes) {
    const line = codeLine(random, indent);
    if (line.endsWith('{')) indent = Math.min(indent + 1, 4);
    else if (line.trim() === '}') indent = Math.max(indent - 1, 0);
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n').slice(0, bytes).padEnd(bytes, ' ');
}

/** Prose-like text (for answers and chat questions) of roughly `bytes` bytes. */
export function proseText(seedLabel: string, bytes: number): string {
  const random = rng(hashSeed(seedLabel));
  const words: string[] = [];
  let size = 0;
  while (size < bytes) {
    const word = pick(random, WORDS);
    words.push(word);
    size += word.length + 1;
  }
  return words.join(' ').slice(0, bytes);
}
