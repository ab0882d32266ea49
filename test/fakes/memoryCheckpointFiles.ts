/** An in-memory `CheckpointFiles` for tests: a map of names to bytes, with a write counter. */
import type { CheckpointFiles } from '../../src/tools/checkpoints/blobStore';

export class MemoryCheckpointFiles implements CheckpointFiles {
  readonly files = new Map<string, Uint8Array>();
  writes = 0;

  async read(name: string): Promise<Uint8Array | undefined> {
    const bytes = this.files.get(name);
    return bytes && new Uint8Array(bytes);
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    this.writes++;
    this.files.set(name, new Uint8Array(bytes));
  }

  names(prefix: string): string[] {
    return [...this.files.keys()].filter((n) => n.startsWith(prefix));
  }
}
