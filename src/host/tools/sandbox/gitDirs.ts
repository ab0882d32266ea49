/**
 * Git directories behind the `.git` entries of a workspace, and their configs when they hold a
 * credential. A `.git` FILE (a worktree, a submodule) points at the real git directory, which must be
 * read-only too when it lies inside the workspace. A config with a password in a remote URL
 * (`https://user:token@host/…`) or an `http.extraheader` (what CI checkouts persist) is a secret git
 * itself reads: the sandbox shows git a copy without them, so git still works and the token stays out.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^/\s@]+@/gi;
const EXTRA_HEADER = /^(\s*extraheader\s*=).*$/gim;

export interface RedactedFile {
  /** The file as it is on disk (real path). */
  path: string;
  /** What the sandbox shows instead. */
  text: string;
}

/** The git directories `.git` entries lead to (for files: `gitdir:` and its `commondir`), real paths. */
export async function gitDirsBehind(dotGits: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const entry of dotGits) {
    const stat = await fs.stat(entry).catch(() => undefined);
    if (stat?.isDirectory()) {
      found.add(await fs.realpath(entry));
      continue;
    }
    const text = await fs.readFile(entry, 'utf8').catch(() => '');
    const gitdir = /^gitdir:\s*(.+)$/m.exec(text)?.[1]?.trim();
    if (!gitdir) continue;
    const target = await fs.realpath(path.resolve(path.dirname(entry), gitdir)).catch(() => undefined);
    if (!target) continue;
    found.add(target);
    const common = (await fs.readFile(path.join(target, 'commondir'), 'utf8').catch(() => '')).trim();
    if (common) {
      const commonDir = await fs.realpath(path.resolve(target, common)).catch(() => undefined);
      if (commonDir) found.add(commonDir);
    }
  }
  return [...found];
}

/** The configs of `gitDirs` that carry a credential, with the copy to show instead. */
export async function gitConfigsWithCredentials(gitDirs: readonly string[]): Promise<RedactedFile[]> {
  const out: RedactedFile[] = [];
  for (const dir of gitDirs) {
    const file = path.join(dir, 'config');
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const redacted = redactGitConfig(text);
    if (redacted !== text) out.push({ path: file, text: redacted });
  }
  return out;
}

export function redactGitConfig(text: string): string {
  return text.replace(URL_PASSWORD, '$1@').replace(EXTRA_HEADER, '$1 [removed by the Holdfast sandbox]');
}
