/**
 * The `delegate` tool: how the main agent hands independent subtasks to subagents. Defined like the
 * workspace tools (a lazy zod schema, its strict JSON schema precomputed in tools/toolSchemas.json),
 * but run by the agent (subagentRunner.ts), not by the ToolRunner: a subagent needs the model client
 * and the main conversation, which tools never see.
 */
import * as z from 'zod';
import type { FunctionToolDefinition } from '../../protocol/items';
import { lazySchema } from '../../protocol/lazySchema';
import type { ToolDefinition } from '../../tools/definitions';
import precomputedSchemas from '../../tools/toolSchemas.json';

export const DELEGATE_TOOL_NAME = 'delegate';
/** More would not run in parallel usefully on one socket next to the chat, and costs tokens fast. */
export const MAX_SUBTASKS = 4;

export const delegateArgs = lazySchema(() =>
  z.strictObject({
    tasks: z
      .array(
        z.strictObject({
          title: z.string().describe('A few words naming the subtask, shown to the user, e.g. "callers of parseConfig".'),
          instructions: z.string().describe('What the subagent must find out or do, self-contained, and what its answer should contain.'),
        }),
      )
      .min(1)
      .max(MAX_SUBTASKS)
      .describe(`1 to ${MAX_SUBTASKS} independent subtasks; they run at the same time.`),
  }),
);

export type DelegateArgs = z.infer<typeof delegateArgs>;

export const DELEGATE: ToolDefinition<typeof delegateArgs> = {
  name: DELEGATE_TOOL_NAME,
  // A subagent reads by default; the runner enforces what it may do, whatever this says.
  effect: 'read',
  schema: delegateArgs,
  description:
    'Hand independent subtasks (e.g. "find every caller of X", "read these files and summarise them") to subagents that run in parallel, each starting from this conversation. Each returns a short report, given back as this tool\'s output. Subagents can only read the workspace unless the user allows more. Use it when several lookups do not depend on each other; do simple single lookups yourself.',
};

/** The function tool sent to the API (strict schema precomputed, like functionToolsFor's). */
export function delegateFunctionTool(): FunctionToolDefinition {
  return {
    type: 'function',
    name: DELEGATE.name,
    description: DELEGATE.description,
    parameters: structuredClone((precomputedSchemas as Record<string, Record<string, unknown>>)[DELEGATE.name]!),
    strict: true,
  };
}
