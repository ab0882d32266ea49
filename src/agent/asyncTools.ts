/**
 * Which tools are declared `async: true` (protocol §8): the long-running ones — a task, a command, the
 * diagnostics wait — and only on models that support async tools (the GPT-6 family, like steering).
 * Elsewhere the tool list stays exactly as before, so older models' requests are byte-identical. The
 * declaration does not depend on the transport: the doc restricts async tools to the model family,
 * not to WebSocket mode, and the client runs and tracks the jobs either way.
 */
import type { FunctionToolDefinition } from '../protocol/items';
import { knownModel } from './context/knownModels';

export const ASYNC_CAPABLE_TOOLS: ReadonlySet<string> = new Set(['run_task', 'run_command', 'get_diagnostics']);

export function supportsAsyncTools(model: string): boolean {
  return knownModel(model)?.asyncTools === true;
}

/** `tools` with the async-capable ones declared `async: true` when `model` supports it (copies; the input is not changed). */
export function declareAsyncTools(tools: readonly FunctionToolDefinition[], model: string): FunctionToolDefinition[] {
  if (!supportsAsyncTools(model)) return [...tools];
  return tools.map((tool) => (ASYNC_CAPABLE_TOOLS.has(tool.name) ? { ...tool, async: true } : tool));
}
