import type { z } from 'zod';
import type { listFilesArgs } from '../definitions';
import type { ToolCallContext, ToolOutput, ToolServices } from '../toolContext';
import { refused } from '../toolError';

export async function listFiles(args: z.infer<typeof listFilesArgs>, ctx: ToolCallContext, services: ToolServices): Promise<ToolOutput> {
  const glob = (args.glob ?? '**/*').trim() || '**/*';
  checkGlob(glob);
  const max = args.max_results ?? 200;
  // Ask for a few more than needed: policy may hide some, and one extra tells us there is more.
  const found = await services.workspace.findFiles({ include: glob, maxResults: max + 50 }, ctx.token);
  const shown: string[] = [];
  let hidden = 0;
  for (const path of found) {
    const display = await services.paths.admitExisting(path);
    if (display === undefined) hidden++;
    else shown.push(display);
  }
  shown.sort();
  const listed = shown.slice(0, max);
  const lines = [listed.length ? listed.join('\n') : `No files match "${glob}".`];
  if (shown.length > max || found.length >= max + 50) lines.push(`[more files match; showing the first ${max}. Narrow the glob to see others.]`);
  if (hidden) lines.push(`[${hidden} matching file(s) hidden by Holdfast's file policy]`);
  return { text: lines.join('\n') };
}

/** Globs are relative to the workspace folders; refuse the ones that try to reach outside. */
export function checkGlob(glob: string): void {
  if (glob.split(/[\\/]/).includes('..') || glob.startsWith('/') || glob.startsWith('~') || /^[A-Za-z]:[\\/]/.test(glob)) {
    throw refused(`Refused: the glob "${glob}" reaches outside the workspace. Use a glob relative to the workspace root, e.g. "src/**/*.ts".`);
  }
}
