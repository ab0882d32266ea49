// Lint, with the architecture's import rules (README "How it is built"; test/unit/architecture/
// layering.test.ts proves each one fires):
//   - imports run one way: ui → host → agent → tools/transport → protocol → common; the composition
//     root (src/app/, src/extension.ts) may import everything and nothing imports it;
//   - pure folders never import `vscode` at runtime (type-only imports are erased and allowed);
//   - agent/, tools/, protocol/, common/ import no Node built-in (transport/ owns the socket: node ok);
//   - src/ never imports test/; the webview imports only the webview contract from src/protocol/;
//   - the emulator imports nothing from src/ (a second, independent reading of the protocol).
// Relative specifiers are matched by depth: a file N folders below src/ reaches src/ with N `../`.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const RULE = '@typescript-eslint/no-restricted-imports';

/** What each folder of src/ may import from src/, besides itself. `types` = type-only imports. */
const layers = {
  app: { may: ['ui', 'host', 'agent', 'tools', 'transport', 'protocol', 'common'] },
  ui: { may: ['host', 'agent', 'tools', 'protocol', 'common'], types: ['transport'] },
  host: { may: ['agent', 'tools', 'transport', 'protocol', 'common'] },
  agent: { may: ['tools', 'transport', 'protocol', 'common'] },
  tools: { may: ['protocol', 'common'] },
  transport: { may: ['protocol', 'common'] },
  protocol: { may: ['common'] },
  common: { may: [] },
};
const pure = new Set(['common', 'protocol', 'transport', 'agent', 'tools']);
const noNode = new Set(['common', 'protocol', 'agent', 'tools']);
const MAX_DEPTH = 6;

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const nodeBuiltin = `^(node:|(${builtinModules.map(escape).join('|')})(/|$))`;
const up = (n) => `^(\\.\\./){${n}}`;

const vscodeForPure = {
  name: 'vscode',
  message: 'Pure code (common, protocol, transport, agent, tools) must not import vscode at runtime: use `import type` and a port.',
  allowTypeImports: true,
};
const leavesSrc = (depth) => ({
  regex: up(depth + 1),
  message: 'Production code never imports from outside src/ (test fakes live under test/fakes/).',
});

/** The rule's options for a file `depth` folders below src/ in `layer`, allowing `extra` folders too. */
function layerRule(layer, depth, extra = []) {
  const { may, types = [] } = layers[layer];
  const allowed = [layer, ...may, ...types, ...extra];
  const patterns = [
    leavesSrc(depth),
    {
      regex: `${up(depth)}(?!\\.\\./)(?!(${allowed.join('|')})(/|$))`,
      message: `src/${layer}/ may import only ${may.length ? may.join(', ') : 'nothing else in src/'}${types.length ? ` (and types of ${types.join(', ')})` : ''}: imports run ui → host → agent → tools/transport → protocol → common.`,
    },
    ...types.map((folder) => ({
      regex: `${up(depth)}${folder}(/|$)`,
      allowTypeImports: true,
      message: `src/${layer}/ may use the types of src/${folder}/, not its code: reach it through src/host/.`,
    })),
  ];
  if (noNode.has(layer)) patterns.push({ regex: nodeBuiltin, message: `src/${layer}/ is pure: no Node built-ins (pass what you need in through a port, or use Web APIs).` });
  return ['error', { paths: pure.has(layer) ? [vscodeForPure] : [], patterns }];
}

/** One config block per folder depth, so each `../` count means exactly "up to src/". */
function layerZones(layer) {
  return Array.from({ length: MAX_DEPTH }, (_, i) => ({
    files: [`src/${layer}/${'*/'.repeat(i)}*.ts`],
    rules: { [RULE]: layerRule(layer, i + 1) },
  }));
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/node_modules/**', 'test/e2e/.work/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Use crypto for anything a guess must not find (nonces, ids).' },
      ],
    },
  },
  ...Object.keys(layers).flatMap((layer) => layerZones(layer)),
  // The composition root's entry point sits in src/ itself.
  { files: ['src/extension.ts'], rules: { [RULE]: ['error', { patterns: [leavesSrc(0)] }] } },
  {
    files: ['src/common/**', 'src/protocol/**', 'src/transport/**', 'src/agent/**', 'src/tools/**'],
    rules: { 'no-restricted-globals': ['error', { name: 'require', message: 'No dynamic require in pure code.' }] },
  },
  {
    files: ['media/**'],
    rules: {
      [RULE]: [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview runs in a browser: it has no vscode module.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!protocol/(webview[A-Za-z]*|displayUnits)$)',
              message: 'The webview may import only the webview contract: src/protocol/webview* (messages, their limits and validator) and src/protocol/displayUnits (how their numbers read).',
            },
            { regex: '^(\\.\\./)+test/', message: 'The webview ships; it never imports test code.' },
            { regex: nodeBuiltin, message: 'The webview runs in a browser: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/emulator/**'],
    rules: {
      [RULE]: [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+src/', message: 'The emulator is an independent reading of the protocol: it imports nothing from src/.' }] },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: {
      'no-restricted-syntax': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
