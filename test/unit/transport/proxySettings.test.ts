import { describe, expect, it } from 'vitest';
import { bypassed, resolveProxy } from '../../../src/transport/proxy/proxySettings';

const basic = (userPass: string): string => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('resolveProxy', () => {
  it('goes direct with nothing configured', () => {
    expect(resolveProxy('https://api.openai.com/v1', {}, {})).toBeUndefined();
  });

  it('uses http.proxy for https and wss targets, over the environment', () => {
    const env = { HTTPS_PROXY: 'http://env-proxy:8080' };
    const route = resolveProxy('wss://api.openai.com/v1/responses', { proxy: 'http://settings-proxy:3128' }, env);
    expect(route?.display).toBe('settings-proxy:3128');
    expect(resolveProxy('https://api.openai.com/v1', {}, env)?.display).toBe('env-proxy:8080');
  });

  it('reads HTTPS_PROXY for secure targets and HTTP_PROXY for plain ones, lower-case first', () => {
    const env = { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2', HTTP_PROXY: 'http://plain:3' };
    expect(resolveProxy('https://x.example/v1', {}, env)?.display).toBe('lower:1');
    expect(resolveProxy('ws://x.example/v1', {}, env)?.display).toBe('plain:3');
    expect(resolveProxy('https://x.example/v1', {}, { HTTP_PROXY: 'http://plain:3' })?.display).toBe('plain:3');
    expect(resolveProxy('http://x.example/v1', {}, { HTTPS_PROXY: 'http://secure:4' })).toBeUndefined();
  });

  it('accepts a proxy without a scheme and defaults the port', () => {
    expect(resolveProxy('https://x.example', { proxy: 'proxy.corp:3128' }, {})?.url.href).toBe('http://proxy.corp:3128/');
    expect(resolveProxy('https://x.example', { proxy: 'http://proxy.corp' }, {})?.display).toBe('proxy.corp:80');
    expect(resolveProxy('https://x.example', { proxy: 'socks5://proxy.corp:1080' }, {})).toBeUndefined();
  });

  it('turns URL credentials into Basic proxy authorization and keeps them out of the URL', () => {
    const route = resolveProxy('https://x.example', { proxy: 'http://al%40ice:s%3Acret@proxy:3128' }, {});
    expect(route?.authorization).toBe(basic('al@ice:s:cret'));
    expect(route?.url.href).toBe('http://proxy:3128/');
    const explicit = resolveProxy('https://x.example', { proxy: 'http://u:p@proxy:3128', proxyAuthorization: 'Negotiate abc' }, {});
    expect(explicit?.authorization).toBe('Negotiate abc');
  });

  it('never proxies loopback servers', () => {
    expect(resolveProxy('http://127.0.0.1:8080/v1', { proxy: 'http://p:1' }, {})).toBeUndefined();
    expect(resolveProxy('http://localhost:8080/v1', { proxy: 'http://p:1' }, {})).toBeUndefined();
    expect(resolveProxy('http://[::1]:8080/v1', { proxy: 'http://p:1' }, {})).toBeUndefined();
  });

  it('honours http.noProxy and NO_PROXY together', () => {
    const settings = { proxy: 'http://p:1', noProxy: ['internal.corp'] };
    expect(resolveProxy('https://api.internal.corp/v1', settings, {})).toBeUndefined();
    expect(resolveProxy('https://api.openai.com/v1', settings, { no_proxy: 'openai.com' })).toBeUndefined();
    expect(resolveProxy('https://api.anthropic.com/v1', settings, { NO_PROXY: 'openai.com' })?.display).toBe('p:1');
  });

  it('takes strictSSL from the settings (default on)', () => {
    expect(resolveProxy('https://x.example', { proxy: 'http://p:1' }, {})?.strictSSL).toBe(true);
    expect(resolveProxy('https://x.example', { proxy: 'http://p:1', strictSSL: false }, {})?.strictSSL).toBe(false);
  });
});

describe('bypassed (NO_PROXY entries)', () => {
  const url = (u: string): URL => new URL(u);
  it('matches a domain, its subdomains, leading-dot and wildcard forms', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com']) {
      expect(bypassed(url('https://example.com'), [entry])).toBe(true);
      expect(bypassed(url('https://api.example.com'), [entry])).toBe(true);
      expect(bypassed(url('https://notexample.com'), [entry])).toBe(false);
    }
  });
  it('matches `*` for everything and honours ports', () => {
    expect(bypassed(url('https://any.where'), ['*'])).toBe(true);
    expect(bypassed(url('https://api.example.com'), ['example.com:443'])).toBe(true);
    expect(bypassed(url('wss://api.example.com'), ['example.com:443'])).toBe(true);
    expect(bypassed(url('https://api.example.com:8443'), ['example.com:443'])).toBe(false);
    expect(bypassed(url('http://api.example.com'), ['example.com:80'])).toBe(true);
  });
  it('matches IP literals exactly, v4 and v6', () => {
    expect(bypassed(url('http://10.1.2.3/v1'), ['10.1.2.3'])).toBe(true);
    expect(bypassed(url('http://10.1.2.4/v1'), ['10.1.2.3'])).toBe(false);
    expect(bypassed(url('http://[fd00::1]:8080/v1'), ['fd00::1'])).toBe(true);
    expect(bypassed(url('http://[fd00::1]:8080/v1'), ['[fd00::1]:8080'])).toBe(true);
    expect(bypassed(url('http://[fd00::1]:8080/v1'), ['[fd00::1]:9090'])).toBe(false);
  });
  it('ignores blanks and is case-insensitive', () => {
    expect(bypassed(url('https://API.Example.com'), ['', '  ', 'EXAMPLE.COM'])).toBe(true);
    expect(bypassed(url('https://api.example.com'), ['', ' '])).toBe(false);
  });
});
