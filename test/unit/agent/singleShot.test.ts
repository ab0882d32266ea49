import { describe, expect, it } from 'vitest';
import { CancellationTokenSource } from '../../../src/common/cancellation';
import { AnswerTextFold, answerText, askOnce, describeModelFailure, singleShotRequest, storageFields } from '../../../src/agent/singleShot';
import { defaultAgentSettings } from '../../../src/agent/agentSettings';
import { agentRequestShape } from '../../../src/agent/instructions';
import { INLINE_EDIT_TOOLS } from '../../../src/agent/inlineEdit/prompt';
import { userMessage } from '../../../src/protocol/items';
import { FakeModelClient, metrics, respond, say } from '../../fakes/fakeModelClient';

const settings = { model: 'gpt-test', store: false };
const question = { instructions: 'Explain.', tools: [], input: [userMessage('why?')], lane: 'explain-1' };

describe('single-shot request shape', () => {
  it('asks for encrypted reasoning exactly when the server stores nothing, as the agent does', () => {
    expect(storageFields(false)).toEqual({ store: false, include: ['reasoning.encrypted_content'] });
    expect(storageFields(true)).toEqual({ store: true, include: [] });
    for (const store of [false, true]) {
      const agent = agentRequestShape({ ...defaultAgentSettings(), model: 'm', store }, { trusted: true, folderNames: ['w'] });
      const single = singleShotRequest({ model: 'm', store }, question);
      expect([single.store, single.include]).toEqual([agent.store, agent.include]);
    }
  });

  it('a question with tools requires a tool call on its own lane; one without tools sets no tool options', () => {
    const edit = singleShotRequest(settings, { ...question, tools: INLINE_EDIT_TOOLS, lane: 'inline-1', toolChoice: 'required' });
    expect(edit).toMatchObject({ model: 'gpt-test', lane: 'inline-1', toolChoice: 'required', parallelToolCalls: true, tools: INLINE_EDIT_TOOLS });
    const explain = singleShotRequest(settings, question);
    expect(explain).toEqual({ model: 'gpt-test', instructions: 'Explain.', tools: [], input: question.input, lane: 'explain-1', store: false, include: ['reasoning.encrypted_content'] });
  });
});

describe('asking once', () => {
  it('folds the stream as it arrives and returns the answer', async () => {
    const client = new FakeModelClient([respond([say('Because ', 'm1'), say('it is.', 'm2')])]);
    const seen: string[] = [];
    const fold = new AnswerTextFold();
    const outcome = await askOnce(client, singleShotRequest(settings, question), { fold, onProgress: (text) => seen.push(text) });
    expect(seen).toEqual(['Because ', 'Because it is.']);
    expect(outcome).toMatchObject({ kind: 'answered', cutShort: undefined });
    expect(outcome.kind === 'answered' && answerText(outcome.output)).toBe('Because \n\nit is.');
    expect(client.requests[0]).toMatchObject({ lane: 'explain-1', include: ['reasoning.encrypted_content'] });
  });

  it('says why an answer stopped early, and passes the token to the client', async () => {
    const cts = new CancellationTokenSource();
    const client = new FakeModelClient([
      (_request, options) => {
        expect(options.token).toBe(cts.token);
        return { kind: 'incomplete', responseId: 'r', reason: 'max_output_tokens', output: [], usage: undefined, metrics: metrics() };
      },
    ]);
    expect(await askOnce(client, singleShotRequest(settings, question), { token: cts.token })).toMatchObject({ kind: 'answered', cutShort: 'max_output_tokens' });
  });

  it('words each failure in one sentence; a client that throws counts as unreachable', async () => {
    const failing = new FakeModelClient([() => ({ kind: 'authFailed', message: 'The server refused the API key (HTTP 401).' })]);
    expect(await askOnce(failing, singleShotRequest(settings, question))).toEqual({
      kind: 'failed',
      failure: { kind: 'authFailed', message: 'The server refused the API key (HTTP 401).' },
      message: 'The model server refused the API key: The server refused the API key (HTTP 401).',
    });
    const throwing = new FakeModelClient([() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9'))]);
    expect(await askOnce(throwing, singleShotRequest(settings, question))).toMatchObject({
      kind: 'failed',
      message: 'The model server could not be reached: connect ECONNREFUSED 127.0.0.1:9.',
    });
    expect(describeModelFailure({ kind: 'rateLimited', message: 'slow down', retryAfterMs: 1_500 })).toBe('The model server is limiting requests (try again in 2 s): slow down.');
    expect(describeModelFailure({ kind: 'serverError', code: 'server_error', message: 'boom', retryable: true })).toBe('The model server failed the request (server_error): boom.');
    const cancelled = new FakeModelClient([() => ({ kind: 'cancelled' })]);
    expect(await askOnce(cancelled, singleShotRequest(settings, question))).toEqual({ kind: 'cancelled' });
  });
});

