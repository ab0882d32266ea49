/**
 * Tools that come from outside Holdfast (MCP servers), offered next to its own and run by the same
 * ToolRunner: the same approvals channel, the same output bounding and redaction, the same events,
 * budgets and transcript. Everything they can do is 'execute' (they run alone, never in parallel, and
 * are neither offered nor run in an untrusted workspace).
 */
import type { CancellationToken } from '../common/cancellation';
import type { FunctionToolDefinition } from '../protocol/items';
import type { Approvals } from './ports';
import type { ToolCallContext, ToolOutput } from './toolContext';

export interface ExternalTools {
  /** The function tools to offer, in a stable order (they are part of the cached prefix). */
  definitions(trusted: boolean): FunctionToolDefinition[];
  has(functionName: string): boolean;
  /**
   * Before a request: start what is configured and not yet running (asking the user where a start
   * needs consent), within a bounded time. Never throws; Stop (`token`) ends the wait.
   */
  prepare(approvals: Approvals, token: CancellationToken): Promise<void>;
  /** Runs one call; throws ToolError with words for the model when it cannot. */
  run(functionName: string, argumentsJson: string, ctx: ToolCallContext): Promise<ToolOutput>;
}
