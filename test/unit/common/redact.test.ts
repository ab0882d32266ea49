import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets, redactUserText, USER_KEY_MARKER } from '../../../src/common/redact';

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

describe('redactUserText (what the user typed)', () => {
  it('replaces the known key and key-shaped strings with a readable marker and says so', () => {
    const out = redactUserText('my key is hunter2hunter2! and sk-proj-abcdefghijklmnop1234, header Bearer abcdefghijklmnopqrstuvwxyz', ['hunter2hunter2!']);
    expect(out).toEqual({
      text: `my key is ${USER_KEY_MARKER} and ${USER_KEY_MARKER}, header Bearer ${USER_KEY_MARKER}`,
      redacted: true,
    });
  });

  it('leaves text without a key as it is, and says nothing was removed', () => {
    const text = 'rename sk-short in the task-runner';
    expect(redactUserText(text, ['hunter2hunter2!'])).toEqual({ text, redacted: false });
  });

  it('is stable: redacting twice changes nothing more', () => {
    const once = redactUserText('sk-abcdefghijklmnop1234567890').text;
    expect(redactUserText(once)).toEqual({ text: once, redacted: false });
  });
});
