// POST {base}/responses/compact (§8, the `openai` package's `responses.compact`): the standalone
// compaction. Reads the context (a stored chain via previous_response_id with store:true, plus
// `input`) and answers a `response.compaction` object whose `output` is the user messages followed by
// one compaction item: the window a client starts a NEW chain with (no previous_response_id).
import { compactedView, compactionItem, keptUserMessages, summaryTokens } from './compaction';
import type { Engine } from './engine';
import { apiError, contextLengthExceeded, previousNotFound, type ApiError } from './errors';
import { newId } from './ids';
import { profileOf, requestCostUsd } from './modelProfiles';
import { cacheWriteTokens, promptSegments, totalTokens } from './promptCache';
import { validateCreate } from './requestValidation';
import { itemTokens, itemsTokens } from './tokens';
import type { JsonObject } from './types';

/** The user messages kept verbatim may take up to this share of the model's window (older ones join the summary). */
const KEPT_USER_SHARE = 0.25;

export async function compactWindow(engine: Engine, body: JsonObject, connectionId: string, payloadBytes: number): Promise<{ response: JsonObject } | ApiError> {
  const request = validateCreate({ ...body, stream: false }, 'http', engine.models);
  if ('status' in request) return request;
  const record = engine.accounting.openRequest({ connectionId, transport: 'http-json', lane: null, kind: 'compact', previousResponseId: request.previousResponseId, inputItems: request.input.length, payloadBytes });
  const fail = (err: ApiError): ApiError => {
    record.status = 'error';
    record.errorCode = err.code;
    record.endedAt = engine.accounting.now();
    return err;
  };
  let earlier: JsonObject[] = [];
  if (request.previousResponseId) {
    const stored = request.store ? engine.store.get(request.previousResponseId) : undefined;
    if (!stored) return fail(previousNotFound(request.previousResponseId));
    earlier = stored.context;
    record.cache = 'hydrated';
  }
  const profile = profileOf(request.model);
  const context = compactedView([...earlier, ...request.input]);
  if (context.length === 0) return fail(apiError(400, 'missing_required_parameter', 'Nothing to compact: give input or previous_response_id.', 'input'));
  const segments = promptSegments({ instructions: request.instructions, tools: [], context, instructionsAfterInput: profile.features.instructionsAfterInput });
  const inputTokens = totalTokens(segments);
  if (inputTokens > profile.contextWindow) return fail(contextLengthExceeded(inputTokens, profile.contextWindow));
  const cachedTokens = engine.prefixCached(segments);
  engine.registerPrompt(segments);

  const kept = keptUserMessages(context, Math.floor(profile.contextWindow * KEPT_USER_SHARE));
  const item = compactionItem(summaryTokens(inputTokens - itemsTokens(kept)), 'non-user');
  engine.compactions.remember(item, context);
  const outputTokens = itemTokens(item);
  const writes = cacheWriteTokens(inputTokens, cachedTokens);

  const pace = engine.timed ? profile.timing.tokensPerSecond : 0;
  const parts: Record<string, number> = engine.preludeDelays('http', false, {
    inputTokens,
    cachedTokens,
    hiddenReasoningTokens: 0,
    compaction: item,
    modelledTokensPerSecond: pace,
  });
  await engine.runPrelude(record, parts, connectionId);

  Object.assign(record, { responseId: newId('cmp'), inputTokens, cachedTokens, cacheWriteTokens: writes, outputTokens, status: 'completed', endedAt: engine.accounting.now(), compacted: true });
  const cost = requestCostUsd(profile, { inputTokens, cachedTokens, cacheWriteTokens: writes, outputTokens });
  if (cost !== null) record.costUsd = cost;
  const response: JsonObject = {
    id: record.responseId as string,
    object: 'response.compaction',
    created_at: Math.floor(engine.clock() / 1000),
    output: [...kept, item],
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: cachedTokens, ...(profile.features.cacheWrites ? { cache_write_tokens: writes } : {}) },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
  };
  return { response };
}
