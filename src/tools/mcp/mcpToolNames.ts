/**
 * How an MCP server's tools are offered to the model next to Holdfast's own: a namespaced function
 * name that satisfies the API's rule (`^[a-zA-Z0-9_-]{1,64}$`) and can never collide with a built-in
 * tool, and the server's JSON schema passed through in a form the API accepts (non-strict mode, since
 * servers' schemas rarely meet strict mode's rules). The list is sorted by name so that the same tool
 * set always gives the same request parameters: tools are part of the cached prefix, and only a real
 * change of the set may start a new chain.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import type { FunctionToolDefinition } from '../../protocol/items';

export const MCP_PREFIX = 'mcp__';
const MAX_NAME = 64;

/** A tool as a server lists it (`tools/list`). */
export interface McpToolInfo {
  name: string;
  description?: string | undefined;
  inputSchema?: unknown;
}

/** One offered tool: the function the model sees, and which server tool it stands for. */
export interface McpOfferedTool {
  functionName: string;
  server: string;
  tool: string;
  definition: FunctionToolDefinition;
}

/** `mcp__<server>__<tool>`, with other characters as `_`, and a short hash when cut to 64 characters. */
export function mcpFunctionName(server: string, tool: string): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');
  const full = `${MCP_PREFIX}${clean(server)}__${clean(tool)}`;
  const exact = full === `${MCP_PREFIX}${server}__${tool}`;
  if (exact && full.length <= MAX_NAME) return full;
  // Cleaned or cut names could collide: a hash of the real pair keeps them apart.
  const hash = bytesToHex(sha256(new TextEncoder().encode(`${server}\u0000${tool}`))).slice(0, 8);
  return `${full.slice(0, MAX_NAME - hash.length - 1)}_${hash}`;
}

/**
 * The JSON schema the API gets for a server's `inputSchema`: always an object schema, without the
 * keys the API rejects at the top level. A copy: the server's object is never changed or shared.
 */
export function mcpParameters(inputSchema: unknown): Record<string, unknown> {
  const copy = isRecord(inputSchema) ? (JSON.parse(JSON.stringify(inputSchema)) as Record<string, unknown>) : {};
  delete copy['$schema'];
  delete copy['$id'];
  // The API requires a top-level object schema; oneOf/anyOf/allOf/enum/not at the top are refused.
  for (const key of ['oneOf', 'anyOf', 'allOf', 'enum', 'not']) delete copy[key];
  copy['type'] = 'object';
  if (!isRecord(copy['properties'])) copy['properties'] = {};
  return copy;
}

const MAX_DESCRIPTION = 1024;

/** The offered tools of one server, sorted by function name. */
export function offeredTools(server: string, tools: readonly McpToolInfo[]): McpOfferedTool[] {
  const offered = tools.map((tool): McpOfferedTool => {
    const functionName = mcpFunctionName(server, tool.name);
    const description = `[MCP server "${server}", tool "${tool.name}"] ${tool.description ?? ''}`.trim().slice(0, MAX_DESCRIPTION);
    return {
      functionName,
      server,
      tool: tool.name,
      definition: { type: 'function', name: functionName, description, parameters: mcpParameters(tool.inputSchema), strict: false },
    };
  });
  return offered.sort((a, b) => (a.functionName < b.functionName ? -1 : a.functionName > b.functionName ? 1 : 0));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
