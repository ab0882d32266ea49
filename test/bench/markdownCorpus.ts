/**
 * A deterministic, realistic assistant answer for streaming benchmarks: headings, paragraphs with
 * inline code, emphasis and links, bullet and numbered lists, tables and fenced code blocks in several
 * languages, cut into token-sized pieces (~4 characters, as BPE tokens of English and code average).
 * Marker paragraphs at every tenth of the stream let the benchmark measure lag along the way.
 */

import { mulberry32 as seeded } from '../fakes/prng';

const WORDS = (
  'the socket stays warm so each turn sends only the new items and the server keeps the previous response ' +
  'in memory which means the request is small and the first token arrives quickly while tools run in the ' +
  'workspace and edits land through a workspace edit so undo works the transcript is the truth and any ' +
  'lost state costs one full resend function returns value when cache hit latency budget stream delta'
).split(' ');
const IDENTIFIERS = ['previousResponseId', 'Session', 'sendDelta', 'WorkspaceEdit', 'ModelClient', 'runTurn', 'statelessBytes', 'onDidChange'];

export interface Corpus {
  /** Token-sized pieces, in order; joined they are the whole answer. */
  tokens: string[];
  /** Marker words and the index of the token that completes each (the last one is the end marker). */
  markers: Array<{ name: string; token: number }>;
}

export const END_MARKER = 'END-OF-ANSWER-ZQX';

function tokenize(text: string): string[] {
  const pieces = text.match(/\s*\S+|\s+/g) ?? [];
  const tokens: string[] = [];
  for (const piece of pieces) {
    for (let offset = 0; offset < piece.length; offset += 4) tokens.push(piece.slice(offset, offset + 4));
  }
  return tokens;
}

export function buildCorpus(targetTokens: number, seed = 6): Corpus {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

  const sentence = (): string => {
    const words: string[] = [];
    for (let i = int(8, 18); i > 0; i--) {
      const roll = random();
      if (roll < 0.06) words.push(`\`${pick(IDENTIFIERS)}\``);
      else if (roll < 0.09) words.push(`**${pick(WORDS)}**`);
      else if (roll < 0.1) words.push(`[${pick(WORDS)}](https://example.com/docs/${pick(WORDS)})`);
      else words.push(pick(WORDS));
    }
    const text = words.join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  };
  const paragraph = (): string => Array.from({ length: int(2, 5) }, sentence).join(' ');
  const list = (ordered: boolean): string =>
    Array.from({ length: int(3, 7) }, (_, i) => `${ordered ? `${i + 1}.` : '-'} ${sentence()}`).join('\n');
  const table = (): string => {
    const rows = [`| Step | Bytes sent | Stateless |`, `|---|---:|---:|`];
    for (let i = int(3, 6); i > 0; i--) rows.push(`| \`${pick(IDENTIFIERS)}\` | ${int(200, 4000)} | ${int(20_000, 90_000)} |`);
    return rows.join('\n');
  };
  const code = (): string => {
    const language = pick(['ts', 'python', 'bash', 'json']);
    const lines: string[] = [];
    for (let i = int(8, 30); i > 0; i--) {
      const name = pick(IDENTIFIERS);
      if (language === 'ts') lines.push(pick([`  const ${name.toLowerCase()} = await session.${name}(input, { lane: 'chat' });`, `  if (!${name.toLowerCase()}) return { kind: 'cancelled' }; // ${pick(WORDS)}`, `export function ${name}(items: readonly Item[]): number {`, `  return items.reduce((sum, item) => sum + item.bytes, 0);`, `}`]));
      else if (language === 'python') lines.push(pick([`def ${name.toLowerCase()}(items):`, `    total = sum(item.bytes for item in items)  # ${pick(WORDS)}`, `    return {"kind": "${pick(WORDS)}", "total": total}`, `print(f"{len(items)} items")`]));
      else if (language === 'bash') lines.push(pick([`npm run ${pick(WORDS)} -- --grep "${name}"`, `git diff --stat HEAD~1 | tail -n 5`, `for f in src/*.ts; do wc -l "$f"; done`]));
      else lines.push(pick([`  "${name}": ${int(0, 9999)},`, `  "${pick(WORDS)}": "${pick(WORDS)}",`, `  "nested": { "${pick(WORDS)}": true },`]));
    }
    return `\`\`\`${language}\n${language === 'json' ? `{\n${lines.join('\n')}\n  "end": 0\n}` : lines.join('\n')}\n\`\`\``;
  };

  const tokens: string[] = [];
  const markers: Corpus['markers'] = [];
  let section = 0;
  let nextMarker = 1;
  const emit = (text: string): void => {
    tokens.push(...tokenize(text));
  };
  while (tokens.length < targetTokens) {
    section++;
    const parts = [`## Step ${section}: ${sentence().slice(0, 40)}`, paragraph()];
    const roll = random();
    if (roll < 0.35) parts.push(code());
    else if (roll < 0.55) parts.push(list(false));
    else if (roll < 0.7) parts.push(list(true));
    else if (roll < 0.8) parts.push(table());
    parts.push(paragraph());
    if (random() < 0.3) parts.push(code());
    emit(`${parts.join('\n\n')}\n\n`);
    if (tokens.length >= (targetTokens * nextMarker) / 10 && nextMarker < 10) {
      const name = `MARKER-${nextMarker}-ZQX`;
      emit(`${name}\n\n`);
      markers.push({ name, token: lastTokenOf(tokens, name) });
      nextMarker++;
    }
  }
  emit(END_MARKER);
  markers.push({ name: END_MARKER, token: tokens.length - 1 });
  return { tokens, markers };
}

/** Index of the token that completes the last occurrence of `word` (markers are whole words). */
function lastTokenOf(tokens: string[], word: string): number {
  let text = '';
  for (let index = tokens.length - 1; index >= 0; index--) {
    text = tokens[index] + text;
    if (text.includes(word)) {
      // walk forward to the token where the word is complete
      let tail = '';
      for (let end = index; end < tokens.length; end++) {
        tail += tokens[end];
        if (tail.includes(word)) return end;
      }
    }
  }
  return tokens.length - 1;
}
