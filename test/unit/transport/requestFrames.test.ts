/** What goes on the wire for a request: URLs, headers, parameters, frames and the stateless size. */
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../src/protocol/items';
import { paramsKey } from '../../../src/transport/chain';
import { utf8Bytes } from '../../../src/transport/metrics';
import {
  createFrame,
  httpHeaders,
  httpResponsesUrl,
  paramsOf,
  requestFromParams,
  socketHeaders,
  statelessFrameBytes,
  webSocketUrl,
} from '../../../src/transport/requestFrames';
import { request } from './transportHarness';

describe('requestFrames', () => {
  it('URLs: wss/ws for the socket, the same path over HTTP, trailing slashes ignored', () => {
    expect(webSocketUrl('https://api.openai.com/v1/')).toBe('wss://api.openai.com/v1/responses');
    expect(webSocketUrl('http://127.0.0.1:9/v1')).toBe('ws://127.0.0.1:9/v1/responses');
    expect(httpResponsesUrl('https://api.openai.com/v1//')).toBe('https://api.openai.com/v1/responses');
  });

  it('headers: bearer, optional organization and project; the socket adds the beta header', () => {
    expect(httpHeaders('sk-k', { organization: undefined, project: undefined })).toEqual({ Authorization: 'Bearer sk-k' });
    expect(socketHeaders('sk-k', { organization: 'org', project: 'proj' })).toEqual({
      Authorization: 'Bearer sk-k',
      'OpenAI-Organization': 'org',
      'OpenAI-Project': 'proj',
      'OpenAI-Beta': 'responses_websockets=2026-02-06',
    });
  });

  it('parameters round-trip through a chain link’s key (what the background re-warm resends)', () => {
    const full = request([userMessage('hi')], {
      toolChoice: 'auto',
      parallelToolCalls: false,
      reasoning: { effort: 'high' },
      include: ['reasoning.encrypted_content'],
      maxOutputTokens: 100,
      store: true,
    });
    const params = paramsOf(full, false);
    const back = requestFromParams(JSON.parse(paramsKey(params)), [userMessage('hi')]);
    expect(paramsOf(back, false)).toEqual(params);
    expect(paramsOf(request([]), true).store).toBe(true);
  });

  it('frames: delta, lane and warm-up fields only when asked', () => {
    const params = paramsOf(request([]), false);
    expect(createFrame(params, [])).toEqual({ type: 'response.create', ...params, input: [] });
    expect(createFrame(params, [], { lane: 'inline-1', previousResponseId: 'resp_1', warmup: true })).toMatchObject({
      stream_id: 'inline-1',
      previous_response_id: 'resp_1',
      generate: false,
    });
  });

  it('the stateless size equals the serialised frame, without serialising it whole', () => {
    const params = paramsOf(request([]), false);
    for (const input of [[], [userMessage('hello')], [userMessage('é ✓ 日本'), userMessage('two'), userMessage('three')]]) {
      const frame = createFrame(params, input);
      expect(statelessFrameBytes(frame)).toBe(utf8Bytes(JSON.stringify(frame)));
    }
  });
});
