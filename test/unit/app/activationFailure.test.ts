import { describe, expect, it } from 'vitest';
import { reportActivationFailure, type FailureLog } from '../../../src/app/activationFailure';

function recordingLog(): FailureLog & { lines: string[]; shown: number } {
  return {
    lines: [],
    shown: 0,
    error(message) {
      this.lines.push(message);
    },
    show() {
      this.shown++;
    },
  };
}

describe('a failing activation is shown, not swallowed', () => {
  it('logs the stack and offers the log in an error notification', async () => {
    const log = recordingLog();
    const shown: Array<{ message: string; items: string[] }> = [];
    await reportActivationFailure(new Error('the chat view could not register'), log, async (message, ...items) => {
      shown.push({ message, items });
      return 'Show Log';
    });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/the chat view could not register\n\s+at /);
    expect(shown).toEqual([{ message: 'Holdfast failed to start: the chat view could not register', items: ['Show Log'] }]);
    expect(log.shown).toBe(1);
  });

  it('does not open the log when the notification is dismissed', async () => {
    const log = recordingLog();
    await reportActivationFailure('no workspace', log, async () => undefined);
    expect(log.lines).toEqual(['Holdfast failed to activate: no workspace']);
    expect(log.shown).toBe(0);
  });

  it('keeps a key-shaped string out of the notification', async () => {
    const messages: string[] = [];
    await reportActivationFailure(new Error('bad header sk-proj-abcdefghijklmnopqrstuvwxyz0123456789'), recordingLog(), (message) => {
      messages.push(message);
      return Promise.resolve(undefined);
    });
    expect(messages[0]).not.toContain('sk-proj-abcdefghijklmnopqrstuvwxyz0123456789');
  });
});
