/** Every default of the transport's options, written once. */
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/transport/transportOptions';

const base = { baseUrl: 'https://api.openai.com/v1', apiKey: async () => 'k' };

describe('resolveSettings', () => {
  it('fills every default', () => {
    const settings = resolveSettings(base);
    expect(settings).toMatchObject({
      mode: 'auto',
      store: false,
      connectTimeoutMs: 5000,
      idleTimeoutMs: 300_000,
      rotateAfterMs: 55 * 60_000,
      rotateInBackground: true,
      rotationIdleMs: 10_000,
      fallbackMemoryMs: 10 * 60_000,
      connectAttemptsBeforeFallback: 2,
      maxRecoveriesPerRequest: 1,
      maxRateLimitWaitMs: 30_000,
      maxOverloadRetries: 2,
      overloadBackoffMs: 500,
      steerReplyTimeoutMs: 10_000,
      perMessageDeflate: true,
    });
    const jitter = settings.jitter();
    expect(jitter).toBeGreaterThanOrEqual(0);
    expect(jitter).toBeLessThan(1);
  });

  it('no deflate for loopback servers unless asked; given values win, undefined falls back to the default', () => {
    expect(resolveSettings({ ...base, baseUrl: 'http://127.0.0.1:8080/v1' }).perMessageDeflate).toBe(false);
    expect(resolveSettings({ ...base, baseUrl: 'http://127.0.0.1:8080/v1', perMessageDeflate: true }).perMessageDeflate).toBe(true);
    const jitter = () => 0.25;
    expect(resolveSettings({ ...base, transport: 'http', connectTimeoutMs: 50, jitter })).toMatchObject({ mode: 'http', connectTimeoutMs: 50, jitter });
    expect(resolveSettings({ ...base, connectTimeoutMs: undefined }).connectTimeoutMs).toBe(5000);
  });
});
