// Id minting. Real ids are opaque prefixed strings; the prefixes matter to clients that log or route by them.
import { createHash, randomBytes } from 'node:crypto';

export function newId(prefix: 'resp' | 'msg' | 'fc' | 'rs' | 'call' | 'steer' | 'conn' | 'req' | 'cmp'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** A stable id derived from its parts: a scripted step issues the same call id however often it is replayed. */
export function stableId(prefix: string, ...parts: Array<string | number>): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${prefix}_${digest.slice(0, 24)}`;
}
