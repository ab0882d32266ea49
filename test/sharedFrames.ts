import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The protocol's example frames live in the team's shared folder beside the checkout, not in the repo
 * (they are kept current there). Looked up in order: $HOLDFAST_SHARED_DIR, `../shared` beside the
 * repository, `/work/shared`. Missing everywhere is an error, never a silent skip.
 */
export function sharedFramesDir(): string {
  const candidates = [
    process.env['HOLDFAST_SHARED_DIR'],
    path.resolve(__dirname, '..', '..', 'shared'),
    '/work/shared',
  ].filter((dir): dir is string => typeof dir === 'string' && dir !== '');
  for (const dir of candidates) {
    const frames = path.join(dir, 'protocol', 'frames');
    if (fs.existsSync(frames)) return frames;
  }
  throw new Error(`The shared protocol frames were not found (looked in ${candidates.join(', ')}); set HOLDFAST_SHARED_DIR.`);
}
