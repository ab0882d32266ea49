// Reading a single-shot request (inline edit, fix, fix all, explain, follow-up) the way a model reads
// it: from the user message's text. The formats are the ones Holdfast sends; the emulator keeps its own
// reader so it catches a client that sends something else.
import type { DiagnosticView } from './diagnosticFixes';

export interface Region {
  path: string;
  language: string;
  /** 1-based line of the first selected line. */
  startLine: number;
  before: string[];
  selected: string[];
  after: string[];
}

export type RegionRequest =
  | { kind: 'inlineEdit'; instruction: string; region: Region }
  | { kind: 'fix'; diagnostics: DiagnosticView[]; region: Region }
  | { kind: 'explain'; diagnostic: DiagnosticView; region: Region }
  | { kind: 'followUp'; instruction: string };

function section(text: string, tag: string): string[] | undefined {
  const m = new RegExp(`(?:^|\\n)<${tag}>\\n([\\s\\S]*?)\\n?</${tag}>(?:\\n|$)`).exec(text);
  if (!m) return undefined;
  return m[1] === '' ? [] : (m[1] ?? '').split('\n');
}

export function parseRegion(text: string): Region | undefined {
  const file = /(?:^|\n)File: (.+?) \(([^)]*)\), the region starts at line (\d+)\./.exec(text);
  const selected = section(text, 'selection');
  if (!file || selected === undefined) return undefined;
  return {
    path: file[1] ?? '',
    language: file[2] ?? '',
    startLine: Number(file[3]),
    before: section(text, 'before') ?? [],
    selected,
    after: section(text, 'after') ?? [],
  };
}

/** "error (ts 2552) at line 6, column 36: Cannot find name 'subtotl'." */
export function parseDiagnosticLine(line: string): DiagnosticView | undefined {
  const m = /^(?:- )?(error|warning|information|hint)(?: \(([^)]*)\))? at line (\d+), column (\d+): (.*)$/.exec(line.trim());
  if (!m) return undefined;
  return { severity: m[1] ?? 'error', origin: m[2] ?? '', line: Number(m[3]), column: Number(m[4]), message: m[5] ?? '' };
}

function diagnosticsIn(text: string): DiagnosticView[] {
  const head = text.split(/\n\nFile: /)[0] ?? '';
  return head.split('\n').flatMap((line) => parseDiagnosticLine(line) ?? []);
}

/** The request this user message makes, or undefined when it is an ordinary prompt. */
export function parseRegionRequest(text: string): RegionRequest | undefined {
  const followUp = /^Follow-up on your proposal: ([\s\S]*?)\nReply again with the complete replacement/.exec(text);
  if (followUp) return { kind: 'followUp', instruction: (followUp[1] ?? '').trim() };
  const region = parseRegion(text);
  if (!region) return undefined;
  const instruction = /^Instruction: ([\s\S]*?)\n\nFile: /.exec(text);
  if (instruction) return { kind: 'inlineEdit', instruction: (instruction[1] ?? '').trim(), region };
  const diagnostics = diagnosticsIn(text);
  if (/^Explain this problem:/.test(text) && diagnostics[0]) return { kind: 'explain', diagnostic: diagnostics[0], region };
  if (/^Fix (this problem|all \d+ problems)/.test(text) && diagnostics.length > 0) return { kind: 'fix', diagnostics, region };
  return undefined;
}
