import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { int, mulberry32, pick, type Rng } from '../../fakes/prng';
import { type HostToWebview, Limits, parseHostToWebview } from '../../../src/protocol/webview';
import { validateHostToWebview } from '../../../src/protocol/webviewValidate';

/**
 * The webview checks host messages with a small hand-written validator (no zod in its bundle). The
 * zod schema stays the contract: every message kind, every nested variant, and thousands of
 * malformed variants of them go to both, which must agree on the verdict and, when valid, on the
 * output (unknown keys dropped, defaults filled in).
 */

const hunk = { header: '@@ -1,2 +1,2 @@', lines: [{ kind: 'context', text: 'a' }, { kind: 'remove', text: 'b' }, { kind: 'add', text: 'c' }] };
const footer = {
  transport: 'websocket',
  timeToFirstTokenMs: 120.5,
  totalMs: 900,
  requests: 2,
  inputTokens: 1000,
  cachedTokens: 800,
  cacheWriteTokens: 100,
  outputTokens: 50,
  reasoningTokens: 10,
  bytesSent: 2048,
  statelessBytes: 9000,
  recoveries: 1,
  connectSavedMs: 40,
  warmupSavedMs: 300,
};
const totals = { turns: 3, bytesSent: 100, statelessBytes: 300, timeSavedMs: 12 };
const commandCard = {
  id: 'a1',
  kind: 'command',
  command: 'npm test',
  parts: ['npm test'],
  cwd: '.',
  reason: 'not allowed yet',
  canAllowAlways: true,
  sandbox: { runsIn: 'sandbox', network: false, grants: ['allowOnceWithNetwork', 'allowOnceUnsandboxed'], suggested: 'allowOnceWithNetwork' },
  state: 'pending',
};
const taskCard = { id: 'a2', kind: 'task', command: 'build', cwd: '', canAllowAlways: false, state: 'allowedOnce' };
const mcpToolCard = { id: 'a5', kind: 'mcpTool', command: 'everything/get-sum {"a":1}', cwd: 'MCP server "everything" (your settings)', reason: 'hint', canAllowAlways: false, state: 'pending' };
const mcpServerCard = { id: 'a6', kind: 'mcpServer', command: 'node server.js', cwd: '.', canAllowAlways: false, state: 'denied' };
const reviewCard = { id: 'a3', kind: 'review', path: 'src/a.ts', change: 'modified', added: 1, removed: 1, hunks: [hunk], state: 'denied' };
const questionCard = { id: 'a4', kind: 'question', topic: 'budget', message: 'Continue?', detail: 'used 1M tokens', continueLabel: 'Continue', stopLabel: 'Stop', state: 'cancelled' };
const toolCard = { id: 'c1', name: 'read_file', title: 'Read file', target: 'src/a.ts', status: 'done', durationMs: 3, output: 'text' };
const editCard = { id: 'e1', path: 'src/a.ts', change: 'created', added: 3, removed: 0, hunks: [hunk], truncated: true, state: 'applied', message: 'ok' };
const steer = { id: 's1', text: 'only tests', status: 'delivered', reason: 'why' };
const error = { id: 'x1', message: 'boom', actions: ['retry', 'setApiKey'], tone: 'notice' };
const selection = { kind: 'selection', id: 'sel1', path: 'src/b.ts', startLine: 3, endLine: 9 };
const turn = {
  id: 't1',
  userText: 'fix it',
  attachments: [{ kind: 'file', path: 'src/a.ts' }, selection],
  items: [
    { kind: 'markdown', id: 'm1', text: '# Hi' },
    { kind: 'reasoning', id: 'r1', text: 'thinking' },
    { kind: 'tool', card: toolCard },
    { kind: 'approval', card: commandCard },
    { kind: 'approval', card: taskCard },
    { kind: 'approval', card: reviewCard },
    { kind: 'approval', card: questionCard },
    { kind: 'edit', card: editCard },
    { kind: 'steer', steer },
    { kind: 'error', error },
  ],
  status: 'done',
  footer,
  kind: 'review',
};
const summary = { id: 's1', title: 'Session', updatedAt: 1_700_000_000_000, turns: 2 };
const meter = {
  model: 'gpt-5.2',
  usedTokens: 12_000,
  windowTokens: 400_000,
  windowSource: 'table',
  compactAtTokens: 300_000,
  compactionMode: 'socket',
  lastInputTokens: 11_000,
  lastCachedTokens: 9_000,
  lastCacheWriteTokens: 2_000,
  session: { requests: 3, inputTokens: 30_000, cachedTokens: 20_000, cacheWriteTokens: 5_000, outputTokens: 900, warmupTokens: 4_000, costUsd: 0.12 },
  turnCostUsd: null,
  compactions: 1,
  pins: 2,
};

/** One valid message of every kind (and the optional parts absent in a second one where they exist). */
const validMessages: unknown[] = [
  // The snapshot's turn is short: turnStarted carries the full one (every item kind).
  {
    type: 'snapshot',
    connection: { kind: 'warm', label: 'warm', detail: 'd' },
    workspaceName: 'w',
    sessions: [summary],
    session: { id: 's1', title: 'S', turns: [{ ...turn, items: turn.items.slice(0, 2) }], totals },
  },
  { type: 'snapshot', connection: { kind: 'offline', label: '' }, workspaceName: '' },
  { type: 'pong', id: 'p1' },
  { type: 'connection', connection: { kind: 'httpFallback', label: 'HTTP fallback (426)' } },
  { type: 'sessions', sessions: [summary], activeSessionId: 's1' },
  { type: 'sessions', sessions: [] },
  { type: 'turnStarted', turn },
  { type: 'turnStarted', turn: { id: 't2', userText: '', items: [], status: 'running' } },
  { type: 'deltas', turnId: 't1', items: [{ blockId: 'b1', text: 'hello', kind: 'reasoning' }, { blockId: 'b2', text: '' }] },
  { type: 'toolCard', turnId: 't1', card: toolCard },
  { type: 'toolCard', turnId: 't1', card: { id: 'c2', name: 'x', title: 'X', status: 'running' } },
  // A delegate call's card with its subagents nested (issue 17).
  {
    type: 'toolCard',
    turnId: 't1',
    card: {
      id: 'c3',
      name: 'delegate',
      title: 'Delegate',
      status: 'running',
      subagents: [
        { id: 'c3.1', index: 1, title: 'callers of X', status: 'running', activity: 'search_text X', toolCalls: 1 },
        { id: 'c3.2', index: 2, title: 'summarise a.ts', status: 'answered', activity: 'a.ts exports alpha', toolCalls: 2, durationMs: 812 },
      ],
    },
  },
  { type: 'toolCard', turnId: 't1', card: { id: 'c3', name: 'run_task', title: 'Run task', status: 'running', background: true, liveOutput: 'step 1 ok\n' } },
  { type: 'toolCard', turnId: 't1', card: { id: 'c4', name: 'run_task', title: 'Run task', status: 'done', background: false } },
  { type: 'approval', turnId: 't1', card: commandCard },
  { type: 'approval', turnId: 't1', card: taskCard },
  { type: 'approval', turnId: 't1', card: mcpToolCard },
  { type: 'approval', turnId: 't1', card: mcpServerCard },
  { type: 'approval', turnId: 't1', card: reviewCard },
  { type: 'approval', turnId: 't1', card: questionCard },
  { type: 'editCard', turnId: 't1', card: editCard },
  { type: 'steerStatus', turnId: 't1', steer },
  { type: 'steerStatus', turnId: 't1', steer: { ...steer, status: 'unknown' } },
  { type: 'steerStatus', turnId: 't1', steer: { id: 's2', text: 'x', status: 'answered' } },
  { type: 'error', turnId: 't1', error },
  { type: 'error', error: { id: 'x2', message: '', actions: [] } },
  { type: 'turnFinished', turnId: 't1', status: 'failed', footer },
  { type: 'turnFinished', turnId: 't1', status: 'done', footer: { ...footer, serviceTier: 'priority' } },
  { type: 'turnFinished', turnId: 't1', status: 'done' },
  { type: 'sessionTotals', totals },
  { type: 'mentionResults', requestId: 4, candidates: [{ path: 'src/a.ts', description: 'src' }, { path: 'b' }] },
  { type: 'attachmentAdded', attachment: selection },
  { type: 'contextMeter', meter },
  { type: 'contextMeter', meter: { ...meter, windowTokens: undefined, windowSource: 'unknown', session: { ...meter.session, costUsd: null }, turnCostUsd: 0.01 } },
  { type: 'pins', pinned: ['t1', 't1/b2'] },
  { type: 'pins', pinned: [] },
  {
    type: 'sessions',
    sessions: [
      {
        ...summary,
        branches: [
          { id: 'main', label: 'Main', forkTurn: 0, turns: 6, kind: 'root', active: false },
          { id: 'b2', label: 'Branch 2', parentId: 'main', forkTurn: 2, turns: 3, kind: 'rewind', active: true },
        ],
      },
    ],
  },
  { type: 'draft', text: 'prompt 3' },
  { type: 'draft', text: '' },
  { type: 'prefillNote', text: 'Draft prepared: 2,400 tokens written to the cache, $0.0030.' },
  { type: 'prefillNote', text: '' },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Both sides of every string bound in webviewLimits.ts (and the literal ones: 64, 200, 500, 2000). */
const STRING_LENGTHS = [0, 1, 64, 65, 128, 129, 200, 201, 500, 501, 1024, 1025, 2000, 2001, 4000, 4001, 10_000, 10_001, 50_000, 50_001, 200_000, 200_001];
const BIG_STRING_LENGTHS = [1_000_000, 1_000_001, 2_000_000, 2_000_001];
const strings = new Map<number, string>();
const stringOf = (length: number): string => {
  if (!strings.has(length)) strings.set(length, 'x'.repeat(length));
  return strings.get(length)!;
};
const NUMBERS: unknown[] = [-1, 0, -0, 1, 1.5, NaN, Infinity, -Infinity, 1e10, 1e10 + 1, 1e12, 1e12 + 1, 1e14, 1e14 + 1, 1e15, 1e15 + 1, 2 ** 53, 10_000_000, 10_000_001, '1'];
const ARRAY_LENGTHS = [0, 1, 4, 5, 50, 51, 100, 101, 500, 501, 1_000, 1_001, 2_000, 2_001, 5_000, 5_001];
const OTHER_TYPES: unknown[] = [undefined, null, true, 'text', 7, [], {}];

/** The fields that hold an enum or a literal, and every value they have in the samples: swapped between them. */
const ENUM_KEYS = new Set(['type', 'kind', 'status', 'state', 'change', 'topic', 'transport', 'tone', 'actions', 'runsIn', 'suggested', 'grants', 'windowSource', 'compactionMode']);
const WORDS = [
  ...new Set(
    JSON.stringify(validMessages)
      .match(/"(type|kind|status|state|change|topic|transport|tone|runsIn|suggested|windowSource|compactionMode)":"[A-Za-z]+"/g)!
      .map((pair) => pair.split(':')[1]!.slice(1, -1)),
  ),
];

type Path = Array<string | number>;

function leafPaths(value: unknown, path: Path = [], paths: Path[] = []): Path[] {
  paths.push(path);
  if (Array.isArray(value)) value.forEach((item, index) => leafPaths(item, [...path, index], paths));
  else if (value !== null && typeof value === 'object') for (const [key, inner] of Object.entries(value)) leafPaths(inner, [...path, key], paths);
  return paths;
}

function get(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

/** A copy of `message` with the node at `path` replaced by `replacement` (or removed for `REMOVE`). */
const REMOVE = Symbol('remove');
function withNode(message: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(message) as Json;
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (replacement === REMOVE) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = replacement;
  return copy;
}

/** The malformed (and some valid) variants of a node; `thorough` adds the costly ones (long arrays). */
function variants(node: unknown, thorough: boolean, key: string | number | undefined): unknown[] {
  const out: unknown[] = [REMOVE, ...OTHER_TYPES];
  if (typeof node === 'string') {
    out.push(...STRING_LENGTHS.map(stringOf));
    if (ENUM_KEYS.has(String(key)) || typeof key === 'number') out.push(...WORDS);
    const hugeStrings = key === 'text';
    if (hugeStrings) out.push(...BIG_STRING_LENGTHS.map(stringOf));
  } else if (typeof node === 'number') out.push(...NUMBERS);
  else if (Array.isArray(node)) {
    // Long arrays of a small first item test every array bound; arrays of big items stop at 101.
    const small = JSON.stringify(node[0] ?? null).length < 300;
    const lengths = ARRAY_LENGTHS.filter((length) => length <= 101 || (thorough && small));
    if (node.length > 0) out.push(...lengths.map((length) => Array.from({ length }, () => node[0])));
    out.push([null], ['text'], [{}]);
  } else if (node !== null && typeof node === 'object') out.push({ ...node, unknownKey: 'dropped' }, [node], Object.fromEntries(Object.keys(node).map((key) => [key, null])));
  return out;
}

function expectSameVerdict(message: unknown): boolean {
  const zod = parseHostToWebview(message);
  const ours = validateHostToWebview(message);
  if (ours.ok !== zod.ok || (zod.ok && ours.ok && !isDeepStrictEqual(ours.message, zod.message))) {
    const shown = JSON.stringify(message, (_key, value: unknown) => (typeof value === 'string' && value.length > 40 ? `<${value.length} chars>` : value))?.slice(0, 400);
    expect.fail(`verdicts differ on ${shown ?? String(message)}\nzod: ${zod.ok ? JSON.stringify(zod.message).slice(0, 300) : zod.error}\nours: ${ours.ok ? JSON.stringify(ours.message).slice(0, 300) : ours.error}`);
  }
  return zod.ok;
}

describe('the webview validator agrees with the zod schema', () => {
  it('on one valid message of every kind and variant, with the same output', () => {
    const kinds = new Set<string>();
    for (const message of validMessages) {
      expect(expectSameVerdict(message), JSON.stringify(message).slice(0, 200)).toBe(true);
      kinds.add((message as { type: string }).type);
    }
    const allKinds: Array<HostToWebview['type']> = [
      'snapshot', 'pong', 'connection', 'sessions', 'turnStarted', 'deltas', 'toolCard', 'approval', 'editCard', 'steerStatus', 'error', 'turnFinished', 'sessionTotals', 'mentionResults', 'attachmentAdded',
      'contextMeter', 'pins', 'draft', 'prefillNote',
    ];
    expect([...kinds].sort()).toEqual([...allKinds].sort());
  });

  it('fills defaults and drops unknown keys as zod does', () => {
    const message = { type: 'approval', turnId: 't', extra: 1, card: { ...taskCard, parts: undefined, surprise: { deep: true } } };
    const ours = validateHostToWebview(message);
    expect(ours).toStrictEqual(parseHostToWebview(message));
    expect(ours.ok && ours.message.type === 'approval' && ours.message.card.kind === 'task' && ours.message.card.parts).toEqual([]);
  });

  // Tens of thousands of messages through zod: slow on a busy machine, hence the long timeout.
  it('on every malformed variant of every field of every message', { timeout: 120_000 }, () => {
    let checked = 0;
    let refused = 0;
    // Long arrays cost the most: try them once per place in the schema (a path without its indices).
    const longArraysTried = new Set<string>();
    for (const message of validMessages) {
      for (const path of leafPaths(message)) {
        const place = `${(message as { type: string }).type}:${path.filter((key) => typeof key === 'string').join('.')}`;
        const thorough = !longArraysTried.has(place);
        longArraysTried.add(place);
        for (const replacement of variants(get(message, path), thorough, path[path.length - 1])) {
          if (!expectSameVerdict(withNode(message, path, replacement))) refused++;
          checked++;
        }
      }
    }
    // The variants must exercise both verdicts, not only one.
    expect(checked).toBeGreaterThan(10_000);
    expect(refused).toBeGreaterThan(checked / 4);
    expect(refused).toBeLessThan(checked);
  });

  it('on random combinations of malformed fields (seeded)', () => {
    const rng: Rng = mulberry32(0x5eed);
    for (let round = 0; round < 1_000; round++) {
      let message = structuredClone(pick(rng, validMessages));
      for (let change = int(rng, 1, 3); change > 0; change--) {
        const paths = leafPaths(message);
        const path = pick(rng, paths);
        message = withNode(message, path, pick(rng, variants(get(message, path), false, path[path.length - 1])));
      }
      expectSameVerdict(message);
    }
  });

  it('at the bounds of arrays whose items are large (turns, items, sessions, hunks, lines)', () => {
    const repeat = <T>(length: number, item: T): T[] => Array.from({ length }, () => item);
    const minimalTurn = { id: 't', userText: '', items: [], status: 'done' };
    const markdown = { kind: 'markdown', id: 'm', text: '' };
    const line = { kind: 'add', text: '' };
    const smallHunk = { header: '', lines: [] };
    const snapshot = (turns: unknown[]): unknown => ({ type: 'snapshot', connection: { kind: 'warm', label: '' }, workspaceName: '', session: { id: 's', title: '', turns, totals } });
    for (const [length, valid] of [[Limits.turnsPerSession, true], [Limits.turnsPerSession + 1, false]] as const) {
      expect(expectSameVerdict(snapshot(repeat(length, minimalTurn)))).toBe(valid);
    }
    for (const [length, valid] of [[Limits.itemsPerTurn, true], [Limits.itemsPerTurn + 1, false]] as const) {
      expect(expectSameVerdict({ type: 'turnStarted', turn: { ...minimalTurn, items: repeat(length, markdown) } })).toBe(valid);
    }
    for (const [length, valid] of [[Limits.sessions, true], [Limits.sessions + 1, false]] as const) {
      expect(expectSameVerdict({ type: 'sessions', sessions: repeat(length, summary) })).toBe(valid);
    }
    for (const [length, valid] of [[Limits.diffHunks, true], [Limits.diffHunks + 1, false]] as const) {
      expect(expectSameVerdict({ type: 'editCard', turnId: 't', card: { ...editCard, hunks: repeat(length, smallHunk) } })).toBe(valid);
    }
    for (const [length, valid] of [[Limits.diffLines, true], [Limits.diffLines + 1, false]] as const) {
      expect(expectSameVerdict({ type: 'approval', turnId: 't', card: { ...reviewCard, hunks: [{ header: '', lines: repeat(length, line) }] } })).toBe(valid);
    }
  });

  it('on values that are not messages at all', () => {
    for (const value of [undefined, null, 0, '', '{"type":"pong","id":"a"}', [], [{ type: 'pong', id: 'a' }], { type: 'eval' }, { type: 'toString' }, { type: '__proto__' }, { type: 'constructor' }]) {
      expect(expectSameVerdict(value)).toBe(false);
    }
    expect(Limits.deltaEntries).toBe(1_000);
  });
});
