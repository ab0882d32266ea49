import type { z } from 'zod';
import type { runTaskArgs } from '../definitions';
import type { ToolCallContext, ToolOutput, ToolServices } from '../toolContext';
import { ToolError } from '../toolError';
import { describeProcessResult } from './processOutput';

export const TASK_TIMEOUT_MS = 10 * 60_000;

export async function runTask(args: z.infer<typeof runTaskArgs>, ctx: ToolCallContext, services: ToolServices): Promise<ToolOutput> {
  const tasks = await services.tasks.list();
  const task = tasks.find((t) => t.label === args.label);
  if (!task) {
    const labels = tasks.slice(0, 40).map((t) => `"${t.label}"`).join(', ');
    throw new ToolError(`There is no task labelled "${args.label}". ${tasks.length ? `Available tasks: ${labels}.` : 'This workspace has no tasks; use run_command instead.'}`);
  }
  const settings = services.settings.read();
  if (!settings.allowedTasks.includes(task.label)) {
    const answer = await ctx.approvals.request({ kind: 'runTask', label: task.label, alwaysAllowRules: [task.label] }, ctx.token);
    if (answer === 'deny') throw new ToolError(`The user declined to run the task "${task.label}". Do not retry it; ask the user how to proceed.`, 'denied');
    if (answer === 'alwaysAllow') await services.settings.allowTask(task.label);
  }
  const result = await services.tasks.run(task.label, { timeoutMs: TASK_TIMEOUT_MS, token: ctx.token, ...(ctx.onOutput ? { onOutput: ctx.onOutput } : {}) });
  return { text: describeProcessResult(`Task "${task.label}"`, result, TASK_TIMEOUT_MS), tailHeavy: true };
}
