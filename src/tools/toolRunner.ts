/**
 * Runs one function call from the model, start to finish, and always produces an output string for
 * the transcript: unknown tool, untrusted workspace, invalid JSON, schema violations, policy refusals,
 * user denials and tool failures all become outputs the model can read and act on. Every output is
 * redacted and bounded here, in one place, whatever the tool.
 */
import { errorMessage } from '../common/result';
import type { CancellationToken } from '../common/cancellation';
import type { FunctionCallItem, FunctionToolDefinition } from '../protocol/items';
import { prepareToolOutput } from './boundOutput';
import {
  APPLY_EDIT,
  findTool,
  functionToolsFor,
  GET_DIAGNOSTICS,
  LIST_FILES,
  parseArguments,
  READ_FILE,
  RUN_COMMAND,
  RUN_TASK,
  SEARCH_TEXT,
  type ToolDefinition,
  type ToolEffect,
  toolsFor,
} from './definitions';
import { applyEdit } from './impl/applyEdit';
import { getDiagnostics } from './impl/getDiagnostics';
import { listFiles } from './impl/listFiles';
import { readFile } from './impl/readFile';
import { runCommand } from './impl/runCommand';
import { runTask } from './impl/runTask';
import { searchText } from './impl/searchText';
import type { Approvals, SandboxReport } from './ports';
import type { ToolCallContext, ToolOutput, ToolServices } from './toolContext';
import { ToolError, type ToolErrorKind } from './toolError';

export type ToolCallStatus = 'ok' | ToolErrorKind;

export interface ToolCallResult {
  callId: string;
  name: string;
  /** What goes into the `function_call_output`: bounded, redacted. */
  output: string;
  status: ToolCallStatus;
  path: string | undefined;
  durationMs: number;
  /** Where a command ran and what it could touch (run_command), for the chat card. */
  sandbox?: SandboxReport;
}

type Implementation = (args: never, ctx: ToolCallContext, services: ToolServices) => Promise<ToolOutput>;

const IMPLEMENTATIONS = new Map<ToolDefinition, Implementation>([
  [READ_FILE, readFile],
  [LIST_FILES, listFiles],
  [SEARCH_TEXT, searchText],
  [GET_DIAGNOSTICS, getDiagnostics],
  [APPLY_EDIT, applyEdit],
  [RUN_TASK, runTask],
  [RUN_COMMAND, runCommand],
] as Array<[ToolDefinition, Implementation]>);

export class ToolRunner {
  constructor(readonly services: ToolServices) {}

  /** Whether the call only reads (so it may overlap with other reading calls). */
  effectOf(name: string): ToolEffect | undefined {
    return findTool(name)?.effect ?? (this.services.external?.has(name) ? 'execute' : undefined);
  }

  /** Every function tool to offer: the built-in ones, then the external (MCP) ones in their stable order. */
  functionTools(trusted: boolean): FunctionToolDefinition[] {
    return [...functionToolsFor(trusted), ...(this.services.external?.definitions(trusted) ?? [])];
  }

  /** Before a request: lets the external tools start what they need (never throws). */
  async prepare(approvals: Approvals, token: CancellationToken): Promise<void> {
    await this.services.external?.prepare(approvals, token);
  }

  async run(call: FunctionCallItem, ctx: ToolCallContext): Promise<ToolCallResult> {
    const started = this.services.clock.now();
    const finish = (output: string, status: ToolCallStatus, path: string | undefined, tailHeavy = false): ToolCallResult => ({
      callId: call.call_id,
      name: call.name,
      output: prepareToolOutput(output, { knownSecrets: this.services.knownSecrets(), tailShare: tailHeavy ? 0.75 : 0.4 }),
      status,
      path,
      durationMs: this.services.clock.now() - started,
    });

    const trusted = this.services.settings.read().workspaceTrusted;
    const tool = findTool(call.name);
    if (!tool && this.services.external?.has(call.name)) return this.runExternal(call, ctx, trusted, finish);
    if (!tool) {
      const names = toolsFor(trusted).map((t) => t.name).join(', ');
      return finish(`There is no tool named "${call.name}". Available tools: ${names}.`, 'error', undefined);
    }
    if (!toolsFor(trusted).includes(tool)) {
      return finish(`Refused: ${tool.name} is not available because this workspace is not trusted (Workspace Trust). Only reading tools can be used; tell the user what you would change or run instead.`, 'refused', undefined);
    }
    const parsed = parseArguments(tool, call.arguments);
    if (!parsed.ok) return finish(parsed.message, 'error', undefined);
    if (ctx.token.isCancellationRequested) return finish(cancelledOutput(tool.name), 'cancelled', undefined);

    const implementation = IMPLEMENTATIONS.get(tool)!;
    try {
      const result = await implementation(parsed.value as never, ctx, this.services);
      return { ...finish(result.text, 'ok', result.path, result.tailHeavy), ...(result.sandbox ? { sandbox: result.sandbox } : {}) };
    } catch (error) {
      if (error instanceof ToolError) return finish(error.message, error.kind, undefined);
      if (ctx.token.isCancellationRequested) return finish(cancelledOutput(tool.name), 'cancelled', undefined);
      return finish(`${tool.name} failed: ${errorMessage(error)}`, 'error', undefined);
    }
  }

  private async runExternal(call: FunctionCallItem, ctx: ToolCallContext, trusted: boolean, finish: Finish): Promise<ToolCallResult> {
    if (!trusted) return finish(`Refused: ${call.name} is not available because this workspace is not trusted (Workspace Trust).`, 'refused', undefined);
    if (ctx.token.isCancellationRequested) return finish(cancelledOutput(call.name), 'cancelled', undefined);
    try {
      const result = await this.services.external!.run(call.name, call.arguments, ctx);
      return finish(result.text, 'ok', result.path);
    } catch (error) {
      if (error instanceof ToolError) return finish(error.message, error.kind, undefined);
      return finish(`${call.name} failed: ${errorMessage(error)}`, 'error', undefined);
    }
  }
}

type Finish = (output: string, status: ToolCallStatus, path: string | undefined) => ToolCallResult;

export function cancelledOutput(name: string): string {
  return `${name} was cancelled: the user stopped the turn before it finished. Its effects, if any, may be partial.`;
}
