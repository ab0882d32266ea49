import { describe, expect, it } from 'vitest';
import { attentionBadge, attentionNotice, withWaiting } from '../../../src/ui/approvals/attentionWording';

describe('attention while a question waits', () => {
  it('the badge counts open questions and disappears when none is open', () => {
    expect(attentionBadge(0)).toBeUndefined();
    expect(attentionBadge(1)).toEqual({ value: 1, tooltip: 'Holdfast is waiting for your answer to one question.' });
    expect(attentionBadge(3)?.value).toBe(3);
  });

  it('the notification names the command and offers Allow once / Deny (never "Always allow", which the card explains)', () => {
    const notice = attentionNotice({ kind: 'runCommand', command: 'npm test', cwd: '.', parts: ['npm', 'test'], reasons: [], alwaysAllowRules: ['npm test'] });
    expect(notice.message).toBe('Holdfast wants to run `npm test`.');
    expect(notice.choices).toEqual([
      { label: 'Allow once', answer: 'allowOnce' },
      { label: 'Deny', answer: 'deny' },
    ]);
    expect(attentionNotice({ kind: 'reviewEdit', path: 'src/a.ts', before: 'a', after: 'b' }).choices.map((c) => c.label)).toEqual(['Keep', 'Discard']);
  });

  it('the status reads "waiting for you" while a question is open, the transport state otherwise', () => {
    const warm = { kind: 'warm' as const, label: 'warm', detail: 'open' };
    expect(withWaiting(warm, 0)).toBe(warm);
    expect(withWaiting(warm, 1)).toMatchObject({ kind: 'warm', label: 'waiting for you' });
  });
});
