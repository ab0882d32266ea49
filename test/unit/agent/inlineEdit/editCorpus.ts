/**
 * Real-looking source files and edits for the line-diff corpus test, seeded (test/fakes/prng.ts):
 * TypeScript-shaped functions with the repeated lines real code has (blank lines, `}`, `return;`),
 * edited the way people and models edit: a line changed, lines inserted or deleted, a block moved,
 * a block duplicated, a name renamed on a few lines.
 */
import { int, mulberry32, pick, type Rng } from '../../../fakes/prng';

const NAMES = ['value', 'count', 'items', 'result', 'total', 'index', 'name', 'options', 'entry', 'state'];
const COMMON = ['', '}', '  }', '    return;', '  return result;', '  // TODO: check this', '    break;'];

function statement(rng: Rng): string {
  const name = pick(rng, NAMES);
  switch (int(rng, 0, 5)) {
    case 0:
      return `  const ${name}${int(rng, 0, 30)} = ${pick(rng, NAMES)} + ${int(rng, 0, 99)};`;
    case 1:
      return `  if (${name} > ${int(rng, 0, 9)}) {`;
    case 2:
      return `    ${name}.push(${pick(rng, NAMES)});`;
    case 3:
      return `  for (const ${name} of ${pick(rng, NAMES)}) {`;
    default:
      return pick(rng, COMMON);
  }
}

/** A file of `lines` lines: functions of 3–30 lines separated by blank lines. */
export function sourceFile(rng: Rng, lines: number): string[] {
  const out: string[] = [];
  let fn = 0;
  while (out.length < lines) {
    out.push(`export function ${pick(rng, NAMES)}${fn++}(${pick(rng, NAMES)}: number): number {`);
    const body = int(rng, 1, 28);
    for (let i = 0; i < body; i++) out.push(statement(rng));
    out.push('}', '');
  }
  return out.slice(0, lines);
}

type Edit = (rng: Rng, lines: string[]) => void;

const EDITS: Edit[] = [
  (rng, lines) => void (lines[int(rng, 0, lines.length - 1)] = statement(rng)),
  (rng, lines) => void lines.splice(int(rng, 0, lines.length), 0, ...Array.from({ length: int(rng, 1, 6) }, () => statement(rng))),
  (rng, lines) => void lines.splice(int(rng, 0, lines.length - 1), int(rng, 1, 5)),
  (rng, lines) => {
    const from = int(rng, 0, lines.length - 1);
    const block = lines.splice(from, int(rng, 2, 12));
    lines.splice(int(rng, 0, lines.length), 0, ...block);
  },
  (rng, lines) => {
    const from = int(rng, 0, lines.length - 1);
    lines.splice(from, 0, ...lines.slice(from, from + int(rng, 2, 8)));
  },
  (rng, lines) => {
    const [a, b] = [pick(rng, NAMES), pick(rng, NAMES)];
    const from = int(rng, 0, lines.length - 1);
    for (let i = from; i < Math.min(lines.length, from + 40); i++) lines[i] = lines[i]!.split(a).join(b);
  },
];

/** `count` random edits of `before`. */
export function editFile(rng: Rng, before: readonly string[], count: number): string[] {
  const after = [...before];
  for (let i = 0; i < count; i++) pick(rng, EDITS)(rng, after);
  return after;
}

export function corpus(seed: number, sizes: readonly number[], editsPerFile: readonly number[]): Array<{ name: string; before: string[]; after: string[] }> {
  const rng = mulberry32(seed);
  return sizes.flatMap((size) =>
    editsPerFile.map((edits) => {
      const before = sourceFile(rng, size);
      return { name: `${size} lines, ${edits} edits`, before, after: editFile(rng, before, edits) };
    }),
  );
}
