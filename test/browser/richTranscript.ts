/**
 * A finished conversation with one of everything the view draws (prompt, reasoning, tool cards with
 * paths, commands and raw JSON arguments, markdown with code, output and a table, an edit card, a
 * pending review card, a command approval, the footer), for the layout tests to measure at any width.
 */
import type { HostToWebview, TurnFooterView, TurnItemView } from '../../src/protocol/webview';

export const FOOTER: TurnFooterView = {
  transport: 'websocket',
  timeToFirstTokenMs: 180,
  totalMs: 2_310,
  requests: 2,
  inputTokens: 12_000,
  cachedTokens: 10_000,
  outputTokens: 321,
  bytesSent: 2_150,
  statelessBytes: 49_152,
  recoveries: 0,
  connectSavedMs: 95,
  warmupSavedMs: 65,
};

export const ANSWER = [
  'The loop in `subtotal` starts at index 1, so `items[0]` — the first item of a very_long_identifier_that_does_not_break_anywhere_at_all — is never added.',
  '',
  '```js src/cart.js',
  'function subtotal(items) {',
  '  let sum = 0;',
  '  for (let i = 0; i < items.length; i++) { sum += items[i].price * items[i].quantity; /* a long line that has to scroll inside the block */ }',
  '  return sum;',
  '}',
  '```',
  '',
  'The test run said:',
  '',
  '```',
  'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
  '300 !== 1200',
  '    at TestContext.<anonymous> (/work/demo/test/cart.test.js:14:10)',
  '```',
  '',
  '| test | result |',
  '| --- | --- |',
  '| an empty cart costs nothing | passed |',
  '| subtotal adds price × quantity of every item | failed |',
  '',
  'This is the last line of the answer.',
].join('\n');

const items: TurnItemView[] = [
  { kind: 'reasoning', id: 'r1', text: 'The user wants the failing test fixed.' },
  { kind: 'tool', card: { id: 'c1', name: 'run_task', title: 'Run task', target: 'test', status: 'done', durationMs: 812, output: '✖ subtotal adds price × quantity of every item (2.5ms)\n  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n  300 !== 1200' } },
  { kind: 'tool', card: { id: 'c2', name: 'list_files', title: 'List files', target: '{"glob":null,"max_results":null}', status: 'done', durationMs: 12 } },
  { kind: 'tool', card: { id: 'c3', name: 'search_text', title: 'Search', target: '{"query":"subtotal","is_regex":null,"include":"src/**/*.js"}', status: 'done', durationMs: 30 } },
  { kind: 'tool', card: { id: 'c4', name: 'read_file', title: 'Read file', target: 'src/a/very/deeply/nested/folder/structure/with/a/long/name/cart.js', status: 'done', durationMs: 4 } },
  { kind: 'markdown', id: 'm1', text: ANSWER },
  {
    kind: 'edit',
    card: {
      id: 'e1',
      path: 'src/a/very/deeply/nested/folder/cart.js',
      change: 'modified',
      added: 1,
      removed: 1,
      hunks: [{ header: '@@ -8,3 +8,3 @@', lines: [{ kind: 'context', text: 'function subtotal(items) {' }, { kind: 'remove', text: '  for (let i = 1; i < items.length; i++) { /* and a long tail that overflows a narrow view */' }, { kind: 'add', text: '  for (let i = 0; i < items.length; i++) {' }] }],
      truncated: false,
      state: 'applied',
    },
  },
];

export function richSnapshot(): HostToWebview {
  return {
    type: 'snapshot',
    connection: { kind: 'warm', label: 'connected', detail: 'Connected and warmed.' },
    workspaceName: 'holdfast-demo-workspace',
    sessions: [{ id: 's1', title: 'Fix the failing test in the shopping cart', updatedAt: 0, turns: 2 }],
    session: {
      id: 's1',
      title: 'Fix the failing test in the shopping cart',
      totals: { turns: 2, bytesSent: 2_150, statelessBytes: 49_152, timeSavedMs: 420 },
      turns: [
        { id: 't1', userText: 'Fix the failing test, and explain https://example.com/a/very/long/url/that/does/not/break/anywhere/at/all/in/the/message', attachments: [{ kind: 'file', path: 'src/cart.js' }], status: 'done', items, footer: FOOTER },
        {
          id: 't2',
          userText: 'Run the tests again',
          attachments: [],
          status: 'running',
          items: [
            { kind: 'approval', card: { id: 'a1', kind: 'task', command: 'test', parts: [], cwd: '', canAllowAlways: true, state: 'pending' } },
            { kind: 'approval', card: { id: 'a2', kind: 'review', path: 'src/a/very/deeply/nested/folder/structure/receipt.js', change: 'modified', added: 1, removed: 1, hunks: [{ header: '@@ -6 +6 @@', lines: [{ kind: 'remove', text: '  lines.push(`Total  ${formatPrice(subtotl(items))}`);' }, { kind: 'add', text: '  lines.push(`Total  ${formatPrice(subtotal(items))}`);' }] }], truncated: false, state: 'pending' } },
          ],
        },
      ],
    },
  };
}
