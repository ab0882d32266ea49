// Lint, with the one architectural rule that matters most: pure folders never import `vscode` at
// runtime (type-only imports are erased and allowed), and the webview imports nothing of the host.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureFolders = ['src/common/**', 'src/protocol/**', 'src/transport/**', 'src/agent/**', 'src/tools/**'];

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
  {
    files: pureFolders,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'Pure code (common, protocol, transport, agent, tools) must not import vscode at runtime: use `import type` and a port.',
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'require', message: 'No dynamic require in pure code.' }],
    },
  },
  {
    files: ['media/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview runs in a browser: it has no vscode module.' }],
          patterns: [
            {
              regex: '^\\.\\./\\.\\./src/(?!protocol/webview|common/format)',
              message: 'The webview may import only the webview message types from src/protocol/ and the formatters in src/common/format.',
            },
          ],
        },
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
