// Agent turns about one named file (document it, rename in it, make it async, explain it, or the
// classic "read it and add a note") and "fix the problems VS Code reports". Each reads the file first
// and edits what it read: every old_text is real text of the file.
import type { PlannedItem } from '../plan';
import { addDocComments, findFunctions, languageOf, makeAsync, renameIdentifier, describeName } from './codeEdits';
import { fixDiagnostic } from './diagnosticFixes';
import { lineEdits } from './lineEdits';
import { isToolFailure, parseDiagnosticsOutput, parseReadOutput, wasDeclinedByUser, type FileView } from './toolOutputText';
import { call, outputBlock, say, type TurnHistory } from './turnHistory';

export type FileIntent =
  | { kind: 'docComments'; path: string }
  | { kind: 'rename'; path: string; from: string; to: string }
  | { kind: 'async'; path: string }
  | { kind: 'explain'; path: string }
  | { kind: 'reviewNote'; path: string };

function commentPrefix(filePath: string): [string, string] {
  if (/\.(py|sh|ya?ml|toml|rb|ini|cfg)$/i.test(filePath)) return ['# ', ''];
  if (/\.(md|html|xml|vue|svelte)$/i.test(filePath)) return ['<!-- ', ' -->'];
  if (/\.(css|scss)$/i.test(filePath)) return ['/* ', ' */'];
  return ['// ', ''];
}

/** The file's new lines for `intent`, with what to say; a string when there is nothing to change. */
function transform(intent: FileIntent, file: FileView): { lines: string[]; before: string; after: string } | string {
  const language = languageOf(file.path);
  const name = `\`${file.path}\``;
  switch (intent.kind) {
    case 'docComments': {
      const done = addDocComments(file.lines, language);
      if (!done) return `Every function in ${name} already has a doc comment.`;
      const list = done.documented.map((n) => `\`${n}\``).join(', ');
      return { lines: done.lines, before: `I read ${name}. I will add doc comments to ${list}.`, after: `Done: I added doc comments to ${list} in ${name}.` };
    }
    case 'rename': {
      const done = renameIdentifier(file.lines, intent.from, intent.to);
      if (!done) return `\`${intent.from}\` does not occur in ${name}, so there is nothing to rename.`;
      return { lines: done.lines, before: `I read ${name}: \`${intent.from}\` occurs ${done.count}×. Renaming it to \`${intent.to}\`.`, after: `Done: \`${intent.from}\` is now \`${intent.to}\` in ${name}. Other files that use it are unchanged.` };
    }
    case 'async': {
      const done = makeAsync(file.lines, language);
      if (!done) return `Every function in ${name} is already async.`;
      const list = done.changed.map((n) => `\`${n}\``).join(', ');
      return { lines: done.lines, before: `I read ${name}. Making ${list} async.`, after: `Done: ${list} ${done.changed.length === 1 ? 'is' : 'are'} now async in ${name}. Callers need to \`await\` ${done.changed.length === 1 ? 'it' : 'them'}.` };
    }
    case 'reviewNote': {
      const first = file.lines.findIndex((l) => l.trim().length > 0);
      if (first < 0) return `${name} is empty.`;
      const [open, close] = commentPrefix(file.path);
      const lines = [...file.lines];
      lines.splice(first, 0, `${open}Reviewed by Holdfast.${close}`);
      return {
        lines,
        before: `I read ${name} (${file.lines.length} lines). I will add a short review note at the top.`,
        after: `Done: I edited ${name}.\n\n- Added a short note at the top of the file.\n- Nothing else changed; you can undo it from the editor.`,
      };
    }
    case 'explain':
      return explanation(file);
  }
}

function explanation(file: FileView): string {
  const functions = findFunctions(file.lines, languageOf(file.path));
  if (functions.length === 0) {
    const lang = /\.(\w+)$/.exec(file.path)?.[1] ?? '';
    return `Here is the start of \`${file.path}\` (${file.lines.length} lines):\n\n\`\`\`${lang}\n${file.lines.slice(0, 20).join('\n')}\n\`\`\``;
  }
  const list = functions.map((f) => `- \`${f.name}(${f.params.join(', ')})\` (line ${file.firstLine + f.index}) — ${describeName(f.name)}`).join('\n');
  return `\`${file.path}\` (${file.lines.length} lines) defines ${functions.length} function${functions.length === 1 ? '' : 's'}:\n\n${list}\n\nAsk me to add doc comments, rename something, or run the tests.`;
}

export function fileFlow(intent: FileIntent, history: TurnHistory): PlannedItem[] {
  const read = history.tool('read');
  if (!read) return [say(`I cannot read files in this conversation, so I cannot look at \`${intent.path}\`.`)];
  const readUse = history.readOf(intent.path);
  if (!readUse?.output) return [call(read, { path: intent.path })];
  if (isToolFailure(readUse.output)) return [say(`I could not read \`${intent.path}\`:\n\n${outputBlock(readUse.output, 6)}\n\nCheck the path and ask again.`)];
  const file = parseReadOutput(readUse.output, intent.path);
  const planned = transform(intent, file);
  if (typeof planned === 'string') return [say(planned)];
  const edit = history.tool('edit');
  const editUse = history.usesOf('edit').pop();
  if (editUse?.output !== undefined) {
    if (!isToolFailure(editUse.output)) return [say(planned.after)];
    return [say(wasDeclinedByUser(editUse.output) ? `You discarded the change, so \`${file.path}\` is unchanged.` : `The edit to \`${file.path}\` was not applied:\n\n${outputBlock(editUse.output, 6)}`)];
  }
  if (!edit) return [say(`${planned.before} (I cannot edit files in this conversation, so here is the result instead.)\n\n\`\`\`\n${planned.lines.join('\n')}\n\`\`\``)];
  const args: Record<string, unknown> = { path: file.path };
  if (edit.params.includes('edits') || edit.params.length === 0) args['edits'] = lineEdits(file.lines, planned.lines);
  else if (edit.params.includes('content')) args['content'] = planned.lines.join('\n') + '\n';
  return [say(planned.before), call(edit, args)];
}

/** "Fix the problems VS Code reports": list them, then per file read it and fix what the demo model can. */
export function fixProblemsFlow(history: TurnHistory, path: string | null): PlannedItem[] {
  const diagnostics = history.tool('diagnostics');
  if (!diagnostics) return [say('I cannot see the problems VS Code reports in this conversation.')];
  const listed = history.usesOf('diagnostics').pop();
  if (!listed?.output) return [say('Looking at the problems VS Code reports.'), call(diagnostics, { path, min_severity: null })];
  const problems = parseDiagnosticsOutput(listed.output);
  if (problems.length === 0) return [say(`VS Code reports no problems${path ? ` in \`${path}\`` : ''}. (It checks the files that are open; open a file to have it checked.)`)];
  const files = [...new Set(problems.map((p) => p.path))];
  const read = history.tool('read');
  const edit = history.tool('edit');
  const fixed: string[] = [];
  const unfixed: string[] = [];
  for (const file of files) {
    const readUse = history.readOf(file);
    if (!readUse?.output) return read ? [call(read, { path: file })] : [say('I cannot read files in this conversation.')];
    const view = parseReadOutput(readUse.output, file);
    const after: Array<string | null> = [...view.lines];
    const fixedHere: string[] = [];
    for (const problem of problems.filter((p) => p.path === file)) {
      const index = problem.line - view.firstLine;
      const line = after[index];
      const fix = typeof line === 'string' ? fixDiagnostic(line, problem) : undefined;
      if (fix) {
        after[index] = fix.after;
        fixedHere.push(`- \`${file}:${problem.line}\` — ${fix.why}.`);
      } else unfixed.push(`- \`${file}:${problem.line}\` — ${problem.message}`);
    }
    if (fixedHere.length === 0 || !edit) continue;
    const lines = after.filter((l): l is string => l !== null);
    const editUse = history.uses.find((u) => u.name === edit.name && String(u.args['path']) === view.path);
    if (!editUse?.output) return [call(edit, { path: view.path, edits: lineEdits(view.lines, lines), content: null })];
    if (isToolFailure(editUse.output)) unfixed.push(`- \`${view.path}\` — ${wasDeclinedByUser(editUse.output) ? 'you discarded the change' : 'the edit was not applied'}`);
    else fixed.push(...fixedHere);
  }
  const parts = [fixed.length > 0 ? `I fixed:\n\n${fixed.join('\n')}` : 'I could not fix any of them.'];
  if (unfixed.length > 0) parts.push(`The demo model does not know how to fix:\n\n${unfixed.join('\n')}`);
  return [say(parts.join('\n\n'))];
}
