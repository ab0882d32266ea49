/**
 * The checkpoints of one session, oldest first, as stored in `sessions/<id>.json` next to the blobs:
 * per turn (and per restore, so a restore can itself be undone) the state of every file it touched
 * before and after. Validated on load: damaged data is a CheckpointCorruptError with a clear message,
 * never a wrong restore. Pure.
 */
import * as z from 'zod';
import { lazySchema } from '../../protocol/lazySchema';
import { CheckpointCorruptError, type CheckpointFiles } from './blobStore';

/**
 * A file's state: its content's blob, absent (not created yet, or deleted), or too large to keep (its
 * hash is still known, so a hand edit to it is still detected; it just cannot be brought back).
 */
export type FileState = { kind: 'text'; hash: string } | { kind: 'absent' } | { kind: 'tooLarge'; hash: string; size: number };

export interface CheckpointFile {
  /** Absolute path (port form). */
  path: string;
  /** The path the user sees. */
  display: string;
  before: FileState;
  after: FileState;
}

export interface Checkpoint {
  id: string;
  /** `turn`: the agent's edits in a turn. `restore`: a "Restore code to here" (undone by restoring to before it). */
  kind: 'turn' | 'restore';
  /** The turn whose edits these are; for a restore, the turn it restored to. */
  turnId: string;
  at: number;
  files: CheckpointFile[];
}

const StateSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
    z.object({ kind: z.literal('absent') }),
    z.object({ kind: z.literal('tooLarge'), hash: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() }),
  ]),
);
const LogSchema = lazySchema(() =>
  z.object({
    version: z.literal(1),
    checkpoints: z.array(
      z.object({
        id: z.string().min(1),
        kind: z.enum(['turn', 'restore']),
        turnId: z.string().min(1),
        at: z.number(),
        files: z.array(z.object({ path: z.string().min(1), display: z.string(), before: StateSchema, after: StateSchema })),
      }),
    ),
  }),
);

/** Session ids are UUIDs; anything else is reduced to safe file-name characters. */
const logName = (sessionId: string): string => `sessions/${sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;

export async function readCheckpointLog(files: CheckpointFiles, sessionId: string): Promise<Checkpoint[]> {
  const bytes = await files.read(logName(sessionId));
  if (!bytes) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new CheckpointCorruptError('The checkpoint record of this chat is damaged (not readable JSON); its code cannot be restored.');
  }
  const parsed = LogSchema.safeParse(raw);
  if (!parsed.success) throw new CheckpointCorruptError('The checkpoint record of this chat is damaged (unexpected content); its code cannot be restored.');
  return parsed.data.checkpoints;
}

export async function writeCheckpointLog(files: CheckpointFiles, sessionId: string, checkpoints: readonly Checkpoint[]): Promise<void> {
  await files.write(logName(sessionId), new TextEncoder().encode(JSON.stringify({ version: 1, checkpoints })));
}

/** The content hash of a state; undefined when the file is absent. */
export const contentHash = (state: FileState): string | undefined => (state.kind === 'absent' ? undefined : state.hash);

/** Same content (a too-large file and its text compare by hash). */
export const sameContent = (a: FileState, b: FileState): boolean => contentHash(a) === contentHash(b);
