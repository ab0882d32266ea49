import { describe, expect, it } from 'vitest';
import { explainNetworkError, runConnectionDoctor, type ConnectionDoctorOptions } from '../../../src/transport/connectionDoctor';
import { FakeServer, responseEvents } from '../../fakes/fakeSocket';

const KEY = 'sk-proj-doctorkey0123456789abcdef';

function options(server: FakeServer, fetchImpl: ConnectionDoctorOptions['fetch'], extra: Partial<ConnectionDoctorOptions> = {}): ConnectionDoctorOptions {
  return { baseUrl: 'https://api.example.test/v1', apiKey: KEY, model: 'gpt-5.2', socketFactory: server.factory, fetch: fetchImpl, timeoutMs: 2000, ...extra };
}

const ok200 = async () => new Response('{"data":[]}', { status: 200 });

function failingFetch(code: string, message: string) {
  return async (): Promise<Response> => {
    const cause = Object.assign(new Error(message), { code });
    throw Object.assign(new TypeError('fetch failed'), { cause });
  };
}

describe('connection doctor', () => {
  it('all green: HTTP, handshake and a generate:false warm-up', async () => {
    const server = new FakeServer();
    const report = await runConnectionDoctor(options(server, ok200));
    expect(report).toMatchObject({ ok: true, websocketUsable: true, httpUsable: true });
    expect(report.checks.map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    expect(server.creates[0]).toMatchObject({ type: 'response.create', generate: false, model: 'gpt-5.2', input: [] });
    expect(server.sockets[0]?.closedByClient).toBe(true);
  });

  it('says whether the key was accepted or no key is set (a loopback server, sent a placeholder)', async () => {
    const withKey = await runConnectionDoctor(options(new FakeServer(), ok200));
    expect(withKey.checks[0]?.explanation).toBe('The API answered at https://api.example.test/v1 and accepted the API key.');
    const placeholder = await runConnectionDoctor(options(new FakeServer(), ok200, { baseUrl: 'http://127.0.0.1:8080/v1', apiKey: 'holdfast-local-no-key', keyIsPlaceholder: true }));
    expect(placeholder.checks[0]?.explanation).toBe('The API answered at http://127.0.0.1:8080/v1. No API key is set; a loopback server needs none.');
    expect(placeholder.checks[0]?.explanation).not.toMatch(/accepted/);
  });

  it('426 on the upgrade: WebSocket unusable, HTTP works, says why in plain words', async () => {
    const server = new FakeServer();
    server.upgrades = [{ kind: 'status', status: 426 }];
    const report = await runConnectionDoctor(options(server, ok200));
    expect(report).toMatchObject({ ok: false, websocketUsable: false, httpUsable: true });
    expect(report.checks[1]).toMatchObject({ status: 'failed', cause: 'upgradeRefused' });
    expect(report.checks[1]?.explanation).toMatch(/does not speak WebSocket mode/);
    expect(report.checks[2]?.status).toBe('skipped');
  });

  it('a swallowed upgrade (timeout) is blamed on a proxy', async () => {
    const server = new FakeServer();
    server.upgrades = [{ kind: 'hang' }];
    const report = await runConnectionDoctor(options(server, ok200, { timeoutMs: 100 }));
    expect(report.checks[1]).toMatchObject({ status: 'failed', cause: 'proxy' });
    expect(report.checks[1]?.explanation).toMatch(/proxy or firewall/);
  });

  it('a refused key: badKey on both, and the key appears nowhere in the report', async () => {
    const server = new FakeServer();
    server.upgrades = [{ kind: 'status', status: 401 }];
    const report = await runConnectionDoctor(
      options(server, async () => new Response(`{"error":{"message":"Incorrect API key provided: ${KEY}"}}`, { status: 401 })),
    );
    expect(report.checks.map((c) => c.cause)).toEqual(['badKey', 'badKey', undefined]);
    expect(report.summary).toMatch(/Set API Key/);
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND api.example.test', 'dns'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1', 'refused'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', 'tls'],
    ['ETIMEDOUT', 'connect ETIMEDOUT', 'timeout'],
  ])('explains %s', async (code, message, cause) => {
    const server = new FakeServer();
    server.upgrades = [{ kind: 'refuse', message: `${message}` }];
    const report = await runConnectionDoctor(options(server, failingFetch(code, message)));
    expect(report.checks[0]).toMatchObject({ status: 'failed', cause });
    expect(report.checks[1]).toMatchObject({ status: 'failed', cause });
    expect(report.httpUsable).toBe(false);
  });

  it('404 on /models means a wrong base URL', async () => {
    const server = new FakeServer();
    const report = await runConnectionDoctor(options(server, async () => new Response('not found', { status: 404 })));
    expect(report.checks[0]).toMatchObject({ cause: 'wrongBaseUrl' });
    expect(report.checks[0]?.explanation).toMatch(/\/v1/);
  });

  it('an unknown model fails the warm-up with a pointer to the setting', async () => {
    const server = new FakeServer();
    server.handler = (_frame, socket) =>
      socket.emit({ type: 'error', status: 404, error: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.', param: 'model' } });
    const report = await runConnectionDoctor(options(server, ok200, { model: 'gpt-nope' }));
    expect(report.checks[2]).toMatchObject({ status: 'failed', cause: 'serverError' });
    expect(report.checks[2]?.explanation).toMatch(/holdfast\.model/);
    void responseEvents;
  });

  it('a warm-up with no answer, a failed one, and a rate-limited one each say what they mean', async () => {
    const silent = new FakeServer();
    silent.handler = () => undefined;
    const unanswered = await runConnectionDoctor(options(silent, ok200, { timeoutMs: 50 }));
    expect(unanswered.checks[2]).toMatchObject({ status: 'failed', cause: 'serverError', explanation: expect.stringContaining('got no answer') });

    const failing = new FakeServer();
    failing.handler = (_frame, socket) => socket.emit({ type: 'response.failed', sequence_number: 0, response: { id: 'resp_f', status: 'failed', output: [] } });
    const failed = await runConnectionDoctor(options(failing, ok200));
    expect(failed.checks[2]).toMatchObject({ status: 'failed', explanation: 'The warm-up ended failed.', detail: undefined });

    const limited = new FakeServer();
    limited.handler = (_frame, socket) => socket.emit({ type: 'error', status: 429, error: { type: 'requests', code: 'rate_limit_exceeded', message: `Slow down, ${KEY}.` } });
    const report = await runConnectionDoctor(options(limited, ok200));
    expect(report.checks[2]).toMatchObject({ status: 'failed', cause: 'rateLimited', detail: 'rate_limit_exceeded (429)' });
    expect(report.checks[2]?.explanation).not.toContain(KEY);
  });

  it('no key: every check skipped with the action to take', async () => {
    const server = new FakeServer();
    const report = await runConnectionDoctor(options(server, ok200, { apiKey: undefined }));
    expect(report.checks.map((c) => c.cause)).toEqual(['noKey', 'noKey', 'noKey']);
    expect(server.sockets).toHaveLength(0);
  });

  it('classifies raw network messages', () => {
    expect(explainNetworkError('fetch failed: UND_ERR_SOCKET (other side closed)', 'x').cause).toBe('proxy');
    expect(explainNetworkError('self-signed certificate in certificate chain', 'x').cause).toBe('tls');
    expect(explainNetworkError('something else', 'x')).toEqual({ text: 'Could not connect: something else', cause: 'network' });
  });
});
