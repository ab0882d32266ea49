import type { z } from 'zod';
import type { runCommandArgs } from '../definitions';
import type { Confinement } from '../ports';
import type { ToolCallContext, ToolOutput, ToolServices } from '../toolContext';
import { refused, ToolError } from '../toolError';
import { confinementFor, planRun } from './commandConfinement';
import { describeProcessResult } from './processOutput';

export const DEFAULT_COMMAND_TIMEOUT_S = 120;

export async function runCommand(args: z.infer<typeof runCommandArgs>, ctx: ToolCallContext, services: ToolServices): Promise<ToolOutput> {
  if (args.command.trim() === '') throw new ToolError('The command is empty.');
  const cwd = await services.paths.resolve(args.cwd ?? '.', 'cwd');
  const stat = await services.workspace.stat(cwd.absolute);
  if (stat?.type !== 'directory') throw new ToolError(`The working directory ${cwd.display} does not exist or is not a directory.`);

  const decision = await services.commands.decide(args.command, cwd);
  if (decision.kind === 'deny') throw refused(`Refused: ${decision.reason} The command was not run.`);
  const plan = planRun(decision, await services.terminal.sandbox());
  if (plan.kind === 'refuse') throw refused(`Refused: ${plan.reason}`);
  let confinement: Confinement;
  if (plan.kind === 'ask') {
    const answer = await ctx.approvals.request(
      { kind: 'runCommand', command: args.command, cwd: cwd.display, parts: decision.parts, reasons: plan.reasons, alwaysAllowRules: plan.alwaysAllowRules, sandbox: plan.offer },
      ctx.token,
    );
    if (answer === 'deny') {
      throw new ToolError(`The user declined to run this command (${plan.reasons.join('; ')}). It was not run. Do not try to reach the same result another way; ask the user how to proceed.`, 'denied');
    }
    if (answer === 'alwaysAllow' && plan.alwaysAllowRules) await services.settings.allowCommands(plan.alwaysAllowRules);
    confinement = confinementFor(answer, plan.offer);
  } else confinement = plan.confinement;
  const timeoutMs = (args.timeout_seconds ?? DEFAULT_COMMAND_TIMEOUT_S) * 1000;
  const result = await services.terminal.run(args.command, { cwd: cwd.absolute, timeoutMs, token: ctx.token, confinement, ...(ctx.onOutput ? { onOutput: ctx.onOutput } : {}) });
  return { text: describeProcessResult('The command', result, timeoutMs), tailHeavy: true, ...(result.sandbox ? { sandbox: result.sandbox } : {}) };
}
