import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

/** The package `npm run package` writes: `<name>-<version>.vsix` at the repository root. */
export function expectedVsixPath(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
}

/** Says how old the package is, so a stale .vsix from an earlier build is noticed in the log. */
export function describeVsix(vsixPath: string): string {
  const stat = fs.statSync(vsixPath);
  const ageSeconds = Math.round((Date.now() - stat.mtimeMs) / 1000);
  return `${path.basename(vsixPath)} (${(stat.size / 1024).toFixed(0)} KiB, built ${ageSeconds} s ago)`;
}
