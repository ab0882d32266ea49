// Subagents (issue 17): a prompt that asks for subagents, delegation or parallel work, when the request
// offers a `delegate` tool, becomes one delegate call (a subtask per file the prompt names, or three
// survey subtasks), then an answer quoting the subagents' reports. A subagent's own context ends with
// its task message ("Subagent task i of n: …"); the demo answers it from the task's instructions alone.
import type { PlannedItem } from '../plan';
import { call, say, type TurnHistory } from './turnHistory';

const DELEGATE = 'delegate';
const TASK_PATTERN = /^Subagent task \d+ of \d+: [^\n]*\n\n([\s\S]*?)\n\nYou are a subagent/;

export function wantsSubagents(prompt: string): boolean {
  return /\b(sub-?agents?|delegate|in parallel|parallel)\b/i.test(prompt);
}

/** The instructions of a subagent's task message, or null when `prompt` is not one. */
export function subagentInstructions(prompt: string): string | null {
  return TASK_PATTERN.exec(prompt)?.[1] ?? null;
}

function subtasks(prompt: string, paths: readonly string[]): Array<{ title: string; instructions: string }> {
  if (paths.length > 0) return paths.slice(0, 4).map((p) => ({ title: `summarise ${p}`, instructions: `Summarise ${p}: read it and explain what it does.` }));
  const quoted = /["'`]([^"'`]{2,80})["'`]/.exec(prompt)?.[1];
  return [
    { title: 'workspace layout', instructions: 'List the files of the workspace.' },
    { title: 'reported problems', instructions: 'Report the diagnostics (problems) VS Code shows.' },
    quoted
      ? { title: `uses of ${quoted}`, instructions: `Search the workspace for "${quoted}" and report where it occurs.` }
      : { title: 'TODO notes', instructions: 'Search the workspace for "TODO" and report where it occurs.' },
  ];
}

/** The main agent's side: delegate once, then report; undefined when no delegate tool is offered. */
export function delegateFlow(history: TurnHistory, paths: readonly string[]): PlannedItem[] | undefined {
  const offered = history.offers(DELEGATE);
  if (!offered) return undefined;
  const uses = history.uses.filter((u) => u.name === DELEGATE);
  const answered = uses.find((u) => u.output !== undefined);
  if (answered) return [say(`The subagents reported back:\n\n${answered.output ?? ''}`)];
  if (uses.length > 0) return [say('Waiting for the subagents.')];
  const tasks = subtasks(history.prompt, paths);
  return [say(`I will hand ${tasks.length} independent subtasks to subagents running in parallel.`), call(offered, { tasks })];
}
