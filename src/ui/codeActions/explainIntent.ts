import type { DiagnosticInfo } from '../../agent/inlineEdit/diagnosticPrompts';

/** Longest diagnostic message quoted in the user's line (the model still gets all of it). */
const INTENT_MESSAGE_CHARS = 160;

/**
 * What the user asked, in their words, for the chat's user message and the explanation's header: the
 * model gets the full prompt (the diagnostic and the code between <selection> tags), the user sees
 * e.g. "Explain this problem on line 12 of src/a.ts: Cannot find name 'x'."
 */
export function explainIntent(diagnostic: Pick<DiagnosticInfo, 'message' | 'startLine' | 'endLine'>, path: string): string {
  const first = diagnostic.startLine + 1;
  const last = diagnostic.endLine + 1;
  const where = last > first ? `lines ${first}–${last}` : `line ${first}`;
  const message = diagnostic.message.split('\n')[0]!.trim();
  const quoted = message.length > INTENT_MESSAGE_CHARS ? `${message.slice(0, INTENT_MESSAGE_CHARS - 1)}…` : message;
  return `Explain this problem on ${where} of ${path}: ${quoted}`;
}
