import type { SandboxStatus } from '../../tools/ports';

/**
 * What the chat says, once per window, when commands cannot run in a sandbox here. `off` is the
 * user's own choice and says nothing; `available` needs no words.
 */
export function sandboxNoticeText(status: SandboxStatus): string | undefined {
  return status.kind === 'unavailable' ? `No command sandbox is available here ${unavailableDetail(status)}` : undefined;
}

/** "(why). What Holdfast does instead." */
function unavailableDetail(status: Extract<SandboxStatus, { kind: 'unavailable' }>): string {
  const why = status.reason.replace(/[.\s]+$/, '');
  return status.required
    ? `(${why}), and holdfast.sandbox is "required": Holdfast will not run commands in this window.`
    : `(${why}). Holdfast asks before every command it cannot prove only reads.`;
}

/** The connection doctor's line for the sandbox: a status icon key and one sentence. */
export function sandboxDoctorLine(status: SandboxStatus): { status: 'ok' | 'failed' | 'skipped'; text: string } {
  switch (status.kind) {
    case 'available':
      return {
        status: 'ok',
        text: `Command sandbox: bubblewrap confines commands to the workspace${status.network ? ' (network allowed by your setting)' : ', without network'}; allowed commands run in it without asking.`,
      };
    case 'off':
      return { status: 'skipped', text: 'Command sandbox: off (holdfast.sandbox is "off"), so every command asks first.' };
    case 'unavailable':
      return { status: 'failed', text: `Command sandbox: not available here ${unavailableDetail(status)}` };
  }
}

/** Says the notice once: the first time a status that needs it is seen. */
export class SandboxNoticeOnce {
  private said = false;

  /** The text to show now, or undefined (already said, or nothing to say). */
  take(status: SandboxStatus): string | undefined {
    if (this.said) return undefined;
    const text = sandboxNoticeText(status);
    if (text) this.said = true;
    return text;
  }
}
