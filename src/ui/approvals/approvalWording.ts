/**
 * The words of a question Holdfast asks (a command, a task, a budget pause, edit mismatches), shared
 * by VS Code's modal (VscodeApprovals) and the chat's question cards. Pure, so the wording is
 * unit-tested.
 */
import type { ApprovalAnswer, ApprovalGrant, ApprovalRequest, CommandSandboxOffer } from '../../tools/ports';

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
      if (request.sandbox) lines.push('', sandboxLine(request.sandbox));
      if (request.alwaysAllowRules?.length) lines.push('', `"Always allow" adds to this workspace's allowed commands: ${request.alwaysAllowRules.join(', ')}`);
      const grants = (request.sandbox?.grants ?? []).map((grant): ApprovalChoice => ({ label: GRANT_LABELS[grant], answer: grant }));
      return {
        message: 'Holdfast wants to run a command.',
        detail: lines.join('\n'),
        choices: [allow, ...(request.alwaysAllowRules?.length ? [always] : []), ...grants, deny],
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
    case 'mcpTool':
      return {
        message: `Holdfast wants to call the tool "${request.tool}" of the MCP server "${request.server}".`,
        detail: [`Arguments: ${request.arguments}`, '', mcpAllowHint(request.server, request.tool)].join('\n'),
        choices: [allow, deny],
      };
    case 'startMcpServer':
      return {
        message: `This workspace's .vscode/mcp.json asks Holdfast to start the MCP server "${request.server}". Start it?`,
        detail: [`$ ${request.command}`, ...(request.cwd ? [`in ${request.cwd}`] : []), '', 'A stdio server runs as your own process, with your permissions; an http one gets the headers the file gives it. Allow only if you trust this workspace. Your answer is remembered until the definition changes.'].join('\n'),
        choices: [
          { label: 'Start server', answer: 'allowOnce' },
          { label: 'Do not start', answer: 'deny' },
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

/** How to stop being asked: only the user's own settings can allow MCP tools. */
export function mcpAllowHint(server: string, tool: string): string {
  return `To allow it without asking, add "${server}/${tool}" (or "${server}" for all its tools) to holdfast.mcp.allowedTools in your USER settings.`;
}

/** The buttons that grant a sandboxed command more than the sandbox gives, for one run. */
export const GRANT_LABELS: Record<ApprovalGrant, string> = {
  allowOnceWithNetwork: 'Allow once with network',
  allowOnceUnsandboxed: 'Allow once without the sandbox',
};

/** Where an allowed command runs, in one sentence. */
export function sandboxLine(offer: CommandSandboxOffer): string {
  if (offer.runsIn === 'none') return `It runs without a sandbox${offer.reason ? ` (${offer.reason})` : ''}: as your own process.`;
  const network = offer.network ? 'with network' : 'no network';
  const hint = offer.suggested ? ` It looks like it needs "${GRANT_LABELS[offer.suggested]}".` : '';
  return `It runs in the sandbox: it can write only inside the workspace, protected files stay read-only, ${network}.${hint}`;
}
