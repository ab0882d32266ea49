// What every contender offers the model on every request: one set of instructions and tools, the
// same bytes for all, sized like a real coding agent's preamble (a few KB). Because the protocol
// requires them on every request, even a perfect delta client resends them: this is the part of the
// floor that permessage-deflate (context takeover) can shrink and plain HTTP cannot.
import type { FunctionToolDefinition } from '../../src/protocol/items';
import { proseText } from './seededText';

export const BENCH_MODEL = 'gpt-5.2';

export const BENCH_INSTRUCTIONS = [
  'You are a coding agent working inside the user\'s editor. Read files before you change them, keep',
  'edits minimal, run the tests after an edit, and answer in short markdown with the changed code.',
  'Project guidelines follow.',
  proseText('bench:instructions', 3600),
].join('\n');

function tool(name: string, description: string, properties: Record<string, unknown>, required: string[]): FunctionToolDefinition {
  return { type: 'function', name, description, parameters: { type: 'object', properties, required, additionalProperties: false }, strict: false };
}

export const BENCH_TOOLS: FunctionToolDefinition[] = [
  tool('read_file', 'Read a UTF-8 text file of the workspace. Large files are returned whole; prefer search_text to find the right file first.', {
    path: { type: 'string', description: 'Workspace-relative path, forward slashes.' },
  }, ['path']),
  tool('search_text', 'Search the workspace for a string or regular expression; returns matching lines with paths and line numbers.', {
    query: { type: 'string', description: 'Text or /regex/ to look for.' },
    include: { type: 'string', description: 'Optional glob of files to search, e.g. src/**/*.ts.' },
  }, ['query']),
  tool('apply_edit', 'Replace exact text in a file. Each edit names text that occurs exactly once; edits are applied in order and journaled so the turn can be reverted.', {
    path: { type: 'string' },
    edits: {
      type: 'array',
      items: { type: 'object', properties: { old_text: { type: 'string' }, new_text: { type: 'string' } }, required: ['old_text', 'new_text'] },
    },
  }, ['path', 'edits']),
  tool('run_tests', 'Run the project\'s test task (or one test file) and return its output, truncated to the last lines on failure.', {
    file: { type: 'string', description: 'Optional test file to run alone.' },
  }, []),
  tool('list_files', 'List files under a folder of the workspace (not ignored by .gitignore).', {
    folder: { type: 'string' },
  }, ['folder']),
];
