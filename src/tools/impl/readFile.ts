import type { z } from 'zod';
import type { readFileArgs } from '../definitions';
import type { ToolCallContext, ToolOutput, ToolServices } from '../toolContext';
import { ToolError } from '../toolError';

export const PAGE_LINES = 400;
const PAGE_BYTES = 28 * 1024;
const MAX_LINE_CHARS = 2000;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export async function readFile(args: z.infer<typeof readFileArgs>, ctx: ToolCallContext, services: ToolServices): Promise<ToolOutput> {
  const resolved = await services.paths.resolve(args.path, 'read');
  const stat = await services.workspace.stat(resolved.absolute);
  if (!stat) throw new ToolError(`${resolved.display} does not exist. Use list_files or search_text to find the right path.`);
  if (stat.type === 'directory') throw new ToolError(`${resolved.display} is a directory. Use list_files with glob "${resolved.relative ? `${resolved.relative}/` : ''}**" to see its files.`);
  if (stat.size > MAX_FILE_BYTES) throw new ToolError(`${resolved.display} is too large to read (${Math.round(stat.size / 1024 / 1024)} MB). Use search_text to find the part you need.`);
  const text = await services.workspace.readFile(resolved.absolute);
  if (text.slice(0, 8000).includes('\0')) throw new ToolError(`${resolved.display} is a binary file; it cannot be read as text.`);
  ctx.reads.record(resolved.absolute, text);

  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const total = text === '' ? 0 : lines.length;
  if (total === 0) return { text: `${resolved.display} is empty (0 lines).`, path: resolved.display };
  const start = args.start_line ?? 1;
  if (start > total) throw new ToolError(`${resolved.display} has only ${total} lines; start_line ${start} is past the end.`);
  if (args.end_line !== null && args.end_line < start) throw new ToolError(`end_line (${args.end_line}) is before start_line (${start}).`);
  const requestedEnd = Math.min(args.end_line ?? start + PAGE_LINES - 1, total, start + PAGE_LINES - 1);

  const out: string[] = [];
  let bytes = 0;
  let end = start - 1;
  for (let n = start; n <= requestedEnd; n++) {
    let line = lines[n - 1]!;
    if (line.length > MAX_LINE_CHARS) line = `${line.slice(0, MAX_LINE_CHARS)} … [line cut: ${line.length} characters]`;
    bytes += line.length + 1;
    if (bytes > PAGE_BYTES && out.length > 0) break;
    out.push(line);
    end = n;
  }
  const more = end < total ? ` — more: read_file with start_line=${end + 1}` : '';
  const header = `${resolved.display} — lines ${start}-${end} of ${total}${more}`;
  return { text: `${header}\n${out.join('\n')}`, path: resolved.display };
}
