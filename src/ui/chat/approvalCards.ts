/**
 * What an approval question looks like as a chat card, and which answers the view may give to the
 * cards it was shown. Pure (no `vscode`), so the wording, the mapping and the checks on the view's
 * answers are unit-tested. The wording is the modal's (`approvals/approvalWording.ts`).
 */
import type { ApprovalDecision } from '../../protocol/webview';
import type { ApprovalAnswer, ApprovalRequest } from '../../tools/ports';
import { describeApproval, mcpAllowHint } from '../approvals/approvalWording';
import type { DisplayEventOf } from './displayEvents';
import { editHunks } from './editHunks';

type CardEvent = DisplayEventOf<'approvalRequested' | 'reviewRequested' | 'questionRequested'>;

/**
 * The display event that shows `request` as a card in turn `turnId`, and the decisions that card
 * offers (anything else the view sends for it is refused). `displayOf` turns an absolute path
 * (a command's working directory) into what the user sees.
 */
export function approvalCard(
  request: ApprovalRequest,
  turnId: string,
  approvalId: string,
  displayOf: (absolutePath: string) => string,
): { event: CardEvent; decisions: readonly ApprovalDecision[] } {
  switch (request.kind) {
    case 'runCommand':
    case 'runTask': {
      const canAllowAlways = (request.alwaysAllowRules?.length ?? 0) > 0;
      return {
        event: {
          type: 'approvalRequested',
          turnId,
          approvalId,
          approvalKind: request.kind === 'runCommand' ? 'command' : 'task',
          command: request.kind === 'runCommand' ? request.command : request.label,
          parts: request.kind === 'runCommand' ? request.parts : [],
          cwd: request.kind === 'runCommand' ? displayOf(request.cwd) : '',
          ...(request.kind === 'runCommand' && request.reasons.length ? { reason: request.reasons.join('; ') } : {}),
          canAllowAlways,
          ...(request.kind === 'runCommand' && request.sandbox ? { sandbox: request.sandbox } : {}),
        },
        decisions: [
          'allowOnce',
          ...(canAllowAlways ? (['allowAlways'] as const) : []),
          ...(request.kind === 'runCommand' ? (request.sandbox?.grants ?? []) : []),
          'deny',
        ],
      };
    }
    case 'mcpTool':
    case 'startMcpServer': {
      const tool = request.kind === 'mcpTool';
      return {
        event: {
          type: 'approvalRequested',
          turnId,
          approvalId,
          approvalKind: tool ? 'mcpTool' : 'mcpServer',
          command: tool ? `${request.server}/${request.tool} ${request.arguments}` : request.command,
          parts: [],
          cwd: tool ? `MCP server "${request.server}" (${request.source === 'user' ? 'your settings' : 'this workspace'})` : request.cwd ? displayOf(request.cwd) : '',
          reason: tool ? mcpAllowHint(request.server, request.tool) : `This workspace's .vscode/mcp.json asks to start the MCP server "${request.server}": a stdio server runs as your own process, an http one gets the headers the file gives it. Allow only if you trust this workspace.`,
          canAllowAlways: false,
        },
        decisions: ['allowOnce', 'deny'],
      };
    }
    case 'reviewEdit':
      return {
        event: {
          type: 'reviewRequested',
          turnId,
          approvalId,
          path: request.path,
          change: request.before === undefined ? 'created' : 'modified',
          hunks: editHunks(request.before, request.after),
        },
        decisions: ['allowOnce', 'deny'],
      };
    case 'editMismatches':
    case 'continueAfterBudget': {
      const { message, detail, choices } = describeApproval(request);
      return {
        event: {
          type: 'questionRequested',
          turnId,
          approvalId,
          topic: request.kind === 'continueAfterBudget' ? 'budget' : 'editMismatches',
          message,
          detail,
          continueLabel: choices[0]!.label,
          stopLabel: choices[choices.length - 1]!.label,
        },
        decisions: ['allowOnce', 'deny'],
      };
    }
  }
}

/** The view's decision as the answer the approvals port takes. */
export function answerOf(decision: ApprovalDecision): ApprovalAnswer {
  return decision === 'allowAlways' ? 'alwaysAllow' : decision;
}

/** How a settled answer shows on its card. */
export function outcomeOf(answer: ApprovalAnswer, cancelled: boolean): 'allowedOnce' | 'allowedAlways' | 'denied' | 'cancelled' {
  if (answer === 'allowOnce' || answer === 'allowOnceWithNetwork' || answer === 'allowOnceUnsandboxed') return 'allowedOnce';
  if (answer === 'alwaysAllow') return 'allowedAlways';
  return cancelled ? 'cancelled' : 'denied';
}

export interface OfferedApproval {
  readonly approvalId: string;
  readonly turnId: string;
  readonly request: ApprovalRequest;
  readonly decisions: readonly ApprovalDecision[];
  /** Asked outside any agent turn (an inline edit's other files, "Apply to file"): the controller shows its outcome itself. */
  readonly outsideTurn: boolean;
  /** Settles the question (once; later calls are ignored). */
  settle(answer: ApprovalAnswer, cancelled?: boolean): void;
}

/**
 * The approval cards the view was shown and has not answered. The view may answer only these, only
 * once, and only with a decision the card offered; anything else is refused with a reason to log.
 */
export class OfferedApprovals {
  private readonly open = new Map<string, OfferedApproval>();

  add(offered: OfferedApproval): void {
    this.open.set(offered.approvalId, offered);
  }

  get(approvalId: string): OfferedApproval | undefined {
    return this.open.get(approvalId);
  }

  delete(approvalId: string): void {
    this.open.delete(approvalId);
  }

  ids(): string[] {
    return [...this.open.keys()];
  }

  values(): OfferedApproval[] {
    return [...this.open.values()];
  }

  /** Drops the cards `drop` selects (e.g. those of turns no longer shown); returns them. */
  deleteWhere(drop: (offered: OfferedApproval) => boolean): OfferedApproval[] {
    const dropped = this.values().filter(drop);
    for (const offered of dropped) this.open.delete(offered.approvalId);
    return dropped;
  }

  /** Applies the view's answer; returns why it was refused, or undefined when it was taken. */
  answer(approvalId: string, decision: ApprovalDecision): string | undefined {
    const offered = this.open.get(approvalId);
    if (!offered) return `approval ${approvalId}, which is not an open card`;
    if (!offered.decisions.includes(decision)) return `approval ${approvalId}: "${decision}" was not offered on that card`;
    offered.settle(answerOf(decision));
    return undefined;
  }

  /** The review card the view asks to open in a diff editor; a reason when it is not one. */
  review(approvalId: string): { offered: OfferedApproval & { request: Extract<ApprovalRequest, { kind: 'reviewEdit' }> } } | { refused: string } {
    const offered = this.open.get(approvalId);
    if (!offered) return { refused: `diff of approval ${approvalId}, which is not an open card` };
    if (offered.request.kind !== 'reviewEdit') return { refused: `diff of approval ${approvalId}, which is not a review` };
    return { offered: offered as OfferedApproval & { request: Extract<ApprovalRequest, { kind: 'reviewEdit' }> } };
  }
}
