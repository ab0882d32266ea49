/**
 * The words Holdfast uses to get the user's attention while a question waits for them (issue 14): the
 * view's badge, the notification shown when the chat is hidden, and the status that replaces
 * "working" while the agent waits. Pure, so the wording is unit-tested.
 */
import type { ConnectionView } from '../../protocol/webview';
import type { ApprovalRequest } from '../../tools/ports';
import { type ApprovalChoice, describeApproval } from './approvalWording';

/** Shown in the notification besides the answers: reveals the chat, where the card waits. */
export const SHOW_CHOICE = 'Show';

/** The badge on the Holdfast view: the number of open questions; none when nothing waits. */
export function attentionBadge(openQuestions: number): { value: number; tooltip: string } | undefined {
  if (openQuestions <= 0) return undefined;
  return { value: openQuestions, tooltip: openQuestions === 1 ? 'Holdfast is waiting for your answer to one question.' : `Holdfast is waiting for your answers to ${openQuestions} questions.` };
}

/** The notification for a question asked while the chat is hidden: its sentence and its answers. */
export function attentionNotice(request: ApprovalRequest): { message: string; choices: ApprovalChoice[] } {
  if (request.kind === 'reviewEdit') {
    return {
      message: `Holdfast wants to ${request.before === undefined ? 'create' : 'edit'} ${request.path}. Keep the change?`,
      choices: [
        { label: 'Keep', answer: 'allowOnce' },
        { label: 'Discard', answer: 'deny' },
      ],
    };
  }
  const { message, choices } = describeApproval(request);
  // The notification has room for one line: the command itself says more than "a command".
  const sentence = request.kind === 'runCommand' ? `Holdfast wants to run \`${request.command.length > 120 ? `${request.command.slice(0, 119)}…` : request.command}\`.` : message;
  // "Always allow" belongs on the card, where the rule it adds is shown.
  return { message: sentence, choices: choices.filter((choice) => choice.answer !== 'alwaysAllow') };
}

/** The status (status bar, the chat's chip) while questions wait: "waiting for you" instead of the transport's state. */
export function withWaiting(view: ConnectionView, openQuestions: number): ConnectionView {
  if (openQuestions <= 0) return view;
  return { ...view, label: 'waiting for you', detail: `Holdfast is waiting for your answer in the chat. Connection: ${view.label}.` };
}
