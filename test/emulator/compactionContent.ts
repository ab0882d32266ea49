// The emulator's "encrypted" compaction content: base64 of a marker and JSON saying how large the
// summary is and what it stands for, padded to about the size a real summary would have on the wire.
// Clients must treat it as opaque; the emulator reads it back (token counts, compacted views).
import { randomBytes } from 'node:crypto';
import type { JsonObject } from './types';

const MARK = 'emu-compaction:';

/** 'all' = stands for every item before it; 'non-user' = for the non-user items (the user messages stay in the window). */
export type CompactionScope = 'all' | 'non-user';

export interface CompactionInfo {
  id: string;
  /** Size of the summary the item stands for, in tokens. */
  tokens: number;
  scope: CompactionScope;
}

export function encodeCompaction(info: CompactionInfo): string {
  // ~4 bytes per token of summary, like the text it would hold.
  const pad = randomBytes(Math.ceil(info.tokens * 3)).toString('base64');
  return Buffer.from(MARK + JSON.stringify({ ...info, pad })).toString('base64');
}

/** What a compaction item stands for; null when the item is not one. Foreign items count by their bytes. */
export function readCompaction(item: JsonObject): CompactionInfo | null {
  if (item['type'] !== 'compaction') return null;
  const content = typeof item['encrypted_content'] === 'string' ? item['encrypted_content'] : '';
  try {
    const text = Buffer.from(content, 'base64').toString('utf8');
    if (text.startsWith(MARK)) {
      const info = JSON.parse(text.slice(MARK.length)) as Partial<CompactionInfo>;
      if (typeof info.tokens === 'number' && (info.scope === 'all' || info.scope === 'non-user')) return { id: String(info.id), tokens: info.tokens, scope: info.scope };
    }
  } catch {
    // Not the emulator's: opaque to it as well.
  }
  return { id: String(item['id'] ?? ''), tokens: Math.ceil(Buffer.byteLength(content) / 4), scope: 'all' };
}
