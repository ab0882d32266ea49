/**
 * What of $HOME a sandboxed command sees (the rest is an empty tmpfs): the toolchains on PATH that live
 * in $HOME (nvm, pyenv, cargo, volta, bun… would otherwise be "command not found"), and the paths the
 * user maps with `holdfast.sandbox.homeMounts`. All read-only. Pure except `existingRealPaths`.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Toolchains whose binaries on PATH need a sibling folder that is not on PATH. */
const COMPANIONS: Readonly<Record<string, readonly string[]>> = { '.cargo': ['.rustup'] };

/** Candidate paths under `home` to map read-only (not yet checked for existence). */
export function homeMountCandidates(home: string, pathEnv: string, userMounts: readonly string[]): string[] {
  const inHome = (p: string): boolean => p.startsWith(`${home}/`);
  const candidates: string[] = [];
  for (const dir of pathEnv.split(':').filter((d) => path.isAbsolute(d)).map((d) => path.normalize(d))) {
    if (!inHome(dir)) continue;
    candidates.push(dir);
    // `<toolchain>/bin` needs its toolchain (lib/, the shims' engine) — but never $HOME itself, and
    // for ~/.local only bin and lib (its share/ holds other programs' data, keyrings included).
    const parent = path.dirname(dir);
    if (path.basename(dir) === 'bin' && parent !== home) {
      if (parent === path.join(home, '.local')) candidates.push(path.join(parent, 'lib'));
      else candidates.push(parent);
    }
    const top = path.relative(home, dir).split('/')[0]!;
    for (const companion of COMPANIONS[top] ?? []) candidates.push(path.join(home, companion));
  }
  for (const mount of userMounts) {
    const expanded = mount === '~' ? home : mount.startsWith('~/') ? path.join(home, mount.slice(2)) : mount;
    const absolute = path.resolve(home, expanded);
    if (absolute === home || inHome(absolute)) candidates.push(absolute);
  }
  return [...new Set(candidates)];
}

/** The candidates that exist, as real paths still under `home` (a link out of $HOME maps nothing). */
export async function existingRealPaths(home: string, candidates: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const candidate of candidates) {
    try {
      const real = await fs.realpath(candidate);
      if (real === home || real.startsWith(`${home}/`)) found.push(real);
    } catch {
      // Missing: nothing to map.
    }
  }
  return [...new Set(found)];
}
