import hljs from 'highlight.js/lib/core';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import languages from '../../../media/chat/highlightLanguages.json';

/**
 * The webview loads highlight.js languages on demand, one chunk each. highlightLanguages.json says
 * which chunk an info-string word (` ```ts `) needs, and which other languages a language embeds
 * (`subLanguage`, e.g. HTML's <script>) so those load with it. This derives the table from
 * highlight.js itself (regenerate: `npx vitest run test/unit/webview/highlightLanguages.test.ts -u`)
 * and checks that a language loaded with only what the table names highlights exactly as it did when
 * every language was bundled.
 */

type LanguageFn = Parameters<typeof hljs.registerLanguage>[1];
const load = createRequire(__filename);
const definitionOf = (name: string): LanguageFn => load(`highlight.js/lib/languages/${name}`) as LanguageFn;

/** The languages the chat highlights (the 28 that were bundled before they were split into chunks). */
const NAMES = [
  'bash', 'c', 'cpp', 'csharp', 'css', 'diff', 'dockerfile', 'go', 'ini', 'java', 'javascript', 'json', 'kotlin', 'makefile', 'markdown', 'php',
  'plaintext', 'powershell', 'python', 'ruby', 'rust', 'scss', 'shell', 'sql', 'swift', 'typescript', 'xml', 'yaml',
];

/** Every `subLanguage` a language's modes name, among the chat's languages. */
function embeddedLanguages(name: string): string[] {
  const found = new Set<string>();
  const seen = new Set<object>();
  const visit = (mode: unknown): void => {
    if (mode === null || typeof mode !== 'object' || seen.has(mode)) return;
    seen.add(mode);
    const { subLanguage } = mode as { subLanguage?: string | string[] };
    for (const language of typeof subLanguage === 'string' ? [subLanguage] : (subLanguage ?? [])) if (NAMES.includes(language) && language !== name) found.add(language);
    for (const value of Object.values(mode)) visit(value);
  };
  visit(definitionOf(name)(hljs));
  return [...found].sort();
}

function derivedTable(): Record<string, { aliases: string[]; uses: string[] }> {
  return Object.fromEntries(NAMES.map((name) => [name, { aliases: definitionOf(name)(hljs).aliases ?? [], uses: embeddedLanguages(name) }]));
}

const SAMPLES: Record<string, string> = {
  xml: '<div class="a"><script>const x = 1;</script><style>.a { color: red; }</style></div>',
  shell: '$ ls -la\ntotal 0\n$ echo "hi" | grep h',
  markdown: '# Title\n\n```js\nconst a = 1;\n```\n',
  php: '<?php echo "hi"; ?>',
};

describe('highlight.js languages as on-demand chunks', () => {
  it('highlightLanguages.json is what highlight.js says about the chat languages', async () => {
    await expect(`${JSON.stringify(derivedTable(), null, 2)}\n`).toMatchFileSnapshot('../../../media/chat/highlightLanguages.json');
  });

  it('no two languages claim the same alias', () => {
    const owners = new Map<string, string>();
    for (const [name, { aliases }] of Object.entries(languages)) {
      for (const word of [name, ...aliases]) {
        expect(owners.get(word), `${word} is claimed by ${owners.get(word)} and ${name}`).toBeUndefined();
        owners.set(word, name);
      }
    }
  });

  it('a language loaded with the languages it uses highlights as with every language loaded', () => {
    const everything = hljs.newInstance();
    for (const name of NAMES) everything.registerLanguage(name, definitionOf(name));
    for (const name of NAMES) {
      const alone = hljs.newInstance();
      const needed = new Set([name]);
      for (const language of needed) for (const used of (languages as Record<string, { uses: string[] }>)[language]!.uses) needed.add(used);
      for (const language of needed) alone.registerLanguage(language, definitionOf(language));
      const sample = SAMPLES[name] ?? 'const value = "text"; // comment\nif (value) { return 42; }';
      expect(alone.highlight(sample, { language: name, ignoreIllegals: true }).value, name).toBe(everything.highlight(sample, { language: name, ignoreIllegals: true }).value);
    }
  });
});
