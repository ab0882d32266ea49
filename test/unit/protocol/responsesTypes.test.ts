/**
 * Compile-time checks against the `openai` SDK's typings (dev-only, `import type`): our client frame is
 * a valid `ResponsesClientEvent` where the two overlap, and every SDK server event we handle is
 * accepted by our parsed type (so the SDK and our schemas agree on the fields we read). `tsc --noEmit`
 * is the real test; the runtime assertions below only keep vitest from reporting an empty file.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  EasyInputMessage,
  FunctionTool,
  ResponseFunctionToolCall,
  ResponseIncludable,
  ResponseInputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponsesClientEvent,
  ResponsesServerEvent,
} from 'openai/resources/responses/responses';
import type {
  FunctionCallItem,
  FunctionCallOutputItem,
  ReasoningItem,
  AssistantMessageItem,
  UserMessageItem,
  FunctionToolDefinition,
} from '../../../src/protocol/items';
import type { KnownServerEventType, ResponseCreateFrame, ServerEventOf } from '../../../src/protocol/responses';

type Sdk<T extends string> = Extract<ResponsesServerEvent, { type: T }>;

/** SDK event → our parsed event type, for the fields our schema keeps (the SDK's extra fields are fine). */
type SdkFitsOurs<T extends KnownServerEventType & ResponsesServerEvent['type']> = Sdk<T> extends ServerEventOf<T> ? true : false;

// Lifecycle events carry a `Response` whose `output` can hold item types we never produce; compare the rest.
type LifecycleFits<T extends 'response.created' | 'response.completed' | 'response.failed' | 'response.incomplete' | 'response.in_progress' | 'response.queued'> =
  Omit<Sdk<T>['response'], 'output'> extends Omit<ServerEventOf<T>['response'], 'output'> ? true : false;

describe('wire types agree with the openai SDK (6.49.0)', () => {
  it('our response.create (minus WebSocket-only fields) is a ResponsesClientEvent', () => {
    // `include` is `string[]` in ModelRequest (a contract choice), the SDK's is a union of known strings;
    // `input` and `tools` are checked item by item below.
    // `service_tier` is checked apart: §8's `fast`/`ultrafast` are newer than these typings.
    type Overlap = Omit<ResponseCreateFrame, 'stream_id' | 'generate' | 'include' | 'input' | 'tools' | 'service_tier'>;
    type SdkOverlap = Omit<ResponsesClientEvent, 'input' | 'tools'>;
    expectTypeOf<Overlap>().toExtend<SdkOverlap>();
    expectTypeOf<Overlap & { include?: ResponseIncludable[] }>().toExtend<SdkOverlap>();
    expectTypeOf<Overlap & { include?: string[] }>().not.toExtend<SdkOverlap>();
    expectTypeOf<Overlap & { input: Array<UserMessageItem | FunctionCallOutputItem | ReasoningItem> }>().toExtend<SdkOverlap & { input?: ResponsesClientEvent['input'] }>();
    // Input items we send are SDK input items.
    expectTypeOf<UserMessageItem>().toExtend<EasyInputMessage>();
    expectTypeOf<FunctionCallOutputItem>().toExtend<ResponseInputItem>();
    expectTypeOf<FunctionCallItem & { status?: ResponseFunctionToolCall['status'] }>().toExtend<ResponseFunctionToolCall>();
    expectTypeOf<ReasoningItem>().toExtend<ResponseReasoningItem>();
    // Known divergences, pinned so a change on either side is noticed:
    // - our FunctionCallItem.status is `string` (we keep what the server sent), the SDK's is a union;
    // - our AssistantMessageItem has optional id/status, the SDK's ResponseOutputMessage requires them;
    // - our tool's `strict` is optional, the SDK requires `strict: boolean | null`.
    expectTypeOf<FunctionCallItem>().not.toExtend<ResponseFunctionToolCall>();
    expectTypeOf<AssistantMessageItem>().not.toExtend<ResponseOutputMessage>();
    expectTypeOf<FunctionToolDefinition & { strict: boolean }>().toExtend<FunctionTool>();
    // Every tier the SDK knows is one we may send; ours is wider (`fast`, `ultrafast`).
    expectTypeOf<NonNullable<ResponsesClientEvent['service_tier']>>().toExtend<NonNullable<ResponseCreateFrame['service_tier']>>();
    expect(true).toBe(true);
  });

  it('every SDK event we handle is accepted by our parsed type', () => {
    expectTypeOf<SdkFitsOurs<'response.output_text.delta'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.output_text.done'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.refusal.delta'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.refusal.done'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.function_call_arguments.delta'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.function_call_arguments.done'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.custom_tool_call_input.delta'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.custom_tool_call_input.done'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.reasoning_summary_text.delta'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.reasoning_summary_text.done'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.reasoning_summary_part.added'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.reasoning_summary_part.done'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.reasoning_text.delta'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.reasoning_text.done'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.content_part.added'>>().toEqualTypeOf<true>();
    expectTypeOf<SdkFitsOurs<'response.content_part.done'>>().toEqualTypeOf<true>();
    // The streaming error shape is the SDK's ResponseErrorEvent.
    expectTypeOf<SdkFitsOurs<'error'>>().toEqualTypeOf<true>();
    expectTypeOf<LifecycleFits<'response.created'>>().toEqualTypeOf<true>();
    expectTypeOf<LifecycleFits<'response.in_progress'>>().toEqualTypeOf<true>();
    expectTypeOf<LifecycleFits<'response.queued'>>().toEqualTypeOf<true>();
    expectTypeOf<LifecycleFits<'response.completed'>>().toEqualTypeOf<true>();
    expectTypeOf<LifecycleFits<'response.failed'>>().toEqualTypeOf<true>();
    expectTypeOf<LifecycleFits<'response.incomplete'>>().toEqualTypeOf<true>();
    // Output items of the kinds we keep are accepted where we read them.
    expectTypeOf<Extract<Sdk<'response.output_item.done'>['item'], { type: 'message' | 'function_call' | 'reasoning' }>>().toExtend<ServerEventOf<'response.output_item.done'>['item']>();
    expect(true).toBe(true);
  });
});
