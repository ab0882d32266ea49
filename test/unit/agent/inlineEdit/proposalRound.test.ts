import { describe, expect, it } from 'vitest';
import { CancellationTokenSource } from '../../../../src/common/cancellation';
import { layoutProposal } from '../../../../src/agent/inlineEdit/lineDiff';
import { EDIT_OTHER_FILE_TOOL, INLINE_EDIT_TOOLS, REPLACE_SELECTION_TOOL } from '../../../../src/agent/inlineEdit/prompt';
import { runProposalRound } from '../../../../src/agent/inlineEdit/proposalRound';
import { proposalRows } from '../../../../src/agent/inlineEdit/proposalRows';
import { userMessage } from '../../../../src/protocol/items';
import { callTool, FakeModelClient, metrics, respond, say, type ScriptedStep } from '../../../fakes/fakeModelClient';

const settings = { model: 'gpt-test', store: false };

/** A step that streams a replace_selection call's arguments in pieces, then completes with it. */
function streamCode(code: string, pieces: number): ScriptedStep {
  return (_request, options) => {
    const args = JSON.stringify({ code });
    options.onEvent?.({ kind: 'toolCallStarted', itemId: 'fc_1', callId: 'call_1', name: REPLACE_SELECTION_TOOL });
    const size = Math.ceil(args.length / pieces);
    for (let i = 0; i < args.length; i += size) options.onEvent?.({ kind: 'toolCallArgumentsDelta', itemId: 'fc_1', delta: args.slice(i, i + size) });
    return { kind: 'completed', responseId: 'r1', output: [callTool('call_1', REPLACE_SELECTION_TOOL, { code })], usage: undefined, metrics: metrics({ lane: 'inline-1' }) };
  };
}

function round(client: FakeModelClient, onCode: (code: string) => void = () => undefined) {
  return runProposalRound(client, settings, { lane: 'inline-1', input: [userMessage('Instruction: x')], token: new CancellationTokenSource().token, onCode });
}

describe('a proposal round through the single-shot module', () => {
  it('streams the replacement as it arrives and ends ready with the code', async () => {
    const client = new FakeModelClient([streamCode('line one\nline two', 4)]);
    const seen: string[] = [];
    const result = await round(client, (code) => seen.push(code));
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe('line one\nline two');
    seen.forEach((code, i) => expect(code.length).toBeGreaterThanOrEqual(seen[i - 1]?.length ?? 0));
    expect(result).toMatchObject({ kind: 'ready', code: 'line one\nline two', warning: undefined, otherFiles: [] });
    expect(client.requests[0]).toMatchObject({ lane: 'inline-1', toolChoice: 'required', parallelToolCalls: true, tools: INLINE_EDIT_TOOLS, include: ['reasoning.encrypted_content'] });
  });

  it('a reply cut short is ready with a warning; a refusal or an other-files-only reply is empty', async () => {
    const cut = new FakeModelClient([
      () => ({ kind: 'incomplete', responseId: 'r', reason: 'max_output_tokens', output: [callTool('c', REPLACE_SELECTION_TOOL, { code: 'x' })], usage: undefined, metrics: metrics() }),
    ]);
    expect(await round(cut)).toMatchObject({ kind: 'ready', warning: 'The reply was cut short (max_output_tokens); check it before accepting.' });
    expect(await round(new FakeModelClient([respond([say('I cannot do that here.')])]))).toMatchObject({ kind: 'empty', said: 'I cannot do that here.' });
    const otherOnly = new FakeModelClient([respond([callTool('c', EDIT_OTHER_FILE_TOOL, { path: 'b.ts', old_text: 'a', new_text: 'b' })])]);
    expect(await round(otherOnly)).toMatchObject({ kind: 'empty', said: 'The change is in other files: keep or discard it in the review.', otherFiles: [{ path: 'b.ts' }] });
  });

  it('a failure comes back in words with its kind', async () => {
    const client = new FakeModelClient([() => ({ kind: 'networkError', message: 'socket hang up' })]);
    expect(await round(client)).toEqual({ kind: 'failed', failure: { kind: 'networkError', message: 'socket hang up' }, message: 'The model server could not be reached: socket hang up.' });
  });
});

describe('proposal rows: every new line on a row of its own', () => {
  const rows = (oldLines: string[], newLines: string[], available = 20) => proposalRows(layoutProposal(oldLines, newLines), available);

  it('one line replaced by four: one removed row, four added rows starting at it, pushing nothing else', () => {
    const result = rows(['function f() {', '  return a + b;', '}'], ['function f() {', '  if (!a) {', '    throw new Error();', '  }', '  return a + b + 0;', '}']);
    expect(result.removed).toEqual([1]);
    expect(result.added).toEqual([
      { row: 1, text: '  if (!a) {' },
      { row: 2, text: '    throw new Error();' },
      { row: 3, text: '  }' },
      { row: 4, text: '  return a + b + 0;' },
    ]);
    expect(result.noteRow).toBe(5);
  });

  it('an insertion starts on the row it goes before; a later block moves down past it', () => {
    const result = rows(['a', 'b', 'c', 'd'], ['/** doc */', '// two', 'a', 'B', 'c', 'd']);
    expect(result.added).toEqual([
      { row: 0, text: '/** doc */' },
      { row: 1, text: '// two' },
      { row: 2, text: 'B' },
    ]);
    expect(result.removed).toEqual([1]);
    expect(result.noteRow).toBe(3);
  });

  it('near the end of the document a block starts higher to fit; what still does not fit stays on the last line', () => {
    expect(rows(['a', 'b', 'c'], ['a', 'b', 'C1', 'C2', 'C3'], 3)).toEqual({
      removed: [2],
      added: [
        { row: 0, text: 'C1' },
        { row: 1, text: 'C2' },
        { row: 2, text: 'C3' },
      ],
      noteRow: undefined,
    });
    expect(rows(['x'], ['1', '2', '3'], 2).added.map((entry) => entry.row)).toEqual([0, 1, 1]);
    expect(proposalRows(layoutProposal(['x'], ['1', '2', '3']), 2, 5).added.map((entry) => entry.row)).toEqual([-1, 0, 1]);
  });
});
