/**
 * A listing of every file under a directory, including those `.gitignore` hides, for the command
 * policy's recursive reads (`grep -r`, `tar`, `cp -r`): a secret that git ignores is still read by
 * `grep -r`. Hosts that cannot list this way simply lack the method; the policy then asks.
 */
import type { Workspace } from '../ports';

export interface ListUnderOptions {
  /** Skip hidden files and whatever ignore files exclude (what ripgrep reads by default); else list all. */
  honourIgnoreFiles: boolean;
  maxResults: number;
}

export interface WorkspaceListing {
  /** Absolute paths of the files under `directory` (absolute); undefined when there are more than `maxResults`. */
  listFilesUnder(directory: string, options: ListUnderOptions): Promise<string[] | undefined>;
}

export function listingOf(workspace: Workspace): WorkspaceListing | undefined {
  const candidate = workspace as Workspace & Partial<WorkspaceListing>;
  return typeof candidate.listFilesUnder === 'function' ? (candidate as WorkspaceListing) : undefined;
}
