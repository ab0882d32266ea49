import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './index';

describe('emulator auth', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  const models = (key: string | undefined) =>
    fetch(`${emulator!.url}/models`, { headers: key === undefined ? {} : { Authorization: `Bearer ${key}` } }).then((r) => r.status);

  it('accepts only its own key by default', async () => {
    emulator = await startEmulator({ apiKey: 'sk-right-key-123' });
    expect(await models('sk-right-key-123')).toBe(200);
    expect(await models('sk-wrong-key-123')).toBe(401);
  });

  it('with acceptAnyKey takes any bearer, as local servers do, but still wants one', async () => {
    emulator = await startEmulator({ acceptAnyKey: true });
    expect(await models('anything-at-all')).toBe(200);
    expect(await models(undefined)).toBe(401);
  });
});
