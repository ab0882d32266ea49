import { describe, expect, it } from 'vitest';
import { ChainMemory, canonicalJson, paramsKey, planRequest, type ChainLink } from '../../../src/transport/chain';
import { functionCallOutput, userMessage, type ResponseItem } from '../../../src/protocol/items';
import type { ResponseRequestParams } from '../../../src/protocol/responses';

const params: ResponseRequestParams = {
  model: 'gpt-5.2',
  instructions: 'Be brief.',
  tools: [{ type: 'function', name: 'read_file', description: 'Read', parameters: { type: 'object' } }],
  store: false,
};
const call: ResponseItem = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'read_file', arguments: '{"path":"a"}' };
const answer: ResponseItem = { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: 'hi' }] };

function link(input: ResponseItem[], output: ResponseItem[], p = params, responseId = 'resp_1'): ChainLink {
  return { responseId, paramsKey: paramsKey(p), input, output };
}

describe('planRequest (the §5 delta-vs-full rule)', () => {
  it('goes full without a chain', () => {
    const plan = planRequest(undefined, params, [userMessage('a')]);
    expect(plan).toEqual({ mode: 'full', input: [userMessage('a')], reason: 'noChain' });
  });

  it('sends only the new items when params are equal and input extends last input ++ last output', () => {
    const plan = planRequest(link([userMessage('a')], [call]), params, [userMessage('a'), call, functionCallOutput('call_1', 'text')]);
    expect(plan).toEqual({ mode: 'delta', previousResponseId: 'resp_1', input: [functionCallOutput('call_1', 'text')] });
  });

  it('sends an empty delta right after a warm-up with the same input', () => {
    const plan = planRequest(link([], [], params, 'resp_warm'), params, []);
    expect(plan).toEqual({ mode: 'delta', previousResponseId: 'resp_warm', input: [] });
  });

  it('sends the first prompt as a delta from the warm-up', () => {
    const plan = planRequest(link([], [], params, 'resp_warm'), params, [userMessage('q')]);
    expect(plan).toEqual({ mode: 'delta', previousResponseId: 'resp_warm', input: [userMessage('q')] });
  });

  it('goes full when the model changes', () => {
    const plan = planRequest(link([userMessage('a')], [answer]), { ...params, model: 'gpt-5.2-mini' }, [userMessage('a'), answer, userMessage('b')]);
    expect(plan.mode).toBe('full');
    expect(plan).toMatchObject({ reason: 'paramsChanged' });
  });

  it.each([
    ['instructions', { instructions: 'Be verbose.' }],
    ['tools', { tools: [] }],
    ['store', { store: true }],
    ['tool_choice', { tool_choice: 'none' as const }],
    ['reasoning', { reasoning: { effort: 'high' as const } }],
    ['include', { include: ['reasoning.encrypted_content'] }],
  ])('goes full when %s changes', (_name, change) => {
    const plan = planRequest(link([userMessage('a')], [answer]), { ...params, ...change }, [userMessage('a'), answer, userMessage('b')]);
    expect(plan).toMatchObject({ mode: 'full', reason: 'paramsChanged' });
  });

  it('goes full when the transcript was edited (an earlier item differs)', () => {
    const plan = planRequest(link([userMessage('a')], [answer]), params, [userMessage('A'), answer, userMessage('b')]);
    expect(plan).toMatchObject({ mode: 'full', reason: 'inputDiverged' });
    expect(plan.input).toHaveLength(3);
  });

  it('goes full when the output is missing from the new input (the caller dropped it)', () => {
    const plan = planRequest(link([userMessage('a')], [answer]), params, [userMessage('a'), userMessage('b')]);
    expect(plan).toMatchObject({ mode: 'full', reason: 'inputDiverged' });
  });

  it('goes full when the new input is shorter than the chain', () => {
    const plan = planRequest(link([userMessage('a')], [answer]), params, [userMessage('a')]);
    expect(plan).toMatchObject({ mode: 'full', reason: 'inputDiverged' });
  });

  it('compares items by value, whatever the key order', () => {
    const reordered = { content: [{ text: 'hi', type: 'output_text' }], id: 'msg_1', role: 'assistant', type: 'message' } as ResponseItem;
    const plan = planRequest(link([userMessage('a')], [answer]), params, [userMessage('a'), reordered, userMessage('b')]);
    expect(plan).toEqual({ mode: 'delta', previousResponseId: 'resp_1', input: [userMessage('b')] });
  });

  it('strips steer input the server holds from the delta, once', () => {
    const steer = userMessage('use util.ts');
    const plan = planRequest(link([userMessage('a')], [call]), params, [userMessage('a'), call, functionCallOutput('call_1', 'x'), steer], [steer]);
    expect(plan).toEqual({ mode: 'delta', previousResponseId: 'resp_1', input: [functionCallOutput('call_1', 'x')] });
  });
});

describe('ChainMemory', () => {
  it('keeps one link per lane and forgets per lane', () => {
    const memory = new ChainMemory();
    memory.recordCompleted(undefined, link([userMessage('a')], [answer], params, 'resp_default'));
    memory.recordCompleted('inline-1', link([userMessage('x')], [answer], params, 'resp_inline'));
    expect(memory.plan(undefined, params, [userMessage('a'), answer, userMessage('b')])).toMatchObject({ mode: 'delta', previousResponseId: 'resp_default' });
    expect(memory.plan('inline-1', params, [userMessage('x'), answer, userMessage('y')])).toMatchObject({ mode: 'delta', previousResponseId: 'resp_inline' });
    memory.forget('inline-1');
    expect(memory.plan('inline-1', params, [userMessage('x'), answer, userMessage('y')])).toMatchObject({ mode: 'full' });
    expect(memory.plan(undefined, params, [userMessage('a'), answer, userMessage('b')])).toMatchObject({ mode: 'delta' });
  });

  it('forks a new lane from another lane’s latest response', () => {
    const memory = new ChainMemory();
    memory.recordCompleted(undefined, link([userMessage('a')], [answer], params, 'resp_default'));
    expect(memory.plan('branch-1', params, [userMessage('a'), answer, userMessage('what if')], 'resp_default')).toEqual({
      mode: 'delta',
      previousResponseId: 'resp_default',
      input: [userMessage('what if')],
    });
    // An id the connection no longer holds cannot be forked as a delta.
    expect(memory.plan('branch-2', params, [userMessage('a')], 'resp_gone')).toMatchObject({ mode: 'full', reason: 'noChain' });
  });

  it('holds pending steer input until the next completed response on the lane', () => {
    const memory = new ChainMemory();
    const steer = userMessage('stop');
    memory.recordCompleted(undefined, link([userMessage('a')], [call]));
    memory.holdPendingSteer(undefined, [steer]);
    const input = [userMessage('a'), call, functionCallOutput('call_1', 'x'), steer];
    expect(memory.plan(undefined, params, input)).toMatchObject({ mode: 'delta', input: [functionCallOutput('call_1', 'x')] });
    memory.recordCompleted(undefined, link(input, [answer], params, 'resp_2'));
    expect(memory.pendingSteer(undefined)).toEqual([]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [1, { y: 2, x: 1 }] } })).toBe('{"a":{"c":[1,{"x":1,"y":2}]},"b":1}');
  });
});
