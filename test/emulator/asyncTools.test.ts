// Async tools (§8) on the wire, with a raw client: a GPT-6-like model calls an async tool, keeps
// working (reads a file) without its output, and consumes the output when a later request brings it;
// a GPT-5.6-like model refuses the declaration; an output is never accepted twice.
import { afterEach, describe, expect, it } from 'vitest';
import type { Scenario } from './index';
import { emulatorFixture, errorCodeOf, READ_FILE_TOOL, responseOf, toolOutput, userMessage, type Frame } from './testClient';
import type { JsonObject } from './types';

const RUN_TASK_TOOL: JsonObject = {
  type: 'function',
  name: 'run_task',
  description: 'Run a VS Code task by label',
  parameters: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'], additionalProperties: false },
  strict: true,
  async: true,
};

export const ASYNC_SCENARIO: Scenario = {
  name: 'async-tools',
  tokensPerSecond: 0,
  fallback: 'fail',
  steps: [
    {
      id: 'start',
      when: { userText: 'run the tests' },
      output: [{ call: { name: 'run_task', callId: 'call_task', arguments: { label: 'npm: test' } } }, { text: 'While the tests run I will read the code.' }, { call: { name: 'read_file', callId: 'call_read', arguments: { path: 'src/a.ts' } } }],
    },
    { id: 'wait', when: { toolOutputs: [{ callId: 'call_read' }] }, say: 'Read src/a.ts; waiting for the tests.' },
    { id: 'result', when: { toolOutputs: [{ callId: 'call_task' }] }, expect: { toolOutputs: [{ callId: 'call_task', output: 'passed' }] }, say: 'The tests pass.' },
  ],
};

const fixture = emulatorFixture({ scenario: ASYNC_SCENARIO });
afterEach(() => fixture.cleanup());

const create = (model: string, extra: Record<string, unknown>): JsonObject =>
  ({ type: 'response.create', model, store: false, tools: [RUN_TASK_TOOL, READ_FILE_TOOL], ...extra }) as JsonObject;
const outputOf = (frames: Frame[]): JsonObject[] => responseOf(frames.at(-1))['output'] as JsonObject[];

describe('async tools', () => {
  it('the model keeps working after an async call and consumes its output in a later request', async () => {
    const emu = await fixture.start();
    const client = await fixture.connect();
    client.send(create('gpt-6.2', { input: [userMessage('run the tests please')] }));
    const first = await client.untilTerminal();
    expect(first.at(-1)?.type).toBe('response.completed');
    const output = outputOf(first);
    expect(output.map((o) => [o['type'], o['call_id'] ?? null, o['async'] ?? null])).toEqual([
      ['function_call', 'call_task', true],
      ['message', null, null],
      ['function_call', 'call_read', null],
    ]);
    // The read's output alone: the task still runs, and the server accepts that.
    client.send(create('gpt-6.2', { previous_response_id: responseOf(first.at(-1))['id'], input: [toolOutput('call_read', 'export const a = 1;')] }));
    const second = await client.untilTerminal();
    expect(second.at(-1)?.type).toBe('response.completed');
    expect(JSON.stringify(outputOf(second))).toContain('waiting for the tests');
    // The task ends: its output comes by call_id in a new request.
    client.send(create('gpt-6.2', { previous_response_id: responseOf(second.at(-1))['id'], input: [toolOutput('call_task', '12 passed')] }));
    const third = await client.untilTerminal();
    expect(JSON.stringify(outputOf(third))).toContain('The tests pass.');
    expect(emu.stats().toolOutputs.map((o) => o.callId)).toEqual(['call_read', 'call_task']);
    // Twice is refused, on the chain or in a full resend.
    client.send(create('gpt-6.2', { previous_response_id: responseOf(third.at(-1))['id'], input: [toolOutput('call_task', '12 passed')] }));
    const again = await client.untilTerminal();
    expect(again.at(-1)?.type).toBe('error');
    expect(JSON.stringify(again.at(-1))).toContain('Duplicate tool output');
  });

  it('a full resend may carry the async output after the items that followed the call', async () => {
    await fixture.start();
    const client = await fixture.connect();
    client.send(create('gpt-6.2', { input: [userMessage('run the tests please')] }));
    const first = outputOf(await client.untilTerminal());
    client.send(create('gpt-6.2', { input: [userMessage('run the tests please'), ...first, toolOutput('call_read', 'export const a = 1;')] }));
    const second = outputOf(await client.untilTerminal());
    client.send(create('gpt-6.2', { input: [userMessage('run the tests please'), ...first, toolOutput('call_read', 'export const a = 1;'), ...second, toolOutput('call_task', '3 passed')] }));
    const third = await client.untilTerminal();
    expect(third.at(-1)?.type).toBe('response.completed');
    expect(JSON.stringify(outputOf(third))).toContain('The tests pass.');
  });

  it('a sync call still needs its output before the next request', async () => {
    await fixture.start();
    const client = await fixture.connect();
    client.send(create('gpt-6.2', { input: [userMessage('run the tests please')] }));
    const first = await client.untilTerminal();
    client.send(create('gpt-6.2', { previous_response_id: responseOf(first.at(-1))['id'], input: [userMessage('go on')] }));
    const refused = await client.untilTerminal();
    expect(JSON.stringify(refused.at(-1))).toContain('No tool output found for function call call_read');
  });

  it('a GPT-5.6-like model refuses async declarations; without them the call is sync', async () => {
    await fixture.start();
    const client = await fixture.connect();
    client.send(create('gpt-5.6', { input: [userMessage('run the tests please')] }));
    const refused = await client.untilTerminal();
    expect(errorCodeOf(refused.at(-1))).toBe('unsupported_parameter');
    client.send({ ...create('gpt-5.6', { input: [userMessage('run the tests please')] }), tools: [{ ...RUN_TASK_TOOL, async: undefined }, READ_FILE_TOOL] } as JsonObject);
    const sync = outputOf(await client.untilTerminal());
    expect(sync[0]).toMatchObject({ type: 'function_call', call_id: 'call_task' });
    expect(sync[0]?.['async']).toBeUndefined();
  });
});
