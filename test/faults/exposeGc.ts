import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * `gc()` in a process not started with --expose-gc (vitest workers, the extension host): the flag is
 * set at run time and a fresh context picks the function up. Undefined where V8 refuses, so memory
 * checks say they were skipped rather than measure garbage.
 */
export function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
