// The demo model's answers to inline edits, fixes and explanations: it changes the selected code the
// way the instruction or the diagnostic asks, or says plainly that the demo cannot, never something else.
import { functionCalls, lastUserText } from '../context';
import type { ModelInput, PlannedItem } from '../plan';
import type { JsonObject } from '../types';
import { addDocComments, describeName, makeAsync, renameIdentifier } from './codeEdits';
import { explainDiagnostic, fixDiagnostic } from './diagnosticFixes';
import { parseRegionRequest, type Region, type RegionRequest } from './regionRequest';

const REPLACE_TOOL = 'replace_selection';

export const DEMO_INSTRUCTIONS = [
  '"add a doc comment"',
  '"rename <old> to <new>"',
  '"make it async"',
  '"remove the comments"',
];

type Edit = { lines: string[]; summary: string } | { refusal: string };

function languageKey(languageId: string): string {
  return languageId === 'python' ? 'python' : languageId;
}

function addDocComment(lines: readonly string[], language: string): Edit {
  const documented = addDocComments(lines, languageKey(language));
  if (documented) return { lines: documented.lines, summary: `Added a doc comment to ${documented.documented.map((n) => `\`${n}\``).join(', ')}.` };
  const first = lines.findIndex((l) => l.trim() !== '');
  const declared = /^\s*(?:export\s+)?(?:const|let|var|class|type|interface)\s+([\w$]+)/.exec(lines[first] ?? '');
  if (first < 0 || !declared) return { refusal: 'The selection already has doc comments (or holds nothing to document).' };
  const indent = /^\s*/.exec(lines[first] ?? '')?.[0] ?? '';
  const comment = language === 'python' ? `${indent}# ${describeName(declared[1] ?? '')}` : `${indent}/** ${describeName(declared[1] ?? '')} */`;
  return { lines: [...lines.slice(0, first), comment, ...lines.slice(first)], summary: `Added a doc comment to \`${declared[1]}\`.` };
}

function removeComments(lines: readonly string[]): Edit {
  const kept: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (inBlock) {
      if (trimmed.includes('*/')) inBlock = false;
      continue;
    }
    if (trimmed.startsWith('/*')) {
      inBlock = !trimmed.includes('*/');
      continue;
    }
    if (trimmed.startsWith('//') || trimmed.startsWith('#')) continue;
    kept.push(line);
  }
  return kept.length === lines.length ? { refusal: 'There are no whole-line comments in the selection to remove.' } : { lines: kept, summary: 'Removed the comments.' };
}

/** What an instruction asks for, applied to `lines`; undefined when the demo model does not understand it. */
export function applyInstruction(instruction: string, lines: readonly string[], language: string): Edit | undefined {
  const rename = /\brename\s+[`'"]?([\w$]+)[`'"]?\s+(?:to|as|into)\s+[`'"]?([\w$]+)/i.exec(instruction);
  if (rename) {
    const renamed = renameIdentifier(lines, rename[1] ?? '', rename[2] ?? '');
    return renamed ? { lines: renamed.lines, summary: `Renamed \`${rename[1]}\` to \`${rename[2]}\` (${renamed.count}×).` } : { refusal: `\`${rename[1]}\` does not occur in the selection.` };
  }
  if (/\b(remove|delete|strip)\b.*\bcomments?\b/i.test(instruction)) return removeComments(lines);
  if (/\b(doc(umentation)?|jsdoc|docstring|comment)\b/i.test(instruction)) return addDocComment(lines, language);
  if (/\basync\b/i.test(instruction)) {
    const made = makeAsync(lines, languageKey(language));
    return made ? { lines: made.lines, summary: `Made ${made.changed.map((n) => `\`${n}\``).join(', ')} async.` } : { refusal: 'Every function in the selection is already async (or there is none).' };
  }
  return undefined;
}

function notUnderstood(instruction: string): PlannedItem[] {
  return [
    {
      kind: 'text',
      text:
        `I am Holdfast's built-in demo model, so I only follow a few instructions: ${DEMO_INSTRUCTIONS.join(', ')}. ` +
        `“${instruction.slice(0, 120)}” is not one of them, so I changed nothing. (With a real model, \`npm start -- --openai\`, any instruction works.)`,
    },
  ];
}

function proposal(lines: readonly string[], tools: ReadonlySet<string>): PlannedItem {
  const code = lines.join('\n');
  if (tools.has(REPLACE_TOOL)) return { kind: 'call', name: REPLACE_TOOL, arguments: JSON.stringify({ code }), callId: '' };
  return { kind: 'text', text: '```\n' + code + '\n```' };
}

function answerEdit(edit: Edit | undefined, instruction: string, tools: ReadonlySet<string>): PlannedItem[] {
  if (edit === undefined) return notUnderstood(instruction);
  if ('refusal' in edit) return [{ kind: 'text', text: `${edit.refusal} I changed nothing.` }];
  return [proposal(edit.lines, tools)];
}

function answerFix(request: Extract<RegionRequest, { kind: 'fix' }>, tools: ReadonlySet<string>): PlannedItem[] {
  const { region } = request;
  const lines: Array<string | null> = [...region.selected];
  const unfixed: string[] = [];
  for (const d of request.diagnostics) {
    const index = d.line - region.startLine;
    const line = lines[index];
    const fix = line === undefined || line === null ? undefined : fixDiagnostic(line, d);
    if (fix) lines[index] = fix.after;
    else unfixed.push(d.message);
  }
  const fixedLines = lines.filter((l): l is string => l !== null);
  if (unfixed.length === request.diagnostics.length) {
    return [
      {
        kind: 'text',
        text: `The demo model does not know how to fix “${unfixed[0]?.slice(0, 160)}”, so I changed nothing. (It fixes misspelt names, numbers in quotes and unused declarations; a real model fixes the rest.)`,
      },
    ];
  }
  const items: PlannedItem[] = [proposal(fixedLines, tools)];
  if (unfixed.length > 0) items.unshift({ kind: 'text', text: `I left ${unfixed.length} problem(s) as they are: ${unfixed.map((m) => `“${m.slice(0, 80)}”`).join(', ')}.` });
  return items;
}

function lineOf(region: Region, line: number): string | undefined {
  const all = [...region.before, ...region.selected, ...region.after];
  return all[line - (region.startLine - region.before.length)];
}

/** The code of the last proposal in the context, and the original request it answered. */
function previousProposal(input: ModelInput): { lines: string[]; region: Region } | undefined {
  const original = input.context.map((item) => (item['role'] === 'user' ? lastUserText([item]) : null)).find((text) => text !== null && parseRegionRequest(text)?.kind !== 'followUp');
  const request = original ? parseRegionRequest(original) : undefined;
  const last = functionCalls(input.context).filter((c) => c.name === REPLACE_TOOL).pop();
  if (!request || request.kind === 'followUp' || !last) return undefined;
  try {
    const code = (JSON.parse(last.arguments) as { code?: unknown }).code;
    return typeof code === 'string' ? { lines: code.split('\n'), region: request.region } : undefined;
  } catch {
    return undefined;
  }
}

/** The answer to an inline edit / fix / explain request in `text`, or undefined when `text` is an ordinary prompt. */
export function singleShotAnswer(text: string, input: ModelInput, offered: ReadonlyMap<string, JsonObject>): PlannedItem[] | undefined {
  const request = parseRegionRequest(text);
  if (!request) return undefined;
  const tools = new Set(offered.keys());
  switch (request.kind) {
    case 'inlineEdit':
      return answerEdit(applyInstruction(request.instruction, request.region.selected, request.region.language), request.instruction, tools);
    case 'fix':
      return answerFix(request, tools);
    case 'explain':
      return [{ kind: 'text', text: explainDiagnostic(request.diagnostic, lineOf(request.region, request.diagnostic.line)) }];
    case 'followUp': {
      const previous = previousProposal(input);
      if (!previous) return [{ kind: 'text', text: 'I cannot find my earlier proposal in this conversation, so I changed nothing.' }];
      return answerEdit(applyInstruction(request.instruction, previous.lines, previous.region.language), request.instruction, tools);
    }
  }
}
