/**
 * The tools as the model sees them, defined in ONE place: name (snake_case verb), description written
 * for the model, and a zod schema from which both the strict-mode JSON schema sent to the API and the
 * argument validation are derived, so they cannot drift apart. The host warms the socket with exactly
 * `functionToolsFor(trusted)`, the same list the agent sends.
 *
 * Start-up does no zod work: the schemas are built on first use (`lazySchema`), and the JSON schemas
 * come precomputed from `toolSchemas.json`, which test/unit/tools/toolSchemas.test.ts derives from
 * these zod schemas and compares (regenerate with `npx vitest run test/unit/tools/toolSchemas.test.ts -u`).
 */
import * as z from 'zod';
import type { FunctionToolDefinition } from '../protocol/items';
import { lazySchema } from '../protocol/lazySchema';
import precomputedSchemas from './toolSchemas.json';

/** What a tool does to the world: decides trust gating and whether parallel calls may overlap. */
export type ToolEffect = 'read' | 'write' | 'execute';

export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  effect: ToolEffect;
  schema: S;
}

const line = lazySchema(() => z.number().int().min(1));

export const readFileArgs = lazySchema(() =>
  z.strictObject({
    path: z.string().describe('Path relative to the workspace root, e.g. "src/index.ts".'),
    start_line: line.nullable().describe('First line to read (1-based). Null to start at line 1.'),
    end_line: line.nullable().describe('Last line to read (inclusive). Null to read one page from start_line.'),
  }),
);

export const listFilesArgs = lazySchema(() =>
  z.strictObject({
    glob: z.string().nullable().describe('Glob relative to the workspace root, e.g. "src/**/*.ts". Null for all files.'),
    max_results: z.number().int().min(1).max(1000).nullable().describe('At most this many paths (default 200).'),
  }),
);

export const searchTextArgs = lazySchema(() =>
  z.strictObject({
    query: z.string().describe('Text to find, or a regular expression when is_regex is true.'),
    is_regex: z.boolean().nullable().describe('Treat query as a JavaScript regular expression. Default false.'),
    case_sensitive: z.boolean().nullable().describe('Default false.'),
    include: z.string().nullable().describe('Only search files matching this glob, e.g. "src/**/*.ts". Null for all files.'),
    max_results: z.number().int().min(1).max(200).nullable().describe('At most this many matching lines (default 50).'),
  }),
);

export const getDiagnosticsArgs = lazySchema(() =>
  z.strictObject({
    path: z.string().nullable().describe('A file relative to the workspace root, or null for the whole workspace.'),
    min_severity: z.enum(['error', 'warning', 'information', 'hint']).nullable().describe('Lowest severity to include (default "warning").'),
  }),
);

export const applyEditArgs = lazySchema(() =>
  z.strictObject({
    path: z.string().describe('File relative to the workspace root.'),
    edits: z
      .array(
        z.strictObject({
          old_text: z.string().describe('Exact text currently in the file, including whitespace and indentation. Must occur exactly once.'),
          new_text: z.string().describe('The replacement text.'),
        }),
      )
      .describe('Replacements for an existing file, applied together. Empty when content is given.'),
    content: z
      .string()
      .nullable()
      .describe('Whole content for a NEW file (or a complete rewrite of a file you have read). Null when using edits.'),
  }),
);

export const runTaskArgs = lazySchema(() =>
  z.strictObject({
    label: z.string().describe('The task label as defined in tasks.json or contributed by an extension (e.g. "npm: test").'),
  }),
);

export const runCommandArgs = lazySchema(() =>
  z.strictObject({
    command: z.string().describe('A shell command line, e.g. "npm test -- --run".'),
    cwd: z.string().nullable().describe('Working directory relative to the workspace root. Null for the root.'),
    timeout_seconds: z.number().int().min(1).max(1800).nullable().describe('Kill the command after this many seconds (default 120).'),
  }),
);

export const READ_FILE: ToolDefinition<typeof readFileArgs> = {
  name: 'read_file',
  effect: 'read',
  schema: readFileArgs,
  description:
    'Read a text file of the workspace. Returns up to 400 lines per call, with a header giving the line range and the total line count; read further pages with start_line. Always read a file (again) before editing it.',
};

export const LIST_FILES: ToolDefinition<typeof listFilesArgs> = {
  name: 'list_files',
  effect: 'read',
  schema: listFilesArgs,
  description: 'List workspace files matching a glob (honours .gitignore and the files.exclude setting). Returns paths relative to the workspace root.',
};

export const SEARCH_TEXT: ToolDefinition<typeof searchTextArgs> = {
  name: 'search_text',
  effect: 'read',
  schema: searchTextArgs,
  description: 'Search the text of workspace files. Returns matching lines as "path:line: text", bounded to max_results.',
};

export const GET_DIAGNOSTICS: ToolDefinition<typeof getDiagnosticsArgs> = {
  name: 'get_diagnostics',
  effect: 'read',
  schema: getDiagnosticsArgs,
  description: 'Get compiler and linter problems (errors, warnings) that VS Code currently reports, for one file or the whole workspace.',
};

export const APPLY_EDIT: ToolDefinition<typeof applyEditArgs> = {
  name: 'apply_edit',
  effect: 'write',
  schema: applyEditArgs,
  description:
    'Edit one file. For an existing file give edits: each old_text must match the current file exactly once (copy it from your latest read_file, with enough surrounding lines to be unique). To create a file give content and no edits. The file must not have changed since you last read it; if it has, read it again. All edits of one call are applied together, or none.',
};

export const RUN_TASK: ToolDefinition<typeof runTaskArgs> = {
  name: 'run_task',
  effect: 'execute',
  schema: runTaskArgs,
  description: 'Run a VS Code task by label and return its exit code and output (the end of long output). The user may be asked to approve.',
};

export const RUN_COMMAND: ToolDefinition<typeof runCommandArgs> = {
  name: 'run_command',
  effect: 'execute',
  schema: runCommandArgs,
  description:
    'Run a shell command in a new process in the workspace and return its exit code and output (the end of long output). Each command runs on its own; shell state does not carry over. The user may be asked to approve.',
};

export const ALL_TOOLS: readonly ToolDefinition[] = [READ_FILE, LIST_FILES, SEARCH_TEXT, GET_DIAGNOSTICS, APPLY_EDIT, RUN_TASK, RUN_COMMAND];

/** The tools offered in a workspace: in an untrusted one, only those that neither write nor execute. */
export function toolsFor(trusted: boolean): readonly ToolDefinition[] {
  return trusted ? ALL_TOOLS : ALL_TOOLS.filter((tool) => tool.effect === 'read');
}

export function findTool(name: string): ToolDefinition | undefined {
  return ALL_TOOLS.find((tool) => tool.name === name);
}

/** The function tools sent to the API, with their strict-mode JSON schemas (precomputed, see above). */
export function functionToolsFor(trusted: boolean): FunctionToolDefinition[] {
  return toolsFor(trusted).map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description,
    // Each call gets its own copy, so a caller that changes one cannot change the next request.
    parameters: structuredClone((precomputedSchemas as Record<string, Record<string, unknown>>)[tool.name]!),
    strict: true,
  }));
}

const UNSUPPORTED_IN_STRICT_MODE = new Set(['$schema', 'minLength', 'maxLength']);

/** The strict-mode JSON schema zod derives for a tool's arguments: what `toolSchemas.json` holds. */
export function deriveStrictJsonSchema(schema: z.ZodObject): Record<string, unknown> {
  return clean(z.toJSONSchema(schema, { target: 'draft-7' })) as Record<string, unknown>;
}

function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (UNSUPPORTED_IN_STRICT_MODE.has(key)) continue;
    // zod writes the safe-integer bounds of .int(); they say nothing to the model.
    if ((key === 'maximum' && inner === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && inner === Number.MIN_SAFE_INTEGER)) continue;
    out[key] = clean(inner);
  }
  return out;
}

export type ParsedArguments<S extends z.ZodObject> = { ok: true; value: z.infer<S> } | { ok: false; message: string };

/**
 * Parses the model's argument JSON against a tool's schema. Missing nullable fields count as null
 * (some providers omit them even though strict schemas require them); everything else must match.
 */
export function parseArguments<S extends z.ZodObject>(tool: ToolDefinition<S>, argumentsJson: string): ParsedArguments<S> {
  let raw: unknown;
  try {
    raw = argumentsJson.trim() === '' ? {} : JSON.parse(argumentsJson);
  } catch (error) {
    return { ok: false, message: `The arguments of ${tool.name} are not valid JSON (${error instanceof Error ? error.message : 'parse error'}). Send a JSON object.` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, message: `The arguments of ${tool.name} must be a JSON object.` };
  }
  const filled: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [key, field] of Object.entries(tool.schema.shape)) {
    if (!(key in filled) && (field as z.ZodType).safeParse(null).success) filled[key] = null;
  }
  const result = tool.schema.safeParse(filled);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issue.message}`);
  return { ok: false, message: `Invalid arguments for ${tool.name}: ${problems.join('; ')}. Fix them and call the tool again.` };
}
