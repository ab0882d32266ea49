import type { CancellationToken } from '../../src/common/cancellation';
import type { ApprovalAnswer, ApprovalContext, ApprovalRequest, Approvals } from '../../src/tools/ports';

/** Answers approval requests from a test's script (a function or a fixed answer) and records them. */
export class ScriptedApprovals implements Approvals {
  readonly requests: ApprovalRequest[] = [];
  /** The context each request came with (the agent's turn and approval ids), in the same order. */
  readonly contexts: Array<ApprovalContext | undefined> = [];

  constructor(public answer: ApprovalAnswer | ((request: ApprovalRequest) => ApprovalAnswer | Promise<ApprovalAnswer>) = 'deny') {}

  async request(request: ApprovalRequest, _token: CancellationToken, context?: ApprovalContext): Promise<ApprovalAnswer> {
    this.requests.push(request);
    this.contexts.push(context);
    return typeof this.answer === 'function' ? this.answer(request) : this.answer;
  }
}
