// Reading what tools returned, as a model reads it: from the text alone. The emulator is independent
// of src/, so these parse the documented text formats rather than importing the code that writes them.
import type { DiagnosticView } from './diagnosticFixes';

export interface FileView {
  /** The workspace-relative path the tool reported (from its header), or the path asked for. */
  path: string;
  lines: string[];
  /** 1-based number of the first line in `lines`. */
  firstLine: number;
}

const READ_HEADER = /^(.+?) — lines (\d+)-(\d+) of (\d+)(?: — more: .*)?$/;

/** The content of a read_file output without its header line ("src/a.ts — lines 1-4 of 4"). */
export function parseReadOutput(output: string, askedPath: string): FileView {
  const text = output.replace(/\r\n/g, '\n');
  const newline = text.indexOf('\n');
  const header = READ_HEADER.exec(newline < 0 ? text : text.slice(0, newline));
  if (header) {
    return { path: header[1] ?? askedPath, firstLine: Number(header[2]), lines: newline < 0 ? [] : text.slice(newline + 1).split('\n') };
  }
  if (/ is empty \(0 lines\)\.$/.test(text.trim())) return { path: askedPath, firstLine: 1, lines: [] };
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return { path: askedPath, firstLine: 1, lines };
}

/** Whether a tool's output says it failed, was refused, declined or cancelled. */
export function isToolFailure(output: string): boolean {
  return /^(error|failed|refused)\b|ENOENT|does not exist|not found|no such file|denied|declined|rejected|asked you to stop|was cancelled|could not be applied|Nothing to do|unchanged|You have not read|changed since you last read|There is no task/i.test(
    output.trim(),
  );
}

export function wasDeclinedByUser(output: string): boolean {
  return /declined|rejected|asked you to stop|discard/i.test(output);
}

export interface TestFailure {
  name: string;
  /** The first lines of the error, e.g. "AssertionError …: 300 !== 1200". */
  message: string;
  /** Where the failing test is ("test/cart.test.js"), and the failing line in it, when the output says. */
  file: string | undefined;
  line: number | undefined;
}

export interface TestRun {
  /** False when nothing ran (no such task, declined, cancelled). */
  ran: boolean;
  exitCode: number | undefined;
  passed: number | undefined;
  failed: number | undefined;
  failures: TestFailure[];
  output: string;
}

function count(output: string, label: string): number | undefined {
  const m = new RegExp(`^\\s*(?:ℹ|#)\\s*${label}\\s+(\\d+)\\s*$`, 'm').exec(output);
  return m ? Number(m[1]) : undefined;
}

/** Reads a run_task / run_command result holding `node --test` output (spec or TAP reporter). */
export function parseTestRun(output: string): TestRun {
  const exit = /(?:exited with code|exit code)\s+(-?\d+)/i.exec(output);
  const ran = !isToolFailure(output) || exit !== null;
  const failures: TestFailure[] = [];
  // The spec reporter lists failures again at the end, each after "test at <file>:<line>:<col>".
  const summary = output.split(/✖ failing tests:/)[1] ?? output;
  const blocks = summary.split(/\n(?=test at |✖ )/);
  let pendingLocation: { file: string; line: number } | undefined;
  for (const block of blocks) {
    const at = /^test at (.+?):(\d+):\d+/.exec(block);
    if (at) {
      pendingLocation = { file: at[1] ?? '', line: Number(at[2]) };
      continue;
    }
    const head = /^✖ (.+?)(?: \([\d.]+m?s\))?$/m.exec(block);
    if (!head || /failing tests:/.test(head[1] ?? '')) continue;
    const name = head[1] ?? '';
    if (failures.some((f) => f.name === name)) continue;
    // The error's own lines: up to the stack trace (after it come the error's fields, `code: '…',`).
    const lines = block.split('\n').slice(1).map((l) => l.trim());
    const stack = lines.findIndex((l) => l.startsWith('at '));
    const body = (stack < 0 ? lines : lines.slice(0, stack)).filter((l) => l !== '' && l !== '{');
    const frames = [...block.matchAll(/\bat (?:.*? \()?([^\s()]+?\.[cm]?[jt]sx?):(\d+):\d+\)?/g)];
    const file = pendingLocation?.file ?? frames.find((f) => !(f[1] ?? '').startsWith('node:'))?.[1];
    const inTest = file === undefined ? undefined : frames.find((f) => (f[1] ?? '').endsWith(file));
    const line = inTest ? Number(inTest[2]) : pendingLocation?.line;
    failures.push({ name, message: body.slice(0, 3).join(' ').replace(/\s+/g, ' ').slice(0, 200), file, line });
    pendingLocation = undefined;
  }
  return {
    ran,
    exitCode: exit ? Number(exit[1]) : undefined,
    passed: count(output, 'pass'),
    failed: count(output, 'fail'),
    failures,
    output,
  };
}

/** Problems as get_diagnostics lists them: "src/a.js:6:36-6:43 error [ts 2552]: message". */
export function parseDiagnosticsOutput(output: string): Array<DiagnosticView & { path: string }> {
  const entries: Array<DiagnosticView & { path: string }> = [];
  for (const line of output.split('\n')) {
    const m = /^(.+?):(\d+):(\d+)-\d+:\d+ (error|warning|information|hint)(?: \[([^\]]*)\])?: (.*)$/.exec(line.trim());
    if (m) entries.push({ path: m[1] ?? '', line: Number(m[2]), column: Number(m[3]), severity: m[4] ?? 'error', origin: m[5] ?? '', message: m[6] ?? '' });
  }
  return entries;
}

/** Names a test file imports from other modules, with the module specifier: `{ subtotal } = require('../src/cart')`. */
export function importedNames(lines: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of lines) {
    const m =
      /(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/.exec(line) ?? /import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/.exec(line);
    if (!m || !(m[2] ?? '').startsWith('.')) continue;
    for (const raw of (m[1] ?? '').split(',')) {
      const local = raw.split(/\s+as\s+|:/).pop()?.trim();
      if (local) names.set(local, m[2] ?? '');
    }
  }
  return names;
}

/** `../src/cart` seen from `test/cart.test.js` → `src/cart.js`. */
export function resolveModule(fromFile: string, specifier: string): string {
  const parts = fromFile.split('/').slice(0, -1);
  for (const segment of specifier.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  const joined = parts.join('/');
  if (/\.[cm]?[jt]sx?$/.test(joined)) return joined;
  const extension = /\.([cm]?[jt]sx?)$/.exec(fromFile)?.[1] ?? 'js';
  return `${joined}.${extension}`;
}
