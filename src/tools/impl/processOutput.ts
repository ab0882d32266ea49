import type { ProcessResult } from '../ports';

/** One format for task and command results: status first, then the (bounded later) output. */
export function describeProcessResult(what: string, result: ProcessResult, timeoutMs: number): string {
  const status = result.cancelled
    ? `${what} was stopped because the user cancelled.`
    : result.timedOut
      ? `${what} timed out after ${Math.round(timeoutMs / 1000)} s and was stopped.`
      : result.exitCode === undefined
        ? `${what} finished (no exit code reported).`
        : `${what} exited with code ${result.exitCode}.`;
  const output = result.output.trim() === '' ? '(no output)' : result.output;
  return `${status}\nOutput:\n${output}`;
}
