/**
 * One call of an MCP tool: the approval (MCP tools ask by default; only the user's own settings can
 * allow a server or a tool without asking), then the call, bounded by a timeout and by Stop. Whatever
 * goes wrong — the server crashed mid-call, it is too slow, it said the tool failed — ends this call
 * with words for the model, and the turn goes on.
 */
import { errorMessage } from '../../common/result';
import type { ToolCallContext, ToolOutput } from '../toolContext';
import { ToolError } from '../toolError';
import type { McpSource } from './mcpConfig';
import type { McpConnection } from './mcpPorts';
import type { McpOfferedTool } from './mcpToolNames';

export interface McpCall {
  offered: McpOfferedTool;
  source: McpSource;
  argumentsJson: string;
  ctx: ToolCallContext;
  /** From USER settings only (see McpSettings.allowedTools). */
  allowedTools: readonly string[];
  timeoutMs: number;
  connection: () => McpConnection | undefined;
  unavailable: () => string;
}

/** Whether the user's rules ("server", "server/*" or "server/tool") let this tool run without asking. */
export function isMcpToolAllowed(rules: readonly string[], server: string, tool: string): boolean {
  return rules.some((rule) => rule === server || rule === `${server}/*` || rule === `${server}/${tool}`);
}

const MAX_ARGUMENTS_SHOWN = 2000;

export async function runMcpCall(call: McpCall): Promise<ToolOutput> {
  const { offered, ctx } = call;
  const label = `${offered.server}/${offered.tool}`;
  const args = parseObject(call.argumentsJson, offered.functionName);
  if (!isMcpToolAllowed(call.allowedTools, offered.server, offered.tool)) {
    const shown = JSON.stringify(args, null, 2);
    const answer = await ctx.approvals.request(
      {
        kind: 'mcpTool',
        server: offered.server,
        tool: offered.tool,
        source: call.source,
        arguments: shown.length > MAX_ARGUMENTS_SHOWN ? `${shown.slice(0, MAX_ARGUMENTS_SHOWN)}…` : shown,
      },
      ctx.token,
    );
    if (ctx.token.isCancellationRequested) throw new ToolError(`${label} was not run: the user stopped the turn.`, 'cancelled');
    if (answer === 'deny') throw new ToolError(`The user denied the MCP tool ${label}. Do not call it again in this turn; ask the user how to proceed.`, 'denied');
  }
  const connection = call.connection();
  if (!connection) throw new ToolError(call.unavailable());

  const abort = new AbortController();
  const subscription = ctx.token.onCancellationRequested(() => abort.abort());
  try {
    const result = await connection.callTool(offered.tool, args, { signal: abort.signal, timeoutMs: call.timeoutMs });
    if (result.isError) throw new ToolError(`The MCP tool ${label} reported an error: ${result.text || '(no message)'}`);
    return { text: result.text || '(the tool returned no content)' };
  } catch (error) {
    if (error instanceof ToolError) throw error;
    if (ctx.token.isCancellationRequested) throw new ToolError(`${label} was cancelled: the user stopped the turn. Its effects, if any, may be partial.`, 'cancelled');
    throw new ToolError(describeFailure(label, errorMessage(error), call.timeoutMs, call.connection() === undefined));
  } finally {
    subscription.dispose();
  }
}

function describeFailure(label: string, message: string, timeoutMs: number, serverGone: boolean): string {
  if (/timed out|timeout/i.test(message)) {
    return `The MCP tool ${label} did not answer within ${Math.round(timeoutMs / 1000)} s and was cancelled (the limit is the setting holdfast.mcp.callTimeoutSeconds). Its effects, if any, are unknown.`;
  }
  if (serverGone || /connection closed|not connected/i.test(message)) {
    return `The MCP server "${label.split('/')[0]}" stopped while running ${label} (${message}). The call did not finish and its effects are unknown. Holdfast starts the server again before the next request; do not assume the call happened.`;
  }
  return `The MCP tool ${label} failed: ${message}`;
}

function parseObject(json: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = json.trim() === '' ? {} : JSON.parse(json);
  } catch (error) {
    throw new ToolError(`The arguments of ${name} are not valid JSON (${errorMessage(error)}). Send a JSON object.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ToolError(`The arguments of ${name} must be a JSON object.`);
  return value as Record<string, unknown>;
}
