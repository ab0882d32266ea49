/**
 * The words of a question Holdfast asks (a command, a task, a budget pause, edit mismatches), shared
 * by VS Code's modal (VscodeApprovals) and the chat's question cards. Pure, so the wording is
 * unit-tested.
 */
import type { ApprovalAnswer, ApprovalRequest } from '../../tools/ports';

export interface ApprovalChoice {
  label: string;
  answer: ApprovalAnswer;
}

/** The words of a question VS Code asks in a modal, and a chat question card shows (first choice = go on). */
export function describeApproval(request: Exclude<ApprovalRequest, { kind: 'reviewEdit' }>): { message: string; detail: string; choices: ApprovalChoice[] } {
  const allow: ApprovalChoice = { label: 'Allow once', answer: 'allowOnce' };
  const always: ApprovalChoice = { label: 'Always allow', answer: 'alwaysAllow' };
  const deny: ApprovalChoice = { label: 'Deny', answer: 'deny' };
  switch (request.kind) {
    case 'runCommand': {
      const lines = [`$ ${request.command}`, `in ${request.cwd}`, '', ...request.reasons.map((r) => `• ${r}`)];
      if (request.alwaysAllowRules?.length) lines.push('', `"Always allow" adds to this workspace's allowed commands: ${request.alwaysAllowRules.join(', ')}`);
      return {
        message: 'Holdfast wants to run a command.',
        detail: lines.join('\n'),
        choices: request.alwaysAllowRules?.length ? [allow, always, deny] : [allow, deny],
      };
    }
    case 'runTask':
      return {
        message: `Holdfast wants to run the task "${request.label}".`,
        detail: request.alwaysAllowRules?.length ? `"Always allow" adds it to this workspace's allowed tasks.` : '',
        choices: request.alwaysAllowRules?.length ? [allow, always, deny] : [allow, deny],
      };
    case 'editMismatches':
      return {
        message: `Holdfast's edits to ${request.path} failed to match ${request.failures} times. Let it keep trying?`,
        detail: `Last error: ${request.lastError}`,
        choices: [
          { label: 'Keep trying', answer: 'allowOnce' },
          { label: 'Stop editing this file', answer: 'deny' },
        ],
      };
    case 'continueAfterBudget':
      return {
        message: `This turn reached its ${request.budget === 'toolRounds' ? 'tool-round' : 'token'} budget (${request.used} of ${request.limit}). Continue?`,
        detail: `The limit is the setting holdfast.${request.budget === 'toolRounds' ? 'maxToolRoundsPerTurn' : 'maxTokensPerTurn'}.`,
        choices: [
          { label: 'Continue', answer: 'allowOnce' },
          { label: 'Stop here', answer: 'deny' },
        ],
      };
  }
}
