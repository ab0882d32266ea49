import type { z } from 'zod';
import type { getDiagnosticsArgs } from '../definitions';
import type { DiagnosticSeverity } from '../ports';
import type { ToolCallContext, ToolOutput, ToolServices } from '../toolContext';

const RANK: Record<DiagnosticSeverity, number> = { error: 0, warning: 1, information: 2, hint: 3 };
const MAX_ENTRIES = 200;

export async function getDiagnostics(args: z.infer<typeof getDiagnosticsArgs>, _ctx: ToolCallContext, services: ToolServices): Promise<ToolOutput> {
  const resolved = args.path === null ? undefined : await services.paths.resolve(args.path, 'read');
  const threshold = RANK[args.min_severity ?? 'warning'];
  const all = await services.diagnostics.get(resolved?.absolute);
  const admitted = new Map<string, string | undefined>();
  const entries: Array<{ display: string; line: number; column: number; text: string }> = [];
  for (const d of all) {
    if (RANK[d.severity] > threshold) continue;
    if (!admitted.has(d.path)) admitted.set(d.path, await services.paths.admitExisting(d.path));
    const display = admitted.get(d.path);
    if (display === undefined) continue;
    const origin = [d.source, d.code].filter(Boolean).join(' ');
    entries.push({
      display,
      line: d.range.startLine,
      column: d.range.startColumn,
      text: `${display}:${d.range.startLine}:${d.range.startColumn}-${d.range.endLine}:${d.range.endColumn} ${d.severity}${origin ? ` [${origin}]` : ''}: ${d.message}`,
    });
  }
  entries.sort((a, b) => a.display.localeCompare(b.display) || a.line - b.line || a.column - b.column);
  const where = resolved ? resolved.display : 'the workspace';
  if (entries.length === 0) return { text: `No problems at severity ${args.min_severity ?? 'warning'} or higher in ${where}.`, path: resolved?.display };
  const lines = entries.slice(0, MAX_ENTRIES).map((e) => e.text);
  if (entries.length > MAX_ENTRIES) lines.push(`[${entries.length - MAX_ENTRIES} more not shown; ask for one file at a time]`);
  return { text: `${entries.length} problem(s) in ${where}:\n${lines.join('\n')}`, path: resolved?.display };
}
