/**
 * The vocabulary of a conversation as the Responses API sees it: input and output items. The local
 * transcript is a list of these, and it is the source of truth; whatever the server holds is a cache.
 * Items are kept as the server sent them (unknown fields preserved) so a full resend reproduces them.
 */

export interface InputText {
  type: 'input_text';
  text: string;
}

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
}

/** A user (or developer/system) message the client sends. */
export interface UserMessageItem {
  type: 'message';
  role: 'user' | 'developer' | 'system';
  content: InputText[];
  id?: string;
}

/** An assistant message the model produced. */
export interface AssistantMessageItem {
  type: 'message';
  role: 'assistant';
  id?: string;
  status?: string;
  content: Array<OutputText | { type: 'refusal'; refusal: string }>;
}

export interface FunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  /** JSON text, exactly as the model wrote it (it may be invalid: tools validate). */
  arguments: string;
  status?: string;
  /** The server marks a call to a tool declared async (§8): its output may come in any later request. */
  async?: boolean;
}

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  call_id: string;
  output: string;
}

/** Reasoning; with `store: false` its `encrypted_content` must be kept so a full resend carries it. */
export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  encrypted_content?: string | null;
}

/**
 * Compaction (protocol §8): an opaque, encrypted summary of the context before it, made by the server
 * (in a response, with `context_management`) or by `POST /responses/compact`. Kept verbatim in the
 * transcript; a full resend may start at the latest one.
 */
export interface CompactionItem {
  type: 'compaction';
  id?: string;
  encrypted_content: string;
}

/**
 * A change of reasoning effort from this point of the conversation on (§8, GPT-6 family, not pro
 * models): unlike a top-level `reasoning.effort` change it keeps the cached prefix. Input only; it
 * stays in the transcript so a full resend reproduces the context the server saw.
 */
export interface ConfigurationUpdateItem {
  type: 'configuration_update';
  reasoning: { effort: ReasoningEffortLevel };
}

export type ReasoningEffortLevel = 'minimal' | 'low' | 'medium' | 'high';

export type ResponseItem =
  | UserMessageItem
  | AssistantMessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | ReasoningItem
  | CompactionItem
  | ConfigurationUpdateItem;

/** A function tool as offered to the model. */
export interface FunctionToolDefinition {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
  /** Async tool (§8, GPT-6 family): the model keeps working while it runs. */
  async?: boolean;
}

export interface Usage {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Input tokens written to the prompt cache (GPT-5.6+ report and bill them); absent when not reported. */
  cacheWriteTokens?: number;
}

export function userMessage(text: string): UserMessageItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

export function configurationUpdate(effort: ReasoningEffortLevel): ConfigurationUpdateItem {
  return { type: 'configuration_update', reasoning: { effort } };
}

export function developerMessage(text: string): UserMessageItem {
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

export function isCompactionItem(item: ResponseItem): item is CompactionItem {
  return item.type === 'compaction';
}

export function functionCallOutput(callId: string, output: string): FunctionCallOutputItem {
  return { type: 'function_call_output', call_id: callId, output };
}

/** The text of an assistant message (refusals included, so nothing the model said is hidden). */
export function assistantText(item: AssistantMessageItem): string {
  return item.content.map((part) => (part.type === 'output_text' ? part.text : part.refusal)).join('');
}
