// What happened so far in the current agent turn, read from the context alone (the prompt that
// started it, each tool call with its output), so a resent context continues where it left off.
import { functionCalls, itemType, offeredTools, toolParameterNames } from '../context';
import type { ModelInput, PlannedItem } from '../plan';
import { contentText } from '../tokens';
import type { JsonObject } from '../types';

export type ToolRole = 'read' | 'edit' | 'list' | 'search' | 'diagnostics' | 'task' | 'command';

const ROLE_NAMES: Record<ToolRole, { exact: string; loose: RegExp }> = {
  read: { exact: 'read_file', loose: /read.*file|file.*read|^read$|open_file|view_file/i },
  edit: { exact: 'apply_edit', loose: /edit|patch|write_file|replace/i },
  list: { exact: 'list_files', loose: /list.*(file|dir)|^ls$|glob/i },
  search: { exact: 'search_text', loose: /search|grep|find/i },
  diagnostics: { exact: 'get_diagnostics', loose: /diagnostic|problems|lint/i },
  task: { exact: 'run_task', loose: /run_task|task/i },
  command: { exact: 'run_command', loose: /command|shell|exec/i },
};

export interface ToolUse {
  name: string;
  args: Record<string, unknown>;
  output: string | undefined;
}

export interface ToolHandle {
  name: string;
  params: string[];
}

function parseArgs(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class TurnHistory {
  /** The user's prompt that started this turn ('' when there is none). */
  readonly prompt: string;
  /** Tool calls of this turn, in order, with their outputs. */
  readonly uses: ToolUse[];
  private readonly tools: Map<string, JsonObject>;

  constructor(input: ModelInput) {
    this.tools = offeredTools(input.tools);
    let start = input.context.length - 1;
    while (start >= 0 && !(itemType(input.context[start] as JsonObject) === 'message' && input.context[start]?.['role'] === 'user')) start--;
    this.prompt = start >= 0 ? contentText(input.context[start]?.['content']) : '';
    const turn = input.context.slice(start + 1);
    const outputs = new Map<string, string>();
    for (const item of turn) {
      if (itemType(item) !== 'function_call_output') continue;
      const raw = item['output'];
      outputs.set(String(item['call_id'] ?? ''), typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''));
    }
    this.uses = functionCalls(turn).map((c) => ({ name: c.name, args: parseArgs(c.arguments), output: outputs.get(c.callId) }));
  }

  tool(role: ToolRole): ToolHandle | undefined {
    const { exact, loose } = ROLE_NAMES[role];
    const name = this.tools.has(exact) ? exact : [...this.tools.keys()].find((n) => loose.test(n));
    const tool = name ? this.tools.get(name) : undefined;
    return name && tool ? { name, params: toolParameterNames(tool) } : undefined;
  }

  /** The offered tool with exactly this name, if any. */
  offers(name: string): ToolHandle | undefined {
    const tool = this.tools.get(name);
    return tool ? { name, params: toolParameterNames(tool) } : undefined;
  }

  usesOf(role: ToolRole): ToolUse[] {
    const tool = this.tool(role);
    return tool ? this.uses.filter((u) => u.name === tool.name) : [];
  }

  /** The read of `path` in this turn (the latest), if any. */
  readOf(path: string): ToolUse | undefined {
    return this.usesOf('read').filter((u) => samePath(String(u.args['path'] ?? ''), path)).pop();
  }
}

export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^\.\//, '').replace(/\\/g, '/');
  return norm(a) === norm(b) || norm(a).endsWith(`/${norm(b)}`) || norm(b).endsWith(`/${norm(a)}`);
}

/** A call to `tool`; parameters it declares but `args` leaves out are sent as null (strict schemas need every key). */
export function call(tool: ToolHandle, args: Record<string, unknown>): PlannedItem {
  const full: Record<string, unknown> = {};
  for (const param of tool.params) full[param] = param in args ? args[param] : null;
  for (const [key, value] of Object.entries(args)) if (tool.params.length === 0 || tool.params.includes(key)) full[key] = value;
  return { kind: 'call', name: tool.name, arguments: JSON.stringify(full), callId: '' };
}

export function say(text: string): PlannedItem {
  return { kind: 'text', text };
}

/** Tool output in a fenced block marked as plain text (so nobody offers to apply it to a file). */
export function outputBlock(text: string, maxLines = 20): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`] : lines;
  return '```text\n' + shown.join('\n').replace(/```/g, "'''") + '\n```';
}
