/**
 * The standalone compaction: `POST {base}/responses/compact` (protocol §8) with the caller's window,
 * answered by a compacted window (the user messages, then one opaque compaction item) to start a NEW
 * chain with. Over HTTP whatever the socket does: it is a plain JSON call between requests, so it never
 * meets a running response (and never meets steering). Typed outcome; nothing throws; the key never
 * appears in what it returns.
 */
import type { CancellationToken } from '../common/cancellation';
import { parseCompactedResponse } from '../protocol/compactResponse';
import { errorFromResponse, describeFetchError, type FetchLike } from './httpTransport';
import { utf8Bytes } from './metrics';
import type { CompactOutcome, CompactRequest } from './modelClient';
import { httpHeaders, type AccountHeaders } from './requestFrames';
import { toUsage } from './responseReader';

export interface CompactCall {
  fetch: FetchLike;
  baseUrl: string;
  key: string;
  account: AccountHeaders;
  /** No answer within this long: a network error (a compaction reads the whole window; be generous). */
  timeoutMs: number;
  now: () => number;
  redact: (text: string) => string;
}

export function compactUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/responses/compact`;
}

export async function callCompact(call: CompactCall, request: CompactRequest, token: CancellationToken | undefined): Promise<CompactOutcome> {
  const body = JSON.stringify({
    model: request.model,
    input: request.input,
    ...(request.instructions ? { instructions: request.instructions } : {}),
  });
  const started = call.now();
  const controller = new AbortController();
  const subscription = token?.onCancellationRequested(() => controller.abort());
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, call.timeoutMs);
  try {
    if (token?.isCancellationRequested) return { kind: 'cancelled' };
    const response = await call.fetch(compactUrl(call.baseUrl), {
      method: 'POST',
      headers: { ...httpHeaders(call.key, call.account), 'Content-Type': 'application/json', Accept: 'application/json' },
      body,
      signal: controller.signal,
    });
    if (!response.ok) return failureOf(await errorFromResponse(response), call.redact);
    const parsed = parseCompactedResponse(JSON.parse(await response.text()) as unknown);
    if (!parsed.ok) return { kind: 'serverError', code: 'malformed_compaction', message: `The server's compaction answer is not one (${parsed.error}).`, retryable: false };
    const usage = parsed.value.usage ? toUsage(parsed.value.usage) : undefined;
    return { kind: 'compacted', output: parsed.value.output, usage, bytesSent: utf8Bytes(body), totalMs: call.now() - started };
  } catch (error) {
    if (token?.isCancellationRequested) return { kind: 'cancelled' };
    if (timedOut) return { kind: 'networkError', message: `The compaction got no answer within ${Math.round(call.timeoutMs / 1000)} s.` };
    if (error instanceof SyntaxError) return { kind: 'serverError', code: 'malformed_compaction', message: 'The server answered the compaction with invalid JSON.', retryable: false };
    return { kind: 'networkError', message: call.redact(describeFetchError(error)) };
  } finally {
    clearTimeout(timer);
    subscription?.dispose();
  }
}

function failureOf(error: { status: number | undefined; code: string; message: string; retryAfterMs: number | undefined }, redact: (text: string) => string): CompactOutcome {
  const message = redact(error.message);
  if (error.status === 401 || error.status === 403) return { kind: 'authFailed', message };
  if (error.status === 429 || error.code === 'rate_limit_exceeded') return { kind: 'rateLimited', message, retryAfterMs: error.retryAfterMs };
  return { kind: 'serverError', code: error.code, message, retryable: error.status !== undefined && error.status >= 500 };
}
