/**
 * What a subagent starts from: the main conversation exactly as the main agent would send it next
 * (so a fork from the main lane's latest response goes on the wire as a small delta), every call still
 * open in it answered (the server refuses a continuation with an unanswered call), then its task.
 */
import { functionCallOutput, type ResponseItem, userMessage } from '../../protocol/items';
import { unansweredCalls } from '../transcript';
import type { SubagentSettings } from './subagentSettings';

export interface SubagentTask {
  /** Unique within the turn; also the card's id. */
  id: string;
  /** 1-based position in the delegate call. */
  index: number;
  title: string;
  instructions: string;
}

/** Marks the task message, so a reader of the transcript (or the demo model) can tell it apart. */
export const SUBAGENT_TASK_MARKER = 'Subagent task';

export function forkInput(
  mainInput: readonly ResponseItem[],
  delegateCallId: string,
  task: SubagentTask,
  peers: number,
  tools: SubagentSettings['tools'],
): ResponseItem[] {
  const items = [...mainInput];
  for (const call of unansweredCalls(items)) {
    const output =
      call.call_id === delegateCallId
        ? `Delegated to ${peers} subagent(s). You are subagent ${task.index}: do only your own subtask below.`
        : 'Not part of this subagent\'s work: the main agent handles this call.';
    items.push(functionCallOutput(call.call_id, output));
  }
  items.push(userMessage(taskMessage(task, peers, tools)));
  return items;
}

function taskMessage(task: SubagentTask, peers: number, tools: SubagentSettings['tools']): string {
  const rules =
    tools === 'readOnly'
      ? 'You may only read (read_file, list_files, search_text, get_diagnostics); edits, commands and tasks are refused.'
      : 'You may read, edit and run commands; the user approves as usual.';
  return [
    `${SUBAGENT_TASK_MARKER} ${task.index} of ${peers}: ${task.title}`,
    '',
    task.instructions,
    '',
    `You are a subagent working for the main agent, at the same time as ${peers - 1} other(s). ${rules} You cannot delegate further.`,
    'Work with few tool calls, then answer with a concise report (findings with file paths and line numbers): it is handed back to the main agent as it is.',
  ].join('\n');
}
