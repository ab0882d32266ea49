// The `default` scenario's behaviour: answers any prompt sensibly enough for a demo, calling only tools
// the request offers. A file path in the prompt + a read_file-like tool → read it; after reading, an
// apply_edit-like tool → propose a small edit; otherwise plain markdown with a code block.
import {
  functionCalls,
  lastUserText,
  offeredTools,
  toolOutputs,
  toolParameterNames,
  trailingInput,
  type ToolOutputView,
} from './context';
import type { ModelInput, PlannedItem } from './plan';
import type { JsonObject } from './types';

const FILE_EXTENSIONS =
  'ts|tsx|js|jsx|mjs|cjs|json|md|py|rs|go|java|kt|swift|c|h|cc|cpp|hpp|cs|rb|php|css|scss|html|vue|svelte|yml|yaml|toml|txt|sh|sql|xml|ini|cfg|lock';
const PATH_PATTERN = new RegExp(`(?:^|[\\s\`'"(\\[])((?:[\\w.@-]+/)*[\\w@-][\\w.@-]*\\.(?:${FILE_EXTENSIONS}))(?=$|[\\s\`'"),:;?!\\]]|\\.(?:\\s|$))`, 'i');

export function findPath(text: string): string | null {
  return PATH_PATTERN.exec(text)?.[1] ?? null;
}

type ToolRole = 'read' | 'edit' | 'list' | 'search' | 'diagnostics' | 'task' | 'command';

const ROLE_NAMES: Record<ToolRole, { exact: string; loose: RegExp }> = {
  read: { exact: 'read_file', loose: /read.*file|file.*read|^read$|open_file|view_file/i },
  edit: { exact: 'apply_edit', loose: /edit|patch|write_file|replace/i },
  list: { exact: 'list_files', loose: /list.*(file|dir)|^ls$|glob/i },
  search: { exact: 'search_text', loose: /search|grep|find/i },
  diagnostics: { exact: 'get_diagnostics', loose: /diagnostic|problems|lint/i },
  task: { exact: 'run_task', loose: /run_task|task/i },
  command: { exact: 'run_command', loose: /command|shell|exec/i },
};

function toolFor(role: ToolRole, tools: Map<string, JsonObject>): { name: string; params: string[] } | null {
  const { exact, loose } = ROLE_NAMES[role];
  const name = tools.has(exact) ? exact : [...tools.keys()].find((n) => loose.test(n));
  const tool = name ? tools.get(name) : undefined;
  return name && tool ? { name, params: toolParameterNames(tool) } : null;
}

function call(name: string, args: Record<string, unknown>): PlannedItem {
  return { kind: 'call', name, arguments: JSON.stringify(args), callId: '' };
}

function commentPrefix(filePath: string): [string, string] {
  if (/\.(py|sh|ya?ml|toml|rb|ini|cfg)$/i.test(filePath)) return ['# ', ''];
  if (/\.(md|html|xml|vue|svelte)$/i.test(filePath)) return ['<!-- ', ' -->'];
  if (/\.(css|scss)$/i.test(filePath)) return ['/* ', ' */'];
  return ['// ', ''];
}

function pathArgument(args: string): string | null {
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed && typeof parsed === 'object' && 'path' in parsed && typeof parsed.path === 'string') return parsed.path;
  } catch {
    // Arguments that are not JSON carry no path.
  }
  return null;
}

function looksLikeToolError(output: string): boolean {
  return /^(error|failed)\b|ENOENT|not found|no such file|denied/i.test(output.trim());
}

function fence(text: string, lang = ''): string {
  const lines = text.split('\n').slice(0, 20).join('\n');
  return '```' + lang + '\n' + lines.replace(/\n$/, '') + '\n```';
}

function afterToolOutputs(outputs: ToolOutputView[], input: ModelInput, tools: Map<string, JsonObject>): PlannedItem[] {
  const readRole = toolFor('read', tools);
  const editRole = toolFor('edit', tools);
  const read = outputs.find((o) => readRole && o.name === readRole.name);
  const edited = outputs.find((o) => editRole && o.name === editRole.name);
  if (edited) {
    const target = pathArgument(edited.arguments) ?? 'the file';
    return looksLikeToolError(edited.output)
      ? [{ kind: 'text', text: `The edit to \`${target}\` was not applied:\n\n${fence(edited.output)}\n\nTell me how you would like to proceed.` }]
      : [{ kind: 'text', text: `Done: I edited \`${target}\`.\n\n- Added a short note at the top of the file.\n- Nothing else changed; you can undo it from the editor.` }];
  }
  if (read) {
    const filePath = pathArgument(read.arguments) ?? 'the file';
    if (looksLikeToolError(read.output)) {
      return [{ kind: 'text', text: `I could not read \`${filePath}\`:\n\n${fence(read.output)}\n\nCheck the path and ask again.` }];
    }
    const alreadyEdited = functionCalls(input.context).some((c) => editRole && c.name === editRole.name && pathArgument(c.arguments) === filePath);
    const firstLine = read.output.split('\n').find((l) => l.trim().length > 0);
    if (editRole && !alreadyEdited && firstLine !== undefined) {
      const [open, close] = commentPrefix(filePath);
      const note = `${open}Reviewed by Holdfast.${close}`;
      const args: Record<string, unknown> = { path: filePath };
      if (editRole.params.includes('edits') || editRole.params.length === 0) args['edits'] = [{ old_text: firstLine, new_text: `${note}\n${firstLine}` }];
      else if (editRole.params.includes('content')) args['content'] = `${note}\n${read.output}`;
      return [
        { kind: 'text', text: `I read \`${filePath}\` (${read.output.split('\n').length} lines). I will add a short review note at the top.` },
        call(editRole.name, args),
      ];
    }
    const lang = /\.(\w+)$/.exec(filePath)?.[1] ?? '';
    return [{ kind: 'text', text: `Here is the start of \`${filePath}\`:\n\n${fence(read.output, lang)}\n\nIt looks fine to me. What would you like to change?` }];
  }
  const summary = outputs.map((o) => `**${o.name || o.callId}** returned:\n\n${fence(o.output)}`).join('\n\n');
  return [{ kind: 'text', text: `${summary}\n\nThat is what the tools reported.` }];
}

function afterUserText(text: string, tools: Map<string, JsonObject>): PlannedItem[] {
  const filePath = findPath(text);
  const read = toolFor('read', tools);
  if (filePath && read) return [call(read.name, { path: filePath })];
  const list = toolFor('list', tools);
  if (list && /\b(list|files|structure|tree)\b/i.test(text)) return [call(list.name, {})];
  const diagnostics = toolFor('diagnostics', tools);
  if (diagnostics && /\b(diagnostics?|problems|errors?|warnings?)\b/i.test(text)) return [call(diagnostics.name, {})];
  const search = toolFor('search', tools);
  const quoted = /["'`]([^"'`]{2,80})["'`]/.exec(text)?.[1];
  if (search && quoted && /\b(search|find|grep|where)\b/i.test(text)) return [call(search.name, { query: quoted })];
  const task = toolFor('task', tools);
  if (task && /\brun (the )?(tests?|build|task)\b/i.test(text)) return [call(task.name, { label: /build/i.test(text) ? 'build' : 'test' })];
  const topic = text.trim().split('\n')[0]?.slice(0, 80) ?? '';
  return [
    {
      kind: 'text',
      text:
        `You asked: *${topic}*\n\n` +
        `Here is a small example to start from:\n\n` +
        '```ts\nexport function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n```\n\n' +
        `- Mention a file path (for example \`src/extension.ts\`) and I will read it.\n- Ask me to list the files or show the diagnostics.`,
    },
  ];
}

/** The default model's answer for this context. Call ids are assigned by the caller. */
export function defaultAnswer(input: ModelInput): PlannedItem[] {
  const tools = offeredTools(input.tools);
  const fresh = trailingInput(input.context);
  const outputs = toolOutputs(fresh, input.context);
  if (outputs.length > 0) return afterToolOutputs(outputs, input, tools);
  const text = lastUserText(fresh);
  if (text !== null) return afterUserText(text, tools);
  return [{ kind: 'text', text: 'Ready when you are.' }];
}
