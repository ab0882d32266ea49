import { describe, expect, it } from 'vitest';
import { freeLane, rememberInstruction } from '../../../../src/agent/inlineEdit/history';
import { diffLines, layoutProposal } from '../../../../src/agent/inlineEdit/lineDiff';
import { buildFixInput } from '../../../../src/agent/inlineEdit/diagnosticPrompts';
import {
  buildFollowUpInput,
  buildInlineEditInput,
  EDIT_OTHER_FILE_TOOL,
  INLINE_EDIT_TOOLS,
  PROPOSAL_SHOWN_OUTPUT,
  REPLACE_SELECTION_TOOL,
  type RegionContext,
} from '../../../../src/agent/inlineEdit/prompt';
import { enclosingFunction, problemRegion, selectionLines, splitAround } from '../../../../src/agent/inlineEdit/ranges';
import { fencedCode, normaliseReplacement, parseReply, partialJsonStringField, StreamingReply } from '../../../../src/agent/inlineEdit/reply';
import type { ResponseItem } from '../../../../src/protocol/items';

const region: RegionContext = {
  path: 'src/a.ts',
  languageId: 'typescript',
  startLine: 1,
  before: ['// before'],
  selected: ['export function add(a: number, b: number): number {', '  return a + b;', '}'],
  after: ['// after'],
};

const call = (name: string, args: unknown, callId = 'call_1'): ResponseItem => ({
  type: 'function_call',
  call_id: callId,
  name,
  arguments: JSON.stringify(args),
});

describe('inline edit prompt', () => {
  it('puts the instruction and the marked region in one user message', () => {
    const input = buildInlineEditInput('  add a doc comment ', region);
    expect(input).toHaveLength(1);
    const text = (input[0] as { content: Array<{ text: string }> }).content[0]!.text;
    expect(text).toContain('Instruction: add a doc comment');
    expect(text).toContain('<selection>\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n</selection>');
    expect(text).toContain('<before>\n// before\n</before>');
    expect(text).toContain('region starts at line 2');
  });

  it('offers strict tools with closed schemas', () => {
    expect(INLINE_EDIT_TOOLS.map((t) => t.name)).toEqual([REPLACE_SELECTION_TOOL, EDIT_OTHER_FILE_TOOL]);
    for (const tool of INLINE_EDIT_TOOLS) {
      expect(tool.strict).toBe(true);
      expect(tool.parameters['additionalProperties']).toBe(false);
    }
  });

  it('describes a diagnostic with its source, code and related information', () => {
    const text = JSON.stringify(
      buildFixInput(
        {
          message: "Type 'string' is not assignable to type 'number'.",
          severity: 'error',
          source: 'ts',
          code: '2322',
          startLine: 2,
          startCharacter: 2,
          endLine: 2,
          endCharacter: 8,
          related: [{ path: 'src/b.ts', line: 3, message: 'The expected type comes from here.' }],
        },
        region,
      ),
    );
    expect(text).toContain("error (ts 2322) at line 3, column 3: Type 'string' is not assignable");
    expect(text).toContain('related: src/b.ts:4: The expected type comes from here.');
  });

  it('a follow-up extends previous input + output (a delta) and answers every open call', () => {
    const first = buildInlineEditInput('rename', region);
    const output = [call(REPLACE_SELECTION_TOOL, { code: 'x' }, 'call_a'), call(EDIT_OTHER_FILE_TOOL, { path: 'b', old_text: '', new_text: '' }, 'call_b')];
    const next = buildFollowUpInput(first, output, 'also add a doc comment');
    expect(next.slice(0, first.length + output.length)).toEqual([...first, ...output]);
    expect(next.slice(first.length + output.length, -1)).toEqual([
      { type: 'function_call_output', call_id: 'call_a', output: PROPOSAL_SHOWN_OUTPUT },
      { type: 'function_call_output', call_id: 'call_b', output: PROPOSAL_SHOWN_OUTPUT },
    ]);
    expect(JSON.stringify(next.at(-1))).toContain('also add a doc comment');
  });
});

describe('reply parsing', () => {
  it('decodes a JSON string field while it is still arriving', () => {
    const full = JSON.stringify({ code: 'if (a) {\n\t"x" \\ \u00e9\n}' });
    let last = '';
    for (let i = 0; i <= full.length; i++) {
      const partial = partialJsonStringField(full.slice(0, i), 'code');
      if (partial === undefined) continue;
      expect('if (a) {\n\t"x" \\ \u00e9\n}'.startsWith(partial)).toBe(true);
      expect(partial.length).toBeGreaterThanOrEqual(last.length);
      last = partial;
    }
    expect(last).toBe('if (a) {\n\t"x" \\ \u00e9\n}');
    expect(partialJsonStringField('{"co', 'code')).toBeUndefined();
  });

  it('reads a fenced block, open or closed, without a half-arrived closing fence', () => {
    expect(fencedCode('Here:\n```ts\nconst a = 1;\n```\nDone')).toEqual({ code: 'const a = 1;', closed: true });
    expect(fencedCode('```ts\nconst a = 1;\nconst b')).toEqual({ code: 'const a = 1;\nconst b', closed: false });
    expect(fencedCode('```ts\nconst a = 1;\n``')).toEqual({ code: 'const a = 1;', closed: false });
    expect(fencedCode('no code')).toBeUndefined();
  });

  it('prefers the replace_selection call, collects other-file edits, falls back to a fenced block', () => {
    const reply = parseReply([
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: '```\nignored\n```' }] },
      call(REPLACE_SELECTION_TOOL, { code: 'new code' }),
      call(EDIT_OTHER_FILE_TOOL, { path: 'src/b.ts', old_text: 'a', new_text: 'b' }, 'call_2'),
    ]);
    expect(reply.code).toBe('new code');
    expect(reply.otherFiles).toEqual([{ callId: 'call_2', path: 'src/b.ts', oldText: 'a', newText: 'b' }]);
    expect(parseReply([{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Sure:\n```ts\nx\n```' }] }]).code).toBe('x');
    expect(parseReply([{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'I cannot.' }] }])).toMatchObject({ code: undefined, text: 'I cannot.' });
  });

  it('follows a streaming tool call', () => {
    const stream = new StreamingReply();
    expect(stream.code).toBeUndefined();
    stream.onToolCallStarted('item_1', REPLACE_SELECTION_TOOL);
    expect(stream.code).toBe('');
    stream.onArgumentsDelta('item_1', '{"code":"a\\');
    expect(stream.code).toBe('a');
    stream.onArgumentsDelta('item_1', 'nb"}');
    expect(stream.code).toBe('a\nb');
  });

  it('fits the replacement to the region: line breaks and no trailing break', () => {
    expect(normaliseReplacement('a\nb\n', '\n')).toBe('a\nb');
    expect(normaliseReplacement('a\r\nb', '\r\n')).toBe('a\r\nb');
    expect(normaliseReplacement('a\nb', '\r\n')).toBe('a\r\nb');
    expect(normaliseReplacement('', '\n')).toBe('');
    expect(normaliseReplacement('a\n', '\n', true)).toBe('a\n');
  });
});

describe('ranges', () => {
  it('takes whole selected lines, not the line a selection ends at column 0 of', () => {
    expect(selectionLines({ line: 2, character: 4 }, { line: 4, character: 1 })).toEqual({ startLine: 2, endLine: 4 });
    expect(selectionLines({ line: 2, character: 0 }, { line: 5, character: 0 })).toEqual({ startLine: 2, endLine: 4 });
    expect(selectionLines({ line: 2, character: 3 }, { line: 2, character: 3 })).toEqual({ startLine: 2, endLine: 2 });
  });

  it('finds the innermost function around a line', () => {
    const symbols = [
      {
        kind: 'class',
        startLine: 0,
        endLine: 20,
        children: [
          { kind: 'method', startLine: 2, endLine: 10, children: [{ kind: 'function', startLine: 4, endLine: 6, children: [] }] },
          { kind: 'property', startLine: 12, endLine: 12, children: [] },
        ],
      },
    ];
    expect(enclosingFunction(symbols, 5)).toEqual({ startLine: 4, endLine: 6 });
    expect(enclosingFunction(symbols, 8)).toEqual({ startLine: 2, endLine: 10 });
    expect(enclosingFunction(symbols, 12)).toBeUndefined();
  });

  it('clamps the problem region and splits context around it', () => {
    expect(problemRegion(10, 1, 1, 3)).toEqual({ startLine: 0, endLine: 4 });
    expect(problemRegion(10, 8, 9, 3)).toEqual({ startLine: 5, endLine: 9 });
    const lines = ['0', '1', '2', '3', '4', '5'];
    expect(splitAround(lines, { startLine: 2, endLine: 3 }, 1)).toEqual({ before: ['1'], selected: ['2', '3'], after: ['4'] });
  });
});

describe('proposal layout', () => {
  it('marks a changed line removed and shows its replacement after it', () => {
    const layout = layoutProposal(['a', 'b', 'c'], ['a', 'B', 'c']);
    expect(layout.lines).toEqual([
      { removed: false, inserted: [] },
      { removed: true, inserted: ['B'] },
      { removed: false, inserted: [] },
    ]);
    expect([layout.added, layout.removed]).toEqual([1, 1]);
  });

  it('puts lines added above everything in `leading`', () => {
    const layout = layoutProposal(['a'], ['/** doc */', 'a']);
    expect(layout.leading).toEqual(['/** doc */']);
    expect(layout.lines).toEqual([{ removed: false, inserted: [] }]);
  });

  it('while streaming, a short partial proposal shows the rest as removed', () => {
    const layout = layoutProposal(['a', 'b', 'c'], ['a']);
    expect(layout.lines.map((l) => l.removed)).toEqual([false, true, true]);
  });

  it('degrades to remove-all/add-all beyond the size limit', () => {
    const ops = diffLines(['a', 'x', 'b'], ['a', 'y', 'b'], 1);
    expect(ops.map((op) => op.kind)).toEqual(['equal', 'remove', 'insert', 'equal']);
  });
});

describe('history and lanes', () => {
  it('keeps recent instructions newest first without duplicates', () => {
    expect(rememberInstruction(['b', 'a'], ' a ')).toEqual(['a', 'b']);
    expect(rememberInstruction(['a'], '   ')).toEqual(['a']);
    expect(rememberInstruction(['a', 'b', 'c'], 'd', 3)).toEqual(['d', 'a', 'b']);
  });

  it('reuses the smallest free lane number', () => {
    expect(freeLane('inline', new Set())).toBe('inline-1');
    expect(freeLane('inline', new Set(['inline-1', 'inline-3']))).toBe('inline-2');
  });
});
