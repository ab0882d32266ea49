/** The API key as the transport reads it: asked each time, trimmed, never thrown, remembered only to be redacted. */
import { describe, expect, it } from 'vitest';
import { ApiKeyReader } from '../../../src/transport/apiKey';

function reader(keys: Array<string | undefined | Error>) {
  const seen = { reads: [] as boolean[], known: [] as string[][], warnings: [] as string[] };
  const keyReader = new ApiKeyReader({
    source: async () => {
      const next = keys.shift();
      if (next instanceof Error) throw next;
      return next;
    },
    onKnownSecrets: (secrets) => seen.known.push([...secrets]),
    onRead: (hasKey) => seen.reads.push(hasKey),
    warn: (m) => seen.warnings.push(m),
  });
  return { keyReader, seen };
}

describe('ApiKeyReader', () => {
  it('trims; empty, missing or failing reads are "no key", and a failure is a warning', async () => {
    const { keyReader, seen } = reader(['  sk-first-key-000000  ', '   ', undefined, new Error('keychain locked')]);
    expect(await keyReader.read()).toBe('sk-first-key-000000');
    expect(await keyReader.read()).toBeUndefined();
    expect(await keyReader.read()).toBeUndefined();
    expect(await keyReader.read()).toBeUndefined();
    expect(seen.reads).toEqual([true, false, false, false]);
    expect(seen.warnings).toEqual(['Reading the API key failed: keychain locked']);
  });

  it('redacts every key it has seen lately (the last four), and tells the recorder once per new key', async () => {
    const keys = ['k1-aaaaaaaaaa', 'k2-bbbbbbbbbb', 'k2-bbbbbbbbbb', 'k3-cccccccccc', 'k4-dddddddddd', 'k5-eeeeeeeeee'];
    const { keyReader, seen } = reader([...keys]);
    for (let i = 0; i < keys.length; i++) await keyReader.read();
    expect(seen.known).toHaveLength(5);
    expect(seen.known.at(-1)).toEqual(['k2-bbbbbbbbbb', 'k3-cccccccccc', 'k4-dddddddddd', 'k5-eeeeeeeeee']);
    expect(keyReader.redact('k1-aaaaaaaaaa k3-cccccccccc k5-eeeeeeeeee')).toBe('k1-aaaaaaaaaa [REDACTED] [REDACTED]');
  });
});
