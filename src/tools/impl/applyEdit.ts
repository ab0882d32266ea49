import type { z } from 'zod';
import type { applyEditArgs } from '../definitions';
import type { JournalEntry } from '../editJournal';
import { protectedChange } from '../policy/protectedFiles';
import type { FileChange, TextReplacement } from '../ports';
import type { ToolCallContext, ToolOutput, ToolServices } from '../toolContext';
import { ToolError } from '../toolError';

/** After this many failed matches on one file in a turn, stop and ask the user. */
export const MAX_EDIT_MISMATCHES = 3;

type Args = z.infer<typeof applyEditArgs>;

/** A failure to match old_text: counted towards MAX_EDIT_MISMATCHES. */
class MismatchError extends ToolError {}

export async function applyEdit(args: Args, ctx: ToolCallContext, services: ToolServices): Promise<ToolOutput> {
  const resolved = await services.paths.resolve(args.path, 'write');
  const display = resolved.display;
  if (ctx.editAttempts.stopped.has(resolved.absolute)) {
    throw new ToolError(`The user asked you to stop editing ${display} in this turn. Explain what you wanted to change instead.`, 'denied');
  }
  if (args.content !== null && args.edits.length > 0) throw new ToolError('Give either edits (to change an existing file) or content (to create a file), not both.');
  if (args.content === null && args.edits.length === 0) throw new ToolError('Nothing to do: give edits (old_text → new_text) or content for a new file.');

  const stat = await services.workspace.stat(resolved.absolute);
  if (stat?.type === 'directory') throw new ToolError(`${display} is a directory, not a file.`);

  let change: FileChange;
  let before: string | undefined;
  let after: string;
  if (!stat) {
    if (args.content === null) throw new ToolError(`${display} does not exist. To create it, call apply_edit with content (and no edits); to edit another file, check the path with list_files.`);
    change = { kind: 'create', path: resolved.absolute, text: args.content };
    before = undefined;
    after = args.content;
  } else {
    before = await services.workspace.readFile(resolved.absolute);
    const state = ctx.reads.check(resolved.absolute, before);
    if (state === 'unread') throw new ToolError(`You have not read ${display} yet. Read it with read_file first, so your edit is based on its current content.`);
    if (state === 'changed') throw new ToolError(`${display} changed since you last read it (the user or another tool edited it). Read it again with read_file, then redo your edit against the new content.`);
    let replacements: TextReplacement[];
    try {
      replacements = args.content !== null ? [{ start: 0, end: before.length, newText: args.content }] : locateEdits(before, args.edits, display);
    } catch (error) {
      if (error instanceof MismatchError) await countMismatch(error, resolved.absolute, display, ctx);
      throw error;
    }
    after = applyReplacements(before, replacements);
    if (after === before) throw new ToolError(`The edit leaves ${display} unchanged. Nothing was applied.`);
    change = { kind: 'modify', path: resolved.absolute, baseText: before, replacements };
  }

  // Files that grant execution or trust always go past the user, whatever editApproval says.
  const grantsExecution = protectedChange(resolved.relative, before, after) ?? (await services.paths.gitDirectoryRule(resolved.folder, resolved.relative));
  if (grantsExecution || services.settings.read().editApproval === 'review') {
    const answer = await ctx.approvals.request({ kind: 'reviewEdit', path: display, before, after }, ctx.token);
    if (answer === 'deny') {
      const why = grantsExecution ? ` (Holdfast asked because ${grantsExecution})` : '';
      throw new ToolError(`The user rejected this edit to ${display}${why}; nothing was changed. Ask what they would like instead, or try a different approach.`, 'denied');
    }
  }

  const result = await services.workspace.applyEdit([change]);
  if (!result.applied) {
    throw new ToolError(`The edit to ${display} could not be applied (${result.reason}). Nothing was changed. Read the file again and retry.`);
  }
  const entry: JournalEntry = { turnId: ctx.turnId, callId: ctx.callId, path: resolved.absolute, display, before, after, at: services.clock.now() };
  ctx.journal.record(entry);
  ctx.reads.record(resolved.absolute, after);
  ctx.editAttempts.failures.delete(resolved.absolute);
  ctx.onEditApplied(entry);

  const lines = (text: string): number => (text === '' ? 0 : text.split('\n').length);
  if (before === undefined) return { text: `Created ${display} (${lines(after)} lines).`, path: display };
  const count = change.kind === 'modify' ? change.replacements.length : 1;
  return { text: `Edited ${display}: ${count} replacement(s) applied; the file now has ${lines(after)} lines.`, path: display };
}

async function countMismatch(error: MismatchError, absolute: string, display: string, ctx: ToolCallContext): Promise<void> {
  const failures = (ctx.editAttempts.failures.get(absolute) ?? 0) + 1;
  ctx.editAttempts.failures.set(absolute, failures);
  if (failures < MAX_EDIT_MISMATCHES) return;
  const answer = await ctx.approvals.request({ kind: 'editMismatches', path: display, failures, lastError: error.message }, ctx.token);
  if (answer === 'deny') {
    ctx.editAttempts.stopped.add(absolute);
    throw new ToolError(
      `Your edits to ${display} failed to match ${failures} times and the user asked you to stop editing it. Explain to the user what you wanted to change instead.`,
      'denied',
    );
  }
  ctx.editAttempts.failures.set(absolute, 0);
}

/** Finds each old_text exactly once; offsets into `text`. Throws MismatchError with a hint on failure. */
function locateEdits(text: string, edits: Args['edits'], display: string): TextReplacement[] {
  const crlf = text.includes('\r\n');
  const replacements: TextReplacement[] = [];
  edits.forEach((edit, index) => {
    const label = edits.length > 1 ? `edits[${index}].old_text` : 'old_text';
    if (edit.old_text === '') throw new ToolError(`${label} is empty. Give the exact text to replace (to create a file, use content).`);
    // The model writes LF; a CRLF file still matches, and the replacement keeps the file's line endings.
    const oldText = crlf && !edit.old_text.includes('\r') ? edit.old_text.replace(/\n/g, '\r\n') : edit.old_text;
    const newText = crlf && !edit.new_text.includes('\r') ? edit.new_text.replace(/\n/g, '\r\n') : edit.new_text;
    const positions = occurrences(text, oldText);
    if (positions.length === 0) throw new MismatchError(`${label} was not found in ${display}. ${mismatchHint(text, edit.old_text)}`);
    if (positions.length > 1) {
      const lineNumbers = positions.slice(0, 5).map((p) => lineAt(text, p));
      throw new MismatchError(`${label} occurs ${positions.length} times in ${display} (lines ${lineNumbers.join(', ')}). Include more surrounding lines so it matches exactly once.`);
    }
    replacements.push({ start: positions[0]!, end: positions[0]! + oldText.length, newText });
  });
  const sorted = [...replacements].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) throw new ToolError('Two edits overlap. Merge them into one edit.');
  }
  return sorted;
}

function applyReplacements(text: string, replacements: readonly TextReplacement[]): string {
  let out = '';
  let cursor = 0;
  for (const r of replacements) {
    out += text.slice(cursor, r.start) + r.newText;
    cursor = r.end;
  }
  return out + text.slice(cursor);
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) found.push(i);
  return found;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Tells the model why its text did not match: whitespace only, or where its first line does occur. */
function mismatchHint(text: string, oldText: string): string {
  const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
  if (squash(text).includes(squash(oldText))) {
    return 'It matches only when whitespace is ignored: copy indentation and line breaks exactly from your latest read_file.';
  }
  const firstLine = oldText.split('\n').find((l) => l.trim() !== '')?.trim();
  if (firstLine) {
    const lines = text.split(/\r?\n/);
    const index = lines.findIndex((l) => l.trim() === firstLine);
    if (index !== -1) {
      const excerpt = lines.slice(index, index + 6).join('\n');
      return `Its first line occurs at line ${index + 1}, where the file reads:\n${excerpt}\nUse the file's exact text.`;
    }
  }
  return 'Read the file again and copy old_text exactly from it.';
}
