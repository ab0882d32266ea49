import { describe, expect, it } from 'vitest';
import { SandboxNoticeOnce, sandboxDoctorLine, sandboxNoticeText } from '../../../src/ui/chat/sandboxNotice';

const missing = { kind: 'unavailable', reason: 'bubblewrap (bwrap) is not installed; on Debian/Ubuntu: sudo apt install bubblewrap', required: false } as const;

describe('the "no sandbox here" notice', () => {
  it('says why and what Holdfast does instead, in one sentence pair', () => {
    expect(sandboxNoticeText(missing)).toBe(
      'No command sandbox is available here (bubblewrap (bwrap) is not installed; on Debian/Ubuntu: sudo apt install bubblewrap). Holdfast asks before every command it cannot prove only reads.',
    );
    expect(sandboxNoticeText({ ...missing, reason: 'macOS has no bubblewrap.', required: true })).toBe(
      'No command sandbox is available here (macOS has no bubblewrap), and holdfast.sandbox is "required": Holdfast will not run commands in this window.',
    );
  });

  it('says nothing when the sandbox works or the user turned it off', () => {
    expect(sandboxNoticeText({ kind: 'available', network: false })).toBeUndefined();
    expect(sandboxNoticeText({ kind: 'off' })).toBeUndefined();
  });

  it('is said once per window, however often the status is seen', () => {
    const once = new SandboxNoticeOnce();
    expect(once.take({ kind: 'off' })).toBeUndefined();
    expect(once.take(missing)).toMatch(/^No command sandbox/);
    expect(once.take(missing)).toBeUndefined();
    expect(once.take({ ...missing, required: true })).toBeUndefined();
  });

  it('gives the connection doctor a line for each status', () => {
    expect(sandboxDoctorLine({ kind: 'available', network: false })).toEqual({
      status: 'ok',
      text: 'Command sandbox: bubblewrap confines commands to the workspace, without network; allowed commands run in it without asking.',
    });
    expect(sandboxDoctorLine({ kind: 'available', network: true }).text).toContain('(network allowed by your setting)');
    expect(sandboxDoctorLine({ kind: 'off' }).status).toBe('skipped');
    expect(sandboxDoctorLine(missing)).toEqual({
      status: 'failed',
      text: 'Command sandbox: not available here (bubblewrap (bwrap) is not installed; on Debian/Ubuntu: sudo apt install bubblewrap). Holdfast asks before every command it cannot prove only reads.',
    });
  });
});
