import type { CancellationToken } from '../../src/common/cancellation';
import type { ApprovalAnswer, ApprovalRequest, Approvals } from '../../src/tools/ports';

/** Answers approval requests from a test's script (a function or a fixed answer) and records them. */
export class ScriptedApprovals implements Approvals {
  readonly requests: ApprovalRequest[] = [];

  constructor(public answer: ApprovalAnswer | ((request: ApprovalRequest) => ApprovalAnswer | Promise<ApprovalAnswer>) = 'deny') {}

  async request(request: ApprovalRequest, _token: CancellationToken): Promise<ApprovalAnswer> {
    this.requests.push(request);
    return typeof this.answer === 'function' ? this.answer(request) : this.answer;
  }
}
