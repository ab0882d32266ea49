/**
 * The answer of the standalone compaction, `POST {base}/responses/compact` (protocol §8; the `openai`
 * package's `CompactedResponse`): `output` is the compacted window, the user messages followed by one
 * opaque compaction item, to start a NEW chain with (no previous_response_id). Checked at the boundary
 * like every other inbound payload; the items are kept as the server sent them.
 */
import * as z from 'zod';
import type { ResponseItem } from './items';
import { itemSchema, usageSchema, type WireUsage } from './responses';

const compactedResponseSchema = z.object({
  id: z.string(),
  object: z.string().optional(),
  output: z.array(itemSchema).min(1),
  usage: usageSchema.nullish(),
});

export interface CompactedWindow {
  id: string;
  output: ResponseItem[];
  usage: WireUsage | undefined;
}

/** The compacted window, or why the body is not one (a short reason for the log). */
export function parseCompactedResponse(body: unknown): { ok: true; value: CompactedWindow } | { ok: false; error: string } {
  const parsed = compactedResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unexpected shape'}` };
  }
  if (!parsed.data.output.some((item) => item.type === 'compaction')) return { ok: false, error: 'output: no compaction item' };
  return { ok: true, value: { id: parsed.data.id, output: parsed.data.output, usage: parsed.data.usage ?? undefined } };
}
