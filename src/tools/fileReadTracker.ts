/**
 * Remembers which version of each file the model has seen (a hash of the whole content at its last
 * read, or of what it last wrote), so an edit is refused when the file changed since: the model must
 * never write over content it has not seen. In memory per session: after a reload the model re-reads.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

export type ReadState = 'current' | 'unread' | 'changed';

export class FileReadTracker {
  private readonly seen = new Map<string, string>();

  record(path: string, content: string): void {
    this.seen.set(path, hash(content));
  }

  check(path: string, currentContent: string): ReadState {
    const known = this.seen.get(path);
    if (known === undefined) return 'unread';
    return known === hash(currentContent) ? 'current' : 'changed';
  }

  /** The files the model has seen or written (as recorded: absolute paths). */
  paths(): string[] {
    return [...this.seen.keys()];
  }

  forget(path: string): void {
    this.seen.delete(path);
  }
}

function hash(content: string): string {
  return bytesToHex(sha256(utf8ToBytes(content)));
}
