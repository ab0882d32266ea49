/**
 * Content-addressed storage of file contents for checkpoints: a blob is named by the SHA-256 of its
 * UTF-8 bytes, so a file that many turns leave unchanged (or that several sessions share) is stored
 * once. Files over the size cap are not stored; the caller records them as too large and says so.
 * Pure: storage goes through the `CheckpointFiles` port (the host backs it with `workspace.fs` under
 * the extension's workspace storage), hashing through Web Crypto.
 */

/** Flat file storage under one folder; names are relative (`blobs/ab/abcd…`, `sessions/<id>.json`). */
export interface CheckpointFiles {
  /** `undefined` when no such file exists. */
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, bytes: Uint8Array): Promise<void>;
}

/** Stored data is missing or does not match its hash: a restore from it would be wrong, so it is refused. */
export class CheckpointCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointCorruptError';
  }
}

/** 2 MiB: far above source files, below the generated bundles and data dumps that would bloat storage. */
export const DEFAULT_BLOB_CAP_BYTES = 2 * 1024 * 1024;

export type PutResult = { stored: true; hash: string } | { stored: false; size: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hash a text would be stored under (for comparing workspace files with checkpoints). */
export function hashText(text: string): Promise<string> {
  return sha256Hex(encoder.encode(text));
}

const blobName = (hash: string): string => `blobs/${hash.slice(0, 2)}/${hash}`;

export class BlobStore {
  /** Hashes known to be stored, so a repeated put skips the read. */
  private readonly known = new Set<string>();

  constructor(
    private readonly files: CheckpointFiles,
    readonly capBytes = DEFAULT_BLOB_CAP_BYTES,
  ) {}

  async put(text: string): Promise<PutResult> {
    const bytes = encoder.encode(text);
    if (bytes.byteLength > this.capBytes) return { stored: false, size: bytes.byteLength };
    const hash = await sha256Hex(bytes);
    if (this.known.has(hash)) return { stored: true, hash };
    const existing = await this.files.read(blobName(hash));
    // A damaged blob under this name is overwritten with the right bytes.
    if (!existing || (await sha256Hex(existing)) !== hash) await this.files.write(blobName(hash), bytes);
    this.known.add(hash);
    return { stored: true, hash };
  }

  /** The text stored under `hash`; throws CheckpointCorruptError when it is missing or damaged. */
  async get(hash: string, display: string): Promise<string> {
    const bytes = await this.files.read(blobName(hash));
    if (!bytes) throw new CheckpointCorruptError(`The saved copy of ${display} is missing from Holdfast's checkpoint storage.`);
    if ((await sha256Hex(bytes)) !== hash) throw new CheckpointCorruptError(`The saved copy of ${display} in Holdfast's checkpoint storage is damaged.`);
    try {
      return decoder.decode(bytes);
    } catch {
      throw new CheckpointCorruptError(`The saved copy of ${display} in Holdfast's checkpoint storage is not valid text.`);
    }
  }
}
