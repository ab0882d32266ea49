import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../../src/common/redact';

describe('redactSecrets', () => {
  it('removes OpenAI-shaped keys and bearer tokens', () => {
    const text = 'key=sk-proj-abcdefghijklmnop1234 and Authorization: Bearer abcdefghijklmnopqrstuvwxyz';
    const out = redactSecrets(text);
    expect(out).not.toContain('sk-proj-abcdefghijklmnop1234');
    expect(out).not.toContain('abcdefghijklmnopqrstuvwxyz');
    expect(out).toContain('Bearer ' + REDACTED);
  });

  it('removes a known secret of any shape', () => {
    expect(redactSecrets('my key is hunter2hunter2!', ['hunter2hunter2!'])).toBe(`my key is ${REDACTED}`);
  });

  it('leaves ordinary text alone', () => {
    const text = 'const skip = task-runner; sk-short';
    expect(redactSecrets(text)).toBe(text);
  });
});
