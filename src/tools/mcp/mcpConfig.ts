/**
 * MCP server definitions, read from where users already keep them: a workspace's `.vscode/mcp.json`
 * and the user setting `holdfast.mcp.servers`, both in VS Code's schema
 * (`{ "servers": { name: { "type": "stdio", command, args, env, cwd } | { "type": "http", url, headers } } }`,
 * `sse` accepted as the legacy HTTP transport). Pure: the host hands in the text or the setting's value.
 * Bad input never throws: each broken server is left out with a problem that names it and says why.
 */
// The ESM build: esbuild cannot bundle the package's UMD main (its requires are inside a factory).
import { parse as parseJsonc, type ParseError, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import * as z from 'zod';
import { lazySchema } from '../../protocol/lazySchema';

/** Where a definition came from: only the user's own settings may be trusted without asking. */
export type McpSource = 'user' | 'workspace';

export type McpServerDefinition =
  | { name: string; source: McpSource; type: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd: string | undefined }
  | { name: string; source: McpSource; type: 'http' | 'sse'; url: string; headers: Record<string, string> };

export interface McpConfig {
  servers: McpServerDefinition[];
  /** One line per server (or file) that was left out, for the log and the connection doctor. */
  problems: string[];
}

/** What `${…}` variables in a definition stand for. `${input:…}` (VS Code's prompts) is not supported. */
export interface McpVariables {
  workspaceFolder: string | undefined;
  userHome: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

const stringMap = lazySchema(() => z.record(z.string(), z.string()));

const stdioServer = lazySchema(() =>
  z.strictObject({
    type: z.literal('stdio').optional(),
    command: z.string().min(1, 'needs a command'),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
    envFile: z.string().optional(),
    cwd: z.string().optional(),
    dev: z.unknown().optional(),
  }),
);

const httpServer = lazySchema(() =>
  z.strictObject({
    type: z.enum(['http', 'sse']).optional(),
    url: z.url('needs an http(s) url'),
    headers: stringMap.optional(),
    dev: z.unknown().optional(),
  }),
);

/** Server names become part of tool names: letters, digits, `-`, `_` and `.`, 1-40 characters. */
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

/** Parses the text of a `.vscode/mcp.json` (JSON with comments, as VS Code allows). */
export function parseMcpJson(text: string, source: McpSource, variables: McpVariables, label = '.vscode/mcp.json'): McpConfig {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    return { servers: [], problems: [`${label}: not valid JSON (${printParseErrorCode(first.error)} at offset ${first.offset}); no server from it is used.`] };
  }
  return parseMcpServers(value, source, variables, label);
}

/** Parses `{ "servers": { … } }` (the file's content or the setting's value). */
export function parseMcpServers(value: unknown, source: McpSource, variables: McpVariables, label: string): McpConfig {
  if (value === undefined || value === null) return { servers: [], problems: [] };
  if (typeof value !== 'object' || Array.isArray(value)) return { servers: [], problems: [`${label}: expected an object with "servers"; no server from it is used.`] };
  const servers = (value as { servers?: unknown }).servers;
  if (servers === undefined) return { servers: [], problems: [] };
  if (servers === null || typeof servers !== 'object' || Array.isArray(servers)) {
    return { servers: [], problems: [`${label}: "servers" must be an object of named servers; no server from it is used.`] };
  }
  const config: McpConfig = { servers: [], problems: [] };
  for (const [name, raw] of Object.entries(servers as Record<string, unknown>)) {
    const parsed = parseServer(name, raw, source, variables);
    if (typeof parsed === 'string') config.problems.push(`${label}: server "${name}" is left out: ${parsed}.`);
    else config.servers.push(parsed);
  }
  return config;
}

function parseServer(name: string, raw: unknown, source: McpSource, variables: McpVariables): McpServerDefinition | string {
  if (!SERVER_NAME.test(name)) return 'its name must be 1-40 letters, digits, "-", "_" or "." (it becomes part of tool names)';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'a server must be an object';
  const type = (raw as { type?: unknown }).type ?? ('url' in raw ? 'http' : 'stdio');
  if (type !== 'stdio' && type !== 'http' && type !== 'sse') return `unknown type ${JSON.stringify(type)} (use "stdio", "http" or "sse")`;
  try {
    if (type === 'stdio') {
      const result = stdioServer.safeParse(raw);
      if (!result.success) return describeIssues(result.error);
      if (result.data.envFile !== undefined) return '"envFile" is not supported; put the variables in "env"';
      const env: Record<string, string> = {};
      for (const [key, val] of Object.entries(result.data.env ?? {})) if (val !== null) env[key] = substitute(String(val), variables);
      return {
        name,
        source,
        type,
        command: substitute(result.data.command, variables),
        args: (result.data.args ?? []).map((arg) => substitute(arg, variables)),
        env,
        cwd: result.data.cwd === undefined ? undefined : substitute(result.data.cwd, variables),
      };
    }
    const result = httpServer.safeParse({ ...raw, url: typeof (raw as { url?: unknown }).url === 'string' ? substitute((raw as { url: string }).url, variables) : (raw as { url?: unknown }).url });
    if (!result.success) return describeIssues(result.error);
    if (!/^https?:\/\//i.test(result.data.url)) return 'its url must start with http:// or https://';
    const headers: Record<string, string> = {};
    for (const [key, val] of Object.entries(result.data.headers ?? {})) headers[key] = substitute(val, variables);
    return { name, source, type, url: result.data.url, headers };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the server';
      return issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Replaces `${workspaceFolder}`, `${userHome}` and `${env:NAME}`; anything else is an error. */
export function substitute(text: string, variables: McpVariables): string {
  return text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder' && variables.workspaceFolder !== undefined) return variables.workspaceFolder;
    if (name === 'userHome' && variables.userHome !== undefined) return variables.userHome;
    // The API key is never handed to a server, not even by name from the environment.
    if (name.toUpperCase() === 'ENV:OPENAI_API_KEY') throw new Error(`the variable ${whole} is never passed to a server`);
    if (name.startsWith('env:')) return variables.env[name.slice(4)] ?? '';
    throw new Error(`the variable ${whole} is not supported (use \${workspaceFolder}, \${userHome} or \${env:NAME})`);
  });
}

/** Merges the user's servers and the workspace's: on a name clash the user's definition is kept. */
export function mergeMcpConfigs(user: McpConfig, workspace: McpConfig): McpConfig {
  const names = new Set(user.servers.map((server) => server.name));
  const servers = [...user.servers];
  const problems = [...user.problems, ...workspace.problems];
  for (const server of workspace.servers) {
    if (names.has(server.name)) problems.push(`The workspace's server "${server.name}" is left out: your user settings define a server of the same name.`);
    else {
      names.add(server.name);
      servers.push(server);
    }
  }
  return { servers, problems };
}
