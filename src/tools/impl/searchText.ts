import type { z } from 'zod';
import type { searchTextArgs } from '../definitions';
import type { ToolCallContext, ToolOutput, ToolServices } from '../toolContext';
import { ToolError } from '../toolError';
import { checkGlob } from './listFiles';

const MAX_PREVIEW = 300;

export async function searchText(args: z.infer<typeof searchTextArgs>, ctx: ToolCallContext, services: ToolServices): Promise<ToolOutput> {
  if (args.query === '') throw new ToolError('The query is empty.');
  if (args.is_regex) {
    try {
      new RegExp(args.query);
    } catch (error) {
      throw new ToolError(`The regular expression is invalid: ${error instanceof Error ? error.message : String(error)}. Fix it, or set is_regex to false.`);
    }
  }
  if (args.include) checkGlob(args.include);
  const max = args.max_results ?? 50;
  const matches = await services.workspace.searchText(
    { pattern: args.query, isRegExp: args.is_regex ?? false, caseSensitive: args.case_sensitive ?? false, include: args.include ?? undefined, maxResults: max + 1 },
    ctx.token,
  );
  const admitted = new Map<string, string | undefined>();
  const lines: string[] = [];
  let hidden = 0;
  for (const match of matches) {
    if (!admitted.has(match.path)) admitted.set(match.path, await services.paths.admitExisting(match.path));
    const display = admitted.get(match.path);
    if (display === undefined) {
      hidden++;
      continue;
    }
    if (lines.length >= max) continue;
    const preview = match.preview.length > MAX_PREVIEW ? `${match.preview.slice(0, MAX_PREVIEW)} …` : match.preview;
    lines.push(`${display}:${match.line}: ${preview.trim()}`);
  }
  const out = [lines.length ? lines.join('\n') : `No matches for "${args.query}".`];
  if (matches.length - hidden > max) out.push(`[more matches; showing the first ${max}. Narrow the query or the include glob.]`);
  if (hidden) out.push(`[${hidden} match(es) in files hidden by Holdfast's file policy]`);
  return { text: out.join('\n') };
}
