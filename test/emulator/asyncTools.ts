// Async function tools (protocol §8, GPT-6 family): a tool declared `"async": true` is called with
// `async: true` on the call item; the model keeps working after the call, and the client may return
// the `function_call_output` (same `call_id`) in any later request. The emulator's rules:
// - declaring `async` on a model without the feature → 400 `unsupported_parameter` (emulator's choice
//   of code; a client must not declare it where it is not supported);
// - a call is marked async when the request declares its tool async (the model cannot choose);
// - an async call may stay unanswered across requests (pairing, context.ts), but never be answered twice.
import { apiError, type ApiError } from './errors';
import { offeredTools } from './context';
import type { ModelProfile } from './modelProfiles';
import type { Plan } from './plan';
import type { CreateRequest } from './types';

/** The names of the request's tools declared async. */
export function asyncToolNames(request: CreateRequest): Set<string> {
  const names = new Set<string>();
  for (const [name, tool] of offeredTools(request.tools)) if (tool['async'] === true) names.add(name);
  return names;
}

/** A request that declares async tools on a model without them, as the server would refuse it. */
export function asyncDeclarationError(request: CreateRequest, profile: ModelProfile): ApiError | null {
  if (profile.features.asyncTools) return null;
  const index = request.tools.findIndex((tool) => tool['async'] !== undefined);
  if (index < 0) return null;
  return apiError(400, 'unsupported_parameter', `Unsupported parameter: 'tools[${index}].async' is not supported with the model '${request.model}'.`, `tools[${index}].async`);
}

/** Marks the plan's calls to async-declared tools. */
export function markAsyncCalls(plan: Plan, request: CreateRequest): void {
  const names = asyncToolNames(request);
  if (names.size === 0) return;
  for (const item of plan.items) if (item.kind === 'call' && names.has(item.name)) item.async = true;
}
