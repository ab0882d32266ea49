/**
 * Fixtures and scripted-model scenarios for inline edit and the diagnostic code actions (issue 7),
 * shared by the integration suites and the end-to-end suite. Every step answers a fresh chain, so all
 * are `repeat: true`; anything unexpected fails the response (`fallback: fail`).
 */
import type { Scenario } from '../../emulator';

export const INLINE_TARGET = [
  '// Holdfast inline-edit fixture.',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export const answer = add(40, 2);',
  '',
].join('\n');

/** Lines 1–3 of INLINE_TARGET with a doc comment above. */
export const INLINE_DOC_COMMENT = ['/** Adds two numbers. */', 'export function add(a: number, b: number): number {', '  return a + b;', '}'].join('\n');
/** The follow-up: the doc comment, and the parameters renamed. */
export const INLINE_FOLLOW_UP = ['/** Adds two numbers. */', 'export function add(left: number, right: number): number {', '  return left + right;', '}'].join('\n');
/** A long rewrite streamed slowly, so a test can edit the document while it arrives. */
export const INLINE_SLOW = Array.from({ length: 30 }, (_, i) => `// slow line ${i + 1} of a rewrite that takes a while to stream`).join('\n');

export const BROKEN_FILE = [
  '// Holdfast code-action fixture: one type error on line 7.',
  'export function double(value: number): number {',
  '  return value * 2;',
  '}',
  '',
  '/** How many items there are. */',
  "export const count: number = 'three';",
  '',
  'export const doubled = double(count);',
  '',
  "export const unused = 'just context';",
  '// end',
  '',
].join('\n');
export const BROKEN_MESSAGE = "Type 'string' is not assignable to type 'number'.";
/** Lines 3–9 of BROKEN_FILE (the error's line ± 3), fixed. */
export const BROKEN_REGION_FIXED = ['}', '', '/** How many items there are. */', 'export const count: number = 3;', '', 'export const doubled = double(count);', ''].join('\n');
export const BROKEN_FILE_FIXED = BROKEN_FILE.replace("'three'", '3');

export const TWO_ERRORS_FILE = ["export const one: number = 'one';", "export const two: string = 2;", ''].join('\n');
export const TWO_ERRORS_FIXED = ['export const one: number = 1;', "export const two: string = '2';", ''].join('\n');

export const EXPLANATION = '`count` is declared as a `number` but initialised with the string `"three"`; use a number such as `3`.';
export const CHAT_STORY = Array.from({ length: 25 }, (_, i) => `Sentence ${i + 1} of a long story told on the default lane.`).join(' ');

/** A caller of `add` in another file, and the change an inline edit's reply proposes for it. */
export const OTHER_FILE_PATH = 'src/otherCaller.ts';
export const OTHER_FILE_BEFORE = ["import { add } from './otherFilesTarget';", '', 'export const total = add(1, 2);', ''].join('\n');
export const OTHER_FILE_AFTER = OTHER_FILE_BEFORE.replace('add(1, 2)', 'add(1, 2) + 0');

export const issue7Scenario: Scenario = {
  name: 'issue7-inline-edit-and-code-actions',
  tokensPerSecond: 400,
  fallback: 'fail',
  steps: [
    {
      id: 'follow-up',
      when: { userText: 'Follow-up on your proposal: also rename the parameters' },
      calls: [{ name: 'replace_selection', arguments: { code: INLINE_FOLLOW_UP } }],
      repeat: true,
    },
    {
      id: 'doc-comment',
      when: { userText: 'Instruction: add a doc comment' },
      calls: [{ name: 'replace_selection', arguments: { code: INLINE_DOC_COMMENT } }],
      repeat: true,
    },
    {
      id: 'other-file',
      when: { userText: 'Instruction: touch the caller in another file' },
      calls: [
        { name: 'replace_selection', arguments: { code: INLINE_DOC_COMMENT } },
        { name: 'edit_other_file', arguments: { path: OTHER_FILE_PATH, old_text: 'add(1, 2)', new_text: 'add(1, 2) + 0' } },
      ],
      repeat: true,
    },
    {
      id: 'slow',
      when: { userText: 'Instruction: slow rewrite' },
      tokensPerSecond: 20,
      calls: [{ name: 'replace_selection', arguments: { code: INLINE_SLOW } }],
      repeat: true,
    },
    {
      id: 'fix-all',
      when: { userText: 'Fix all 2 problems' },
      calls: [{ name: 'replace_selection', arguments: { code: TWO_ERRORS_FIXED } }],
      repeat: true,
    },
    {
      id: 'explain',
      when: { userText: 'Explain this problem' },
      say: EXPLANATION,
      repeat: true,
    },
    {
      id: 'fix',
      when: { userText: { contains: BROKEN_MESSAGE } },
      expect: { userText: 'Fix this problem', tools: ['replace_selection'] },
      calls: [{ name: 'replace_selection', arguments: { code: BROKEN_REGION_FIXED } }],
      repeat: true,
    },
    {
      id: 'chat-story',
      when: { userText: 'chat: tell me a long story' },
      tokensPerSecond: 60,
      say: CHAT_STORY,
      repeat: true,
    },
  ],
};
