// "Run the tests" and "Fix the failing test", as an agent does them: run the test task, read the
// failing test, follow the function it calls to its source, fix what is wrong there (for review),
// and run the tests again. Every step reads real tool output; nothing here knows the demo's files.
import type { PlannedItem } from '../plan';
import { findFunctions, findLoopBug, functionExtent, languageOf } from './codeEdits';
import { lineEdits } from './lineEdits';
import { importedNames, isToolFailure, parseReadOutput, parseTestRun, resolveModule, wasDeclinedByUser, type TestFailure, type TestRun } from './toolOutputText';
import { call, outputBlock, say, type ToolUse, type TurnHistory } from './turnHistory';

const DEFAULT_TEST_TASK = 'test';

function runUses(history: TurnHistory): ToolUse[] {
  return [...history.usesOf('task'), ...history.usesOf('command')].sort((a, b) => history.uses.indexOf(a) - history.uses.indexOf(b));
}

function isMissingTask(output: string | undefined): boolean {
  return output !== undefined && /There is no task labelled|No task is labelled/.test(output);
}

/** The next call that runs the tests, trying the test task first, then another task named like it, then `npm test`. */
function runTestsCall(history: TurnHistory): PlannedItem | undefined {
  const tried = runUses(history);
  const missing = tried.filter((u) => isMissingTask(u.output));
  const lastGood = tried.filter((u) => !isMissingTask(u.output)).pop();
  const task = history.tool('task');
  if (lastGood && lastGood.name === task?.name) return call(task, { label: lastGood.args['label'] });
  if (task && !lastGood) {
    const triedLabels = new Set(missing.map((u) => String(u.args['label'])));
    const available = [...(missing.pop()?.output ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
    const label = [DEFAULT_TEST_TASK, ...available.filter((l) => /test/i.test(l))].find((l) => !triedLabels.has(l));
    if (label !== undefined) return call(task, { label });
  }
  const command = history.tool('command');
  return command ? call(command, { command: 'npm test', cwd: null, timeout_seconds: 300 }) : undefined;
}

/** Completed runs (not the "no such task" attempts), oldest first. */
function completedRuns(history: TurnHistory): TestRun[] {
  return runUses(history)
    .filter((u) => u.output !== undefined && !isMissingTask(u.output))
    .map((u) => parseTestRun(u.output ?? ''));
}

function isPassing(run: TestRun): boolean {
  return run.failures.length === 0 && (run.failed === 0 || run.exitCode === 0);
}

function describeFailure(f: TestFailure): string {
  const where = f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : '';
  return `- *${f.name}* — \`${f.message.replace(/`/g, "'").slice(0, 140)}\`${where}`;
}

export function summariseRun(run: TestRun): string {
  if (!run.ran) {
    return wasDeclinedByUser(run.output) ? 'You declined to run the tests, so nothing ran.' : `The tests could not be run:\n\n${outputBlock(run.output, 8)}`;
  }
  const total = run.passed !== undefined && run.failed !== undefined ? run.passed + run.failed : undefined;
  if (isPassing(run)) return total !== undefined ? `All ${total} tests pass.` : 'The tests pass.';
  const head =
    total !== undefined && run.failed !== undefined
      ? `${run.passed} of ${total} tests pass; **${run.failed} ${run.failed === 1 ? 'fails' : 'fail'}**:`
      : `The tests fail (exit code ${run.exitCode ?? 'unknown'}):`;
  const failures = run.failures.length > 0 ? run.failures.slice(0, 5).map(describeFailure).join('\n') : outputBlock(run.output, 12);
  return `${head}\n\n${failures}`;
}

/** "Run the tests": run them, then say what passed and what failed. */
export function runTestsFlow(history: TurnHistory): PlannedItem[] {
  const runs = completedRuns(history);
  const next = runs.length === 0 ? runTestsCall(history) : undefined;
  if (next) return runUses(history).length === 0 ? [say('Running the tests.'), next] : [next];
  const last = runs[runs.length - 1];
  if (!last) return [say('There is no test task or command I can run here.')];
  const advice = last.ran && !isPassing(last) ? '\n\nAsk me to **fix the failing test**: I will find the cause, propose the change for your review, and run the tests again.' : '';
  return [say(summariseRun(last) + advice)];
}

/** The function of the source under test called in the failing test, and the module it comes from. */
function functionUnderTest(testLines: readonly string[], firstLine: number, testPath: string, failingLine: number | undefined): { name: string; source: string } | undefined {
  const imports = importedNames(testLines);
  const at = failingLine === undefined ? testLines.length - 1 : Math.min(testLines.length - 1, failingLine - firstLine);
  // From the failing line back to the start of its test: the nearest call of an imported function.
  for (let i = at; i >= 0; i--) {
    const line = testLines[i] ?? '';
    for (const [name, module] of imports) if (new RegExp(`(?<![\\w$.])${name.replace(/[$]/g, '\\$')}\\s*\\(`).test(line)) return { name, source: resolveModule(testPath, module) };
    if (/^\s*(test|it)\s*\(/.test(line)) break;
  }
  return undefined;
}

function fixFromSource(history: TurnHistory, failure: TestFailure, target: { name: string; source: string }, sourceOutput: string): PlannedItem[] {
  const edit = history.tool('edit');
  const source = parseReadOutput(sourceOutput, target.source);
  const fn = findFunctions(source.lines, languageOf(source.path)).find((f) => f.name === target.name);
  const extent = fn ? functionExtent(source.lines, fn) : { start: 0, end: source.lines.length };
  const bug = findLoopBug(source.lines, extent.start, extent.end);
  if (!bug || !edit) {
    return [say(`*${failure.name}* fails, and it calls \`${target.name}\` in \`${source.path}\`. I read it, but the demo model cannot see what is wrong there, so I changed nothing. The failure:\n\n${outputBlock(failure.message, 6)}`)];
  }
  const after = [...source.lines];
  after[bug.index] = bug.after;
  return [
    say(`*${failure.name}* fails because in \`${target.name}\` (${source.path}:${source.firstLine + bug.index}) ${bug.why}. I will fix that line, then run the tests again.`),
    call(edit, { path: source.path, edits: lineEdits(source.lines, after), content: null }),
  ];
}

/** "Fix the failing test": run, read the test, read the code it calls, fix it (for review), run again. */
export function fixTestsFlow(history: TurnHistory): PlannedItem[] {
  const runs = completedRuns(history);
  const first = runs[0];
  if (!first) return runTestsFlow(history);
  if (!first.ran) return [say(summariseRun(first))];
  if (isPassing(first)) return [say(`${summariseRun(first)} There is no failing test to fix.`)];
  const failure = first.failures[0];
  const read = history.tool('read');
  if (!failure?.file || !read) return [say(`${summariseRun(first)}\n\nThe output does not say which test file failed, so I stopped here.`)];

  const edits = history.usesOf('edit');
  const lastEdit = edits[edits.length - 1];
  if (lastEdit?.output !== undefined) {
    if (isToolFailure(lastEdit.output)) {
      return [say(wasDeclinedByUser(lastEdit.output) ? 'You discarded the fix, so nothing changed and the test still fails.' : `The fix was not applied:\n\n${outputBlock(lastEdit.output, 6)}`)];
    }
    const after = runs[runs.length - 1];
    if (runs.length < 2 || !after) {
      const again = runTestsCall(history);
      return again ? [again] : [say('The fix is in. Run the tests to check it.')];
    }
    return [say(isPassing(after) ? `Fixed. ${summariseRun(after)}` : `The fix did not make every test pass. ${summariseRun(after)}`)];
  }

  const testRead = history.readOf(failure.file);
  if (!testRead?.output) return [say(`${summariseRun(first)}\n\nLet me look at the test.`), call(read, { path: failure.file })];
  if (isToolFailure(testRead.output)) return [say(`I could not read the test file:\n\n${outputBlock(testRead.output, 4)}`)];
  const test = parseReadOutput(testRead.output, failure.file);
  const target = functionUnderTest(test.lines, test.firstLine, test.path, failure.line);
  if (!target) return [say(`The failing test is in \`${test.path}\`, but I cannot tell which function it tests, so I stopped here.`)];
  const sourceRead = history.readOf(target.source);
  if (!sourceRead?.output) return [say(`The test calls \`${target.name}\`; reading \`${target.source}\`.`), call(read, { path: target.source })];
  if (isToolFailure(sourceRead.output)) return [say(`I could not read \`${target.source}\`:\n\n${outputBlock(sourceRead.output, 4)}`)];
  return fixFromSource(history, failure, target, sourceRead.output);
}
